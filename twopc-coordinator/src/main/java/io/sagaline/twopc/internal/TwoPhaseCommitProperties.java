package io.sagaline.twopc.internal;

import java.time.Duration;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings under {@code sagaline.twopc}.
 *
 * @param coordinatorId names this coordinator in every gid it prepares; coordinators sharing the
 *     databases need distinct ids, and recovery touches only its own
 * @param databases the four branch databases and the decision log
 * @param poolSize connections of each of the five pools
 * @param maxInFlight global transactions running at once; each holds up to four prepared
 *     transactions, and the server's {@code max_prepared_transactions} must cover them all
 * @param haltAfterPrepared 0, or halt the process when this many global transactions have reached
 *     {@code haltPoint}
 * @param haltPoint where {@code haltAfterPrepared} counts and halts
 * @param resolveInterval how often branches that this running process left prepared (a failed
 *     COMMIT PREPARED, say) are resolved from the decision log; startup recovery resolves them all
 */
@ConfigurationProperties("sagaline.twopc")
record TwoPhaseCommitProperties(
        @DefaultValue("c1") String coordinatorId,
        Databases databases,
        @DefaultValue("32") int poolSize,
        @DefaultValue("48") int maxInFlight,
        @DefaultValue("0") int haltAfterPrepared,
        @DefaultValue("AFTER_PREPARE") HaltPoint haltPoint,
        @DefaultValue("10s") Duration resolveInterval) {

    // No quote and no colon: the id goes into gids, which are SQL literals split at ':'.
    private static final Pattern COORDINATOR_ID = Pattern.compile("[A-Za-z0-9_-]{1,40}");

    TwoPhaseCommitProperties {
        if (!COORDINATOR_ID.matcher(coordinatorId).matches()) {
            throw new IllegalArgumentException("sagaline.twopc.coordinator-id must be 1 to 40 letters, digits, '_' or"
                    + " '-', got '" + coordinatorId + "'");
        }
        if (databases == null) {
            throw new IllegalArgumentException(
                    "sagaline.twopc.databases.{orders,payment,inventory,shipment,log}.url must be set");
        }
        if (poolSize < 1 || maxInFlight < 1 || haltAfterPrepared < 0) {
            throw new IllegalArgumentException("sagaline.twopc.pool-size and max-in-flight must be at least 1,"
                    + " halt-after-prepared at least 0");
        }
        if (resolveInterval.isNegative() || resolveInterval.isZero()) {
            throw new IllegalArgumentException("sagaline.twopc.resolve-interval must be positive");
        }
    }

    /** Where the coordinator halts when {@code halt-after-prepared} is set. */
    enum HaltPoint {
        /** Every branch prepared, no decision logged: recovery rolls the branches back. */
        AFTER_PREPARE,
        /** The COMMIT decision logged, no branch committed yet: recovery commits them. */
        AFTER_DECISION
    }

    record Databases(Database orders, Database payment, Database inventory, Database shipment, Database log) {

        Databases {
            require("orders", orders);
            require("payment", payment);
            require("inventory", inventory);
            require("shipment", shipment);
            require("log", log);
        }

        Database of(Branch branch) {
            return switch (branch) {
                case ORDERS -> orders;
                case PAYMENT -> payment;
                case INVENTORY -> inventory;
                case SHIPMENT -> shipment;
            };
        }

        private static void require(String name, @Nullable Database database) {
            if (database == null || database.url() == null || database.url().isBlank()) {
                throw new IllegalArgumentException("sagaline.twopc.databases." + name + ".url must be set");
            }
        }
    }

    /** A JDBC URL and the role to connect as; the password usually comes from the environment. */
    record Database(
            String url,
            @DefaultValue("") String username,
            @DefaultValue("") String password) {

        @Override
        public String toString() {
            return "Database[url=" + url + ", username=" + username + ", password=***]";
        }
    }
}
