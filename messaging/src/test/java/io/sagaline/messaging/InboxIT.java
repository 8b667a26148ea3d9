package io.sagaline.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sagaline.messaging.MessagingProperties.InboxSettings;
import io.sagaline.messaging.internal.InboxPurger;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class InboxIT {

    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);
    private static final Duration RETENTION = Duration.ofDays(7);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    // Logs how many rows each DELETE statement on the inbox removed, to observe the purge's batches.
    private static final String LOG_DELETE_STATEMENTS = """
            CREATE TABLE inbox_deletes (seq bigserial PRIMARY KEY, deleted bigint NOT NULL);
            CREATE FUNCTION log_inbox_delete() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              INSERT INTO inbox_deletes (deleted) SELECT count(*) FROM gone;
              RETURN NULL;
            END
            $$;
            CREATE TRIGGER log_inbox_delete AFTER DELETE ON inbox
              REFERENCING OLD TABLE AS gone FOR EACH STATEMENT EXECUTE FUNCTION log_inbox_delete();
            """;

    private static MessagingDatabase db;
    private static Inbox inbox;

    @BeforeAll
    static void createDatabase() {
        db = new MessagingDatabase("inbox_it");
        db.jdbc()
                .sql("CREATE TABLE applied (message_id uuid NOT NULL, consumer varchar(100) NOT NULL)")
                .update();
        db.jdbc().sql(LOG_DELETE_STATEMENTS).update();
        inbox = new Inbox(db.jdbc(), db.transactions(), CLOCK);
    }

    @AfterAll
    static void dropDatabase() {
        if (db != null) {
            db.close();
        }
    }

    @BeforeEach
    void emptyTables() {
        db.jdbc().sql("TRUNCATE inbox, applied, inbox_deletes").update();
    }

    @Test
    void recordsTheFirstDeliveryOnlyOnce() {
        MessageId id = MessageId.random();

        assertThat(recordInTransaction(inbox, "payments", id)).isTrue();
        assertThat(recordInTransaction(inbox, "payments", id)).isFalse();
        assertThat(db.count("inbox")).isOne();
    }

    @Test
    void recordsTheDeliveryTimeFromTheClock() {
        MessageId id = MessageId.random();

        recordInTransaction(inbox, "payments", id);

        Timestamp processedAt = db.jdbc()
                .sql("SELECT processed_at FROM inbox WHERE message_id = :id")
                .param("id", id.value())
                .query(Timestamp.class)
                .single();
        assertThat(processedAt.toInstant()).isEqualTo(NOW);
    }

    @Test
    void differentConsumersRecordTheSameMessageIndependently() {
        MessageId id = MessageId.random();

        assertThat(recordInTransaction(inbox, "payments", id)).isTrue();
        assertThat(recordInTransaction(inbox, "inventory", id)).isTrue();
        assertThat(recordInTransaction(inbox, "payments", id)).isFalse();
        assertThat(recordInTransaction(inbox, "inventory", id)).isFalse();
        assertThat(db.count("inbox")).isEqualTo(2);
    }

    @Test
    void recordingOutsideATransactionThrowsAndRecordsNothing() {
        assertThatThrownBy(() -> inbox.recordFirstDelivery("payments", MessageId.random()))
                .isInstanceOf(IllegalStateException.class);

        assertThat(db.count("inbox")).isZero();
    }

    @Test
    void rolledBackRecordIsForgotten() {
        MessageId id = MessageId.random();

        db.transactions().executeWithoutResult(status -> {
            assertThat(inbox.recordFirstDelivery("payments", id)).isTrue();
            status.setRollbackOnly();
        });

        assertThat(recordInTransaction(inbox, "payments", id)).isTrue();
    }

    @Test
    void processOnceAppliesTheEffectOnceForADuplicate() {
        Envelope envelope = envelope();

        boolean first = inbox.processOnce("payments", envelope, apply("payments"));
        boolean duplicate = inbox.processOnce("payments", envelope, apply("payments"));

        assertThat(first).isTrue();
        assertThat(duplicate).isFalse();
        assertThat(appliedIds("payments")).containsExactly(envelope.messageId().value());
    }

    @Test
    void processOnceAppliesTheSameMessageOncePerConsumer() {
        Envelope envelope = envelope();

        inbox.processOnce("payments", envelope, apply("payments"));
        inbox.processOnce("inventory", envelope, apply("inventory"));
        inbox.processOnce("inventory", envelope, apply("inventory"));

        assertThat(appliedIds("payments")).containsExactly(envelope.messageId().value());
        assertThat(appliedIds("inventory")).containsExactly(envelope.messageId().value());
    }

    @Test
    void failingEffectRollsBackTheInboxRecordSoARetryAppliesIt() {
        Envelope envelope = envelope();
        Consumer<Envelope> failing = apply("payments").andThen(applied -> {
            throw new IllegalStateException("downstream unavailable");
        });

        assertThatThrownBy(() -> inbox.processOnce("payments", envelope, failing))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("downstream unavailable");
        assertThat(db.count("inbox")).isZero();
        assertThat(db.count("applied")).isZero();

        assertThat(inbox.processOnce("payments", envelope, apply("payments"))).isTrue();
        assertThat(appliedIds("payments")).containsExactly(envelope.messageId().value());
        assertThat(db.count("inbox")).isOne();
    }

    @Test
    void purgeDeletesOnlyEntriesOlderThanTheRetentionInBatches() {
        List<MessageId> old = recordAt(NOW.minus(RETENTION).minusSeconds(1), 10);
        List<MessageId> atCutoff = recordAt(NOW.minus(RETENTION), 1);
        List<MessageId> recent = recordAt(NOW.minus(Duration.ofDays(1)), 4);
        var purger = new InboxPurger(db.jdbc(), new InboxSettings(RETENTION, Duration.ofHours(1), 3), CLOCK);

        int deleted = purger.purge();

        assertThat(deleted).isEqualTo(10);
        assertThat(deleteStatements()).containsExactly(3L, 3L, 3L, 1L);
        assertThat(inboxIds()).containsExactlyInAnyOrderElementsOf(concat(atCutoff, recent));
        assertThat(inboxIds())
                .doesNotContainAnyElementsOf(old.stream().map(MessageId::value).toList());
    }

    @Test
    void purgeDeletesEveryOldEntryWhenTheirCountIsAMultipleOfTheBatch() {
        recordAt(NOW.minus(RETENTION).minus(Duration.ofDays(30)), 9);
        List<MessageId> recent = recordAt(NOW, 2);
        var purger = new InboxPurger(db.jdbc(), new InboxSettings(RETENTION, Duration.ofHours(1), 3), CLOCK);

        assertThat(purger.purge()).isEqualTo(9);
        assertThat(deleteStatements()).containsExactly(3L, 3L, 3L, 0L);
        assertThat(purger.purge()).isZero();
        assertThat(inboxIds()).containsExactlyInAnyOrderElementsOf(concat(recent));
    }

    @Test
    void purgedMessageIsAppliedAgainOnRedelivery() {
        Envelope envelope = envelope();
        var weekAgo = new Inbox(
                db.jdbc(),
                db.transactions(),
                Clock.offset(CLOCK, RETENTION.plusHours(1).negated()));
        weekAgo.processOnce("payments", envelope, apply("payments"));
        new InboxPurger(db.jdbc(), new InboxSettings(RETENTION, Duration.ofHours(1), 3), CLOCK).purge();

        assertThat(inbox.processOnce("payments", envelope, apply("payments"))).isTrue();
        assertThat(db.count("applied")).isEqualTo(2);
    }

    private static boolean recordInTransaction(Inbox inbox, String consumer, MessageId id) {
        Boolean first = db.transactions().execute(status -> inbox.recordFirstDelivery(consumer, id));
        return Boolean.TRUE.equals(first);
    }

    private static List<MessageId> recordAt(Instant at, int count) {
        var then = new Inbox(db.jdbc(), db.transactions(), Clock.fixed(at, ZoneOffset.UTC));
        List<MessageId> ids =
                IntStream.range(0, count).mapToObj(i -> MessageId.random()).toList();
        ids.forEach(id -> recordInTransaction(then, "payments", id));
        return ids;
    }

    @SafeVarargs
    private static List<UUID> concat(List<MessageId>... lists) {
        return Arrays.stream(lists).flatMap(List::stream).map(MessageId::value).toList();
    }

    private static List<Long> deleteStatements() {
        return db.jdbc()
                .sql("SELECT deleted FROM inbox_deletes ORDER BY seq")
                .query(Long.class)
                .list();
    }

    private static List<UUID> inboxIds() {
        return db.jdbc().sql("SELECT message_id FROM inbox").query(UUID.class).list();
    }

    private static List<UUID> appliedIds(String consumer) {
        return db.jdbc()
                .sql("SELECT message_id FROM applied WHERE consumer = :consumer")
                .param("consumer", consumer)
                .query(UUID.class)
                .list();
    }

    private static Consumer<Envelope> apply(String consumer) {
        return envelope -> db.jdbc()
                .sql("INSERT INTO applied (message_id, consumer) VALUES (:id, :consumer)")
                .param("id", envelope.messageId().value())
                .param("consumer", consumer)
                .update();
    }

    private static Envelope envelope() {
        SagaId saga = SagaId.random();
        return Envelope.command(
                saga, "AuthorizePayment", JSON.createObjectNode().put("cents", 1250), saga + ":pay", Instant.now());
    }
}
