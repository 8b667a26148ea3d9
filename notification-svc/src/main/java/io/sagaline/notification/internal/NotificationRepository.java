package io.sagaline.notification.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The {@code notification} table: one row per order and the state of its confirmation mail. */
@Repository
class NotificationRepository {

    private static final String LOCK = """
            SELECT status, claim_token, claimed_at FROM notification WHERE order_id = :orderId FOR UPDATE
            """;
    private static final String INSERT_SENDING = """
            INSERT INTO notification (order_id, email, subject, message_id, status, claim_token, claimed_at, attempts)
            VALUES (:orderId, :email, :subject, :messageId, 'SENDING', :token, :now, 1)
            ON CONFLICT (order_id) DO NOTHING
            """;
    private static final String RECLAIM = """
            UPDATE notification
            SET status = 'SENDING', claim_token = :token, claimed_at = :now, attempts = attempts + 1
            WHERE order_id = :orderId AND claim_token = :previousToken AND status IN ('SENDING', 'FAILED')
            """;
    private static final String MARK_SENT = """
            UPDATE notification SET status = 'SENT', sent_at = :now, last_error = NULL
            WHERE order_id = :orderId AND claim_token = :token AND status = 'SENDING'
            """;
    private static final String MARK_FAILED = """
            UPDATE notification SET status = 'FAILED', last_error = :error
            WHERE order_id = :orderId AND claim_token = :token AND status = 'SENDING'
            """;
    // The inbox is the messaging module's table in this service's database; it is only read here,
    // to recognize a redelivered message before claiming a send (the insert happens with the reply).
    private static final String INBOX_HAS = """
            SELECT EXISTS (SELECT 1 FROM inbox WHERE consumer = :consumer AND message_id = :messageId)
            """;
    private static final String FIND_BY_ORDER = """
            SELECT order_id, email, subject, status, sent_at FROM notification WHERE order_id = :orderId
            """;

    private final JdbcClient jdbc;

    NotificationRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The order's row, locked until the transaction ends. */
    Optional<Attempt> lock(UUID orderId) {
        return jdbc.sql(LOCK)
                .param("orderId", orderId)
                .query((rows, n) -> new Attempt(
                        Status.valueOf(rows.getString("status")),
                        rows.getObject("claim_token", UUID.class),
                        rows.getTimestamp("claimed_at").toInstant()))
                .optional();
    }

    /** Claims the first attempt for an order; false if another transaction created the row first. */
    boolean insertSending(ConfirmationMail mail, UUID token, Instant now) {
        return jdbc.sql(INSERT_SENDING)
                        .param("orderId", mail.orderId())
                        .param("email", mail.to())
                        .param("subject", mail.subject())
                        .param("messageId", mail.messageId())
                        .param("token", token)
                        .param("now", Timestamp.from(now))
                        .update()
                == 1;
    }

    /** Takes over an order whose last attempt failed or died; false if someone else took it. */
    boolean reclaim(UUID orderId, UUID previousToken, UUID token, Instant now) {
        return jdbc.sql(RECLAIM)
                        .param("orderId", orderId)
                        .param("previousToken", previousToken)
                        .param("token", token)
                        .param("now", Timestamp.from(now))
                        .update()
                == 1;
    }

    /** Records the mail as sent; false if the attempt {@code token} no longer holds the order. */
    boolean markSent(UUID orderId, UUID token, Instant now) {
        return jdbc.sql(MARK_SENT)
                        .param("orderId", orderId)
                        .param("token", token)
                        .param("now", Timestamp.from(now))
                        .update()
                == 1;
    }

    /** Records a failed attempt; false if the attempt {@code token} no longer holds the order. */
    boolean markFailed(UUID orderId, UUID token, String error) {
        return jdbc.sql(MARK_FAILED)
                        .param("orderId", orderId)
                        .param("token", token)
                        .param("error", error)
                        .update()
                == 1;
    }

    boolean inboxHas(String consumer, UUID messageId) {
        return Boolean.TRUE.equals(jdbc.sql(INBOX_HAS)
                .param("consumer", consumer)
                .param("messageId", messageId)
                .query(Boolean.class)
                .single());
    }

    List<NotificationView> findByOrder(UUID orderId) {
        return jdbc.sql(FIND_BY_ORDER)
                .param("orderId", orderId)
                .query((rows, n) -> new NotificationView(
                        rows.getObject("order_id", UUID.class),
                        rows.getString("email"),
                        rows.getString("subject"),
                        rows.getString("status"),
                        instant(rows.getTimestamp("sent_at"))))
                .list();
    }

    private static @Nullable Instant instant(@Nullable Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }

    enum Status {
        SENDING,
        SENT,
        FAILED
    }

    /** The current attempt of an order's mail. */
    record Attempt(Status status, UUID token, Instant claimedAt) {}
}
