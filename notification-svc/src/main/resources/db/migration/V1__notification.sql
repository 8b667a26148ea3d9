-- One row per order: the primary key on order_id is what makes the confirmation mail go out once
-- per order, whichever command, delivery or retry asks for it.
CREATE TABLE notification (
    order_id    uuid          PRIMARY KEY,
    email       varchar(320)  NOT NULL,
    subject     varchar(255)  NOT NULL,
    message_id  varchar(255)  NOT NULL, -- the SMTP Message-ID, stable per order
    status      varchar(16)   NOT NULL CHECK (status IN ('SENDING', 'SENT', 'FAILED')),
    claim_token uuid          NOT NULL, -- who holds the current attempt; guards SENDING -> SENT / FAILED
    claimed_at  timestamptz   NOT NULL, -- start of the current attempt; a SENDING row older than the
                                        -- sending timeout belongs to an attempt that died
    attempts    integer       NOT NULL CHECK (attempts >= 1),
    sent_at     timestamptz,
    last_error  varchar(1000),
    CHECK ((status = 'SENT') = (sent_at IS NOT NULL))
);
