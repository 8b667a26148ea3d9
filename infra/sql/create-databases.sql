-- Creates the Sagaline service databases and roles. Safe to run again: existing roles and
-- databases are kept, passwords and grants are (re)applied.
--
-- Run as a superuser with psql, which must set two variables:
--   psql -v ON_ERROR_STOP=1 -v db_password=... -v relay_password=... -f create-databases.sql
-- Used by infra/local/start and by infra/docker/postgres-init.sh.
--
-- Each service owns one database through a LOGIN role of the same name. The relay role
-- sagaline_relay streams the outbox tables by logical replication: it is a member of every
-- service role (so it may create the filtered publication on that service's outbox and
-- relay_heartbeat tables and write relay_heartbeat), and may create objects in each
-- database (its offsets table).

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

SELECT format('CREATE DATABASE %I OWNER %I', d, d)
  FROM unnest(ARRAY['orchestrator', 'payment', 'inventory', 'shipment', 'notification']) AS d
 WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = d)
\gexec

GRANT orchestrator, payment, inventory, shipment, notification TO sagaline_relay;

GRANT CONNECT, CREATE ON DATABASE orchestrator TO sagaline_relay;
GRANT CONNECT, CREATE ON DATABASE payment      TO sagaline_relay;
GRANT CONNECT, CREATE ON DATABASE inventory    TO sagaline_relay;
GRANT CONNECT, CREATE ON DATABASE shipment     TO sagaline_relay;
GRANT CONNECT, CREATE ON DATABASE notification TO sagaline_relay;
