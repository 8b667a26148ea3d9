# shellcheck shell=bash
# Kafka Connect workers for infra/local/start, stop and status: a distributed Connect cluster
# of local processes that runs the Debezium connectors of infra/connect/ instead of the
# embedded relay. Sourced by infra/local/lib.sh, not run.
#
#   SAGALINE_CONNECT_WORKERS   2      workers in the cluster (one group, sagaline-connect)
#   SAGALINE_CONNECT_PORT      8086   REST port of worker 1; worker N listens on this + N - 1
#   SAGALINE_CONNECT_HEAP      384m   heap of each worker
#   SAGALINE_CONNECT_GROUP     sagaline-connect   the cluster's group id, and the prefix of its
#                                     config, offset and status topics
#   SAGALINE_RELAY_HOST        127.0.0.1          PostgreSQL as the connectors reach it
#   SAGALINE_CONNECT_CACHE     <repo>/.data/connect   the workers' class path and the connector
#                                     plugin, shared by every data dir
#
# Each worker keeps its settings, log and pid under $SAGALINE_DATA_DIR/connect/worker-N; the
# cluster's configs, offsets and status live in Kafka topics ($SAGALINE_CONNECT_GROUP-*).

SAGALINE_CONNECT_WORKERS="${SAGALINE_CONNECT_WORKERS:-2}"
SAGALINE_CONNECT_PORT="${SAGALINE_CONNECT_PORT:-8086}"
SAGALINE_CONNECT_HEAP="${SAGALINE_CONNECT_HEAP:-384m}"
SAGALINE_CONNECT_GROUP="${SAGALINE_CONNECT_GROUP:-sagaline-connect}"

CONNECT_ROOT="$SAGALINE_DATA_DIR/connect"
CONNECT_CACHE="${SAGALINE_CONNECT_CACHE:-$SAGALINE_ROOT/.data/connect}"
CONNECT_POM="$SAGALINE_LOCAL_DIR/connect/pom.xml"
CONNECT_PLUGIN_POM="$SAGALINE_LOCAL_DIR/connect/plugin/pom.xml"
CONNECT_PLUGIN_DIR="$CONNECT_CACHE/plugins/debezium-connector-postgres"

connect_worker_dir() { echo "$CONNECT_ROOT/worker-$1"; }
connect_worker_port() { echo $((SAGALINE_CONNECT_PORT + $1 - 1)); }
connect_pid() { cat "$(connect_worker_dir "$1")/connect.pid" 2>/dev/null || true; }

connect_is_running() {
  local pid
  pid="$(connect_pid "$1")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "ConnectDistributed $(connect_worker_dir "$1")/worker.properties"
}

# The Kafka version of the broker's class path (Spring Boot's kafka.version), which the
# workers run too.
connect_kafka_version() {
  mkdir -p "$KAFKA_ROOT"
  kafka_classpath | tr ':' '\n' | sed -n 's:.*/kafka-clients/\([^/]*\)/.*:\1:p' | head -n 1
}

# The Debezium version of the embedded relay (the root pom's debezium.version).
connect_debezium_version() {
  sed -n 's:.*<debezium.version>\(.*\)</debezium.version>.*:\1:p' "$SAGALINE_ROOT/pom.xml" | head -n 1
}

# The workers' class path (Apache Kafka's Connect runtime), resolved by Maven once per data dir
# and Kafka version.
connect_classpath() {
  local version cache
  version="$(connect_kafka_version)"
  [ -n "$version" ] || die "could not tell the Kafka version from the broker's class path"
  cache="$CONNECT_CACHE/classpath-$version.txt"
  if [ -s "$cache" ] && [ "$cache" -nt "$CONNECT_POM" ]; then
    cat "$cache"
    return 0
  fi
  info "resolving the Kafka Connect $version class path with Maven (cached in $cache)" >&2
  if ! (cd "$SAGALINE_ROOT" && ./mvnw -q -B -f "$CONNECT_POM" dependency:build-classpath \
    -Dkafka.version="$version" -Dmdep.outputFile="$cache.tmp" >"$CONNECT_CACHE/maven.log" 2>&1 9>&-); then
    tail -n 30 "$CONNECT_CACHE/maven.log" >&2 || true
    die "Maven could not resolve the Kafka Connect class path; see $CONNECT_CACHE/maven.log"
  fi
  mv -f "$cache.tmp" "$cache"
  cat "$cache"
}

