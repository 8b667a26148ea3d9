-- One row per saga instance: where it stands (docs/adr/0007-saga-engine.md) and its data.
CREATE TABLE saga_instance (
    id                 uuid         PRIMARY KEY,
    type               varchar(100) NOT NULL,
    definition_version int          NOT NULL, -- the definition it started with, and keeps
    status             varchar(30)  NOT NULL,
    current_step       int          NOT NULL,
    direction          varchar(10)  NOT NULL, -- FORWARD or BACKWARD
    attempt            int          NOT NULL,
    awaited_request    uuid,                  -- the command whose reply counts
    deadline           timestamptz,           -- its timeout, or when a retry is due
    payload            jsonb        NOT NULL, -- the saga's data
    reason             text,                  -- why it compensates, or how it was resolved
    last_error         text,
    version            bigint       NOT NULL, -- optimistic lock: every write checks and bumps it
    start_key          varchar(255) NOT NULL UNIQUE, -- the client's idempotency key
    start_fingerprint  varchar(64)  NOT NULL, -- SHA-256 of the start request
    created_at         timestamptz  NOT NULL,
    updated_at         timestamptz  NOT NULL
);
-- The deadline scanner's claim: only active sagas have a deadline.
CREATE INDEX saga_instance_due ON saga_instance (deadline) WHERE deadline IS NOT NULL;
CREATE INDEX saga_instance_status ON saga_instance (status, created_at DESC);
CREATE INDEX saga_instance_created ON saga_instance (created_at DESC);

-- Append-only: every event and every effect of every saga, in order.
CREATE TABLE saga_step_log (
    id           bigint       GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    saga_id      uuid         NOT NULL REFERENCES saga_instance (id),
    at           timestamptz  NOT NULL,
    entry        varchar(40)  NOT NULL, -- what happened: COMMAND_SENT, REPLY, TIMEOUT, ...
    step         int,
    step_name    varchar(100),
    direction    varchar(10),
    attempt      int,
    message_type varchar(255),
    message_id   uuid,                  -- the command sent, or the reply received
    in_reply_to  uuid,                  -- for replies: the command answered
    actor        varchar(100),          -- for operator actions: who
    detail       text
);
CREATE INDEX saga_step_log_saga ON saga_step_log (saga_id, id);

-- The order as a customer sees it.
CREATE TABLE orders (
    id               uuid         PRIMARY KEY,
    saga_id          uuid         NOT NULL UNIQUE REFERENCES saga_instance (id),
    customer_id      varchar(100) NOT NULL,
    status           varchar(20)  NOT NULL, -- PENDING, APPROVED or REJECTED
    reason           text,                  -- why it was rejected
    total_minor      bigint       NOT NULL,
    currency         char(3)      NOT NULL,
    lines            jsonb        NOT NULL,
    shipping_address jsonb        NOT NULL,
    email            varchar(320) NOT NULL,
    created_at       timestamptz  NOT NULL,
    updated_at       timestamptz  NOT NULL
);
