package io.sagaline.loadgen;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The generator's {@code key=value} arguments. Every key a run reads is declared with its default,
 * so a misspelt key is an error that lists the known ones, not a setting silently ignored.
 */
final class Options {

    private final Map<String, String> given;
    private final Set<String> read = new TreeSet<>();

    private Options(Map<String, String> given) {
        this.given = given;
    }

    static Options parse(List<String> args) {
        Map<String, String> given = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("expected key=value, got '" + arg + "'");
            }
            given.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return new Options(given);
    }

    String text(String key, String fallback) {
        read.add(key);
        String value = given.get(key);
        if (value == null) {
            String fromEnv = System.getenv("SAGALINE_BENCH_"
                    + key.replaceAll("([a-z])([A-Z])", "$1_$2").toUpperCase());
            return fromEnv != null ? fromEnv : fallback;
        }
        return value;
    }

    int integer(String key, int fallback) {
        String value = text(key, Integer.toString(fallback));
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + value + "'");
        }
    }

    double decimal(String key, double fallback) {
        String value = text(key, Double.toString(fallback));
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number, got '" + value + "'");
        }
    }

    /** A duration written as {@code 250ms}, {@code 30s} or {@code 2m}. */
    Duration duration(String key, Duration fallback) {
        String value = text(key, fallback.toMillis() + "ms");
        var matcher = java.util.regex.Pattern.compile("(\\d+)(ms|s|m)").matcher(value);
        if (!matcher.matches()) {
            throw new IllegalArgumentException(
                    key + " must be a duration such as 250ms, 30s or 2m, got '" + value + "'");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            default -> Duration.ofMinutes(amount);
        };
    }

    List<Integer> integers(String key, String fallback) {
        return Arrays.stream(text(key, fallback).split(","))
                .map(String::trim)
                .map(Integer::parseInt)
                .toList();
    }

    /** The options whose keys start with {@code prefix}, as given: settings passed on to another process. */
    Map<String, String> passedOn(String prefix) {
        var passed = new LinkedHashMap<String, String>();
        given.forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                read.add(key);
                passed.put(key, value);
            }
        });
        return passed;
    }

    /** Fails on keys no part of the run has read: they would otherwise be silently ignored. */
    void rejectUnknown() {
        var unknown = new TreeSet<>(given.keySet());
        unknown.removeAll(read);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("unknown option(s) " + unknown + "; known: " + read);
        }
    }
}
