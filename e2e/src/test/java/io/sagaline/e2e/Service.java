package io.sagaline.e2e;

import io.sagaline.messaging.Topics;
import io.sagaline.testing.internal.Provisioning;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** The five services of the system, each run from the jar its module packages. */
enum Service {
    ORCHESTRATOR("orchestrator", "orchestrator", null),
    PAYMENT("payment-svc", "payment", Topics.PAYMENT_COMMANDS),
    INVENTORY("inventory-svc", "inventory", Topics.INVENTORY_COMMANDS),
    SHIPMENT("shipment-svc", "shipment", Topics.SHIPMENT_COMMANDS),
    NOTIFICATION("notification-svc", "notification", Topics.NOTIFICATION_COMMANDS);

    private final String module;
    private final String schema;
    private final @Nullable String commandsTopic;

    Service(String module, String schema, @Nullable String commandsTopic) {
        this.module = module;
        this.schema = schema;
        this.commandsTopic = commandsTopic;
    }

    String module() {
        return module;
    }

    /** The service's schema in the shared database, as in a deployment. */
    String schema() {
        return schema;
    }

    /** The topic the service reads commands from, as the saga definition names it; none for the orchestrator. */
    @Nullable
    String commandsTopic() {
        return commandsTopic;
    }

    /** {@code payment} for {@code sagaline.payment.*}. */
    String propertyPrefix() {
        return "sagaline." + schema;
    }

    Path jar() {
        Path jar = Provisioning.repositoryRoot().resolve(module + "/target/sagaline-" + module + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build it with ./mvnw -DskipTests package");
        }
        return jar;
    }
}
