# shellcheck shell=bash
# Shared functions for infra/local/start, stop and status. Sourced, not run.
#
# Everything is configured through environment variables (see infra/README.md):
#   SAGALINE_DATA_DIR               <repo>/.data
#   SAGALINE_PG_PORT                5432
#   SAGALINE_PG_BIN                 /usr/lib/postgresql/15/bin, else `pg_config --bindir`
#   SAGALINE_DB_PASSWORD            sagaline   (every service role; local use only)
#   SAGALINE_RELAY_DB_PASSWORD      sagaline   (role sagaline_relay)
#   SAGALINE_PG_SUPERUSER_PASSWORD  postgres   (role postgres, over TCP; tests use it)
#   SAGALINE_KAFKA_PORT             9092
#   SAGALINE_KAFKA_CONTROLLER_PORT  9093
#   SAGALINE_KAFKA_HEAP             512m
#   SAGALINE_KAFKA_EXTRA_PROPERTIES (none) a file of broker settings appended to server.properties;
#                                   a key set again there wins (tests add a SASL_SSL listener so)
#   SAGALINE_START_TIMEOUT          90   (seconds to wait for each server to become ready)
#   SAGALINE_STOP_TIMEOUT           60   (seconds to wait for each server to stop)
#   SAGALINE_KAFKA_CLASSPATH_FILE   <repo>/.data/kafka/classpath.txt (class path cache shared
#                                   between data dirs; each data dir keeps its own copy too)

SAGALINE_LOCAL_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
SAGALINE_ROOT="$(cd "$SAGALINE_LOCAL_DIR/../.." && pwd -P)"

SAGALINE_DATA_DIR="${SAGALINE_DATA_DIR:-$SAGALINE_ROOT/.data}"
SAGALINE_PG_PORT="${SAGALINE_PG_PORT:-5432}"
SAGALINE_KAFKA_PORT="${SAGALINE_KAFKA_PORT:-9092}"
SAGALINE_KAFKA_CONTROLLER_PORT="${SAGALINE_KAFKA_CONTROLLER_PORT:-9093}"
SAGALINE_DB_PASSWORD="${SAGALINE_DB_PASSWORD:-sagaline}"
SAGALINE_RELAY_DB_PASSWORD="${SAGALINE_RELAY_DB_PASSWORD:-sagaline}"
SAGALINE_PG_SUPERUSER_PASSWORD="${SAGALINE_PG_SUPERUSER_PASSWORD:-postgres}"
SAGALINE_KAFKA_HEAP="${SAGALINE_KAFKA_HEAP:-512m}"
SAGALINE_KAFKA_EXTRA_PROPERTIES="${SAGALINE_KAFKA_EXTRA_PROPERTIES:-}"
SAGALINE_START_TIMEOUT="${SAGALINE_START_TIMEOUT:-90}"
SAGALINE_STOP_TIMEOUT="${SAGALINE_STOP_TIMEOUT:-60}"
SAGALINE_KAFKA_CLASSPATH_FILE="${SAGALINE_KAFKA_CLASSPATH_FILE:-$SAGALINE_ROOT/.data/kafka/classpath.txt}"

