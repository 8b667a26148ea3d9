package io.sagaline.testing.internal;

import io.sagaline.testing.Credentials;
import io.sagaline.testing.KafkaServer;
import org.apache.kafka.common.utils.AppInfoParser;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * PostgreSQL and Kafka containers. TestInfrastructure calls each factory once per JVM and shares the
 * result; the containers are never stopped here: Testcontainers' reaper removes them when the JVM
 * exits.
 */
final class ContainerServers {

    private static final DockerImageName POSTGRES_IMAGE = DockerImageName.parse("postgres:15");

    /** The broker image matches the client library on the class path, whatever Boot manages. */
    private static final DockerImageName KAFKA_IMAGE =
            DockerImageName.parse("apache/kafka").withTag(AppInfoParser.getVersion());

    /*
     * The image's pg_hba.conf admits "all" databases from other hosts, which does not cover
     * replication connections; Debezium streams over one, from the host through the mapped port.
     * Init scripts run before the final server start, which reads the appended line.
     */
    private static final String ALLOW_REPLICATION = """
            echo "host replication all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
            """;

    private ContainerServers() {}

    static JdbcPostgresServer postgres() {
        var superuser = new Credentials(Env.DEFAULT_SUPERUSER, Env.DEFAULT_SUPERUSER_PASSWORD);
        @SuppressWarnings("resource") // removed by the reaper at JVM exit
        var container = new PostgreSQLContainer(POSTGRES_IMAGE)
                .withDatabaseName("postgres")
                .withUsername(superuser.user())
                .withPassword(superuser.password())
                .withCopyToContainer(
                        Transferable.of(ALLOW_REPLICATION), "/docker-entrypoint-initdb.d/10-replication-hba.sh")
                .withCommand(
                        "postgres",
                        "-c",
                        "wal_level=logical",
                        "-c",
                        "max_replication_slots=50",
                        "-c",
                        "max_wal_senders=50",
                        "-c",
                        "max_prepared_transactions=256",
                        "-c",
                        "max_connections=300");
        container.start();
        return new JdbcPostgresServer(
                container.getHost(),
                container.getMappedPort(PostgreSQLContainer.POSTGRESQL_PORT),
                superuser,
                Env.relayPassword());
    }

    static KafkaServer kafka() {
        @SuppressWarnings("resource") // removed by the reaper at JVM exit
        var container = new KafkaContainer(KAFKA_IMAGE);
        container.start();
        return new StaticKafkaServer(container.getBootstrapServers());
    }
}
