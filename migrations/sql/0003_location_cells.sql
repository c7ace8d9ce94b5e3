-- Read model of the encounter lookup (query-api, /v1/persons/{id}/connections).
--
-- A check-in falls into one cell of a grid of 0.0001 degree (about 11 m north-south,
-- less east-west away from the equator). Someone within D metres and T seconds of a
-- check-in is then found by a few equality probes (the cells the D-circle touches) and
-- a range on occurred_at: each probe reads only the check-ins of one booth-sized cell
-- in a few minutes, instead of every check-in of the venue (a GiST on the geography)
-- or a fuzzy 3-D box (a GiST on space and time).
--
-- Generated columns: the projector writes location as before and need not know about
-- cells; erasing a person's location rows takes their cells with them. The expression
-- must match cellOf() in query-api/src/encounters/probe-cells.ts.
ALTER TABLE location
  ADD COLUMN cell_y integer GENERATED ALWAYS AS (floor(ST_Y(coordinate::geometry) * 10000)::integer) STORED,
  ADD COLUMN cell_x integer GENERATED ALWAYS AS (floor(ST_X(coordinate::geometry) * 10000)::integer) STORED;

CREATE INDEX location_cell_occurred_at_idx ON location (cell_y, cell_x, occurred_at);

-- /v1/projection/status reports the event time of the newest projected check-in.
CREATE INDEX location_occurred_at_idx ON location (occurred_at);
