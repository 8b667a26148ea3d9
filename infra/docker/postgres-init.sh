#!/usr/bin/env bash
# Runs once, when the postgres container initializes an empty data volume
# (mounted into /docker-entrypoint-initdb.d/). Creates the database sagaline with a schema per
# service, their owner roles and the relay role sagaline_relay, with the same SQL as
# infra/local/start.
#
# Passwords come from the container environment (see infra/docker-compose.yml):
#   SAGALINE_DB_PASSWORD        password of every service role   (default: sagaline)
#   SAGALINE_RELAY_DB_PASSWORD  password of sagaline_relay       (default: sagaline)
# The entrypoint runs this file when it is executable and sources it otherwise; when
# sourced it leaves the entrypoint's shell options alone and does not call exit.
if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
  set -euo pipefail
fi

psql -v ON_ERROR_STOP=1 \
  --username "${POSTGRES_USER:-postgres}" \
  --dbname "${POSTGRES_DB:-postgres}" \
  -v db_password="${SAGALINE_DB_PASSWORD:-sagaline}" \
  -v relay_password="${SAGALINE_RELAY_DB_PASSWORD:-sagaline}" \
  -f /sagaline/create-databases.sql
