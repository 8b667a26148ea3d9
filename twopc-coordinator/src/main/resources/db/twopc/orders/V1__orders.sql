-- The order as its customer sees it. An APPROVED row is written inside the orders branch of the
-- global transaction, so it becomes visible only when that branch commits; a REJECTED row is
-- written afterwards in a local transaction of its own.
CREATE TABLE orders (
    id               uuid         PRIMARY KEY,
    idempotency_key  varchar(255) NOT NULL,
    customer_id      varchar(100) NOT NULL,
    status           varchar(20)  NOT NULL CHECK (status IN ('APPROVED', 'REJECTED')),
    reason           text,
    total_minor      bigint       NOT NULL,
    currency         char(3)      NOT NULL,
    lines            jsonb        NOT NULL,
    shipping_address jsonb        NOT NULL,
    email            varchar(320) NOT NULL,
    created_at       timestamptz  NOT NULL,
    -- One order per client key: a second request with the key waits for the first one's branch
    -- and then finds its row.
    CONSTRAINT orders_idempotency_key UNIQUE (idempotency_key)
);
CREATE INDEX orders_customer ON orders (customer_id);
