package dev.bascule.config;

import dev.bascule.config.model.Config;
import dev.bascule.config.model.ErrorPage;
import dev.bascule.config.model.HttpReply;
import dev.bascule.config.sample.SampleFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code http-errors} sections, {@code errorfile}, {@code errorfiles}, {@code errorloc*} and {@code http-error}. */
class ErrorPagesConfigTest {
    @TempDir
    Path dir;

    private static ParseResult parse(String text) {
        return new ConfigParser(Map.<String, String>of()::get, Set.of("EPOLL")).parse("test.cfg", text);
    }

    private static List<String> messages(String text, Diagnostic.Severity severity) {
        return parse(text).diagnostics().stream().filter(d -> d.severity() == severity).map(Diagnostic::text).toList();
    }

    private String head() {
        return "http-errors site\n    errorfile 503 " + dir.resolve("503.http") + "\n    errorfile 404 "
                + dir.resolve("404.http") + "\ndefaults\n    mode http\n    timeout client 1s\n    timeout server 1s\n"
                + "    timeout connect 1s\nfrontend f\n    bind :80\n    default_backend b\n";
    }

    private static SampleFormat literal(String text) {
        return new SampleFormat(List.of(new SampleFormat.Literal(text)));
    }

    @Test
    void an_http_error_page_is_a_reply_whose_log_format_parts_run_per_answer() throws IOException {
        Files.writeString(dir.resolve("503.http"), "HTTP/1.1 503 Down\r\n\r\n");
        Files.writeString(dir.resolve("404.http"), "HTTP/1.1 404 Gone\r\n\r\n");
        ParseResult r = parse(head() + "    http-error status 503 content-type text/plain lf-string \"down for %[src]\" "
                + "hdr X-Proxy %[fe_name]\nbackend b\n    server s 127.0.0.1:81\n");
        assertTrue(r.valid(), r.diagnostics().toString());
        HttpReply reply = ((ErrorPage.Reply) r.config().frontends().get(0).http().errorFiles().get(503)).reply();
        assertTrue(reply.body() instanceof HttpReply.Formatted, reply.toString());
        assertEquals("%[fe_name]", reply.headers().get(0).value().toString());
    }

    @Test
    void pages_are_taken_in_the_order_written_from_every_source() throws IOException {
        Files.writeString(dir.resolve("503.http"), "HTTP/1.1 503 Down\r\n\r\n");
        Files.writeString(dir.resolve("404.http"), "HTTP/1.1 404 Gone\r\n\r\n");
        Files.writeString(dir.resolve("body.txt"), "sorry");
        ParseResult r = parse(head() + "    errorfiles site\n    errorloc303 403 /denied\n"
                + "    http-error status 429 content-type text/plain string slow hdr Retry-After 10\n"
                + "    http-error status 404 default-errorfiles\n"
                + "    http-error status 500 content-type text/plain file " + dir.resolve("body.txt") + "\n"
                + "backend b\n    errorfiles site 404\n    server s 127.0.0.1:81\n");
        assertTrue(r.valid(), r.diagnostics().toString());
        Config c = r.config();
        assertEquals(Map.of(503, new ErrorPage.File(dir.resolve("503.http").toString()),
                403, new ErrorPage.Location(303, "/denied"),
                429, new ErrorPage.Reply(new HttpReply(429, new HttpReply.Text("slow"), "text/plain",
                        List.of(new HttpReply.Header("Retry-After", literal("10"))))),
                500, new ErrorPage.Reply(new HttpReply(500, new HttpReply.Text("sorry"), "text/plain", List.of()))),
                c.frontends().get(0).http().errorFiles());
        assertEquals(Map.of(404, new ErrorPage.File(dir.resolve("404.http").toString())),
                c.backends().get(0).http().errorFiles());
    }

    @Test
    void missing_files_unknown_sections_and_codes_are_haproxys_alerts() throws IOException {
        Files.writeString(dir.resolve("503.http"), "HTTP/1.1 503 Down\r\n\r\n");
        List<String> alerts = messages(head() + "    errorfile 400 /nonexistent/400.http\n    errorfiles nosuch\n"
                + "    errorloc 418 http://x/\n    errorloc303 503\n    http-error status 429 string x\n"
                + "backend b\n    server s 127.0.0.1:81\n", Diagnostic.Severity.ALERT);
        assertTrue(alerts.contains("parsing [test.cfg:3] : errorfile : error opening file '" + dir.resolve("404.http")
                + "'."), alerts.toString());
        assertTrue(alerts.contains("parsing [test.cfg:12] : errorfile : error opening file '/nonexistent/400.http'."),
                alerts.toString());
        assertTrue(alerts.contains("parsing [test.cfg:13] : proxy 'f': unknown http-errors section 'nosuch'; declare "
                + "it with 'http-errors nosuch'"), alerts.toString());
        assertTrue(alerts.stream().anyMatch(a -> a.startsWith("parsing [test.cfg:14] : errorloc : status code '418' "
                + "not handled")), alerts.toString());
        assertTrue(alerts.contains("parsing [test.cfg:15] : errorloc303 : expects <status_code> and <url> as "
                + "arguments."), alerts.toString());
        assertTrue(alerts.contains("parsing [test.cfg:16] : http-error : a content type must be defined when "
                + "non-empty payload is configured"), alerts.toString());
    }
}
