-- Carriers, the regions they serve and their bookings per UTC day, as shipment-svc keeps them.
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

-- The booking counter: a conditional increment takes a slot, so every booking of one carrier's
-- day queues on this row, here for the whole global transaction.
CREATE TABLE carrier_day (
    carrier_id uuid    NOT NULL REFERENCES carrier (id),
    day        date    NOT NULL,
    booked     integer NOT NULL CHECK (booked >= 0),
    PRIMARY KEY (carrier_id, day)
);

CREATE TABLE shipment (
    order_id    uuid         PRIMARY KEY,
    carrier_id  uuid         NOT NULL REFERENCES carrier (id),
    units       integer      NOT NULL CHECK (units > 0),
    country     varchar(100) NOT NULL,
    region      varchar(100) NOT NULL,
    city        varchar(200) NOT NULL,
    line1       varchar(300) NOT NULL,
    postal_code varchar(32)  NOT NULL,
    booked_day  date         NOT NULL,
    created_at  timestamptz  NOT NULL
);
