-- Stock is kept as individual units, the way a warehouse tracks packets: a unit is either free
-- or held by exactly one order, so "no unit in two orders" is a property of the row itself.

-- An SKU exists on its own, so an article can be known and out of stock (no units).
CREATE TABLE sku (
    sku        varchar(64) PRIMARY KEY,
    created_at timestamptz NOT NULL
);

CREATE TABLE unit (
    id             uuid        PRIMARY KEY,
    sku            varchar(64) NOT NULL REFERENCES sku (sku),
    price_minor    bigint      NOT NULL CHECK (price_minor >= 0),
    currency       char(3)     NOT NULL,
    status         varchar(16) NOT NULL CHECK (status IN ('AVAILABLE', 'RESERVED', 'ALLOCATED')),
    order_id       uuid,
    reserved_until timestamptz,
    added_at       timestamptz NOT NULL,
    -- A held unit names its order, a free one names none.
    CONSTRAINT unit_held_by_one_order CHECK ((status = 'AVAILABLE') = (order_id IS NULL)),
    CONSTRAINT unit_reserved_until CHECK ((status = 'RESERVED') = (reserved_until IS NOT NULL))
);
-- Serves the reservation pick: WHERE sku = ? AND status = 'AVAILABLE' ORDER BY id.
CREATE INDEX unit_available ON unit (sku, id) WHERE status = 'AVAILABLE';
CREATE INDEX unit_order ON unit (order_id) WHERE order_id IS NOT NULL;
CREATE INDEX unit_sku_status ON unit (sku, status);

-- One reservation per order. A release that arrives before its reservation leaves a RELEASED
-- row behind, so the late reservation is refused instead of holding units nobody will release.
CREATE TABLE reservation (
    order_id   uuid        PRIMARY KEY,
    status     varchar(16) NOT NULL CHECK (status IN ('ACTIVE', 'RELEASED', 'ALLOCATED', 'EXPIRED')),
    created_at timestamptz NOT NULL,
    expires_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL
);
CREATE INDEX reservation_due ON reservation (expires_at) WHERE status = 'ACTIVE';

-- Which units a reservation took, kept after release or expiry: a late allocation of an expired
-- reservation takes the same units back if they are still free.
CREATE TABLE reservation_unit (
    order_id uuid NOT NULL REFERENCES reservation (order_id),
    unit_id  uuid NOT NULL REFERENCES unit (id),
    PRIMARY KEY (order_id, unit_id)
);
