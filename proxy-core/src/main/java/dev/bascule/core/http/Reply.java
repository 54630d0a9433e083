package dev.bascule.core.http;

import dev.bascule.config.model.HttpReply;
import dev.bascule.core.sample.Format;
import dev.bascule.core.sample.SampleContext;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;

/**
 * A rule's {@link HttpReply} ready to answer ({@code deny}, {@code return}, either side): its formats compiled and
 * an errorfile's response parsed once, when the generation is built, so that no event loop parses or reads a file.
 */
final class Reply {
    private final HttpReply model;
    /** The payload of {@code lf-string}/{@code lf-file}, or null. */
    private final Format body;
    private final Format[] headerValues;
    /** The parsed response of {@code errorfile}, or null. */
    private final FullHttpResponse whole;

    private Reply(HttpReply model) {
        this.model = model;
        this.body = model.body() instanceof HttpReply.Formatted f ? Format.of(f.format()) : null;
        this.headerValues = model.headers().stream().map(h -> Format.of(h.value())).toArray(Format[]::new);
        this.whole = model.body() instanceof HttpReply.WholeResponse w
                ? ErrorPages.parse(w.text().getBytes(StandardCharsets.ISO_8859_1), model.status()) : null;
    }

    static Reply of(HttpReply model) {
        return new Reply(model);
    }

    int status() {
        return model.status();
    }

    /** The answer for this transaction, or null where it is the proxy's own page for the status. */
    FullHttpResponse build(SampleContext c) {
        if (whole != null) {
            return whole.retainedDuplicate();
        }
        String text;
        if (model.body() instanceof HttpReply.Text t) {
            text = t.text();
        } else if (body != null) {
            text = body.evaluate(c);
        } else {
            return null;
        }
        byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
        FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                new HttpResponseStatus(model.status(), ResponseRules.reason(model.status())), Unpooled.wrappedBuffer(bytes));
        // HAProxy's http_reply_to_htx order: the rule's headers, then the length, then the type.
        for (int i = 0; i < headerValues.length; i++) {
            r.headers().add(model.headers().get(i).name(), headerValues[i].evaluate(c));
        }
        r.headers().add(HttpHeaderNames.CONTENT_LENGTH, bytes.length);
        if (bytes.length > 0 && model.contentType() != null) {
            r.headers().add(HttpHeaderNames.CONTENT_TYPE, model.contentType());
        }
        return r;
    }
}
