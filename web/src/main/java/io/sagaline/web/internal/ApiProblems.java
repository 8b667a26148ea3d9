package io.sagaline.web.internal;

import io.sagaline.web.FieldProblem;
import io.sagaline.web.InvalidField;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
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
import org.springframework.web.bind.MissingRequestHeaderException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.ServletRequestBindingException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;
import tools.jackson.core.JacksonException;

/**
 * Every error of every Sagaline HTTP API as {@code application/problem+json} (RFC 9457), in one
 * shape. Spring MVC's own refusals and every {@link io.sagaline.web.ApiException} keep their status;
 * a mistake in the request is a 400 titled {@value InvalidField#TITLE} (a field, parameter or header
 * that breaks a rule) or {@value #MALFORMED} (a body that is not JSON of the expected shape), and
 * names what is at fault in an {@code errors} array of {@link FieldProblem}s where it can. Anything
 * unforeseen is logged here with its trace and answered 500 without details.
 */
@RestControllerAdvice
public class ApiProblems extends ResponseEntityExceptionHandler {

    /** The title of a 400 answer to a body that could not be read. */
    static final String MALFORMED = "Malformed request";

    private static final String ERRORS = "errors";

    private static final Logger log = LoggerFactory.getLogger(ApiProblems.class);

    @ExceptionHandler
    ProblemDetail on(RuntimeException e) {
        log.error("Request failed", e);
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(
                HttpStatus.INTERNAL_SERVER_ERROR, "the request failed; see the server's log");
        problem.setTitle("Internal error");
        return problem;
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleMethodArgumentNotValid(
            MethodArgumentNotValidException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldProblem> errors = new ArrayList<>();
        e.getBindingResult().getFieldErrors().stream()
                .sorted(Comparator.comparing(FieldError::getField))
                .forEach(error -> errors.add(problem(error)));
        e.getBindingResult().getGlobalErrors().forEach(error -> errors.add(new FieldProblem("", message(error))));
        return answer(e, invalid(errors), headers, request);
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleHandlerMethodValidationException(
            HandlerMethodValidationException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldProblem> errors = new ArrayList<>();
        for (var result : e.getParameterValidationResults()) {
            if (result instanceof ParameterErrors bean) {
                bean.getFieldErrors().stream()
                        .sorted(Comparator.comparing(FieldError::getField))
                        .forEach(error -> errors.add(problem(error)));
            } else {
                String name =
                        Objects.requireNonNullElse(result.getMethodParameter().getParameterName(), "");
                result.getResolvableErrors().forEach(error -> errors.add(new FieldProblem(name, message(error))));
            }
        }
        return answer(e, invalid(errors), headers, request);
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleMissingServletRequestParameter(
            MissingServletRequestParameterException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        return answer(e, invalid(List.of(new FieldProblem(e.getParameterName(), "is required"))), headers, request);
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleServletRequestBindingException(
            ServletRequestBindingException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        if (e instanceof MissingRequestHeaderException missing) {
            return answer(
                    e, invalid(List.of(new FieldProblem(missing.getHeaderName(), "is required"))), headers, request);
        }
        return super.handleServletRequestBindingException(e, headers, status, request);
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleTypeMismatch(
            TypeMismatchException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String field = e instanceof MethodArgumentTypeMismatchException argument
                ? argument.getName()
                : String.valueOf(e.getPropertyName());
        Class<?> required = e.getRequiredType();
        String message = "must be a " + (required == null ? "valid value" : "valid " + required.getSimpleName());
        return answer(e, invalid(List.of(new FieldProblem(field, message))), headers, request);
    }

    @Override
    protected @Nullable ResponseEntity<Object> handleHttpMessageNotReadable(
            HttpMessageNotReadableException e, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, "the body is not valid JSON");
        problem.setTitle(MALFORMED);
        if (e.getMostSpecificCause() instanceof JacksonException json
                && !json.getPath().isEmpty()) {
            problem.setDetail("the body does not match the expected fields");
            // A value of the wrong type, such as 10.5 for whole minor units, is refused, never rounded.
            problem.setProperty(ERRORS, List.of(new FieldProblem(path(json), "has the wrong type or format")));
        }
        return answer(e, problem, headers, request);
    }

    private @Nullable ResponseEntity<Object> answer(
            Exception e, ProblemDetail problem, HttpHeaders headers, WebRequest request) {
        return handleExceptionInternal(e, problem, headers, HttpStatus.valueOf(problem.getStatus()), request);
    }

    private static ProblemDetail invalid(List<FieldProblem> errors) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, InvalidField.DETAIL);
        problem.setTitle(InvalidField.TITLE);
        problem.setProperty(ERRORS, errors);
        return problem;
    }

    private static FieldProblem problem(FieldError error) {
        return new FieldProblem(error.getField(), message(error));
    }

    private static String message(MessageSourceResolvable error) {
        return Objects.requireNonNullElse(error.getDefaultMessage(), "is invalid");
    }

    /** {@code lines[0].unitPrice}, as validation names fields. */
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
