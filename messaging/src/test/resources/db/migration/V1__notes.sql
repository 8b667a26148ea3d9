-- The effect of DeadLetterIT's listener: one row per applied message, deliberately without a unique
-- key, so a message applied twice shows up as two rows.
CREATE TABLE notes (
    message_id uuid         NOT NULL,
    saga_id    uuid         NOT NULL,
    text       varchar(200) NOT NULL
);