# Relative data dirs would change meaning with the current directory.
case "$SAGALINE_DATA_DIR" in
  /*) ;;
  *) SAGALINE_DATA_DIR="$(pwd -P)/$SAGALINE_DATA_DIR" ;;
esac

# As root, PostgreSQL runs as the postgres OS user, which must reach its directory. A checkout
# under a home directory it cannot enter (/root is 0700 on most systems) keeps the cluster under
# /var/tmp instead, in a directory named after the data dir, so start, stop and status agree.
is_root() {
  [ "$(id -u)" -eq 0 ]
}

postgres_can_reach() { # dir: whether the postgres OS user can enter dir, or its nearest existing parent
  local dir="$1"
  while [ ! -e "$dir" ]; do dir="$(dirname "$dir")"; done
  runuser -u postgres -- test -x "$dir" 2>/dev/null
}
PG_ROOT="$SAGALINE_DATA_DIR/postgres"
if is_root && id postgres >/dev/null 2>&1 && ! postgres_can_reach "$SAGALINE_DATA_DIR"; then
  PG_ROOT="/var/tmp/sagaline-postgres-$(printf '%s' "$SAGALINE_DATA_DIR" | cksum | cut -d' ' -f1)"
fi
PG_DATA="$PG_ROOT/data"
PG_SOCKET_DIR="$PG_ROOT/run"
PG_LOG="$PG_ROOT/postgres.log"

KAFKA_ROOT="$SAGALINE_DATA_DIR/kafka"
KAFKA_LOG_DIR="$KAFKA_ROOT/data"
KAFKA_PROPERTIES="$KAFKA_ROOT/server.properties"
KAFKA_PID_FILE="$KAFKA_ROOT/kafka.pid"
KAFKA_LOG="$KAFKA_ROOT/kafka.log"
KAFKA_POM="$SAGALINE_LOCAL_DIR/kafka/pom.xml"

die() {
  echo "error: $*" >&2
  exit 1
}

info() {
  echo "$*"
}

check_port_number() {
  local name="$1" value="$2"
  if ! [[ "$value" =~ ^[0-9]+$ ]] || [ "$value" -lt 1 ] || [ "$value" -gt 65535 ]; then
    die "$name must be a TCP port number, got '$value'"
  fi
}

check_positive_int() {
  local name="$1" value="$2"
  if ! [[ "$value" =~ ^[0-9]+$ ]] || [ "$value" -lt 1 ]; then
    die "$name must be a positive number of seconds, got '$value'"
  fi
}

validate_common() {
  check_positive_int SAGALINE_START_TIMEOUT "$SAGALINE_START_TIMEOUT"
  check_positive_int SAGALINE_STOP_TIMEOUT "$SAGALINE_STOP_TIMEOUT"
}

# Parses the optional [postgres|kafka|connect|all] argument into WANT_PG / WANT_KAFKA /
# WANT_CONNECT (read by the calling script). "all" is PostgreSQL and Kafka; the Kafka Connect
# workers, which replace the embedded relay, start only when asked for.
# shellcheck disable=SC2034
parse_target() {
  local cmd="$1"
  shift
  if [ "$#" -gt 1 ]; then
    die "usage: $cmd [postgres|kafka|connect|all]"
  fi
  WANT_PG=false
  WANT_KAFKA=false
  WANT_CONNECT=false
  case "${1:-all}" in
    all) WANT_PG=true; WANT_KAFKA=true ;;
    postgres | postgresql | pg) WANT_PG=true ;;
    kafka) WANT_KAFKA=true ;;
    connect) WANT_CONNECT=true ;;
    -h | --help | help)
      echo "usage: $cmd [postgres|kafka|connect|all]   (default: all; configuration: see infra/README.md)"
      exit 0
      ;;
    *) die "usage: $cmd [postgres|kafka|connect|all] (got '$1')" ;;
  esac
}

# True when something accepts TCP connections on 127.0.0.1:$1.
port_open() {
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Progress while waiting: one updating line on a terminal, a line every 5 s otherwise.
PROGRESS_LAST=-1
progress() {
  local label="$1" elapsed="$2"
  if [ -t 1 ]; then
    printf '\r%s ... %ss ' "$label" "$elapsed"
  elif [ "$PROGRESS_LAST" -lt 0 ] || [ $((elapsed - PROGRESS_LAST)) -ge 5 ]; then
    printf '%s ... %ss\n' "$label" "$elapsed"
    PROGRESS_LAST="$elapsed"
  fi
}

progress_done() {
  local word="$1" elapsed="$2"
  if [ -t 1 ]; then
    printf '%s (%ss)\n' "$word" "$elapsed"
  else
    printf '%s after %ss\n' "$word" "$elapsed"
  fi
}

progress_fail() {
  if [ -t 1 ]; then
    printf '\n'
  fi
}

# wait_until LABEL TIMEOUT LOGFILE READY_FN ALIVE_FN [DONE_WORD]
#   Calls READY_FN about once a second until it succeeds. Fails early when ALIVE_FN says
#   the server process is gone, and after TIMEOUT seconds; both point at LOGFILE.
wait_until() {
  local label="$1" timeout="$2" log="$3" ready_fn="$4" alive_fn="$5" done_word="${6:-ready}"
  local start now elapsed
  start=$(date +%s)
  PROGRESS_LAST=-1
  while true; do
    now=$(date +%s)
    elapsed=$((now - start))
    progress "$label" "$elapsed"
    if "$ready_fn"; then
      progress_done "$done_word" "$elapsed"
      return 0
    fi
    if ! "$alive_fn"; then
      progress_fail
      echo "error: the server process exited while starting; last lines of $log:" >&2
      tail -n 25 "$log" >&2 2>/dev/null || true
      echo "error: see the full log: $log" >&2
      return 1
    fi
    if [ "$elapsed" -ge "$timeout" ]; then
      progress_fail
      echo "error: gave up after ${timeout}s; last lines of $log:" >&2
      tail -n 25 "$log" >&2 2>/dev/null || true
      echo "error: see the full log: $log" >&2
      return 1
    fi
    sleep 1
  done
}

# launch_detached PIDFILE LOG COMMAND...
#   Starts COMMAND in a session of its own (setsid), every standard stream redirected (output
#   appended to LOG), so a caller reading this script's output is not held open. An inner shell
#   writes its own pid to PIDFILE and then becomes COMMAND, so PIDFILE names the server's JVM.
#   Fails when the pid file has not appeared after 5 s.
launch_detached() {
  local pidfile="$1" log="$2"
  shift 2
  # shellcheck disable=SC2016 # $$ and $@ belong to the inner shell
  setsid bash -c 'echo $$ > "$1"; shift; exec "$@"' sagaline-server "$pidfile" "$@" \
    </dev/null >>"$log" 2>&1 9>&- &
  disown "$!" 2>/dev/null || true
  local i
  for i in $(seq 1 50); do
    [ -s "$pidfile" ] && return 0
    sleep 0.1
  done
  return 1
}

# Waits up to $2 seconds for process $1 to disappear (it may be exiting after kill -9).
wait_for_exit() {
  local pid="$1" limit=$(($2 * 5)) i=0
  [[ "$pid" =~ ^[0-9]+$ ]] || return 0
  while kill -0 "$pid" 2>/dev/null && [ "$i" -lt "$limit" ]; do
    sleep 0.2
    i=$((i + 1))
  done
}

# Waits up to $2 seconds for nothing to listen on 127.0.0.1:$1 any more.
wait_port_free() {
  local port="$1" limit=$(($2 * 5)) i=0
  while port_open "$port"; do
    [ "$i" -lt "$limit" ] || return 1
    sleep 0.2
    i=$((i + 1))
  done
}

# Serializes start/stop runs on one data dir. The servers must not inherit the lock's file
# descriptor (9): every command that leaves a process behind closes it with 9>&-.
acquire_lock() {
  mkdir -p "$SAGALINE_DATA_DIR"
  exec 9>"$SAGALINE_DATA_DIR/.infra-local.lock"
  if command -v flock >/dev/null 2>&1; then
    flock -w 300 9 || die "another infra/local command holds $SAGALINE_DATA_DIR/.infra-local.lock"
  fi
}

# ---------------------------------------------------------------------------------------
# PostgreSQL
# ---------------------------------------------------------------------------------------

resolve_pg_bin() {
  local bin="${SAGALINE_PG_BIN:-}"
  if [ -z "$bin" ]; then
    if [ -x /usr/lib/postgresql/15/bin/pg_ctl ]; then
      bin=/usr/lib/postgresql/15/bin
    elif command -v pg_config >/dev/null 2>&1; then
      bin="$(pg_config --bindir)"
    fi
  fi
  if [ -z "$bin" ] || [ ! -x "$bin/pg_ctl" ] || [ ! -x "$bin/initdb" ]; then
    die "PostgreSQL server binaries not found (looked in '${bin:-/usr/lib/postgresql/15/bin}'); set SAGALINE_PG_BIN to the directory holding initdb and pg_ctl"
  fi
  PG_BIN="$bin"
}

# The server refuses to run as root: as root run it as the `postgres` OS user.
as_pg_user() {
  if is_root; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# True when postmaster.pid names a live postgres process (a recycled pid does not count).
pg_is_running() {
  local pid
  pid="$(pg_pid)"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null \
    && [ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" = postgres ]
}

pg_pid() {
  head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null || true
}

# Port and socket directory of the running server (from postmaster.pid), falling back to
# the configured ones.
pg_running_port() {
  local port
  port="$(sed -n 4p "$PG_DATA/postmaster.pid" 2>/dev/null || true)"
  echo "${port:-$SAGALINE_PG_PORT}"
}

pg_running_socket_dir() {
  local dir
  dir="$(sed -n 5p "$PG_DATA/postmaster.pid" 2>/dev/null || true)"
  echo "${dir:-$PG_SOCKET_DIR}"
}

pg_prepare_dirs() {
  if [ "$PG_ROOT" != "$SAGALINE_DATA_DIR/postgres" ]; then
    # The data dir links to its cluster under /var/tmp. A data dir deleted to start afresh
    # takes its cluster along, as it does when the cluster lives inside it.
    if [ ! -L "$SAGALINE_DATA_DIR/postgres" ] && [ -d "$PG_ROOT" ] && ! pg_is_running; then
      rm -rf "$PG_ROOT"
    fi
    mkdir -p "$SAGALINE_DATA_DIR" "$PG_ROOT"
    ln -sfn "$PG_ROOT" "$SAGALINE_DATA_DIR/postgres"
    info "the postgres OS user cannot enter $SAGALINE_DATA_DIR; PostgreSQL keeps its cluster in $PG_ROOT"
  fi
  mkdir -p "$PG_ROOT" "$PG_SOCKET_DIR"
  touch "$PG_LOG"
  if is_root; then
    id postgres >/dev/null 2>&1 || die "running as root needs the 'postgres' OS user (PostgreSQL refuses to run as root)"
    chown postgres: "$PG_ROOT" "$PG_SOCKET_DIR" "$PG_LOG"
    if [ -d "$PG_DATA" ]; then
      chown -R postgres: "$PG_DATA"
    fi
    runuser -u postgres -- test -w "$PG_ROOT" \
      || die "the postgres OS user cannot write $PG_ROOT"
  fi
  chmod 700 "$PG_SOCKET_DIR"
  # A Unix socket path is limited to 107 bytes.
  local sock="$PG_SOCKET_DIR/.s.PGSQL.$SAGALINE_PG_PORT"
  [ "${#sock}" -le 100 ] || die "SAGALINE_DATA_DIR is too long for a Unix socket path ($sock); use a shorter directory"
}

pg_init_cluster() {
  if [ -f "$PG_DATA/PG_VERSION" ]; then
    return 0
  fi
  info "initializing a new PostgreSQL cluster in $PG_DATA (log: $PG_LOG)"
  if ! as_pg_user "$PG_BIN/initdb" -D "$PG_DATA" -U postgres \
    --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --no-locale >>"$PG_LOG" 2>&1; then
    tail -n 20 "$PG_LOG" >&2 || true
    die "initdb failed; see $PG_LOG"
  fi
  # Our settings live in their own file, rewritten on every start.
  printf "\n# Sagaline local settings (rewritten by infra/local/start)\ninclude_if_exists = 'sagaline.conf'\n" \
    >>"$PG_DATA/postgresql.conf"
}

pg_write_config() {
  local conf
  conf="$(
    cat <<EOF
# Written by infra/local/start on every start; edit the script, not this file.
listen_addresses = '127.0.0.1'
port = $SAGALINE_PG_PORT
unix_socket_directories = '$PG_SOCKET_DIR'
wal_level = logical
max_replication_slots = 50
max_wal_senders = 50
max_prepared_transactions = 256
max_connections = 300
shared_buffers = 256MB
synchronous_commit = on
fsync = on
password_encryption = 'scram-sha-256'
EOF
  )"
  printf '%s\n' "$conf" >"$PG_DATA/sagaline.conf"
  if is_root; then
    chown postgres: "$PG_DATA/sagaline.conf"
  fi
}

pg_ready() {
  "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$SAGALINE_PG_PORT" -t 2 >/dev/null 2>&1
}

pg_ready_running() {
  "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$(pg_running_port)" -t 2 >/dev/null 2>&1
}

pg_alive() {
  local pid
  pid="$(pg_pid)"
  if [ -z "$pid" ] || [ "$pid" = "$PG_STALE_PID" ]; then
    # pg_ctl -W returns before the postmaster writes its pid file (and a stale one from a
    # kill -9 may still be there until then); give it a moment.
    [ "$(($(date +%s) - PG_LAUNCHED_AT))" -lt 15 ]
  else
    kill -0 "$pid" 2>/dev/null
  fi
}

# Creates the database sagaline, its service schemas and the roles (infra/sql/create-databases.sql,
# shared with the Docker setup); safe to run again on an existing cluster.
pg_provision() {
  local port sock
  port="$(pg_running_port)"
  sock="$(pg_running_socket_dir)"
  if ! "$PG_BIN/psql" -X -q -h "$sock" -p "$port" -U postgres -d postgres \
    -v ON_ERROR_STOP=1 \
    -v db_password="$SAGALINE_DB_PASSWORD" \
    -v relay_password="$SAGALINE_RELAY_DB_PASSWORD" \
    -f "$SAGALINE_ROOT/infra/sql/create-databases.sql" >/dev/null; then
    die "creating the Sagaline database, schemas and roles failed; see the message above and $PG_LOG"
  fi
  # The superuser logs in over TCP only with a password: tests create and drop their own
  # databases through it. Local throwaway clusters only; the compose stack sets its own.
  if ! "$PG_BIN/psql" -X -q -h "$sock" -p "$port" -U postgres -d postgres -v ON_ERROR_STOP=1 \
    -v superuser_password="$SAGALINE_PG_SUPERUSER_PASSWORD" \
    >/dev/null <<<"ALTER ROLE postgres PASSWORD :'superuser_password';"; then
    die "setting the postgres superuser's password failed; see $PG_LOG"
  fi
}

pg_start() {
  check_port_number SAGALINE_PG_PORT "$SAGALINE_PG_PORT"
  [ -n "$SAGALINE_DB_PASSWORD" ] || die "SAGALINE_DB_PASSWORD must not be empty"
  [ -n "$SAGALINE_RELAY_DB_PASSWORD" ] || die "SAGALINE_RELAY_DB_PASSWORD must not be empty"
  resolve_pg_bin
  if pg_is_running && ! pg_ready_running; then
    # Starting up, shutting down, or exiting after kill -9: wait until it is one or the other.
    local i=0
    while pg_is_running && ! pg_ready_running && [ "$i" -lt 75 ]; do
      sleep 0.2
      i=$((i + 1))
    done
  fi
  if pg_is_running; then
    pg_ready_running || die "PostgreSQL (pid $(pg_pid)) runs but does not accept connections on 127.0.0.1:$(pg_running_port); see $PG_LOG"
    info "PostgreSQL already running (pid $(pg_pid), 127.0.0.1:$(pg_running_port), data $PG_DATA)"
    pg_provision
    return 0
  fi
  if ! wait_port_free "$SAGALINE_PG_PORT" 10; then
    die "port 127.0.0.1:$SAGALINE_PG_PORT is taken by another process; stop it or set SAGALINE_PG_PORT"
  fi
  if [ -f "$PG_DATA/postmaster.pid" ]; then
    # Left behind by kill -9. The server replaces it itself, unless its pid now belongs to
    # another live process; then it would refuse to start, so remove it here.
    local stale
    stale="$(pg_pid)"
    if [[ "$stale" =~ ^[0-9]+$ ]] && kill -0 "$stale" 2>/dev/null; then
      info "removing stale $PG_DATA/postmaster.pid (pid $stale is not PostgreSQL)"
      rm -f "$PG_DATA/postmaster.pid"
    fi
  fi
  pg_prepare_dirs
  pg_init_cluster
  pg_write_config
  info "starting PostgreSQL (data $PG_DATA, log $PG_LOG)"
  PG_LAUNCHED_AT=$(date +%s)
  PG_STALE_PID="$(pg_pid)"
  # -W: do not let pg_ctl wait; wait_until shows progress instead. A stale postmaster.pid
  # left by kill -9 is detected and replaced by the server itself.
  if ! as_pg_user "$PG_BIN/pg_ctl" start -W -D "$PG_DATA" -l "$PG_LOG" >/dev/null 2>&1 9>&-; then
    tail -n 20 "$PG_LOG" >&2 || true
    die "pg_ctl could not start PostgreSQL; see $PG_LOG"
  fi
  if ! wait_until "waiting for PostgreSQL on 127.0.0.1:$SAGALINE_PG_PORT" "$SAGALINE_START_TIMEOUT" "$PG_LOG" pg_ready pg_alive; then
    if pg_is_running; then
      echo "stopping the PostgreSQL server that did not become ready" >&2
      as_pg_user "$PG_BIN/pg_ctl" stop -m immediate -D "$PG_DATA" >/dev/null 2>&1 9>&- || true
    fi
    exit 1
  fi
  pg_provision
  info "PostgreSQL running (pid $(pg_pid)): database sagaline, a schema per service, on 127.0.0.1:$SAGALINE_PG_PORT"
}

pg_stopped() {
  ! pg_is_running
}

pg_stop() {
  resolve_pg_bin
  if ! pg_is_running; then
    info "PostgreSQL is not running ($PG_DATA)"
    return 0
  fi
  local pid
  pid="$(pg_pid)"
  as_pg_user "$PG_BIN/pg_ctl" stop -W -m fast -D "$PG_DATA" >/dev/null 2>&1 || true
  wait_until "stopping PostgreSQL (pid $pid)" "$SAGALINE_STOP_TIMEOUT" "$PG_LOG" pg_stopped true stopped \
    || die "PostgreSQL did not stop in ${SAGALINE_STOP_TIMEOUT}s; try: ${PG_BIN}/pg_ctl stop -m immediate -D $PG_DATA"
}

pg_status() {
  resolve_pg_bin
  if pg_is_running; then
    local state="accepting connections"
    "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$(pg_running_port)" -t 2 >/dev/null 2>&1 || state="not accepting connections"
    info "postgres: running (pid $(pg_pid), 127.0.0.1:$(pg_running_port), $state), data $PG_DATA, log $PG_LOG"
    return 0
  fi
  info "postgres: stopped (data $PG_DATA)"
  return 1
}

# ---------------------------------------------------------------------------------------
# Kafka
# ---------------------------------------------------------------------------------------

resolve_java() {
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then
    JAVA="$JAVA_HOME/bin/java"
  elif command -v java >/dev/null 2>&1; then
    JAVA="$(command -v java)"
  else
    die "no java found: set JAVA_HOME or put java (17 or newer) on the PATH"
  fi
}

# True when class path cache $1 exists, is newer than the poms, and every jar it names is
# readable by this user.
kafka_classpath_valid() {
  local cache="$1" cp jar
  [ -s "$cache" ] && [ "$cache" -nt "$KAFKA_POM" ] && [ "$cache" -nt "$SAGALINE_ROOT/pom.xml" ] || return 1
  cp="$(cat "$cache")"
  local IFS=:
  for jar in $cp; do
    [ -r "$jar" ] || return 1
  done
}

# Prints the class path of infra/local/kafka/pom.xml. It is cached in the data dir
# ($KAFKA_ROOT/classpath.txt) and shared through $SAGALINE_KAFKA_CLASSPATH_FILE (by default
# <repo>/.data/kafka/classpath.txt), so fresh data dirs (tests) need not run Maven again.
kafka_classpath() {
  local cache="$KAFKA_ROOT/classpath.txt" shared="$SAGALINE_KAFKA_CLASSPATH_FILE"
  if kafka_classpath_valid "$cache"; then
    cat "$cache"
    return 0
  fi
  if [ "$shared" != "$cache" ] && kafka_classpath_valid "$shared"; then
    cp -f "$shared" "$cache"
    cat "$cache"
    return 0
  fi
  info "resolving the Kafka broker class path with Maven (cached in $cache)" >&2
  local tmp="$cache.tmp.$$"
  if ! (cd "$SAGALINE_ROOT" && ./mvnw -q -B -f "$KAFKA_POM" dependency:build-classpath \
    -Denforcer.skip=true -Dmdep.outputFile="$tmp" >"$KAFKA_ROOT/maven.log" 2>&1 9>&-); then
    rm -f "$tmp"
    if [ -s "$cache" ]; then
      # E.g. the root pom is being edited; an older class path still starts the broker.
      echo "warning: Maven failed (see $KAFKA_ROOT/maven.log); using the older class path in $cache" >&2
      cat "$cache"
      return 0
    fi
    tail -n 30 "$KAFKA_ROOT/maven.log" >&2 || true
    die "Maven could not resolve the Kafka class path; see $KAFKA_ROOT/maven.log"
  fi
  mv -f "$tmp" "$cache"
  if [ "$shared" != "$cache" ]; then
    # Best effort: share it with other data dirs of the same user.
    (mkdir -p "$(dirname "$shared")" && cp -f "$cache" "$shared.tmp.$$" && mv -f "$shared.tmp.$$" "$shared") \
      2>/dev/null || rm -f "$shared.tmp.$$" 2>/dev/null || true
  fi
  cat "$cache"
}

# True when the pid file names a live broker of this data dir.
kafka_is_running() {
  local pid
  [ -f "$KAFKA_PID_FILE" ] || return 1
  pid="$(cat "$KAFKA_PID_FILE" 2>/dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  # Guard against a recycled pid: it must be our broker with our server.properties.
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF "kafka.Kafka $KAFKA_PROPERTIES"
}

kafka_pid() {
  cat "$KAFKA_PID_FILE" 2>/dev/null || true
}

kafka_write_properties() {
  cat >"$KAFKA_PROPERTIES" <<EOF
# Written by infra/local/start on every start; edit the script, not this file.
# Single combined KRaft node (broker + controller) with a static quorum.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$SAGALINE_KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$SAGALINE_KAFKA_PORT,CONTROLLER://127.0.0.1:$SAGALINE_KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$SAGALINE_KAFKA_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
controller.listener.names=CONTROLLER
log.dirs=$KAFKA_LOG_DIR
num.partitions=6
default.replication.factor=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
# Fast recovery after kill -9: the controller fences the dead incarnation quickly.
broker.session.timeout.ms=2000
broker.heartbeat.interval.ms=500
EOF
  if [ -n "$SAGALINE_KAFKA_EXTRA_PROPERTIES" ]; then
    [ -r "$SAGALINE_KAFKA_EXTRA_PROPERTIES" ] \
      || die "SAGALINE_KAFKA_EXTRA_PROPERTIES names no readable file: '$SAGALINE_KAFKA_EXTRA_PROPERTIES'"
    {
      printf '\n# From %s (SAGALINE_KAFKA_EXTRA_PROPERTIES); a key set again here wins.\n' \
        "$SAGALINE_KAFKA_EXTRA_PROPERTIES"
      cat "$SAGALINE_KAFKA_EXTRA_PROPERTIES"
    } >>"$KAFKA_PROPERTIES"
  fi
}

kafka_java() {
  # $1: log4j2 configuration; rest: main class and arguments.
  local log_config="$1"
  shift
  "$JAVA" -Xmx256m -Dlog4j2.configurationFile="$log_config" -cp "$KAFKA_CP" "$@"
}

kafka_format_if_needed() {
  if [ -f "$KAFKA_LOG_DIR/meta.properties" ]; then
    return 0
  fi
  local cluster_id
  cluster_id="$(kafka_java "$SAGALINE_LOCAL_DIR/kafka/log4j2-tools.xml" kafka.tools.StorageTool random-uuid 2>>"$KAFKA_LOG")" \
    || die "could not generate a Kafka cluster id; see $KAFKA_LOG"
  info "formatting Kafka storage in $KAFKA_LOG_DIR (cluster id $cluster_id)"
  if ! kafka_java "$SAGALINE_LOCAL_DIR/kafka/log4j2-tools.xml" kafka.tools.StorageTool format \
    --ignore-formatted -t "$cluster_id" -c "$KAFKA_PROPERTIES" >>"$KAFKA_LOG" 2>&1; then
    tail -n 20 "$KAFKA_LOG" >&2 || true
    die "formatting the Kafka storage failed; see $KAFKA_LOG"
  fi
}

kafka_ready() {
  port_open "$SAGALINE_KAFKA_PORT" || return 1
  # The port opens once the broker is unfenced; check that it answers metadata requests
  # and that every partition has a leader again (after a kill -9 restart).
  local out
  out="$(kafka_java "$SAGALINE_LOCAL_DIR/kafka/log4j2-tools.xml" org.apache.kafka.tools.TopicCommand \
    --bootstrap-server "127.0.0.1:$SAGALINE_KAFKA_PORT" --describe --unavailable-partitions \
    2>>"$KAFKA_LOG")" || return 1
  [ -z "$(printf '%s' "$out" | tr -d '[:space:]')" ]
}

kafka_alive() {
  local pid
  pid="$(kafka_pid)"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}

kafka_start() {
  check_port_number SAGALINE_KAFKA_PORT "$SAGALINE_KAFKA_PORT"
  check_port_number SAGALINE_KAFKA_CONTROLLER_PORT "$SAGALINE_KAFKA_CONTROLLER_PORT"
  [ "$SAGALINE_KAFKA_PORT" != "$SAGALINE_KAFKA_CONTROLLER_PORT" ] \
    || die "SAGALINE_KAFKA_PORT and SAGALINE_KAFKA_CONTROLLER_PORT must differ"
  mkdir -p "$KAFKA_ROOT" "$KAFKA_LOG_DIR"
  if kafka_is_running; then
    info "Kafka already running (pid $(kafka_pid), 127.0.0.1:$SAGALINE_KAFKA_PORT, data $KAFKA_LOG_DIR)"
    return 0
  fi
  if [ -f "$KAFKA_PID_FILE" ]; then
    info "removing stale Kafka pid file $KAFKA_PID_FILE (pid $(kafka_pid) is not running)"
    # Right after kill -9 the old JVM may still be exiting and holding its ports.
    wait_for_exit "$(kafka_pid)" 15
    rm -f "$KAFKA_PID_FILE"
  fi
  local port
  for port in "$SAGALINE_KAFKA_PORT" "$SAGALINE_KAFKA_CONTROLLER_PORT"; do
    wait_port_free "$port" 10 \
      || die "port 127.0.0.1:$port is taken by another process; stop it or set SAGALINE_KAFKA_PORT / SAGALINE_KAFKA_CONTROLLER_PORT"
  done
  resolve_java
  KAFKA_CP="$(kafka_classpath)"
  kafka_write_properties
  printf '\n===== %s infra/local/start =====\n' "$(date '+%Y-%m-%d %H:%M:%S')" >>"$KAFKA_LOG"
  kafka_format_if_needed
  info "starting Kafka (data $KAFKA_LOG_DIR, log $KAFKA_LOG)"
  launch_detached "$KAFKA_PID_FILE" "$KAFKA_LOG" \
    "$JAVA" -Xms128m -Xmx"$SAGALINE_KAFKA_HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -Djava.awt.headless=true -Dkafka.logs.dir="$KAFKA_ROOT" \
    -Dlog4j2.configurationFile="$SAGALINE_LOCAL_DIR/kafka/log4j2.xml" \
    -cp "$KAFKA_CP" kafka.Kafka "$KAFKA_PROPERTIES" \
    || die "the Kafka process did not start; see $KAFKA_LOG"
  if ! wait_until "waiting for Kafka on 127.0.0.1:$SAGALINE_KAFKA_PORT" "$SAGALINE_START_TIMEOUT" "$KAFKA_LOG" kafka_ready kafka_alive; then
    if kafka_alive; then
      echo "stopping the Kafka broker that did not become ready (pid $(kafka_pid))" >&2
      kill -KILL "$(kafka_pid)" 2>/dev/null || true
      wait_for_exit "$(kafka_pid)" 10
    fi
    rm -f "$KAFKA_PID_FILE"
    exit 1
  fi
  info "Kafka running (pid $(kafka_pid)): bootstrap servers 127.0.0.1:$SAGALINE_KAFKA_PORT"
}

kafka_stopped() {
  ! kafka_alive
}

kafka_stop() {
  if ! kafka_is_running; then
    if [ -f "$KAFKA_PID_FILE" ]; then
      rm -f "$KAFKA_PID_FILE"
      info "Kafka is not running (removed stale pid file)"
    else
      info "Kafka is not running ($KAFKA_ROOT)"
    fi
    return 0
  fi
  local pid
  pid="$(kafka_pid)"
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_until "stopping Kafka (pid $pid)" "$SAGALINE_STOP_TIMEOUT" "$KAFKA_LOG" kafka_stopped true stopped; then
    echo "Kafka did not stop in ${SAGALINE_STOP_TIMEOUT}s; killing pid $pid" >&2
    kill -KILL "$pid" 2>/dev/null || true
    sleep 1
  fi
  rm -f "$KAFKA_PID_FILE"
}

kafka_status() {
  if kafka_is_running; then
    local state="not accepting connections"
    port_open "$SAGALINE_KAFKA_PORT" && state="accepting connections"
    info "kafka: running (pid $(kafka_pid), 127.0.0.1:$SAGALINE_KAFKA_PORT, $state), data $KAFKA_LOG_DIR, log $KAFKA_LOG"
    return 0
  fi
  if [ -f "$KAFKA_PID_FILE" ]; then
    info "kafka: stopped (stale pid file $KAFKA_PID_FILE)"
  else
    info "kafka: stopped (data $KAFKA_LOG_DIR)"
  fi
  return 1
}

# shellcheck source-path=SCRIPTDIR source=connect/lib.sh
source "$SAGALINE_LOCAL_DIR/connect/lib.sh"
