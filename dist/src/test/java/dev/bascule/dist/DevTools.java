package dev.bascule.dist;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A minimal Chrome DevTools Protocol client: attaches to a page of a browser started with
 * {@code --remote-debugging-port} and evaluates JavaScript in it, as a person's clicks would act.
 */
final class DevTools implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebSocket socket;
    private CompletableFuture<String> reply = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private int nextId = 1;

    private DevTools(WebSocket socket) {
        this.socket = socket;
    }

    /** Waits (up to 20 s) for a page whose URL contains {@code urlPart}, and attaches to it. */
    static DevTools attach(int port, String urlPart) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list"))
                        .build(), HttpResponse.BodyHandlers.ofString()).body();
                for (JsonNode target : JSON.readTree(list)) {
                    if ("page".equals(target.path("type").asText()) && target.path("url").asText().contains(urlPart)) {
                        DevTools[] holder = new DevTools[1];
                        WebSocket ws = http.newWebSocketBuilder().buildAsync(
                                URI.create(target.get("webSocketDebuggerUrl").asText()), new WebSocket.Listener() {
                                    @Override
                                    public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                                        holder[0].received(data, last);
                                        w.request(1);
                                        return null;
                                    }
                                }).get(10, TimeUnit.SECONDS);
                        holder[0] = new DevTools(ws);
                        return holder[0];
                    }
                }
            } catch (java.io.IOException notYet) {
                // the browser is still starting
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no browser page with '" + urlPart + "' on DevTools port " + port);
            }
            Thread.sleep(200);
        }
    }

    private synchronized void received(CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            String message = partial.toString();
            partial.setLength(0);
            if (message.contains("\"id\":")) {
                reply.complete(message);
            }
        }
    }

    /** Runs {@code expression} in the page and returns the protocol's answer. */
    String evaluate(String expression) throws Exception {
        CompletableFuture<String> answer;
        synchronized (this) {
            reply = new CompletableFuture<>();
            answer = reply;
        }
        String request = JSON.writeValueAsString(JSON.createObjectNode().put("id", nextId++)
                .put("method", "Runtime.evaluate").set("params", JSON.createObjectNode().put("expression", expression)));
        socket.sendText(request, true).get(10, TimeUnit.SECONDS);
        return answer.get(10, TimeUnit.SECONDS);
    }

    /** Polls (up to 20 s) until {@code condition} evaluates to true in the page, e.g. until it has loaded. */
    void waitFor(String condition) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!JSON.readTree(evaluate(condition)).path("result").path("result").path("value").asBoolean(false)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the page never satisfied: " + condition);
            }
            Thread.sleep(100);
        }
    }

    @Override
    public void close() {
        socket.sendClose(WebSocket.NORMAL_CLOSURE, "done");
    }
}
