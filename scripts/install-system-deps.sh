#!/usr/bin/env bash
# Installs the Debian packages the tests run as real peers, only those missing; idempotent.
# `apt-get update` runs at most once, and only when something is missing.
#
# Package postinst scripts would start system services (redis, postgresql, rsyslog, fail2ban,
# prometheus). Tests start their own private instances instead, so while installing we put a
# policy-rc.d that answers 101 ("action forbidden") and afterwards stop any of these daemons that
# appeared during the install anyway (by PID, only the new ones).
set -euo pipefail

# package -> why the tests need it
readonly PACKAGES=(
  rsyslog                 # rsyslogd: forwarding tests (omfwd to the collector)
  redis-server            # shared window state
  postgresql              # alerts and feedback (PostgreSQL 15 on Debian 12)
  prometheus              # promtool: check/test alerting rules
  prometheus-alertmanager # amtool: check the provisioned Alertmanager config
  docker-compose          # `docker-compose config` validates docker-compose.yml (v1; no engine needed)
  fail2ban                # fail2ban-regex: detection baseline
  bsdutils                # logger
  util-linux              # setpriv, flock
  openssl                 # test certificates for TLS receivers
  curl                    # health probes in scripts/opensearch.sh
  unzip                   # unpacking the OpenSearch distribution
  maven                   # fetching OpenSearch from Maven Central
  lua5.1                  # luac5.1 -p: syntax check of the Redis window script (Redis runs Lua 5.1)
  openjdk-17-jre-headless # runs OpenSearch 2.x
)
readonly DAEMONS=(redis-server postgres rsyslogd fail2ban-server prometheus)

log() { printf 'install-system-deps: %s\n' "$*" >&2; }

if [[ $EUID -eq 0 ]]; then
  as_root() { "$@"; }
elif command -v sudo >/dev/null; then
  as_root() { sudo "$@"; }
else
  log "error: not root and no sudo; cannot install packages"
  exit 1
fi

is_installed() {
  [[ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)" == "install ok installed" ]]
}

missing=()
for package in "${PACKAGES[@]}"; do
  is_installed "$package" || missing+=("$package")
done

if [[ ${#missing[@]} -eq 0 ]]; then
  log "all packages present"
  exit 0
fi
log "installing: ${missing[*]}"

daemon_pids() { local name; for name in "${DAEMONS[@]}"; do pgrep -x "$name" || true; done | sort; }
pids_before="$(daemon_pids)"

readonly POLICY=/usr/sbin/policy-rc.d
placed_policy=false
if [[ ! -e "$POLICY" ]]; then
  printf '#!/bin/sh\n# placed by siemad scripts/install-system-deps.sh during apt-get install\nexit 101\n' \
    | as_root tee "$POLICY" >/dev/null
  as_root chmod 755 "$POLICY"
  placed_policy=true
fi
remove_policy() { if $placed_policy; then as_root rm -f "$POLICY"; fi; }
trap remove_policy EXIT

export DEBIAN_FRONTEND=noninteractive
as_root apt-get update -qq
as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"

# Anything a postinst started despite policy-rc.d (e.g. a non-policy-aware script) is ours to stop.
new_pids="$(comm -13 <(echo "$pids_before") <(daemon_pids) | grep -v '^$' || true)"
for pid in $new_pids; do
  log "stopping daemon started by the install: pid $pid ($(ps -o comm= -p "$pid" || true))"
  as_root kill -TERM "$pid" 2>/dev/null || true
done
log "done"
