package io.sagaline.payment.internal;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;

/**
 * Every error of the REST API as {@code application/problem+json} (RFC 9457). Request errors
 * name the fields at fault in an {@code errors} array of {@code {field, message}}.
 */
@RestControllerAdvice
class ApiProblems extends ResponseEntityExceptionHandler {

    static final String ERRORS = "errors";

    @ExceptionHandler
    ProblemDetail on(Accounts.AccountNotFound e) {
        return problem(HttpStatus.NOT_FOUND, "Account not found", e.getMessage());
    }

    @ExceptionHandler
    ProblemDetail on(Accounts.AccountExists e) {
        return problem(HttpStatus.CONFLICT, "Account exists", e.getMessage());
    }

    @ExceptionHandler
    ProblemDetail on(InvalidField e) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Invalid request", "the request has invalid fields");
        problem.setProperty(ERRORS, List.of(fieldError(e.field, e.getMessage())));
        return problem;
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Invalid request", "the request has invalid fields");
        problem.setProperty(
                ERRORS,
                e.getBindingResult().getFieldErrors().stream()
                        .sorted(Comparator.comparing(org.springframework.validation.FieldError::getField))
                        .map(error -> fieldError(error.getField(), String.valueOf(error.getDefaultMessage())))
                        .toList());
        return handleExceptionInternal(e, problem, headers, HttpStatus.BAD_REQUEST, request);
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = problem(HttpStatus.BAD_REQUEST, "Malformed request", "the body is not valid JSON");
        if (e.getMostSpecificCause() instanceof JacksonException jackson
                && !jackson.getPath().isEmpty()) {
            String field = jackson.getPath().stream()
                    .map(reference -> reference.getPropertyName() != null
                            ? reference.getPropertyName()
                            : "[" + reference.getIndex() + "]")
                    .collect(Collectors.joining("."));
            problem.setDetail("the body does not match the expected fields");
            // Whole minor units only: 10.5 is refused rather than rounded.
            problem.setProperty(ERRORS, List.of(fieldError(field, "has the wrong type or format")));
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

    /** A field that passed its annotations but is still wrong. */
    static final class InvalidField extends RuntimeException {

        private final String field;

        InvalidField(String field, String message) {
            super(message);
            this.field = field;
        }
    }
}
