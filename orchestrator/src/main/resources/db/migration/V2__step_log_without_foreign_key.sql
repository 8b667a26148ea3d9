-- The step log is appended only by the transaction that writes its saga (Sagas), and no saga is
-- ever deleted. Its foreign key only cost a locking lookup of saga_instance for every line, about
-- 15 per saga (docs/adr/0018).
ALTER TABLE saga_step_log DROP CONSTRAINT saga_step_log_saga_id_fkey;
