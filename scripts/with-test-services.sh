#!/usr/bin/env bash
# with-test-services.sh CMD [ARGS...]
#
# Makes real PostgreSQL, Redis and OpenLDAP available, runs CMD with the
# connection settings in the environment, stops whatever it started (on normal
# exit, on failure and on SIGINT/SIGTERM/SIGHUP) and exits with CMD's exit code.
#
# Per service: if the variable is already set (non-empty), it is used as is.
# Otherwise a throwaway instance is started from the installed binaries on a
# free 127.0.0.1 port under one `mktemp -d` directory, and the variable exported:
#
#   DATABASE_URL   postgres://postgres@127.0.0.1:PORT/postgres   (trust auth;
#                  tests create their own databases in it)
#   REDIS_URL      redis://127.0.0.1:PORT
#   LDAP_URL       ldap://127.0.0.1:PORT
#   LDAP_BIND_DN   cn=admin,dc=exempel,dc=se        (the rootdn)
#   LDAP_BIND_PASSWORD                              (random per run, never printed)
#   LDAP_BASE_DN   dc=exempel,dc=se                 (base entry already present)
#   LDAP_SLAPD_CONF, LDAP_DATA_DIR, LDAP_SLAPD_PIDFILE, LDAP_SLAPD_BIN_DIR
#                  (throwaway slapd only) for offline bulk loads, e.g.
#                  `scripts/test-services/ldap-ctl.sh load users.ldif` (= stop,
#                  "$LDAP_SLAPD_BIN_DIR/slapadd" -q -f "$LDAP_SLAPD_CONF" -l users.ldif,
#                  start); 100 k users load in ~1.7 s.
#   NODE_COMPILE_CACHE  (unless set) a V8 code cache in the temp directory, which
#                  Node.js processes of the run share
#
# An external LDAP_URL needs LDAP_BIND_DN, LDAP_BIND_PASSWORD and LDAP_BASE_DN too.
#
# Missing binaries: as root the Debian packages are installed (postgresql,
# redis-server, slapd + ldap-utils, curl + jq for the doc test, and xmlsec1 for the
# test SAML identity provider) without starting system services; otherwise
# the script exits 1 with the apt-get command to run.
#
# Knobs: TEST_SERVICES_KEEP=1 keeps the temp directory (logs) after the run;
# TEST_SERVICES_TMPDIR=DIR puts it under DIR (default: /dev/shm when it has
# >= 2 GiB free, else $TMPDIR or /tmp); PG_BIN=/path/to/postgres/bin picks a
# PostgreSQL installation.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HELPERS="$HERE/test-services"

# Messages go to a saved copy of stderr (fd 8): a trap can fire while a
# function's output is redirected to a log file, and must still be seen.
exec 8>&2
say() { echo "test-services: $*" >&8; }
die() { say "$*"; exit 1; }

