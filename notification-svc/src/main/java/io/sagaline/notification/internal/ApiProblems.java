package io.sagaline.notification.internal;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every API error as {@code application/problem+json} (RFC 9457); a bad input also names its
 * fields in an {@code errors} array of {@code {field, message}}.
 */
@RestControllerAdvice
class ApiProblems extends ResponseEntityExceptionHandler {

    record FieldProblem(String field, String message) {}

    @Override
    protected @Nullable ResponseEntity<Object> handleMissingServletRequestParameter(
            MissingServletRequestParameterException ex,
            HttpHeaders headers,
            HttpStatusCode status,
            WebRequest request) {
        return withErrors(
                ex,
                ex.getBody(),
                List.of(new FieldProblem(ex.getParameterName(), "is required")),
                headers,
                status,
                request);
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleTypeMismatch(
            TypeMismatchException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String field = ex instanceof MethodArgumentTypeMismatchException argument
                ? argument.getName()
                : String.valueOf(ex.getPropertyName());
        Class<?> required = ex.getRequiredType();
        String message = "must be a " + (required == null ? "valid value" : required.getSimpleName());
        ProblemDetail body = ProblemDetail.forStatusAndDetail(status, "Parameter '" + field + "' " + message + ".");
        return withErrors(ex, body, List.of(new FieldProblem(field, message)), headers, status, request);
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldProblem> errors = ex.getBindingResult().getFieldErrors().stream()
                .map(error -> new FieldProblem(error.getField(), String.valueOf(error.getDefaultMessage())))
                .toList();
        return withErrors(ex, ex.getBody(), errors, headers, status, request);
    }

    private @Nullable ResponseEntity<Object> withErrors(
            Exception ex,
            ProblemDetail body,
            List<FieldProblem> errors,
            HttpHeaders headers,
            HttpStatusCode status,
            WebRequest request) {
        body.setProperty("errors", errors);
        return handleExceptionInternal(ex, body, headers, status, request);
    }
}
