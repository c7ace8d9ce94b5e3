-- Read models of UdaConnect. They are disposable views of the Kafka log: the
-- projector fills them, and a rebuild can always recreate them from offset 0.

CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS btree_gist;

CREATE TABLE person (
  id            text PRIMARY KEY CHECK (id ~ '^[A-Za-z0-9_-]{1,64}$'),
  first_name    text NOT NULL,
  last_name     text NOT NULL,
  company_name  text NOT NULL,
  -- recorded_at and event id of the registration these values come from.
  registered_at timestamptz NOT NULL,
  last_event_id uuid NOT NULL
);

-- One row per LocationRecorded event. No foreign key to person: a check-in may
-- be projected before its person's registration, and joins once it arrives.
CREATE TABLE location (
  -- The device-chosen event id: a redelivered or retried event cannot add a second row.
  event_id    uuid PRIMARY KEY,
  person_id   text NOT NULL,
  coordinate  geography(Point, 4326) NOT NULL,
  occurred_at timestamptz NOT NULL,
  recorded_at timestamptz NOT NULL
);

-- The connection lookup asks "which check-ins are within D metres of this one
-- and inside [start, end)": one GiST index answers both conditions together.
CREATE INDEX location_coordinate_occurred_at_idx ON location USING gist (coordinate, occurred_at);
-- A person's own check-ins in a time range.
CREATE INDEX location_person_id_occurred_at_idx ON location (person_id, occurred_at);

-- Where the projector resumes: the next offset of each partition, written in
-- the same transaction as the rows that offset's records produced.
CREATE TABLE projection_checkpoint (
  topic       text    NOT NULL,
  partition   integer NOT NULL CHECK (partition >= 0),
  next_offset bigint  NOT NULL CHECK (next_offset >= 0),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (topic, partition)
);
