package io.sagaline.inventory.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.springframework.context.MessageSourceResolvable;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.FieldError;
import org.springframework.validation.method.ParameterErrors;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;

/**
 * Every API error as {@code application/problem+json} (RFC 9457); a validation error lists each
 * offending field in {@code errors}.
 */
@RestControllerAdvice
class ApiProblems extends ResponseEntityExceptionHandler {

    record FieldProblem(String field, String message) {}

    @ExceptionHandler
    ProblemDetail unknownSku(UnknownSkuException e) {
        var problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, e.getMessage());
        problem.setTitle("Unknown SKU");
        return problem;
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldProblem> errors = new ArrayList<>();
        ex.getBindingResult().getFieldErrors().forEach(error -> errors.add(problem(error)));
        ex.getBindingResult().getGlobalErrors().forEach(error -> errors.add(new FieldProblem("", message(error))));
        return handleExceptionInternal(ex, invalid(ex.getBody(), errors), headers, status, request);
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleHandlerMethodValidationException(
            HandlerMethodValidationException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldProblem> errors = new ArrayList<>();
        for (var result : ex.getParameterValidationResults()) {
            if (result instanceof ParameterErrors bean) {
                bean.getFieldErrors().forEach(error -> errors.add(problem(error)));
            } else {
                String name =
                        Objects.requireNonNullElse(result.getMethodParameter().getParameterName(), "");
                result.getResolvableErrors().forEach(error -> errors.add(new FieldProblem(name, message(error))));
            }
        }
        return handleExceptionInternal(ex, invalid(ex.getBody(), errors), headers, status, request);
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        var problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.BAD_REQUEST, "the request body is not valid JSON of the expected shape");
        problem.setTitle("Malformed request body");
        if (ex.getCause() instanceof JacksonException json && !json.getPath().isEmpty()) {
            problem.setProperty("errors", List.of(new FieldProblem(path(json), json.getOriginalMessage())));
        }
        return handleExceptionInternal(ex, problem, headers, status, request);
    }

    private static ProblemDetail invalid(ProblemDetail problem, List<FieldProblem> errors) {
        problem.setTitle("Invalid request");
        problem.setDetail("the request has " + errors.size() + " invalid field(s)");
        problem.setProperty("errors", errors);
        return problem;
    }

    private static FieldProblem problem(FieldError error) {
        return new FieldProblem(error.getField(), message(error));
    }

    private static String message(MessageSourceResolvable error) {
        return Objects.requireNonNullElse(error.getDefaultMessage(), "is invalid");
    }

    private static String path(JacksonException json) {
        var path = new StringBuilder();
        for (var reference : json.getPath()) {
            if (reference.getPropertyName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getPropertyName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
