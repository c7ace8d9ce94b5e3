-- Crypto-shredding (docs/erasure.md): each person's data key, which seals the
-- personal fields of their events in the log. Outside every read-model
-- generation: a rebuild needs the keys, and no rebuild may recreate one.
-- Deleting a person's rows (ErasePerson) makes their sealed fields unreadable
-- in every copy of the log.
CREATE TABLE IF NOT EXISTS keystore.person_keys (
  -- Never reused: a key made after an erasure gets a new id.
  key_id        text PRIMARY KEY,
  -- One live key per person (ingest makes it at the first event, concurrently safe).
  person_id     text NOT NULL UNIQUE,
  -- 12-byte nonce || the 32-byte key encrypted with AES-256-GCM || 16-byte tag.
  wrapped_key   bytea NOT NULL CHECK (octet_length(wrapped_key) = 60),
  -- Which master key (UDACONNECT_MASTER_KEYS_FILE) wrapped it; rotation rewrites both.
  master_key_id text NOT NULL,
  created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS person_keys_master_key_id ON keystore.person_keys (master_key_id);
