#!/usr/bin/env bash
# Installs and runs throw-away OpenSearch 2.x nodes for tests and local development.
#
#   scripts/opensearch.sh install                      fetch + unpack the distribution (idempotent)
#   scripts/opensearch.sh start  --dir D [--port P]    start a node in the background, wait, print its URL
#   scripts/opensearch.sh run    --dir D [--port P]    run a node in the foreground (exec; used by test/helpers;
#                                [--watch-pid PID]     with --watch-pid the node gets SIGTERM once PID is gone)
#   scripts/opensearch.sh stop   --dir D               SIGTERM the node started with `start`, wait for exit
#   scripts/opensearch.sh status --dir D               print cluster health of that node (exit 1 if down)
#   scripts/opensearch.sh home                         print the unpacked distribution's path
#
# Options: --port (HTTP, default 19200), --transport-port (port or range, default 19300-19399),
#          --heap (default 512m), --timeout (seconds to wait for health in `start`, default 180),
#          --name (cluster and node name, default siemad-PORT; the node log is logs/NAME.log).
# Environment: OPENSEARCH_VERSION (default below), SIEMAD_OPENSEARCH_CACHE (default <repo>/.cache/opensearch),
#              SIEMAD_OPENSEARCH_PLUGIN_ZIPS (extra plugin zips to install, space separated, e.g. an ISM zip),
#              OPENSEARCH_JAVA_HOME or JAVA_HOME (a JDK 17+; else the `java` on PATH).
#
# The distribution is Maven Central's `integ-test-zip`: core only (transport-netty4), no security plugin,
# no bundled JDK. OpenSearch refuses to run as root, so under root the node runs as the system user
# `opensearch` (created on demand) via setpriv, which execs and so keeps the PID.
set -euo pipefail

readonly REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly VERSION="${OPENSEARCH_VERSION:-2.19.6}"
readonly CACHE_DIR="${SIEMAD_OPENSEARCH_CACHE:-$REPO_DIR/.cache/opensearch}"
readonly HOME_DIR="$CACHE_DIR/opensearch-$VERSION"
readonly RUN_AS_USER="opensearch"
# Plugin zips follow OpenSearch's four-part versioning (2.19.6 -> 2.19.6.0).
readonly PLUGIN_VERSION="$VERSION.0"

