package io.sagaline.testing.internal;

import io.sagaline.testing.Credentials;
import io.sagaline.testing.KafkaServer;

/** Servers someone else runs, named by SAGALINE_TEST_* environment variables (CI). */
final class ExternalServers {

    private ExternalServers() {}

    /** True when both servers are named; one without the other is a mistake worth stopping for. */
    static boolean configured() {
        boolean pg = Env.get(Env.PG_HOST) != null;
        boolean kafka = Env.get(Env.KAFKA_BOOTSTRAP) != null;
        if (pg != kafka) {
            throw new IllegalStateException("set both " + Env.PG_HOST + " and " + Env.KAFKA_BOOTSTRAP
                    + " to use external servers, or neither; only " + (pg ? Env.PG_HOST : Env.KAFKA_BOOTSTRAP)
                    + " is set");
        }
        return pg;
    }

    static JdbcPostgresServer postgres() {
        return new JdbcPostgresServer(
                required(Env.PG_HOST),
                Env.port(Env.PG_PORT, 5432),
                new Credentials(
                        Env.get(Env.PG_SUPERUSER, Env.DEFAULT_SUPERUSER),
                        Env.get(Env.PG_SUPERUSER_PASSWORD, Env.DEFAULT_SUPERUSER_PASSWORD)),
                Env.relayPassword());
    }

    static KafkaServer kafka() {
        return new StaticKafkaServer(required(Env.KAFKA_BOOTSTRAP));
    }

    private static String required(String name) {
        String value = Env.get(name);
        if (value == null) {
            throw new IllegalStateException(name + " must be set for external test servers");
        }
        return value.trim();
    }
}
