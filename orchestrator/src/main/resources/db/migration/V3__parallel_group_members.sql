-- Where each step of a parallel group stands while the saga runs or compensates through it
-- (docs/adr/0019-parallel-steps.md): a JSON array of {step, phase, attempt, awaitedRequest,
-- deadline, lastError}. NULL for a saga that stands on a step run alone.
ALTER TABLE saga_instance ADD COLUMN members jsonb;
