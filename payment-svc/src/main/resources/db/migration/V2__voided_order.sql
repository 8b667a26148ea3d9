-- Orders voided before any hold existed: the authorize was in doubt or still on its way when the
-- saga compensated, and may yet arrive. A late AuthorizePayment for such an order is declined, or
-- it would place a hold that no void releases. A table of its own rather than a hold row: a hold
-- always has a customer, an amount and an expiry, and credit, the account view and the expiry
-- sweep read holds alone.
CREATE TABLE voided_order (
    order_id  uuid        PRIMARY KEY,
    voided_at timestamptz NOT NULL
);
