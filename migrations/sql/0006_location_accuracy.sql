-- The horizontal accuracy the device reported with a check-in (CheckIn.accuracy_m, kept in
-- LocationRecorded.accuracy_m), in metres: the radius within which the phone places itself.
-- /v1/persons/{id}/locations returns it, and /v1/persons/{id}/connections?max_accuracy_m=
-- leaves out check-ins less precise than the bound.
--
-- NULL when unknown: events without it (the original data, devices that do not report it)
-- and rows projected before this file. Additive, so applied in place: the projector writes
-- the column from now on, and `scripts/rebuild` fills it for the check-ins projected before
-- (the log has every event's accuracy_m). A nullable column without a default is a catalog
-- change only: no table rewrite, and old rows cost nothing.
--
-- Not in the covering index of the cell probes (0004): lookups without max_accuracy_m, the
-- common case, keep their index-only probes; a lookup with it reads the heap of the rows
-- its probes find.
ALTER TABLE location
  ADD COLUMN accuracy_m double precision CHECK (accuracy_m >= 0 AND accuracy_m < 'Infinity');
