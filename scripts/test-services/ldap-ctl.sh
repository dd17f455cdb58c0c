#!/usr/bin/env bash
# Control the throwaway slapd started by scripts/with-test-services.sh, from
# inside its CMD (reads LDAP_URL, LDAP_SLAPD_CONF, LDAP_SLAPD_PIDFILE,
# LDAP_SLAPD_BIN_DIR from the environment).
#
#   ldap-ctl.sh stop              stop slapd (for offline tools)
#   ldap-ctl.sh start             start it again on the same URL, wait until it answers
#   ldap-ctl.sh status            exit 0 if it is running
#   ldap-ctl.sh load FILE.ldif    stop, `slapadd -q` FILE (fast bulk load), start
#
# Note: overlays do not run offline, so entries loaded with `load` get no
# memberOf values; add groups afterwards over LDAP (ldapadd / ldapts) instead.
set -euo pipefail

for v in LDAP_URL LDAP_SLAPD_CONF LDAP_SLAPD_PIDFILE LDAP_SLAPD_BIN_DIR; do
  if [[ -z "${!v:-}" ]]; then
    echo "ldap-ctl: $v is not set; run inside scripts/with-test-services.sh (throwaway slapd only)" >&2
    exit 2
  fi
done

pid_of() { cat "$LDAP_SLAPD_PIDFILE" 2>/dev/null || true; }

running() {
  local pid
  pid=$(pid_of)
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null && [[ "$(cat "/proc/$pid/stat" 2>/dev/null)" != *") Z "* ]]
}

do_stop() {
  running || return 0
  local pid tries=200
  pid=$(pid_of)
  kill -TERM "$pid"
  while running && ((tries-- > 0)); do sleep 0.05; done
  if running; then
    echo "ldap-ctl: slapd (pid $pid) did not stop" >&2
    return 1
  fi
}

do_start() {
  running && return 0
  "$LDAP_SLAPD_BIN_DIR/slapd" -f "$LDAP_SLAPD_CONF" -h "${LDAP_URL%/}/"
  local tries=200
  until ldapsearch -x -H "$LDAP_URL" -o nettimeout=2 -b '' -s base -LLL 1.1 >/dev/null 2>&1; do
    if ((tries-- <= 0)); then
      echo "ldap-ctl: slapd did not answer on $LDAP_URL" >&2
      return 1
    fi
    sleep 0.05
  done
}

case "${1:-}" in
  stop) do_stop ;;
  start) do_start ;;
  status) running ;;
  load)
    [[ -f "${2:-}" ]] || { echo "usage: $0 load FILE.ldif" >&2; exit 2; }
    do_stop
    "$LDAP_SLAPD_BIN_DIR/slapadd" -q -f "$LDAP_SLAPD_CONF" -l "$2"
    do_start
    ;;
  *)
    echo "usage: $0 stop|start|status|load FILE.ldif" >&2
    exit 2
    ;;
esac
