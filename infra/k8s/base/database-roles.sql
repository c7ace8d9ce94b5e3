-- Run by the migrate Job (psql, as the owner of the read models) before it migrates:
-- a login role that may only read, for query-api. Idempotent.
--   psql -v reader=udaconnect_reader -v reader_password=... -v owner=udaconnect -f database-roles.sql
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
