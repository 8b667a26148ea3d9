package io.sagaline.web;

/**
 * One entry of a 400 answer's {@code errors} array: the field (or parameter, or header) at fault,
 * as the client spelled it ({@code lines[0].unitPrice}), and what is wrong with it. The field is
 * empty for a rule over the whole request.
 */
public record FieldProblem(String field, String message) {}
