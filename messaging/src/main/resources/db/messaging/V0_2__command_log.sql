-- The reply a participant gave to each command, by idempotency key: a retried command (a new
-- message with the same key) gets the same reply again and changes nothing.
CREATE TABLE command_log (
    consumer        varchar(100) NOT NULL,
    idempotency_key varchar(255) NOT NULL,
    reply_type      varchar(255) NOT NULL,
    reply_payload   jsonb        NOT NULL,
    handled_at      timestamptz  NOT NULL,
    PRIMARY KEY (consumer, idempotency_key)
);
CREATE INDEX command_log_handled_at ON command_log (handled_at);
