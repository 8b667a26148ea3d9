package io.sagaline.web;

import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;

/**
 * A request a service refuses, answered as {@code application/problem+json} (RFC 9457) with its
 * status, a title naming the kind of refusal and a detail naming this case. Every service's
 * controllers and domain classes throw these, or exceptions that extend them; the shared advice
 * answers them all alike.
 *
 * <pre>{@code
 * throw ApiException.notFound("Order not found", "no order " + orderId);
 * }</pre>
 */
public class ApiException extends ErrorResponseException {

    public ApiException(HttpStatus status, String title, String detail) {
        this(status, title, detail, null);
    }

    public ApiException(HttpStatus status, String title, String detail, @Nullable Throwable cause) {
        super(status, problem(status, title, detail), cause);
    }

    /** 404: what the request names does not exist. */
    public static ApiException notFound(String title, String detail) {
        return new ApiException(HttpStatus.NOT_FOUND, title, detail);
    }

    /** 409: the request contradicts what exists, or what state it is in. */
    public static ApiException conflict(String title, String detail) {
        return new ApiException(HttpStatus.CONFLICT, title, detail);
    }

    /** Adds a member to the problem document, such as the id of what the request collided with. */
    public ApiException with(String name, Object value) {
        getBody().setProperty(name, value);
        return this;
    }

    /** Adds a header to the answer, such as {@code Retry-After}. */
    public ApiException withHeader(String name, String value) {
        getHeaders().set(name, value);
        return this;
    }

    @Override
    public String getMessage() {
        return String.valueOf(getBody().getDetail());
    }

    private static ProblemDetail problem(HttpStatus status, String title, String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return problem;
    }
}
