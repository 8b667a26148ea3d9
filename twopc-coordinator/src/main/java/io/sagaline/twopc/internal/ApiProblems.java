package io.sagaline.twopc.internal;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;

/**
 * Every API error as {@code application/problem+json} (RFC 9457); request errors name the fields at
 * fault in an {@code errors} array of {@code {field, message}}, as the participants' APIs do.
 */
@RestControllerAdvice
class ApiProblems extends ResponseEntityExceptionHandler {

    private static final String ERRORS = "errors";

    @ExceptionHandler
    ProblemDetail on(InvalidField e) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Invalid request", "the request has invalid fields");
        problem.setProperty(ERRORS, List.of(fieldError(e.field, String.valueOf(e.getMessage()))));
        return problem;
    }

    @ExceptionHandler
    ProblemDetail on(Conflict e) {
        return problem(HttpStatus.CONFLICT, "Conflict", e.getMessage());
    }

    @ExceptionHandler
    ProblemDetail on(Coordinator.InDoubt e) {
        // The outcome is the resolver's to find; the client retries under the same key.
        return problem(HttpStatus.SERVICE_UNAVAILABLE, "Outcome in doubt", e.getMessage());
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Invalid request", "the request has invalid fields");
        problem.setProperty(
                ERRORS,
                e.getBindingResult().getFieldErrors().stream()
                        .sorted(Comparator.comparing(FieldError::getField))
                        .map(error -> fieldError(error.getField(), String.valueOf(error.getDefaultMessage())))
                        .toList());
        return handleExceptionInternal(e, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Malformed request", "the body is not valid JSON");
        if (e.getMostSpecificCause() instanceof JacksonException json
                && !json.getPath().isEmpty()) {
            var field = new StringBuilder();
            for (var reference : json.getPath()) {
                if (reference.getPropertyName() != null) {
                    field.append(field.isEmpty() ? "" : ".").append(reference.getPropertyName());
                } else {
                    field.append('[').append(reference.getIndex()).append(']');
                }
            }
            problem.setDetail("the body does not match the expected fields");
            problem.setProperty(ERRORS, List.of(fieldError(field.toString(), "has the wrong type or format")));
        }
        return handleExceptionInternal(e, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    private static ProblemDetail problem(HttpStatus status, String title, @Nullable String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return problem;
    }

    private static Map<String, String> fieldError(String field, String message) {
        return Map.of("field", field, "message", message);
    }

    /** A field, or header, that passed its annotations but is still wrong. */
    static final class InvalidField extends RuntimeException {

        private final String field;

        InvalidField(String field, String message) {
            super(message);
            this.field = field;
        }
    }

    /** What the request would create exists already. */
    static final class Conflict extends RuntimeException {

        Conflict(String message) {
            super(message);
        }
    }
}
