package io.sagaline.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Hostile variants of a valid JSON body, from a seed: one field (at any depth) removed, nulled,
 * retyped, oversized, given odd unicode or an absurd number; a random JSON shape instead of the
 * body; a body past the size limit, nested deeper than a parser allows, or not JSON at all. A
 * variant may happen to stay valid (a unicode name is a name); the caller judges by the answer.
 */
final class JsonFuzz {

    /** One request body and how it was made. */
    record Variant(String kind, String body) {}

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> ODD_TEXT = List.of(
            "🧾📦",
            "שלום עולם",
            "e\u0301\u0301\u0301",
            "\u0000",
            "nul\u0000inside",
            "\u200b",
            "\ud800",
            "' OR 1=1 --",
            "%_%",
            "<script>alert(1)</script>",
            "Ω≈ç√∫",
            "\\u0000",
            " ",
            "");
    private static final List<String> ABSURD_NUMBERS = List.of(
            "1e400",
            "-1e400",
            "123456789012345678901234567890",
            "-9223372036854775809",
            "9223372036854775808",
            "0.000000000000000000001",
            "-0",
            "1.5",
            "-1",
            "2147483648");

    private final Random random;

    JsonFuzz(long seed) {
        this.random = new Random(seed);
    }

    Variant next(Map<String, Object> valid) {
        ObjectNode body = (ObjectNode) JSON.valueToTree(valid);
        return switch (random.nextInt(12)) {
            case 0 -> new Variant("valid", body.toString());
            case 1 -> mutate(body, "removed", (parent, name) -> remove(parent, name));
            case 2 -> mutate(body, "null", (parent, name) -> set(parent, name, NODES.nullNode()));
            case 3 -> mutate(body, "retyped", (parent, name) -> set(parent, name, retyped(get(parent, name))));
            case 4 -> mutate(body, "absurd number", (parent, name) -> set(parent, name, null));
            case 5 ->
                mutate(
                        body,
                        "odd unicode",
                        (parent, name) ->
                                set(parent, name, NODES.stringNode(ODD_TEXT.get(random.nextInt(ODD_TEXT.size())))));
            case 6 ->
                mutate(
                        body,
                        "oversized text",
                        (parent, name) ->
                                set(parent, name, NODES.stringNode("x".repeat(1_000 + random.nextInt(20_000)))));
            case 7 -> new Variant("random shape", randomValue(4).toString());
            case 8 -> new Variant("over 64 KB", withPadding(body, 66_000 + random.nextInt(40_000)));
            case 9 -> new Variant("nested too deep", "[".repeat(5_000) + "]".repeat(5_000));
            case 10 ->
                new Variant(
                        "not JSON",
                        body.toString()
                                .substring(0, 1 + random.nextInt(body.toString().length() - 1)));
            default ->
                mutate(body, "extra field", (parent, name) -> {
                    if (parent instanceof ObjectNode object) {
                        object.set("unexpected" + random.nextInt(100), randomValue(2));
                    }
                });
        };
    }

    private interface Change {
        void apply(JsonNode parent, Object name);
    }

    /** Applies {@code change} to a random field or element, at any depth. */
    private Variant mutate(ObjectNode body, String kind, Change change) {
        List<Object[]> places = new ArrayList<>();
        collect(body, places);
        Object[] place = places.get(random.nextInt(places.size()));
        if (kind.equals("absurd number")) {
            // Written as raw text: a number no Java type holds exactly.
            String marker = "\"@@absurd@@\"";
            set((JsonNode) place[0], place[1], NODES.stringNode("@@absurd@@"));
            String number = ABSURD_NUMBERS.get(random.nextInt(ABSURD_NUMBERS.size()));
            return new Variant(kind, body.toString().replace(marker, number));
        }
        change.apply((JsonNode) place[0], place[1]);
        return new Variant(kind, body.toString());
    }

    private static void collect(JsonNode node, List<Object[]> places) {
        if (node instanceof ObjectNode object) {
            for (String name : object.propertyNames()) {
                places.add(new Object[] {object, name});
                collect(object.get(name), places);
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                places.add(new Object[] {array, i});
                collect(array.get(i), places);
            }
        }
    }

    private static JsonNode get(JsonNode parent, Object name) {
        return name instanceof String field ? parent.get(field) : parent.get((Integer) name);
    }

    private static void set(JsonNode parent, Object name, JsonNode value) {
        if (parent instanceof ObjectNode object) {
            object.set((String) name, value);
        } else {
            ((ArrayNode) parent).set((Integer) name, value);
        }
    }

    private static void remove(JsonNode parent, Object name) {
        if (parent instanceof ObjectNode object) {
            object.remove((String) name);
        } else {
            ((ArrayNode) parent).remove((Integer) name);
        }
    }

    private JsonNode retyped(JsonNode value) {
        if (value.isString()) {
            return random.nextBoolean() ? NODES.numberNode(12345) : NODES.booleanNode(true);
        }
        if (value.isNumber()) {
            return random.nextBoolean()
                    ? NODES.stringNode("12x")
                    : NODES.arrayNode().add(value);
        }
        if (value.isObject()) {
            return random.nextBoolean() ? NODES.stringNode("an object") : NODES.arrayNode();
        }
        if (value.isArray()) {
            return random.nextBoolean() ? NODES.objectNode() : NODES.stringNode("a list");
        }
        return NODES.objectNode();
    }

    private JsonNode randomValue(int depth) {
        int kind = depth == 0 ? random.nextInt(4) : random.nextInt(6);
        return switch (kind) {
            case 0 -> NODES.numberNode(random.nextLong());
            case 1 -> NODES.stringNode(ODD_TEXT.get(random.nextInt(ODD_TEXT.size())));
            case 2 -> NODES.booleanNode(random.nextBoolean());
            case 3 -> NODES.nullNode();
            case 4 -> {
                ArrayNode array = NODES.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    array.add(randomValue(depth - 1));
                }
                yield array;
            }
            default -> {
                ObjectNode object = NODES.objectNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    object.set("k" + random.nextInt(1000), randomValue(depth - 1));
                }
                yield object;
            }
        };
    }

    private static String withPadding(ObjectNode body, int size) {
        ObjectNode padded = body.deepCopy();
        padded.put("padding", "p".repeat(size));
        return padded.toString();
    }
}
