package io.sagaline.testing.internal;

import io.sagaline.testing.Credentials;
import io.sagaline.testing.KafkaServer;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * PostgreSQL and Kafka as local processes started by infra/local/start, on ports and a data
 * directory of their own so a developer's stack on the default ports is left alone. They keep
 * running after the tests: the next run finds them up and starts in a second.
 */
final class LocalServers {

    static final String HOST = "127.0.0.1";
    static final int PG_PORT = 55432;
    static final int KAFKA_PORT = 59092;
    static final int KAFKA_CONTROLLER_PORT = 59093;

    private static final AtomicBoolean STOP_HINT_SHOWN = new AtomicBoolean();

    private LocalServers() {}

    static JdbcPostgresServer postgres() {
        LocalScripts.run(LocalScripts.START, "postgres", env());
        showStopHint();
        return new JdbcPostgresServer(
                HOST,
                PG_PORT,
                new Credentials(
                        Env.DEFAULT_SUPERUSER,
                        Env.get(Env.LOCAL_PG_SUPERUSER_PASSWORD, Env.DEFAULT_SUPERUSER_PASSWORD)),
                Env.relayPassword());
    }

    static KafkaServer kafka() {
        LocalScripts.run(LocalScripts.START, "kafka", env());
        showStopHint();
        return new StaticKafkaServer(HOST + ":" + KAFKA_PORT);
    }

    private static Map<String, String> env() {
        return Map.of(
                "SAGALINE_DATA_DIR", LocalScripts.testDataDir().toString(),
                "SAGALINE_PG_PORT", Integer.toString(PG_PORT),
                "SAGALINE_KAFKA_PORT", Integer.toString(KAFKA_PORT),
                "SAGALINE_KAFKA_CONTROLLER_PORT", Integer.toString(KAFKA_CONTROLLER_PORT));
    }

    private static void showStopHint() {
        if (STOP_HINT_SHOWN.compareAndSet(false, true)) {
            var env = env();
            System.out.println("[sagaline-testing] the test servers keep running for the next run; stop them with: "
                    + "SAGALINE_DATA_DIR=" + env.get("SAGALINE_DATA_DIR")
                    + " SAGALINE_PG_PORT=" + PG_PORT
                    + " SAGALINE_KAFKA_PORT=" + KAFKA_PORT
                    + " SAGALINE_KAFKA_CONTROLLER_PORT=" + KAFKA_CONTROLLER_PORT
                    + " " + LocalScripts.repositoryRoot().resolve(LocalScripts.STOP));
        }
    }
}
