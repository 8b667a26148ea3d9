-- Customer accounts with a credit limit; amounts are minor units of the account's currency.
CREATE TABLE account (
    customer_id  varchar(100) PRIMARY KEY,
    currency     char(3)      NOT NULL,
    credit_limit bigint       NOT NULL CHECK (credit_limit >= 0),
    status       varchar(16)  NOT NULL CHECK (status IN ('ACTIVE', 'FROZEN')),
    created_at   timestamptz  NOT NULL
);

-- Inside a distributed transaction authorization and capture are one step: the charge. Its row
-- lock on the account (taken FOR UPDATE before the exposure is summed) is held until the global
-- transaction ends, through both phases, as the saga's hold is not.
CREATE TABLE charge (
    order_id    uuid         PRIMARY KEY,
    customer_id varchar(100) NOT NULL REFERENCES account (customer_id),
    amount      bigint       NOT NULL CHECK (amount > 0),
    currency    char(3)      NOT NULL,
    captured_at timestamptz  NOT NULL
);
CREATE INDEX charge_customer ON charge (customer_id);