log() { printf 'opensearch.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

java_home() {
  if [[ -n "${OPENSEARCH_JAVA_HOME:-}" ]]; then echo "$OPENSEARCH_JAVA_HOME"; return; fi
  if [[ -n "${JAVA_HOME:-}" ]]; then echo "$JAVA_HOME"; return; fi
  local java_bin
  java_bin="$(command -v java)" || die "no java on PATH; run scripts/install-system-deps.sh (JDK 17)"
  dirname "$(dirname "$(readlink -f "$java_bin")")"
}

fetch_maven_zip() { # coordinates, output dir -> 0 if fetched
  local artifact="$1" out_dir="$2"
  command -v mvn >/dev/null || die "mvn is missing; run scripts/install-system-deps.sh"
  mvn -q -B -U dependency:copy -Dartifact="$artifact" -DoutputDirectory="$out_dir" >"$CACHE_DIR/mvn.log" 2>&1
}

ensure_run_user() {
  [[ $EUID -eq 0 ]] || return 0
  id "$RUN_AS_USER" >/dev/null 2>&1 && return 0
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin "$RUN_AS_USER"
}

install_plugin_zip() { # plugin name, zip path
  local name="$1" zip="$2"
  [[ -d "$HOME_DIR/plugins/$name" ]] && return 0
  log "installing plugin $name from $zip"
  OPENSEARCH_JAVA_HOME="$(java_home)" "$HOME_DIR/bin/opensearch-plugin" install --batch "file://$zip" >&2
}

# ISM (opensearch-index-management, needs opensearch-job-scheduler) is not part of the integ-test zip.
# Try Maven Central once per version; the outcome is remembered in a marker file.
install_ism() {
  local marker="$CACHE_DIR/ism-$PLUGIN_VERSION.unavailable"
  local ism_zip="$CACHE_DIR/opensearch-index-management-$PLUGIN_VERSION.zip"
  local scheduler_zip="$CACHE_DIR/opensearch-job-scheduler-$PLUGIN_VERSION.zip"
  [[ -d "$HOME_DIR/plugins/opensearch-index-management" ]] && return 0
  [[ -f "$marker" && -z "${SIEMAD_OPENSEARCH_RECHECK_ISM:-}" ]] && return 0
  if [[ ! -f "$ism_zip" ]] && ! fetch_maven_zip "org.opensearch.plugin:opensearch-index-management:$PLUGIN_VERSION:zip" "$CACHE_DIR"; then
    date -u +%FT%TZ >"$marker"
    log "note: org.opensearch.plugin:opensearch-index-management:$PLUGIN_VERSION:zip is not on Maven Central;"
    log "      nodes run without ISM (pass an ISM zip in SIEMAD_OPENSEARCH_PLUGIN_ZIPS to add it)"
    return 0
  fi
  [[ -f "$scheduler_zip" ]] || fetch_maven_zip "org.opensearch.plugin:opensearch-job-scheduler:$PLUGIN_VERSION:zip" "$CACHE_DIR" \
    || die "ISM found but job-scheduler $PLUGIN_VERSION could not be fetched (see $CACHE_DIR/mvn.log)"
  install_plugin_zip opensearch-job-scheduler "$scheduler_zip"
  install_plugin_zip opensearch-index-management "$ism_zip"
}

install_extra_plugins() {
  local zip name
  for zip in ${SIEMAD_OPENSEARCH_PLUGIN_ZIPS:-}; do
    [[ -f "$zip" ]] || die "plugin zip not found: $zip"
    name="$(unzip -p "$zip" plugin-descriptor.properties | sed -n 's/^name=//p' | tr -d '\r')"
    [[ -n "$name" ]] || die "no plugin name in $zip"
    install_plugin_zip "$name" "$zip"
  done
}

cmd_install() {
  mkdir -p "$CACHE_DIR"
  # Parallel test runs may call install at once: serialise on a lock file.
  exec 9>"$CACHE_DIR/.install.lock"
  flock 9
  local zip="$CACHE_DIR/opensearch-$VERSION.zip"
  if [[ ! -f "$zip" ]]; then
    log "fetching org.opensearch.distribution.integ-test-zip:opensearch:$VERSION:zip from Maven Central"
    fetch_maven_zip "org.opensearch.distribution.integ-test-zip:opensearch:$VERSION:zip" "$CACHE_DIR" \
      || die "could not fetch OpenSearch $VERSION (see $CACHE_DIR/mvn.log)"
  fi
  if [[ ! -x "$HOME_DIR/bin/opensearch" ]]; then
    local staging
    staging="$(mktemp -d "$CACHE_DIR/unpack.XXXXXX")"
    unzip -q "$zip" -d "$staging"
    rm -rf "$HOME_DIR"
    mv "$staging/opensearch-$VERSION" "$HOME_DIR"
    rm -rf "$staging"
  fi
  install_ism
  install_extra_plugins
  ensure_run_user
  flock -u 9
}

# --- instance options -------------------------------------------------------------------------
INSTANCE_DIR=""
HTTP_PORT=19200
TRANSPORT_PORT="19300-19399"
HEAP="512m"
WAIT_SECONDS=180
WATCH_PID=""
NODE_NAME=""

parse_instance_options() {
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --dir) INSTANCE_DIR="$2"; shift 2 ;;
      --port) HTTP_PORT="$2"; shift 2 ;;
      --transport-port) TRANSPORT_PORT="$2"; shift 2 ;;
      --heap) HEAP="$2"; shift 2 ;;
      --timeout) WAIT_SECONDS="$2"; shift 2 ;;
      --watch-pid) WATCH_PID="$2"; shift 2 ;;
      --name) NODE_NAME="$2"; shift 2 ;;
      *) die "unknown option: $1" ;;
    esac
  done
  [[ -n "$INSTANCE_DIR" ]] || die "--dir is required"
  [[ "$HTTP_PORT" =~ ^[0-9]+$ ]] || die "--port must be a number"
  NODE_NAME="${NODE_NAME:-siemad-$HTTP_PORT}"
  [[ "$NODE_NAME" =~ ^[A-Za-z0-9_.-]+$ ]] || die "--name may only hold letters, digits, _ . -"
  mkdir -p "$INSTANCE_DIR"
  INSTANCE_DIR="$(cd "$INSTANCE_DIR" && pwd)"
}

# Writes DIR/config (a copy of the distribution's, plus our settings). Rewritten on every start so
# a restart may change the port; data under DIR/data is kept.
prepare_instance() {
  [[ -x "$HOME_DIR/bin/opensearch" ]] || cmd_install
  local conf="$INSTANCE_DIR/config"
  mkdir -p "$conf/jvm.options.d" "$INSTANCE_DIR/data" "$INSTANCE_DIR/logs" "$INSTANCE_DIR/tmp"
  cp "$HOME_DIR/config/log4j2.properties" "$conf/"
  # The stock jvm.options names gc/heap-dump/error files relative to the working directory.
  sed -e "s#logs/#$INSTANCE_DIR/logs/#g" -e "s#HeapDumpPath=data#HeapDumpPath=$INSTANCE_DIR/logs#" \
    "$HOME_DIR/config/jvm.options" >"$conf/jvm.options"
  printf -- '-Xms%s\n-Xmx%s\n' "$HEAP" "$HEAP" >"$conf/jvm.options.d/heap.options"
  cat >"$conf/opensearch.yml" <<EOF
cluster.name: $NODE_NAME
node.name: $NODE_NAME
network.host: 127.0.0.1
http.port: $HTTP_PORT
transport.port: $TRANSPORT_PORT
discovery.type: single-node
path.data: $INSTANCE_DIR/data
path.logs: $INSTANCE_DIR/logs
# A test node on a nearly full disk must not turn read-only or red.
cluster.routing.allocation.disk.threshold_enabled: false
EOF
  if [[ $EUID -eq 0 ]]; then
    ensure_run_user
    chown -R "$RUN_AS_USER:" "$INSTANCE_DIR"
  fi
}

