-- Run by the migrate Job (psql, as the owner of the read models) before it migrates:
-- a login role that may only read, for query-api, and the key store role of ingest. Idempotent.
--   psql -v reader=udaconnect_reader -v reader_password=... -v owner=udaconnect \
--        -v keystore=udaconnect_keystore -v keystore_password=... -f database-roles.sql
\set ON_ERROR_STOP on
SELECT format('CREATE ROLE %I LOGIN', :'reader')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'reader') \gexec
ALTER ROLE :"reader" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'reader_password';
-- Even a statement that tried to write would be refused.
ALTER ROLE :"reader" SET default_transaction_read_only = on;
SELECT format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), :'reader') \gexec
-- Generations are built in schemas rm_<n> and moved into public when switched in; tables
-- keep their grants when they move, and every table the owner creates gets SELECT.
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" GRANT USAGE ON SCHEMAS TO :"reader";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" GRANT SELECT ON TABLES TO :"reader";
SELECT format('GRANT USAGE ON SCHEMA %I TO %I', nspname, :'reader')
FROM pg_namespace WHERE nspname = 'public' OR nspname ~ '^rm_[0-9]+$' \gexec
SELECT format('GRANT SELECT ON ALL TABLES IN SCHEMA %I TO %I', nspname, :'reader')
FROM pg_namespace WHERE nspname = 'public' OR nspname ~ '^rm_[0-9]+$' \gexec

-- Ingest's role for the crypto-shredding key store (docs/erasure.md): it may read, add and
-- destroy persons' data keys in schema keystore, and nothing else (no read model, no DDL).
--   psql ... -v keystore=udaconnect_keystore -v keystore_password=...
SELECT format('CREATE ROLE %I LOGIN', :'keystore')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'keystore') \gexec
ALTER ROLE :"keystore" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'keystore_password';
SELECT format('GRANT CONNECT ON DATABASE %I TO %I', current_database(), :'keystore') \gexec
-- The migrate container makes the table (migrations/keystore/); the schema is made here so that
-- its grants exist before the table does. The owner's default privileges above would let the
-- reader see it: the wrapped keys are no read model, so the reader loses the schema.
CREATE SCHEMA IF NOT EXISTS keystore;
REVOKE ALL ON SCHEMA keystore FROM :"reader";
REVOKE ALL ON ALL TABLES IN SCHEMA keystore FROM :"reader";
GRANT USAGE ON SCHEMA keystore TO :"keystore";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA keystore GRANT SELECT, INSERT, DELETE ON TABLES TO :"keystore";
GRANT SELECT, INSERT, DELETE ON ALL TABLES IN SCHEMA keystore TO :"keystore";
