package io.sagaline.orchestrator.web;

import io.sagaline.orchestrator.runtime.SagaLimitReached;
import io.sagaline.orchestrator.runtime.StartKeyReused;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;

/**
 * Every error of the API as {@code application/problem+json} (RFC 9457). Request errors name the
 * fields at fault in an {@code errors} array of {@code {field, message}}.
 */
@RestControllerAdvice
class ApiProblems extends ResponseEntityExceptionHandler {

    static final String ERRORS = "errors";

    private static final Logger log = LoggerFactory.getLogger(ApiProblems.class);

    /** The IETF idempotency-key draft's answer to a key reused with another body. */
    @ExceptionHandler
    ProblemDetail on(StartKeyReused e) {
        ProblemDetail problem = problem(HttpStatus.UNPROCESSABLE_CONTENT, "Idempotency key reused", e.getMessage());
        problem.setProperty("sagaId", e.existing().value());
        return problem;
    }

    /** Too many sagas under way: the client is told when to try again (RFC 9110 Retry-After). */
    @ExceptionHandler
    ResponseEntity<ProblemDetail> on(SagaLimitReached e) {
        long seconds = Math.max(1, (e.retryAfter().toMillis() + 999) / 1000);
        return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                .header(HttpHeaders.RETRY_AFTER, String.valueOf(seconds))
                .body(problem(HttpStatus.TOO_MANY_REQUESTS, "Too many orders under way", e.getMessage()));
    }

    /** Anything unforeseen: logged with its trace here, answered without details. */
    @ExceptionHandler
    ProblemDetail on(RuntimeException e) {
        log.error("Request failed", e);
        return problem(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error", "the request failed; see the server's log");
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = invalid(e.getBindingResult().getFieldErrors().stream()
                .sorted(Comparator.comparing(FieldError::getField))
                .map(error -> fieldError(error.getField(), String.valueOf(error.getDefaultMessage())))
                .toList());
        return handleExceptionInternal(e, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleHandlerMethodValidationException(
            HandlerMethodValidationException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = invalid(e.getParameterValidationResults().stream()
                .flatMap(result -> result.getResolvableErrors().stream()
                        .map(error -> fieldError(
                                String.valueOf(result.getMethodParameter().getParameterName()),
                                String.valueOf(error.getDefaultMessage()))))
                .toList());
        return handleExceptionInternal(e, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Malformed request", "the body is not valid JSON");
        if (e.getMostSpecificCause() instanceof JacksonException jackson
                && !jackson.getPath().isEmpty()) {
            // lines[0].unitPrice, as the validation errors name fields
            var field = new StringBuilder();
            for (var reference : jackson.getPath()) {
                if (reference.getPropertyName() == null) {
                    field.append('[').append(reference.getIndex()).append(']');
                } else {
                    field.append(field.isEmpty() ? "" : ".").append(reference.getPropertyName());
                }
            }
            problem.setDetail("the body does not match the expected fields");
            // Whole minor units only: 10.5 is refused rather than rounded.
            problem.setProperty(ERRORS, List.of(fieldError(field.toString(), "has the wrong type or format")));
        }
        return handleExceptionInternal(e, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    private static ProblemDetail invalid(List<Map<String, String>> errors) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Invalid request", "the request has invalid fields");
        problem.setProperty(ERRORS, errors);
        return problem;
    }

    static ProblemDetail problem(HttpStatus status, String title, @Nullable String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(title);
        return problem;
    }

    private static Map<String, String> fieldError(String field, String message) {
        return Map.of("field", field, "message", message);
    }
}
