-- Stock as individual units, as inventory-svc keeps it, without reservations: the global
-- transaction allocates units directly.
CREATE TABLE sku (
    sku        varchar(64) PRIMARY KEY,
    created_at timestamptz NOT NULL
);

CREATE TABLE unit (
    id          uuid        PRIMARY KEY,
    sku         varchar(64) NOT NULL REFERENCES sku (sku),
    price_minor bigint      NOT NULL CHECK (price_minor >= 0),
    currency    char(3)     NOT NULL,
    status      varchar(16) NOT NULL CHECK (status IN ('AVAILABLE', 'ALLOCATED')),
    order_id    uuid,
    added_at    timestamptz NOT NULL,
    allocated_at timestamptz,
    CONSTRAINT unit_held_by_one_order CHECK ((status = 'AVAILABLE') = (order_id IS NULL))
);
-- Serves the pick: WHERE sku = ? AND status = 'AVAILABLE' ORDER BY id ... FOR UPDATE SKIP LOCKED.
CREATE INDEX unit_available ON unit (sku, id) WHERE status = 'AVAILABLE';
CREATE INDEX unit_order ON unit (order_id) WHERE order_id IS NOT NULL;
CREATE INDEX unit_sku_status ON unit (sku, status);
