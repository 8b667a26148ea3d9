-- The coordinator's durable decision log. Presumed abort: only COMMIT decisions are written, so a
-- prepared branch whose global transaction has no row here is rolled back by recovery.
CREATE TABLE decision (
    global_id      varchar(200) PRIMARY KEY, -- sagaline-2pc:<coordinator id>:<order id>
    coordinator_id varchar(40)  NOT NULL,
    outcome        varchar(10)  NOT NULL CHECK (outcome = 'COMMIT'),
    decided_at     timestamptz  NOT NULL,
    completed_at   timestamptz             -- every branch committed; written lazily, in batches
);
CREATE INDEX decision_open ON decision (coordinator_id) WHERE completed_at IS NULL;
