package io.sagaline.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A plain HTTP client for a service's JSON API in tests: every answer with its raw status, headers
 * and body, parsed as JSON when it is. Thread-safe.
 */
public final class ApiClient {

    public record Response(int status, Map<String, java.util.List<String>> headers, String body, JsonNode json) {

        public @Nullable String header(String name) {
            return headers.entrySet().stream()
                    .filter(entry -> entry.getKey().equalsIgnoreCase(name))
                    .map(entry -> entry.getValue().getFirst())
                    .findFirst()
                    .orElse(null);
        }

        public @Nullable String contentType() {
            return header("Content-Type");
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpClient client;
    private final String base;
    private final Map<String, String> defaultHeaders;

    public ApiClient(String base) {
        this(HttpClient.newHttpClient(), base, Map.of());
    }

    private ApiClient(HttpClient client, String base, Map<String, String> defaultHeaders) {
        this.client = client;
        this.base = base;
        this.defaultHeaders = defaultHeaders;
    }

    /** The same client, sending these HTTP Basic credentials unless a request names its own. */
    public ApiClient as(String user, String password) {
        return new ApiClient(client, base, basic(user, password));
    }

    /** The same client, sending this account's credentials unless a request names its own. */
    public ApiClient as(Credentials account) {
        return as(account.user(), account.password());
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    /** A GET whose body is not JSON, such as Prometheus text: {@link Response#json()} is missing. */
    public Response getText(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET(), false);
    }

    public Response post(String path, @Nullable String body, Map<String, String> headers) {
        var request = HttpRequest.newBuilder(URI.create(base + path))
                .POST(
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::setHeader);
        return send(request);
    }

    public static Map<String, String> basic(String user, String password) {
        return Map.of(
                "Authorization",
                "Basic "
                        + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
    }

    public static String json(Object value) {
        return JSON.writeValueAsString(value);
    }

    private Response send(HttpRequest.Builder request) {
        return send(request, true);
    }

    private HttpRequest withDefaults(HttpRequest request) {
        if (defaultHeaders.isEmpty()) {
            return request;
        }
        var builder = HttpRequest.newBuilder(request, (name, value) -> true);
        defaultHeaders.forEach((name, value) -> {
            if (request.headers().firstValue(name).isEmpty()) {
                builder.setHeader(name, value);
            }
        });
        return builder.build();
    }

    private Response send(HttpRequest.Builder request, boolean parseJson) {
        HttpRequest built = withDefaults(request.build());
        try {
            HttpResponse<String> response = client.send(built, HttpResponse.BodyHandlers.ofString());
            String body = response.body();
            JsonNode json = !parseJson || body == null || body.isBlank() ? JSON.missingNode() : JSON.readTree(body);
            return new Response(response.statusCode(), response.headers().map(), body, json);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