# The Debezium PostgreSQL connector as a plugin directory: its jars, without what the Connect
# runtime provides.
connect_assemble_plugin() {
  local version
  version="$(connect_debezium_version)"
  [ -n "$version" ] || die "could not read debezium.version from $SAGALINE_ROOT/pom.xml"
  if [ -f "$CONNECT_PLUGIN_DIR/debezium-connector-postgres-$version.jar" ] && [ "$CONNECT_PLUGIN_DIR" -nt "$CONNECT_PLUGIN_POM" ]; then
    return 0
  fi
  info "assembling the Debezium PostgreSQL connector $version plugin in $CONNECT_PLUGIN_DIR"
  rm -rf "$CONNECT_PLUGIN_DIR.tmp"
  if ! (cd "$SAGALINE_ROOT" && ./mvnw -q -B -f "$CONNECT_PLUGIN_POM" dependency:copy-dependencies \
    -Ddebezium.version="$version" -DincludeScope=runtime -DexcludeGroupIds=org.apache.kafka \
    -DexcludeArtifactIds=slf4j-api,lz4-java,snappy-java,zstd-jni \
    -DoutputDirectory="$CONNECT_PLUGIN_DIR.tmp" >"$CONNECT_CACHE/maven.log" 2>&1 9>&-); then
    tail -n 30 "$CONNECT_CACHE/maven.log" >&2 || true
    die "Maven could not assemble the connector plugin; see $CONNECT_CACHE/maven.log"
  fi
  rm -rf "$CONNECT_PLUGIN_DIR"
  mv "$CONNECT_PLUGIN_DIR.tmp" "$CONNECT_PLUGIN_DIR"
}

connect_write_properties() {
  local n="$1" dir
  dir="$(connect_worker_dir "$n")"
  cat >"$dir/worker.properties" <<PROPERTIES
# Written by infra/local/start for worker $n; the settings infra/connect/README.md lists.
bootstrap.servers=127.0.0.1:$SAGALINE_KAFKA_PORT
group.id=$SAGALINE_CONNECT_GROUP
config.storage.topic=$SAGALINE_CONNECT_GROUP-configs
offset.storage.topic=$SAGALINE_CONNECT_GROUP-offsets
status.storage.topic=$SAGALINE_CONNECT_GROUP-status
config.storage.replication.factor=1
offset.storage.replication.factor=1
status.storage.replication.factor=1
offset.flush.interval.ms=1000
key.converter=org.apache.kafka.connect.storage.StringConverter
value.converter=org.apache.kafka.connect.storage.StringConverter
config.providers=env
config.providers.env.class=org.apache.kafka.common.config.provider.EnvVarConfigProvider
config.providers.env.param.allowlist.pattern=^SAGALINE_RELAY_.*\$
connector.client.config.override.policy=All
plugin.path=$CONNECT_CACHE/plugins
listeners=http://127.0.0.1:$(connect_worker_port "$n")
rest.advertised.host.name=127.0.0.1
rest.advertised.port=$(connect_worker_port "$n")
# A worker that dies is out of the group after 10 s, and its tasks move at once rather than
# after the default 5 minutes kept for it to come back.
session.timeout.ms=10000
heartbeat.interval.ms=3000
scheduled.rebalance.max.delay.ms=0
PROPERTIES
}

connect_ready() {
  curl -fsS "http://127.0.0.1:$(connect_worker_port "$CONNECT_WAITING")/connectors" >/dev/null 2>&1
}

