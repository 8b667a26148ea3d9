package io.sagaline.testing.internal;

import org.jspecify.annotations.Nullable;

/** The environment variables this module reads, in one place. */
final class Env {

    static final String MODE = "SAGALINE_TEST_MODE";

    static final String PG_HOST = "SAGALINE_TEST_PG_HOST";
    static final String PG_PORT = "SAGALINE_TEST_PG_PORT";
    static final String PG_SUPERUSER = "SAGALINE_TEST_PG_SUPERUSER";
    static final String PG_SUPERUSER_PASSWORD = "SAGALINE_TEST_PG_SUPERUSER_PASSWORD";
    static final String KAFKA_BOOTSTRAP = "SAGALINE_TEST_KAFKA_BOOTSTRAP";

    /** Read by infra/local/start too: the password it gives, and this module expects, the superuser. */
    static final String LOCAL_PG_SUPERUSER_PASSWORD = "SAGALINE_PG_SUPERUSER_PASSWORD";

    static final String RELAY_PASSWORD = "SAGALINE_RELAY_DB_PASSWORD";

    static final String DEFAULT_SUPERUSER = "postgres";
    static final String DEFAULT_SUPERUSER_PASSWORD = "postgres";
    static final String DEFAULT_RELAY_PASSWORD = "sagaline";

    private Env() {}

    /** The variable's value, or null when it is unset or blank. */
    static @Nullable String get(String name) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? null : value;
    }

    static String get(String name, String fallback) {
        String value = get(name);
        return value == null ? fallback : value;
    }

    static int port(String name, int fallback) {
        String value = get(name);
        if (value == null) {
            return fallback;
        }
        try {
            int port = Integer.parseInt(value.trim());
            if (port < 1 || port > 65_535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalStateException(name + " must be a TCP port number, got '" + value + "'");
        }
    }

    static String relayPassword() {
        return get(RELAY_PASSWORD, DEFAULT_RELAY_PASSWORD);
    }
}
