-- Messaging plumbing shared by every Sagaline database. Versions 0.x belong to the messaging
-- module; each service numbers its own migrations from 1.

-- Debezium's default outbox columns. Rows are inserted and deleted in the same transaction
-- (docs/adr/0002-outbox-insert-then-delete.md): the relay reads the insert from the WAL, the
-- table stays empty.
CREATE TABLE outbox (
    id            uuid         PRIMARY KEY,
    aggregatetype varchar(255) NOT NULL, -- destination topic
    aggregateid   varchar(255) NOT NULL, -- saga id: the Kafka key
    type          varchar(255) NOT NULL, -- message type: a Kafka header
    payload       jsonb        NOT NULL  -- the whole envelope
);

-- Message ids a consumer has applied, written in the same transaction as the effect.
CREATE TABLE inbox (
    consumer     varchar(100) NOT NULL,
    message_id   uuid         NOT NULL,
    processed_at timestamptz  NOT NULL,
    PRIMARY KEY (consumer, message_id)
);
CREATE INDEX inbox_processed_at ON inbox (processed_at);

-- The relay's heartbeat writes here so that an idle database still advances its replication
-- slot and does not hold back the WAL other databases of the cluster produce.
CREATE TABLE relay_heartbeat (
    id      smallint    PRIMARY KEY,
    beat_at timestamptz NOT NULL
);
