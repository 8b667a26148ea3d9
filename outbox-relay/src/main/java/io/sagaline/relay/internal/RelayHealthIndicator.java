package io.sagaline.relay.internal;

import io.sagaline.relay.RelayProperties;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * Reports each engine: its state, what it has published, the commit-to-acknowledgement lag of its
 * last batch, and the WAL its replication slot still holds. UP only while every engine streams.
 */
final class RelayHealthIndicator extends AbstractHealthIndicator {

    private final Relay relay;
    private final RelayProperties properties;

    RelayHealthIndicator(Relay relay, RelayProperties properties) {
        super("Relay health check failed");
        this.relay = relay;
        this.properties = properties;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        boolean allRunning = true;
        for (RelayEngine engine : relay.engines()) {
            EngineStatus.Snapshot snapshot = engine.status().snapshot();
            allRunning &= snapshot.state() == EngineStatus.State.RUNNING;
            builder.withDetail(snapshot.database(), details(snapshot));
        }
        if (allRunning) {
            builder.up();
        } else {
            builder.down();
        }
    }

    private Map<String, Object> details(EngineStatus.Snapshot snapshot) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("state", snapshot.state());
        details.put("published", snapshot.published());
        if (snapshot.lastLagMillis() != null) {
            details.put("lastLagMillis", snapshot.lastLagMillis());
        }
        if (snapshot.lastPublishedAt() != null) {
            details.put("lastPublishedAt", snapshot.lastPublishedAt().toString());
        }
        details.put("restarts", snapshot.restarts());
        if (snapshot.lastError() != null) {
            details.put("lastError", snapshot.lastError());
        }
        try {
            SourceDatabase.Reading slot = SourceDatabase.slot(properties, snapshot.database());
            if (slot != null) {
                details.put("slotActive", slot.active());
                details.put("slotLagBytes", slot.lagBytes());
            }
        } catch (SQLException e) {
            details.put("slotError", e.getMessage());
        }
        return details;
    }
}
