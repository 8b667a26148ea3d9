-- Carriers, the regions they serve and how many shipments each has booked per day.

CREATE TABLE carrier (
    id             uuid         PRIMARY KEY,
    name           varchar(100) NOT NULL UNIQUE,
    daily_capacity integer      NOT NULL CHECK (daily_capacity BETWEEN 1 AND 100000),
    created_at     timestamptz  NOT NULL
);

CREATE TABLE carrier_region (
    carrier_id uuid         NOT NULL REFERENCES carrier (id),
    region     varchar(100) NOT NULL,
    PRIMARY KEY (carrier_id, region)
);
CREATE INDEX carrier_region_region ON carrier_region (region);

-- One row per carrier and UTC day with at least one booking. Bookings take a slot with a
-- conditional increment on this row, so concurrent bookings of one carrier serialize on it and
-- the capacity check and the increment are one atomic step.
CREATE TABLE carrier_day_load (
    carrier_id uuid    NOT NULL REFERENCES carrier (id),
    day        date    NOT NULL,
    booked     integer NOT NULL CHECK (booked >= 0),
    PRIMARY KEY (carrier_id, day)
);

CREATE TABLE shipment (
    id              uuid         PRIMARY KEY,
    order_id        uuid         NOT NULL UNIQUE,
    carrier_id      uuid         NOT NULL REFERENCES carrier (id),
    tracking_number varchar(32)  NOT NULL UNIQUE,
    status          varchar(16)  NOT NULL CHECK (status IN ('ACTIVE', 'CANCELLED')),
    units           integer      NOT NULL CHECK (units > 0),
    country         varchar(100) NOT NULL,
    region          varchar(100) NOT NULL,
    city            varchar(200) NOT NULL,
    line1           varchar(300) NOT NULL,
    postal_code     varchar(32)  NOT NULL,
    booked_day      date         NOT NULL, -- the day whose slot it holds, freed on cancellation
    created_at      timestamptz  NOT NULL,
    cancelled_at    timestamptz
);

-- Orders cancelled before any shipment existed (the schedule command timed out and was
-- compensated). A late ScheduleShipment for such an order must not book a slot nobody frees.
CREATE TABLE cancelled_order (
    order_id     uuid        PRIMARY KEY,
    cancelled_at timestamptz NOT NULL
);
