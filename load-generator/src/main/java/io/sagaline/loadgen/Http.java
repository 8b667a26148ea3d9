package io.sagaline.loadgen;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** JSON over HTTP/1.1, asynchronous for the load and blocking for set-up. Thread-safe. */
final class Http implements AutoCloseable {

    static final JsonMapper JSON = JsonMapper.builder().build();

    /** An answer: its status and its body as text. */
    record Answer(int status, String body) {
        JsonNode json() {
            return JSON.readTree(body);
        }
    }

    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .executor(Executors.newVirtualThreadPerTaskExecutor())
            .build();

    /** Posts an order, as the client ({@link Accounts#CLIENT}). */
    CompletableFuture<Answer> post(URI uri, Object body, Map<String, String> headers) {
        return post(uri, body, headers, Accounts.CLIENT);
    }

    private CompletableFuture<Answer> post(URI uri, Object body, Map<String, String> headers, Accounts.Account as) {
        var request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofMinutes(2))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        as.header().forEach(request::header);
        headers.forEach(request::header);
        return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString())
                .thenApply(response -> new Answer(response.statusCode(), response.body()));
    }

    /**
     * Sets something up as the operator ({@link Accounts#OPERATOR}) and waits; a 4xx or 5xx answer
     * other than {@code tolerated} is an error naming the body.
     */
    Answer postAndWait(URI uri, Object body, int... tolerated) {
        Answer answer = post(uri, body, Map.of(), Accounts.OPERATOR).join();
        if (answer.status() >= 400 && java.util.Arrays.stream(tolerated).noneMatch(s -> s == answer.status())) {
            throw new IllegalStateException("POST " + uri + " answered " + answer.status() + ": " + answer.body());
        }
        return answer;
    }

    Answer get(URI uri) {
        try {
            var response = client.send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + uri + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
