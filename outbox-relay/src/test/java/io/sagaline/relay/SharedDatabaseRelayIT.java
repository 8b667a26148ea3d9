package io.sagaline.relay;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The relay over one database with a schema per service, as the local run lays them out: one
 * engine and one replication slot read every service's outbox (ADR 20).
 */
class SharedDatabaseRelayIT extends OutboxRelayIT {

    @Override
    boolean sharedDatabase() {
        return true;
    }

    @Test
    void aServiceSeesOnlyItsOwnSchema() {
        JdbcClient payment = JdbcClient.create(fixture.service("payment").dataSource());

        assertThatThrownBy(() -> payment.sql("SELECT count(*) FROM orchestrator.outbox")
                        .query(Long.class)
                        .single())
                .isInstanceOf(DataAccessException.class)
                .rootCause()
                .hasMessageContaining("permission denied for schema orchestrator");
    }
}
