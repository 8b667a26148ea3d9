package io.sagaline.web;

import java.util.List;
import org.springframework.http.HttpStatus;

/**
 * A field that passed its annotations but is still wrong, such as an unknown currency code: 400
 * with the same title, detail and {@code errors} array as a failed bean validation.
 */
public final class InvalidField extends ApiException {

    /** The title of every 400 answer about the request's fields. */
    public static final String TITLE = "Invalid request";

    /** The detail of every 400 answer that lists its fields. */
    public static final String DETAIL = "the request has invalid fields";

    public InvalidField(String field, String message) {
        super(HttpStatus.BAD_REQUEST, TITLE, DETAIL);
        with("errors", List.of(new FieldProblem(field, message)));
    }
}