launch_command() { # prints nothing; sets LAUNCH array
  LAUNCH=("$HOME_DIR/bin/opensearch")
  if [[ $EUID -eq 0 ]]; then
    LAUNCH=(setpriv --reuid="$RUN_AS_USER" --regid="$RUN_AS_USER" --init-groups "${LAUNCH[@]}")
  fi
}

export_runtime_env() {
  export OPENSEARCH_JAVA_HOME
  OPENSEARCH_JAVA_HOME="$(java_home)"
  export OPENSEARCH_PATH_CONF="$INSTANCE_DIR/config"
  export OPENSEARCH_TMPDIR="$INSTANCE_DIR/tmp"
  export HOME="$INSTANCE_DIR"
  cd "$INSTANCE_DIR"
  unset OPENSEARCH_JAVA_OPTS
}

http_url() { echo "http://127.0.0.1:$HTTP_PORT"; }

health() { curl -fsS --max-time 3 "$(http_url)/_cluster/health?wait_for_status=yellow&timeout=2s" 2>/dev/null; }
# Healthy and ours: another node may hold the port if ours failed to bind it.
healthy_and_ours() { health | grep -q "\"cluster_name\":\"$NODE_NAME\",\"status\":\"\(green\|yellow\)\""; }

cmd_run() {
  parse_instance_options "$@"
  prepare_instance
  export_runtime_env
  launch_command
  if [[ -n "$WATCH_PID" ]]; then
    # A test process that dies by SIGKILL cannot stop its node: this watcher does it. `exec` below
    # keeps our PID, so $$ is the node from then on.
    local node_pid=$$
    ( while kill -0 "$WATCH_PID" 2>/dev/null && kill -0 "$node_pid" 2>/dev/null; do sleep 2; done
      kill -TERM "$node_pid" 2>/dev/null ) </dev/null >/dev/null 2>&1 &
  fi
  exec "${LAUNCH[@]}"
}

pid_file() { echo "$INSTANCE_DIR/opensearch.pid"; }

running_pid() {
  local pid
  [[ -f "$(pid_file)" ]] || return 1
  pid="$(cat "$(pid_file)")"
  [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

cmd_start() {
  parse_instance_options "$@"
  if running_pid >/dev/null; then log "already running (pid $(running_pid))"; http_url; return 0; fi
  prepare_instance
  export_runtime_env
  launch_command
  "${LAUNCH[@]}" -d -p "$(pid_file)" >"$INSTANCE_DIR/console.log" 2>&1 \
    || { tail -n 40 "$INSTANCE_DIR/console.log" >&2; die "OpenSearch failed to start"; }
  local waited=0
  until healthy_and_ours; do
    # With -d the launcher may return before the node has written its PID file.
    if { ((waited > 20)) && ! running_pid >/dev/null; } || ((waited >= WAIT_SECONDS)); then
      tail -n 40 "$INSTANCE_DIR/logs/$NODE_NAME.log" >&2 2>/dev/null || true
      die "OpenSearch on port $HTTP_PORT did not become healthy within ${waited}s"
    fi
    sleep 1
    waited=$((waited + 1))
  done
  http_url
}

cmd_stop() {
  parse_instance_options "$@"
  local pid
  pid="$(running_pid)" || { log "not running"; return 0; }
  kill -TERM "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || { rm -f "$(pid_file)"; return 0; }; sleep 0.5; done
  log "pid $pid ignored SIGTERM for 30s; sending SIGKILL"
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$(pid_file)"
}

cmd_status() {
  parse_instance_options "$@"
  local body
  body="$(health)" || { echo "down: $(http_url)"; return 1; }
  echo "$(http_url) $body"
}

case "${1:-}" in
  install) shift; cmd_install ;;
  start) shift; cmd_start "$@" ;;
  run) shift; cmd_run "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  status) shift; cmd_status "$@" ;;
  home) [[ -x "$HOME_DIR/bin/opensearch" ]] || cmd_install; echo "$HOME_DIR" ;;
  *) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
