-- Erasure (PersonErased) must survive a replay of the log, although persons and
-- locations are separate topics read independently: a check-in may be projected
-- before or after its person's erasure. So the erasure is remembered here, and
-- a check-in the gateway recorded at or before erased_at is never projected
-- (deleted when the erasure comes later, not inserted when it comes earlier).
-- Check-ins recorded after the erasure are kept, as for any person not (yet)
-- registered; a later PersonRegistered of the same id makes a new person.
CREATE TABLE erased_person (
  person_id     text PRIMARY KEY,
  -- The erasure's recorded_at (the gateway's clock, like location.recorded_at).
  erased_at     timestamptz NOT NULL,
  last_event_id uuid NOT NULL
);
