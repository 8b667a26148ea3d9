package io.sagaline.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * The one shape in which every Sagaline HTTP API answers a mistake: {@code
 * application/problem+json} with {@code status}, {@code title} and {@code detail}, and for a
 * request's fields an {@code errors} array of {@code {field, message}}. Each service's contract
 * test runs these against its own endpoints, so the services cannot drift apart again.
 */
public final class ProblemContract {

    public static final String INVALID = "Invalid request";
    public static final String MALFORMED = "Malformed request";

    private ProblemContract() {}

    /** Asserts {@code answer} is a problem document with this status and title; returns its JSON. */
    public static JsonNode assertProblem(ApiClient.Response answer, int status, String title) {
        assertEquals(status, answer.status(), answer.body());
        assertEquals("application/problem+json", answer.contentType(), answer.body());
        JsonNode problem = answer.json();
        assertEquals(status, problem.path("status").asInt(), answer.body());
        assertEquals(title, problem.path("title").asString(), answer.body());
        assertFalse(problem.path("detail").asString().isBlank(), () -> "no detail: " + answer.body());
        return problem;
    }

    /**
     * Posts three mistaken bodies to {@code path} and asserts each answer: text that is not JSON;
     * {@code wrongType}, JSON with a value of the wrong type at {@code wrongTypeField}; and {@code
     * invalid}, JSON whose {@code invalidFields} break their rules (named in field order).
     */
    public static void assertBodyMistakes(
            ApiClient api,
            String path,
            String wrongType,
            String wrongTypeField,
            String invalid,
            List<String> invalidFields) {
        Map<String, String> json = Map.of("Content-Type", "application/json");

        JsonNode notJson = assertProblem(api.post(path, "{\"unterminated", json), 400, MALFORMED);
        assertEquals("the body is not valid JSON", notJson.path("detail").asString());
        assertTrue(notJson.path("errors").isMissingNode(), notJson::toString);

        JsonNode mistyped = assertProblem(api.post(path, wrongType, json), 400, MALFORMED);
        assertEquals(
                "the body does not match the expected fields",
                mistyped.path("detail").asString());
        assertEquals(List.of(wrongTypeField + ": has the wrong type or format"), errors(mistyped));

        JsonNode broken = assertProblem(api.post(path, invalid, json), 400, INVALID);
        assertEquals("the request has invalid fields", broken.path("detail").asString());
        assertEquals(invalidFields, fields(broken));
    }

    /**
     * Asserts the answers to a request without the query parameter {@code parameter} and to one
     * with a value of the wrong type for it.
     */
    public static void assertParameterMistakes(
            ApiClient api, String pathWithout, String pathWithWrongType, String parameter) {
        JsonNode missing = assertProblem(api.get(pathWithout), 400, INVALID);
        assertEquals(List.of(parameter + ": is required"), errors(missing));

        JsonNode mistyped = assertProblem(api.get(pathWithWrongType), 400, INVALID);
        assertEquals(List.of(parameter), fields(mistyped));
        assertTrue(errors(mistyped).getFirst().startsWith(parameter + ": must be a valid "), mistyped::toString);
    }

    /** Every {@code errors} entry as {@code field: message}; each must have both members. */
    public static List<String> errors(JsonNode problem) {
        List<String> errors = new ArrayList<>();
        assertTrue(problem.path("errors").isArray(), () -> "no errors array: " + problem);
        for (JsonNode error : problem.path("errors")) {
            assertEquals(2, error.size(), error::toString);
            assertFalse(error.path("message").asString().isBlank(), error::toString);
            errors.add(error.path("field").asString() + ": "
                    + error.path("message").asString());
        }
        return errors;
    }

    /** The fields the {@code errors} entries name, in order. */
    public static List<String> fields(JsonNode problem) {
        return errors(problem).stream()
                .map(error -> error.substring(0, error.indexOf(": ")))
                .toList();
    }
}
