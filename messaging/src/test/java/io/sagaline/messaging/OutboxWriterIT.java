package io.sagaline.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class OutboxWriterIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final EnvelopeCodec CODEC = new EnvelopeCodec(JSON);

    private static MessagingDatabase db;
    private static OutboxWriter outbox;

    record Inserted(UUID id, String aggregatetype, String aggregateid, String type, String payload) {}

    record Counts(long outbox, long inserted) {}

    @BeforeAll
    static void createDatabase() {
        db = new MessagingDatabase("outbox_writer_it");
        db.captureOutboxInserts();
        outbox = new OutboxWriter(db.jdbc(), CODEC);
    }

    @AfterAll
    static void dropDatabase() {
        if (db != null) {
            db.close();
        }
    }

    @BeforeEach
    void forgetEarlierInserts() {
        db.jdbc().sql("TRUNCATE outbox_inserted").update();
    }

    @Test
    void appendedMessageIsInsertedAndDeletedSoTheTableStaysEmptyAfterCommit() {
        Envelope envelope = command("AuthorizePayment");

        Counts withinTransaction = db.transactions().execute(status -> {
            outbox.append(Topics.PAYMENT_COMMANDS, envelope);
            return new Counts(db.count("outbox"), db.count("outbox_inserted"));
        });

        assertThat(withinTransaction).isEqualTo(new Counts(0, 1));
        assertThat(db.count("outbox")).isZero();
        assertThat(inserted()).singleElement().satisfies(row -> {
            assertThat(row.id()).isEqualTo(envelope.messageId().value());
            assertThat(row.aggregatetype()).isEqualTo(Topics.PAYMENT_COMMANDS);
            assertThat(row.aggregateid()).isEqualTo(envelope.sagaId().value().toString());
            assertThat(row.type()).isEqualTo("AuthorizePayment");
            assertThat(CODEC.decode(row.payload())).isEqualTo(envelope);
        });
    }

    @Test
    void appendsSeveralMessagesInOneTransactionInOrder() {
        Envelope first = command("AuthorizePayment");
        Envelope second = command("ReserveInventory");

        db.transactions().executeWithoutResult(status -> {
            outbox.append(Topics.PAYMENT_COMMANDS, first);
            outbox.append(Topics.INVENTORY_COMMANDS, second);
        });

        assertThat(db.count("outbox")).isZero();
        assertThat(inserted())
                .extracting(Inserted::id, Inserted::aggregatetype)
                .containsExactly(
                        tuple(first.messageId().value(), Topics.PAYMENT_COMMANDS),
                        tuple(second.messageId().value(), Topics.INVENTORY_COMMANDS));
    }

    @Test
    void rolledBackTransactionLeavesNoTrace() {
        db.transactions().executeWithoutResult(status -> {
            outbox.append(Topics.PAYMENT_COMMANDS, command("AuthorizePayment"));
            status.setRollbackOnly();
        });

        assertThat(db.count("outbox")).isZero();
        assertThat(inserted()).isEmpty();
    }

    @Test
    void appendOutsideATransactionThrowsAndWritesNothing() {
        assertThatThrownBy(() -> outbox.append(Topics.PAYMENT_COMMANDS, command("AuthorizePayment")))
                .isInstanceOf(IllegalStateException.class);

        assertThat(db.count("outbox")).isZero();
        assertThat(inserted()).isEmpty();
    }

    private static List<Inserted> inserted() {
        return db.jdbc()
                .sql("SELECT id, aggregatetype, aggregateid, type, payload::text AS payload FROM outbox_inserted"
                        + " ORDER BY ctid")
                .query(Inserted.class)
                .list();
    }

    private static Envelope command(String type) {
        SagaId saga = SagaId.random();
        return Envelope.command(
                        saga, type, JSON.createObjectNode().put("cents", 1250), saga + ":" + type, Instant.now())
                .withCorrelationId("order-request-" + UUID.randomUUID());
    }
}
