package io.sagaline.web;

import java.util.List;
import org.springframework.http.HttpMethod;

/**
 * The changes a service lets its {@code client} account make, beside reading: for the order
 * services, placing an order. Every other change needs the operator. Declare one as a bean;
 * without one the client may only read.
 *
 * @param method the HTTP method
 * @param paths the path patterns, as Spring MVC matches them
 */
public record ClientRequests(HttpMethod method, List<String> paths) {

    public ClientRequests {
        paths = List.copyOf(paths);
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("name at least one path the client may " + method + " to");
        }
    }

    public static ClientRequests post(String... paths) {
        return new ClientRequests(HttpMethod.POST, List.of(paths));
    }
}
