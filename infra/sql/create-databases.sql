-- Creates the Sagaline database, its service schemas and roles. Safe to run again: existing
-- roles, the database and schemas are kept, passwords and grants are (re)applied.
--
-- Run as a superuser with psql, which must set two variables:
--   psql -v ON_ERROR_STOP=1 -v db_password=... -v relay_password=... -f create-databases.sql
-- Used by infra/local/start and by infra/docker/postgres-init.sh.
--
-- The services share one database, sagaline, and each owns one schema of it through a LOGIN
-- role of the same name: a service sees only its own schema (ADR 20). One database means one
-- replication slot, read by one relay engine. The relay role sagaline_relay streams the outbox
-- tables by logical replication: it is a member of every service role (so it may create the
-- filtered publication on their outbox tables and write the heartbeat table), may create a
-- publication in the database, and keeps its offsets in a schema of its own.
--
-- A database per service, each on its own cluster, is the other supported layout: give each
-- service its database (schema public) and set the relay's databases to their names and its
-- schemas to public (docs/architecture.md, "One database or one per service").

SET client_min_messages = warning;

SELECT format('CREATE ROLE %I LOGIN', r)
  FROM unnest(ARRAY['orchestrator', 'payment', 'inventory', 'shipment', 'notification']) AS r
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r)
\gexec

ALTER ROLE orchestrator WITH LOGIN PASSWORD :'db_password';
ALTER ROLE payment      WITH LOGIN PASSWORD :'db_password';
ALTER ROLE inventory    WITH LOGIN PASSWORD :'db_password';
ALTER ROLE shipment     WITH LOGIN PASSWORD :'db_password';
ALTER ROLE notification WITH LOGIN PASSWORD :'db_password';

SELECT 'CREATE ROLE sagaline_relay LOGIN REPLICATION'
 WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'sagaline_relay')
\gexec

ALTER ROLE sagaline_relay WITH LOGIN REPLICATION PASSWORD :'relay_password';

SELECT 'CREATE DATABASE sagaline'
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = 'sagaline')
\gexec

GRANT orchestrator, payment, inventory, shipment, notification TO sagaline_relay;
GRANT CONNECT ON DATABASE sagaline TO orchestrator, payment, inventory, shipment, notification;
GRANT CONNECT, CREATE ON DATABASE sagaline TO sagaline_relay;

\connect sagaline

SET client_min_messages = warning;

CREATE SCHEMA IF NOT EXISTS orchestrator   AUTHORIZATION orchestrator;
CREATE SCHEMA IF NOT EXISTS payment        AUTHORIZATION payment;
CREATE SCHEMA IF NOT EXISTS inventory      AUTHORIZATION inventory;
CREATE SCHEMA IF NOT EXISTS shipment       AUTHORIZATION shipment;
CREATE SCHEMA IF NOT EXISTS notification   AUTHORIZATION notification;
-- The relay's offsets table lands here: its search path starts with "$user".
CREATE SCHEMA IF NOT EXISTS sagaline_relay AUTHORIZATION sagaline_relay;

-- A session that does not name its schema (psql, a report) still lands in its own.
ALTER ROLE orchestrator IN DATABASE sagaline SET search_path = orchestrator;
ALTER ROLE payment      IN DATABASE sagaline SET search_path = payment;
ALTER ROLE inventory    IN DATABASE sagaline SET search_path = inventory;
ALTER ROLE shipment     IN DATABASE sagaline SET search_path = shipment;
ALTER ROLE notification IN DATABASE sagaline SET search_path = notification;
