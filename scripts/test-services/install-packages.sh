#!/usr/bin/env bash
# Install Debian/Ubuntu packages for the throwaway test services, without
# starting any system service.
#
#   install-packages.sh [--sudo] PKG...
#
# - Packages that are already installed are skipped.
# - As root: `DEBIAN_FRONTEND=noninteractive apt-get install -y -q PKG...`;
#   if that fails (stale or missing package lists), `apt-get update` once and retry.
# - Not root: with --sudo and password-less sudo, re-runs itself through sudo;
#   otherwise exits 1 and prints the exact command to run.
# - While installing, a policy-rc.d that forbids service starts is put in place
#   (only if none exists; removed again afterwards), so installing `postgresql`
#   or `slapd` never starts a system PostgreSQL/slapd that could collide with
#   anything (e.g. a system PostgreSQL already on 5432).
# - Concurrent callers are serialised with flock.
set -euo pipefail

use_sudo=0
if [[ "${1:-}" == "--sudo" ]]; then
  use_sudo=1
  shift
fi
(($# > 0)) || { echo "usage: $0 [--sudo] PKG..." >&2; exit 2; }

say() { echo "test-services: $*" >&2; }

is_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "$@"; do
    is_installed "$p" || missing+=("$p")
  done
else
  missing=("$@")
fi
((${#missing[@]} > 0)) || exit 0

if [[ $(id -u) -ne 0 ]]; then
  if ((use_sudo)) && command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    exec sudo -n env PATH="$PATH" bash "$0" "${missing[@]}"
  fi
  say "missing package(s): ${missing[*]}."
  say "install with: sudo DEBIAN_FRONTEND=noninteractive apt-get install -y ${missing[*]}"
  exit 1
fi

if ! command -v apt-get >/dev/null 2>&1; then
  say "missing package(s): ${missing[*]}, and apt-get is not available on this machine;"
  say "install the equivalent packages with your system's package manager."
  exit 1
fi

# Serialise concurrent installers (several test runs may start at once).
exec 9>/var/lock/behorig-test-services-apt.lock
flock -w 600 9 || { say "timed out waiting for another package install"; exit 1; }

# Re-check after the lock: another run may have installed them meanwhile.
still=()
for p in "${missing[@]}"; do
  is_installed "$p" || still+=("$p")
done
((${#still[@]} > 0)) || exit 0

policy=/usr/sbin/policy-rc.d
made_policy=0
log=$(mktemp)
cleanup() {
  if ((made_policy)); then rm -f "$policy"; fi
  rm -f "$log"
}
trap cleanup EXIT
if [[ ! -e "$policy" ]]; then
  printf '#!/bin/sh\n# temporary, from behorig scripts/test-services/install-packages.sh\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  made_policy=1
fi

apt_install() {
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
    -o DPkg::Lock::Timeout=300 \
    -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold \
    "${still[@]}" >>"$log" 2>&1
}

say "installing ${still[*]} (apt-get) ..."
start=$SECONDS
if ! apt_install; then
  say "apt-get install failed; running apt-get update once and retrying"
  if ! DEBIAN_FRONTEND=noninteractive apt-get update -q -o DPkg::Lock::Timeout=300 >>"$log" 2>&1 || ! apt_install; then
    say "could not install ${still[*]}; last lines of the apt-get output:"
    tail -n 25 "$log" >&2
    exit 1
  fi
fi
say "installed ${still[*]} in $((SECONDS - start))s"
