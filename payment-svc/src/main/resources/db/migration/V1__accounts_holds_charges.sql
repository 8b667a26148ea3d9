-- Customer accounts with a credit limit. Amounts are minor units of the account's currency.
CREATE TABLE account (
    customer_id  varchar(100) PRIMARY KEY,
    currency     char(3)      NOT NULL,
    credit_limit bigint       NOT NULL CHECK (credit_limit >= 0),
    status       varchar(16)  NOT NULL CHECK (status IN ('ACTIVE', 'FROZEN')),
    created_at   timestamptz  NOT NULL
);

-- One authorization hold per order. An ACTIVE hold counts against credit until it expires
-- (expires_at, read with the service's clock) even before the sweep marks it EXPIRED.
CREATE TABLE hold (
    authorization_id uuid         PRIMARY KEY,
    order_id         uuid         NOT NULL UNIQUE,
    customer_id      varchar(100) NOT NULL REFERENCES account (customer_id),
    amount           bigint       NOT NULL CHECK (amount > 0),
    currency         char(3)      NOT NULL,
    status           varchar(16)  NOT NULL CHECK (status IN ('ACTIVE', 'CAPTURED', 'VOIDED', 'EXPIRED')),
    expires_at       timestamptz  NOT NULL,
    created_at       timestamptz  NOT NULL,
    updated_at       timestamptz  NOT NULL
);
CREATE INDEX hold_customer_status ON hold (customer_id, status);
CREATE INDEX hold_active_expiry ON hold (expires_at) WHERE status = 'ACTIVE';

-- A captured hold becomes a charge; the primary key on order_id is what makes a second capture
-- of one order impossible, whatever idempotency key it arrives with.
CREATE TABLE charge (
    order_id         uuid         PRIMARY KEY REFERENCES hold (order_id),
    authorization_id uuid         NOT NULL,
    customer_id      varchar(100) NOT NULL REFERENCES account (customer_id),
    amount           bigint       NOT NULL CHECK (amount > 0),
    currency         char(3)      NOT NULL,
    status           varchar(16)  NOT NULL CHECK (status IN ('CHARGED', 'REFUNDED')),
    captured_at      timestamptz  NOT NULL,
    refunded_at      timestamptz,
    refund_reason    text
);
CREATE INDEX charge_customer_status ON charge (customer_id, status);