connect_alive() {
  local pid
  pid="$(connect_pid "$CONNECT_WAITING")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

connect_stopped() {
  ! connect_alive
}

connect_start_worker() {
  local n="$1" dir port log
  dir="$(connect_worker_dir "$n")"
  port="$(connect_worker_port "$n")"
  log="$dir/connect.log"
  mkdir -p "$dir"
  if connect_is_running "$n"; then
    info "Connect worker $n already running (pid $(connect_pid "$n"), http://127.0.0.1:$port)"
    return 0
  fi
  rm -f "$dir/connect.pid"
  wait_port_free "$port" 10 || die "port 127.0.0.1:$port is taken; stop it or set SAGALINE_CONNECT_PORT"
  connect_write_properties "$n"
  printf '\n===== %s infra/local/start =====\n' "$(date '+%Y-%m-%d %H:%M:%S')" >>"$log"
  info "starting Connect worker $n (log $log)"
  # The connector files read the host and the password from the worker's environment.
  SAGALINE_RELAY_HOST="${SAGALINE_RELAY_HOST:-127.0.0.1}" SAGALINE_RELAY_PASSWORD="$SAGALINE_RELAY_DB_PASSWORD" \
    launch_detached "$dir/connect.pid" "$log" \
    "$JAVA" -Xms64m -Xmx"$SAGALINE_CONNECT_HEAP" -XX:+UseSerialGC -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$SAGALINE_LOCAL_DIR/connect/log4j2.xml" \
    -cp "$CONNECT_CP" org.apache.kafka.connect.cli.ConnectDistributed "$dir/worker.properties" \
    || die "Connect worker $n did not start; see $log"
  CONNECT_WAITING="$n"
  if ! wait_until "waiting for Connect worker $n on http://127.0.0.1:$port" "$SAGALINE_START_TIMEOUT" "$log" connect_ready connect_alive; then
    connect_alive && kill -KILL "$(connect_pid "$n")" 2>/dev/null
    rm -f "$dir/connect.pid"
    exit 1
  fi
  info "Connect worker $n running (pid $(connect_pid "$n")): http://127.0.0.1:$port"
}

connect_start() {
  check_port_number SAGALINE_CONNECT_PORT "$SAGALINE_CONNECT_PORT"
  [[ "$SAGALINE_CONNECT_WORKERS" =~ ^[1-9][0-9]*$ ]] \
    || die "SAGALINE_CONNECT_WORKERS must be a positive number, got '$SAGALINE_CONNECT_WORKERS'"
  port_open "$SAGALINE_KAFKA_PORT" || die "Kafka is not running on 127.0.0.1:$SAGALINE_KAFKA_PORT; start it first"
  mkdir -p "$CONNECT_ROOT" "$CONNECT_CACHE/plugins"
  resolve_java
  CONNECT_CP="$(connect_classpath)"
  connect_assemble_plugin
  local n
  for n in $(seq 1 "$SAGALINE_CONNECT_WORKERS"); do
    connect_start_worker "$n"
  done
}

connect_stop() {
  local n pid
  for n in $(seq "$SAGALINE_CONNECT_WORKERS" -1 1); do
    if ! connect_is_running "$n"; then
      rm -f "$(connect_worker_dir "$n")/connect.pid"
      info "Connect worker $n is not running"
      continue
    fi
    pid="$(connect_pid "$n")"
    CONNECT_WAITING="$n"
    kill -TERM "$pid" 2>/dev/null || true
    if ! wait_until "stopping Connect worker $n (pid $pid)" "$SAGALINE_STOP_TIMEOUT" "$(connect_worker_dir "$n")/connect.log" connect_stopped true stopped; then
      kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$(connect_worker_dir "$n")/connect.pid"
  done
}

connect_status() {
  local n rc=0
  for n in $(seq 1 "$SAGALINE_CONNECT_WORKERS"); do
    if connect_is_running "$n"; then
      info "connect worker $n: running (pid $(connect_pid "$n"), http://127.0.0.1:$(connect_worker_port "$n"))"
    else
      info "connect worker $n: stopped"
      rc=1
    fi
  done
  return "$rc"
}

# True when every table the connector of $CONNECT_FILE reads exists: each service creates its
# own with its migrations, and a publication made before they all exist would miss some.
connect_tables_exist() {
  local database tables missing
  database="$(jq -r '.config["database.dbname"]' "$CONNECT_FILE")"
  tables="$(jq -r '.config["table.include.list"]' "$CONNECT_FILE")"
  missing="$("$PG_BIN/psql" -X -q -At -h "$(pg_running_socket_dir)" -p "$(pg_running_port)" -U postgres \
    -d "$database" -v tables="$tables" 2>/dev/null <<'SQL'
SELECT count(*) FROM unnest(string_to_array(:'tables', ',')) AS wanted(name)
WHERE to_regclass(wanted.name) IS NULL;
SQL
)" || return 1
  [ "$missing" = 0 ]
}

# Registers (or updates) the connectors of the given infra/connect files through worker 1's REST
# API, pointed at this PostgreSQL's port, once the tables each reads exist, and waits until each
# connector and its task run.
connect_register() {
  local file name config url
  url="http://127.0.0.1:$(connect_worker_port 1)"
  curl -fsS "$url/connectors" >/dev/null 2>&1 || die "no Connect worker answers on $url; run infra/local/start connect"
  resolve_pg_bin
  for file in "$@"; do
    [ -r "$file" ] || die "no connector file $file"
    name="$(jq -r .name "$file")"
    CONNECT_FILE="$file"
    wait_until "waiting for the tables connector $name reads" "$SAGALINE_START_TIMEOUT" "$PG_LOG" \
      connect_tables_exist true present || exit 1
    config="$(jq --arg port "$SAGALINE_PG_PORT" '.config + {"database.port": $port}' "$file")"
    curl -fsS -X PUT -H 'Content-Type: application/json' --data "$config" "$url/connectors/$name/config" >/dev/null \
      || die "Connect refused the connector $name from $file"
    CONNECT_CONNECTOR="$name"
    CONNECT_URL="$url"
    wait_until "waiting for connector $name to run" "$SAGALINE_START_TIMEOUT" "$(connect_worker_dir 1)/connect.log" \
      connect_connector_running true running || exit 1
  done
}

connect_connector_running() {
  local status
  status="$(curl -fsS "$CONNECT_URL/connectors/$CONNECT_CONNECTOR/status" 2>/dev/null)" || return 1
  [ "$(jq -r '.connector.state' <<<"$status")" = RUNNING ] \
    && [ "$(jq -r '[.tasks[].state] | length > 0 and all(. == "RUNNING")' <<<"$status")" = true ]
}