if (($# == 0)); then
  echo "usage: $0 CMD [ARGS...]" >&2
  exit 2
fi

IS_ROOT=0
[[ $(id -u) -eq 0 ]] && IS_ROOT=1

LDAP_SUFFIX='dc=exempel,dc=se'
LDAP_ROOTDN="cn=admin,$LDAP_SUFFIX"

TMP_ROOT=""
PG_DATA="" PG_STARTED=0
REDIS_PORT="" REDIS_DIR="" REDIS_STARTED=0 REDIS_UP=0
SLAPD_PIDFILE="" SLAPD_STARTED=0
CHILD_PID=""

# ---------------------------------------------------------------- helpers ---

now_ms() { date +%s%3N; }

# Where the throwaway data lives. /dev/shm (tmpfs) when it has room: on this
# kind of VM, CREATE DATABASE takes ~10 ms there against ~250 ms on the disk,
# and initdb half the time.
pick_tmp_base() {
  if [[ -n "${TEST_SERVICES_TMPDIR:-}" ]]; then
    echo "$TEST_SERVICES_TMPDIR"
    return 0
  fi
  local shm_free mem_free
  if [[ -d /dev/shm && -w /dev/shm ]]; then
    shm_free=$(df -Pk /dev/shm 2>/dev/null | awk 'NR == 2 { print $4 }')
    mem_free=$(awk '/^MemAvailable:/ { print $2 }' /proc/meminfo 2>/dev/null)
    if [[ "${shm_free:-0}" -ge $((2 * 1024 * 1024)) && "${mem_free:-0}" -ge $((4 * 1024 * 1024)) ]]; then
      echo /dev/shm
      return 0
    fi
  fi
  echo "${TMPDIR:-/tmp}"
}

ensure_tmp_root() {
  [[ -n "$TMP_ROOT" ]] && return 0
  TMP_ROOT=$(mktemp -d "$(pick_tmp_base)/behorig-test-services.XXXXXX")
  # Traversable (not listable) so the postgres user can reach its own subdir.
  chmod 711 "$TMP_ROOT"
}

free_port() {
  local p
  if command -v node >/dev/null 2>&1 && p=$(node "$HELPERS/free-port.cjs"); then
    echo "$p"
    return 0
  fi
  # Fallback: random port below the ephemeral range that nothing listens on.
  local i
  for i in $(seq 1 50); do
    p=$((20000 + RANDOM % 12000))
    port_listening "$p" || { echo "$p"; return 0; }
  done
  return 1
}

port_listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Alive = exists and is not a zombie (daemons we stop are not our children, and
# whoever inherits them may reap them late; kill -0 succeeds on zombies).
pid_alive() {
  [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null || return 1
  local stat
  if [[ -d /proc/$1 ]]; then
    stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    stat=${stat##*) } # field 3, after "(comm) "
  else
    stat=$(ps -o stat= -p "$1" 2>/dev/null) || return 1
  fi
  [[ "$stat" != Z* ]]
}

# Wait (up to $2 tenths of a second) for pid $1 to disappear.
wait_gone() {
  local pid=$1 tries=${2:-100}
  while pid_alive "$pid" && ((tries-- > 0)); do sleep 0.1; done
  ! pid_alive "$pid"
}

# A daemon's pid file appears shortly after its launcher returns; a signal can
# land in between, so the stop functions give it a moment.
wait_for_file() { # file tenths
  local f=$1 tries=${2:-20}
  while [[ ! -s "$f" ]] && ((tries-- > 0)); do sleep 0.1; done
  [[ -s "$f" ]]
}

show_log() { # name file
  if [[ -s "$2" ]]; then
    say "last lines of the $1 log ($2):"
    tail -n 30 "$2" | sed 's/^/    /' >&8
  fi
}

install_or_explain() { # pkg...
  # As root this installs; otherwise it prints the command and fails.
  bash "$HELPERS/install-packages.sh" "$@" || exit 1
}

# ---------------------------------------------------------------- cleanup ---

stop_pg() {
  ((PG_STARTED)) || return 0
  PG_STARTED=0
  local pid=""
  wait_for_file "$PG_DATA/postmaster.pid" 20 || return 0
  pid=$(head -n 1 "$PG_DATA/postmaster.pid" 2>/dev/null || true)
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -m immediate -w -t 15 stop >/dev/null 2>&1 || true
  if pid_alive "$pid"; then
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 50 || say "warning: postgres (pid $pid) did not stop"
  fi
}

stop_redis() {
  ((REDIS_STARTED)) || return 0
  REDIS_STARTED=0
  local pid=""
  wait_for_file "$REDIS_DIR/redis.pid" 20 || return 0
  pid=$(cat "$REDIS_DIR/redis.pid" 2>/dev/null || true)
  if ((REDIS_UP)); then
    timeout 10 redis-cli -h 127.0.0.1 -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
  else
    # Never confirmed on its port (which may be someone else's): signal by pid.
    kill -TERM "$pid" 2>/dev/null || true
  fi
  if ! wait_gone "$pid" 50; then
    kill -TERM "$pid" 2>/dev/null || true
    wait_gone "$pid" 50 || { kill -KILL "$pid" 2>/dev/null || true; }
  fi
}

stop_slapd() {
  ((SLAPD_STARTED)) || return 0
  SLAPD_STARTED=0
  local pid=""
  # Read the pid file now: ldap-ctl.sh may have restarted slapd meanwhile.
  wait_for_file "$SLAPD_PIDFILE" 20 || return 0
  pid=$(cat "$SLAPD_PIDFILE" 2>/dev/null || true)
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_gone "$pid" 100; then
    kill -KILL "$pid" 2>/dev/null || true
    wait_gone "$pid" 50 || say "warning: slapd (pid $pid) did not stop"
  fi
}

stop_child() {
  local sig=${1:-TERM}
  pid_alive "$CHILD_PID" || return 0
  kill -s "$sig" "$CHILD_PID" 2>/dev/null || true
  if [[ "$sig" != TERM ]] && ! wait_gone "$CHILD_PID" 100; then
    kill -TERM "$CHILD_PID" 2>/dev/null || true
  fi
  if ! wait_gone "$CHILD_PID" 50; then
    kill -KILL "$CHILD_PID" 2>/dev/null || true
  fi
  wait "$CHILD_PID" 2>/dev/null || true
}

cleanup() {
  # Exit status is preserved: this trap never calls `exit`.
  set +e
  trap - INT TERM HUP
  stop_child TERM
  stop_slapd
  stop_redis
  stop_pg
  if [[ -n "$TMP_ROOT" && -d "$TMP_ROOT" ]]; then
    if [[ "${TEST_SERVICES_KEEP:-}" == 1 ]]; then
      say "kept $TMP_ROOT"
    else
      rm -rf "$TMP_ROOT"
    fi
  fi
}

on_signal() {
  local sig=$1 code=$2
  trap - INT TERM HUP
  say "got SIG$sig, stopping"
  stop_child "$sig"
  exit "$code"
}

trap cleanup EXIT
trap 'on_signal INT 130' INT
trap 'on_signal TERM 143' TERM
trap 'on_signal HUP 129' HUP

# ------------------------------------------------------------- PostgreSQL ---

find_pg_bin() {
  if [[ -n "${PG_BIN:-}" ]]; then
    [[ -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" ]] && return 0
    die "PG_BIN=$PG_BIN has no initdb/pg_ctl"
  fi
  local d
  # Debian/Ubuntu keep the server binaries out of PATH; take the newest major.
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [[ -x "$d/initdb" && -x "$d/pg_ctl" && -x "$d/postgres" ]]; then
      PG_BIN=$d
      return 0
    fi
  done
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    PG_BIN=$(dirname "$(readlink -f "$(command -v initdb)")")
    return 0
  fi
  return 1
}

as_pg() {
  if ((IS_ROOT)); then
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

start_pg() {
  if ! find_pg_bin; then
    install_or_explain postgresql
    find_pg_bin || die "postgresql installed but initdb/pg_ctl not found (set PG_BIN)"
  fi
  if ((IS_ROOT)) && ! id postgres >/dev/null 2>&1; then
    die "running as root but there is no 'postgres' user to run initdb as"
  fi
  ensure_tmp_root
  local dir="$TMP_ROOT/pg" t0
  t0=$(now_ms)
  mkdir -m 700 "$dir"
  if ((IS_ROOT)); then chown postgres: "$dir"; fi
  PG_DATA="$dir/data"

  # C.UTF-8 keeps ordering byte-wise but classifies non-ASCII letters (å, ä, ö)
  # properly, which plain C does not.
  if ! as_pg "$PG_BIN/initdb" -D "$PG_DATA" -A trust -U postgres --no-sync \
    -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
    rm -rf "$PG_DATA"
    as_pg "$PG_BIN/initdb" -D "$PG_DATA" -A trust -U postgres --no-sync \
      -E UTF8 --no-locale >>"$dir/initdb.log" 2>&1 ||
      { show_log initdb "$dir/initdb.log"; die "initdb failed"; }
  fi
  cat >>"$PG_DATA/postgresql.conf" <<EOF

# --- throwaway test cluster (scripts/with-test-services.sh) ---
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF

  local port attempt
  for attempt in 1 2 3; do
    port=$(free_port) || die "could not find a free port"
    # Marked as started before launching, so an interrupt during the start
    # still stops it.
    PG_STARTED=1
    if as_pg "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$dir/postgres.log" -o "-p $port" \
      -w -t 30 start >/dev/null 2>&1; then
      break
    fi
    stop_pg
    if grep -q 'in use' "$dir/postgres.log" 2>/dev/null && ((attempt < 3)); then
      continue
    fi
    show_log postgres "$dir/postgres.log"
    die "postgres failed to start"
  done
  export DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
  say "postgres on 127.0.0.1:$port (throwaway, $(($(now_ms) - t0)) ms)"
}

# ------------------------------------------------------------------ Redis ---

start_redis() {
  if ! command -v redis-server >/dev/null 2>&1 || ! command -v redis-cli >/dev/null 2>&1; then
    install_or_explain redis-server
  fi
  command -v redis-server >/dev/null 2>&1 || die "redis-server not found after install"
  ensure_tmp_root
  local t0 attempt port pid i
  t0=$(now_ms)
  REDIS_DIR="$TMP_ROOT/redis"
  mkdir -m 700 "$REDIS_DIR"
  for attempt in 1 2 3; do
    port=$(free_port) || die "could not find a free port"
    rm -f "$REDIS_DIR/redis.pid"
    : >"$REDIS_DIR/redis.log"
    REDIS_PORT=$port
    REDIS_STARTED=1
    if redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no \
      --daemonize yes --dir "$REDIS_DIR" --pidfile "$REDIS_DIR/redis.pid" \
      --logfile "$REDIS_DIR/redis.log" >>"$REDIS_DIR/redis.log" 2>&1; then
      for i in $(seq 1 100); do
        pid=$(cat "$REDIS_DIR/redis.pid" 2>/dev/null || true)
        if pid_alive "$pid" &&
          [[ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" == PONG ]]; then
          REDIS_UP=1
          export REDIS_URL="redis://127.0.0.1:$port"
          say "redis on 127.0.0.1:$port (throwaway, $(($(now_ms) - t0)) ms)"
          return 0
        fi
        # Daemon gone (e.g. port taken between picking and binding)?
        if ((i > 5)) && ! pid_alive "$pid"; then break; fi
        sleep 0.05
      done
    fi
    stop_redis
    if grep -q 'in use' "$REDIS_DIR/redis.log" && ((attempt < 3)); then continue; fi
    show_log redis "$REDIS_DIR/redis.log"
    die "redis failed to start"
  done
}

# --------------------------------------------------------------- OpenLDAP ---

find_ldap_tools() {
  SLAPD_SRC=""
  local c
  for c in /usr/sbin/slapd /usr/libexec/slapd /usr/local/libexec/slapd "$(command -v slapd 2>/dev/null || true)"; do
    [[ -n "$c" && -x "$c" ]] && { SLAPD_SRC=$c; break; }
  done
  [[ -n "$SLAPD_SRC" ]] && command -v ldapsearch >/dev/null 2>&1 && command -v ldapadd >/dev/null 2>&1
}

write_slapd_conf() { # conf with_refint
  local conf=$1 refint=$2 s
  {
    for s in core cosine nis inetorgperson; do
      if [[ -f "$LDAP_SCHEMA_DIR/$s.schema" ]]; then echo "include $LDAP_SCHEMA_DIR/$s.schema"; fi
    done
    cat <<EOF
modulepath $LDAP_MODULE_DIR
moduleload back_mdb
moduleload memberof
pidfile $LDAP_DIR/slapd.pid
argsfile $LDAP_DIR/slapd.args
# No size/time limits for anyone (plain and paged searches): without this,
# non-rootdn binds stop at 500 entries even when paging.
sizelimit size.soft=unlimited size.hard=unlimited size.pr=unlimited size.prtotal=unlimited
timelimit unlimited

database mdb
maxsize 1073741824
suffix "$LDAP_SUFFIX"
rootdn "$LDAP_ROOTDN"
rootpw $LDAP_PW
directory $LDAP_DIR/data
dbnosync
sizelimit size.soft=unlimited size.hard=unlimited size.pr=unlimited size.prtotal=unlimited
timelimit unlimited
index objectClass eq
index entryUUID eq
index modifyTimestamp eq
index uid,cn,mail eq
index member,memberOf eq
access to attrs=userPassword by self write by anonymous auth by * none
access to * by * read

overlay memberof
EOF
    if ((refint)); then echo "memberof-refint TRUE"; fi
  } >"$conf"
  chmod 600 "$conf"
}

start_slapd() { # port -> 0 if started
  local port=$1
  : >"$LDAP_DIR/slapd.log"
  rm -f "$SLAPD_PIDFILE"
  SLAPD_STARTED=1
  "$LDAP_BIN/slapd" -f "$LDAP_DIR/slapd.conf" -h "ldap://127.0.0.1:$port/" >>"$LDAP_DIR/slapd.log" 2>&1 || return 1
  local i pid
  for i in $(seq 1 200); do
    if ldapsearch -x -H "ldap://127.0.0.1:$port" -o nettimeout=2 -b '' -s base -LLL 1.1 >/dev/null 2>&1; then
      pid=$(cat "$SLAPD_PIDFILE" 2>/dev/null || true)
      pid_alive "$pid" && return 0
    fi
    sleep 0.05
  done
  return 1
}

start_ldap() {
  if ! find_ldap_tools; then
    install_or_explain slapd ldap-utils
    find_ldap_tools || die "slapd/ldapsearch not found after install"
  fi
  local d
  LDAP_SCHEMA_DIR=""
  for d in /etc/ldap/schema /etc/openldap/schema /usr/local/etc/openldap/schema; do
    [[ -f "$d/core.schema" ]] && { LDAP_SCHEMA_DIR=$d; break; }
  done
  [[ -n "$LDAP_SCHEMA_DIR" ]] || die "OpenLDAP schema directory (core.schema) not found"
  LDAP_MODULE_DIR=""
  for d in /usr/lib/ldap /usr/lib64/openldap /usr/lib/openldap /usr/libexec/openldap /usr/local/libexec/openldap; do
    if compgen -G "$d/back_mdb*" >/dev/null; then LDAP_MODULE_DIR=$d; break; fi
  done
  [[ -n "$LDAP_MODULE_DIR" ]] || die "OpenLDAP module directory (back_mdb) not found"

  ensure_tmp_root
  local t0
  t0=$(now_ms)
  LDAP_DIR="$TMP_ROOT/ldap"
  LDAP_BIN="$LDAP_DIR/bin"
  SLAPD_PIDFILE="$LDAP_DIR/slapd.pid"
  mkdir -m 700 "$LDAP_DIR" "$LDAP_DIR/data" "$LDAP_BIN"
  # Run a copy of slapd: Ubuntu's AppArmor profile for /usr/sbin/slapd (and the
  # slapadd/slaptest links to it) forbids files outside /etc/ldap, /var/lib/ldap.
  cp "$SLAPD_SRC" "$LDAP_BIN/slapd"
  # ... unless the temp dir is mounted noexec: then use the installed one.
  "$LDAP_BIN/slapd" -VV >/dev/null 2>&1 || ln -sf "$SLAPD_SRC" "$LDAP_BIN/slapd"
  for d in slapadd slapcat slaptest slapindex slappasswd; do ln -s slapd "$LDAP_BIN/$d"; done

  LDAP_PW=$(head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 24)
  [[ ${#LDAP_PW} -ge 16 ]] || die "could not make a random LDAP password"
  printf '%s' "$LDAP_PW" >"$LDAP_DIR/rootpw"
  chmod 600 "$LDAP_DIR/rootpw"

  write_slapd_conf "$LDAP_DIR/slapd.conf" 1
  if ! "$LDAP_BIN/slaptest" -u -f "$LDAP_DIR/slapd.conf" >"$LDAP_DIR/slaptest.log" 2>&1; then
    # Older/newer OpenLDAP without memberof-refint: go without it.
    write_slapd_conf "$LDAP_DIR/slapd.conf" 0
    if ! "$LDAP_BIN/slaptest" -u -f "$LDAP_DIR/slapd.conf" >>"$LDAP_DIR/slaptest.log" 2>&1; then
      show_log slaptest "$LDAP_DIR/slaptest.log"
      die "slapd.conf does not pass slaptest"
    fi
  fi

  local port attempt ok=0
  for attempt in 1 2 3; do
    port=$(free_port) || die "could not find a free port"
    if start_slapd "$port"; then ok=1; break; fi
    stop_slapd
    if port_listening "$port" && ((attempt < 3)); then continue; fi
    # slapd logs startup errors to syslog; run it once in the foreground with
    # debug output to show why it failed.
    timeout 3 "$LDAP_BIN/slapd" -d 1 -f "$LDAP_DIR/slapd.conf" -h "ldap://127.0.0.1:$port/" \
      >>"$LDAP_DIR/slapd.log" 2>&1 || true
    show_log slapd "$LDAP_DIR/slapd.log"
    die "slapd failed to start"
  done
  ((ok)) || die "slapd failed to start"

  local url="ldap://127.0.0.1:$port"
  ldapadd -x -H "$url" -D "$LDAP_ROOTDN" -y "$LDAP_DIR/rootpw" >"$LDAP_DIR/base.log" 2>&1 <<EOF ||
dn: $LDAP_SUFFIX
objectClass: dcObject
objectClass: organization
dc: exempel
o: exempel
EOF
    { show_log ldapadd "$LDAP_DIR/base.log"; die "could not add the base entry $LDAP_SUFFIX"; }

  export LDAP_URL="$url"
  export LDAP_BIND_DN="$LDAP_ROOTDN"
  export LDAP_BIND_PASSWORD="$LDAP_PW"
  export LDAP_BASE_DN="$LDAP_SUFFIX"
  export LDAP_SLAPD_CONF="$LDAP_DIR/slapd.conf"
  export LDAP_DATA_DIR="$LDAP_DIR/data"
  export LDAP_SLAPD_PIDFILE="$SLAPD_PIDFILE"
  export LDAP_SLAPD_BIN_DIR="$LDAP_BIN"
  say "openldap on 127.0.0.1:$port, base $LDAP_SUFFIX (throwaway, $(($(now_ms) - t0)) ms)"
}

# ------------------------------------------------------------------- main ---

if [[ -n "${LDAP_URL:-}" ]]; then
  missing=()
  for v in LDAP_BIND_DN LDAP_BIND_PASSWORD LDAP_BASE_DN; do
    [[ -n "${!v:-}" ]] || missing+=("$v")
  done
  ((${#missing[@]} == 0)) ||
    die "LDAP_URL is set, so ${missing[*]} must be set too (or unset LDAP_URL to get a throwaway slapd)"
fi

# The doc test (test/docs/doc-commands.test.ts) runs the README's commands, which use curl and jq.
command -v curl >/dev/null && command -v jq >/dev/null || install_or_explain curl jq
# The test SAML identity provider (test/helpers/saml-idp.ts) signs with xmlsec1, a second
# XML Signature implementation beside the one behorig verifies with.
command -v xmlsec1 >/dev/null || install_or_explain xmlsec1

if [[ -n "${DATABASE_URL:-}" ]]; then say "postgres: using DATABASE_URL from the environment"; else start_pg; fi
if [[ -n "${REDIS_URL:-}" ]]; then say "redis: using REDIS_URL from the environment"; else start_redis; fi
if [[ -n "${LDAP_URL:-}" ]]; then say "openldap: using LDAP_URL from the environment"; else start_ldap; fi

# One V8 code cache for every Node.js process of the run (tap, each test file, the servers
# they start): they load mostly the same modules, and compiling them again costs each
# process about half a second.
if [[ -z "${NODE_COMPILE_CACHE:-}" ]]; then
  ensure_tmp_root
  export NODE_COMPILE_CACHE="$TMP_ROOT/node-compile-cache"
fi

# Run CMD in the background and wait, so a signal reaches our trap at once
# (and is passed on) instead of after CMD ends. `<&0` keeps stdin attached.
rc=0
"$@" <&0 8>&- &
CHILD_PID=$!
wait "$CHILD_PID" || rc=$?
CHILD_PID=""
exit "$rc"
