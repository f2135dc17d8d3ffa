#!/usr/bin/env bash
# Installs, starts and stops the local Kinesis emulators used by the tests and the demo.
#
#   scripts/emulators.sh install            npm-install the pinned packages (idempotent)
#   scripts/emulators.sh start              install if needed, start both, wait until they answer
#   scripts/emulators.sh stop               stop what start started
#   scripts/emulators.sh status             print each emulator's state and endpoint
#   scripts/emulators.sh env                print the export lines for the test kit
#
# Both emulators listen on 127.0.0.1 only (scripts/loopback.js rewrites their listen()
# calls; they bind 0.0.0.0 otherwise) and start checks that with ss.
#
# Environment (all optional):
#   AIOKPL_EMULATORS_DIR           install and state folder (default <repo>/.emulators)
#   AIOKPL_KINESIS_LOCAL_PORT      kinesis-local plain HTTP port (default: a free port)
#   AIOKPL_KINESIS_LOCAL_TLS_PORT  kinesis-local HTTPS port (default: a free port)
#   AIOKPL_KINESALITE_PORT         kinesalite HTTP port (default: a free port)
#   AIOKPL_EMULATOR_START_TIMEOUT  seconds to wait for each emulator to answer (default 90)
set -euo pipefail

KINESIS_LOCAL_VERSION=0.6.2
KINESALITE_VERSION=3.3.3

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SCRIPTS="$ROOT/scripts"
DIR="${AIOKPL_EMULATORS_DIR:-$ROOT/.emulators}"
RUN="$DIR/run"
START_TIMEOUT="${AIOKPL_EMULATOR_START_TIMEOUT:-90}"

KL_PREFIX="$DIR/kinesis-local"
KL_MAIN="$KL_PREFIX/node_modules/kinesis-local/main.js"
# Not a folder named "kinesalite": npm would take that name for the project's own.
KA_PREFIX="$DIR/kinesalite-pkg"
KA_MAIN="$KA_PREFIX/node_modules/kinesalite/cli.js"

log() { echo "emulators: $*" >&2; }
die() { log "$*"; exit 1; }

require_node() {
  command -v node >/dev/null 2>&1 || die "node is not on PATH: install Node.js 18 or newer"
  command -v npm >/dev/null 2>&1 || die "npm is not on PATH: install npm (it comes with Node.js)"
}

installed_version() { # <prefix> <package>
  local pkg_json="$1/node_modules/$2/package.json"
  [[ -f "$pkg_json" ]] || return 0
  node -e 'process.stdout.write(String(require(process.argv[1]).version || ""))' "$pkg_json"
}

install_one() { # <prefix> <package> <version>
  local prefix="$1" pkg="$2" version="$3"
  if [[ "$(installed_version "$prefix" "$pkg")" == "$version" ]]; then
    return 0
  fi
  log "installing $pkg@$version into $prefix"
  mkdir -p "$prefix"
  # --ignore-scripts: kinesalite's optional leveldown is only used with --path (on-disk
  # storage); the in-memory store needs no native build.
  npm install --no-audit --no-fund --ignore-scripts --loglevel=error \
    --prefix "$prefix" "$pkg@$version" >&2
  [[ "$(installed_version "$prefix" "$pkg")" == "$version" ]] \
    || die "npm did not install $pkg@$version into $prefix"
}

cmd_install() {
  require_node
  install_one "$KL_PREFIX" kinesis-local "$KINESIS_LOCAL_VERSION"
  install_one "$KA_PREFIX" kinesalite "$KINESALITE_VERSION"
}

free_port() {
  node -e 'const s = require("net").createServer();
    s.listen(0, "127.0.0.1", () => { process.stdout.write(String(s.address().port)); s.close(); });'
}

# Is <pid> alive and one of our emulator processes (not a recycled pid)?
is_ours() { # <pid>
  local pid="$1"
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -q -- "$SCRIPTS/loopback.js"
}

# One Kinesis API call (ListStreams, JSON protocol); succeeds on HTTP 200.
answers() { # <port>
  node -e '
    const req = require("http").request({ host: "127.0.0.1", port: Number(process.argv[1]), method: "POST",
      path: "/", timeout: 2000, headers: {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": "Kinesis_20131202.ListStreams",
        "X-Amz-Date": "20240101T000000Z",
        "Authorization": "AWS4-HMAC-SHA256 Credential=aiokpl/20240101/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=0" } },
      res => { res.resume(); process.exitCode = res.statusCode === 200 ? 0 : 1; });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", () => { process.exitCode = 1; });
    req.end("{}");' "$1" 2>/dev/null
}

# Every listening socket of <pid> must be on 127.0.0.1.
check_loopback_only() { # <name> <pid>
  local name="$1" pid="$2" lines
  if ! command -v ss >/dev/null 2>&1; then
    log "ss not found (iproute2): cannot verify that $name listens on 127.0.0.1 only"
    return 0
  fi
  lines="$(ss -H -ltnp 2>/dev/null | grep -F "pid=$pid," || true)"
  [[ -n "$lines" ]] || die "$name (pid $pid) has no listening socket"
  if awk '{ print $4 }' <<<"$lines" | grep -v '^127\.0\.0\.1:' >/dev/null; then
    log "$name listens beyond 127.0.0.1:"
    log "$lines"
    return 1
  fi
  log "$name listens on $(awk '{ print $4 }' <<<"$lines" | sort | tr '\n' ' ')"
}

pid_of() { cat "$RUN/$1.pid" 2>/dev/null || true; }
port_of() { cat "$RUN/$1.port" 2>/dev/null || true; }

wait_ready() { # <name> <pid> <port>
  local name="$1" pid="$2" port="$3" deadline=$((SECONDS + START_TIMEOUT))
  until answers "$port"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "$name exited during start; last lines of $RUN/$name.log:"
      tail -n 40 "$RUN/$name.log" >&2 || true
      return 1
    fi
    if ((SECONDS >= deadline)); then
      log "$name did not answer on 127.0.0.1:$port within ${START_TIMEOUT}s; last lines of its log:"
      tail -n 40 "$RUN/$name.log" >&2 || true
      return 1
    fi
    sleep 0.2
  done
}

launch() { # <name> <port> <command...>: starts in the background, records pid and port
  local name="$1" port="$2"
  shift 2
  (cd "$RUN" && exec "$@" </dev/null >"$RUN/$name.log" 2>&1) &
  local pid=$!
  echo "$pid" >"$RUN/$name.pid"
  echo "$port" >"$RUN/$name.port"
  if ! wait_ready "$name" "$pid" "$port" || ! check_loopback_only "$name" "$pid"; then
    stop_one "$name"
    return 1
  fi
  log "$name ready at http://127.0.0.1:$port (pid $pid, log $RUN/$name.log)"
}

start_kinesis_local() {
  local pid
  pid="$(pid_of kinesis-local)"
  if is_ours "$pid" && answers "$(port_of kinesis-local)"; then
    log "kinesis-local already running (pid $pid)"
    return 0
  fi
  local port="${AIOKPL_KINESIS_LOCAL_PORT:-$(free_port)}"
  local tls_port="${AIOKPL_KINESIS_LOCAL_TLS_PORT:-$(free_port)}"
  while [[ "$tls_port" == "$port" ]]; do
    tls_port="$(free_port)"
  done
  launch kinesis-local "$port" env \
    KINESIS_MOCK_CERT_PATH="$(dirname "$KL_MAIN")/server.json" \
    KINESIS_MOCK_PLAIN_PORT="$port" \
    KINESIS_MOCK_TLS_PORT="$tls_port" \
    CREATE_STREAM_DURATION=0ms DELETE_STREAM_DURATION=0ms \
    MERGE_SHARDS_DURATION=0ms SPLIT_SHARD_DURATION=0ms UPDATE_SHARD_COUNT_DURATION=0ms \
    UPDATE_STREAM_MODE_DURATION=0ms \
    REGISTER_STREAM_CONSUMER_DURATION=0ms DEREGISTER_STREAM_CONSUMER_DURATION=0ms \
    START_STREAM_ENCRYPTION_DURATION=0ms STOP_STREAM_ENCRYPTION_DURATION=0ms \
    SHARD_LIMIT=1000 ON_DEMAND_STREAM_COUNT_LIMIT=100 \
    SHOULD_PERSIST_DATA=false LOAD_DATA_IF_EXISTS=false \
    AWS_REGION=us-east-1 LOG_LEVEL="${AIOKPL_KINESIS_LOCAL_LOG_LEVEL:-WARN}" \
    node -r "$SCRIPTS/loopback.js" "$KL_MAIN"
}

start_kinesalite() {
  local pid
  pid="$(pid_of kinesalite)"
  if is_ours "$pid" && answers "$(port_of kinesalite)"; then
    log "kinesalite already running (pid $pid)"
    return 0
  fi
  local port="${AIOKPL_KINESALITE_PORT:-$(free_port)}"
  launch kinesalite "$port" \
    node -r "$SCRIPTS/loopback.js" -r "$SCRIPTS/kinesalite-guard.js" "$KA_MAIN" \
    --port "$port" --shardLimit 1000 \
    --createStreamMs 0 --deleteStreamMs 0 --updateStreamMs 0
}

stop_one() { # <name>
  local name="$1" pid
  pid="$(pid_of "$name")"
  if is_ours "$pid"; then
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name (pid $pid) ignored SIGTERM; killing it"
      kill -9 "$pid" 2>/dev/null || true
    fi
    log "$name stopped"
  fi
  rm -f "$RUN/$name.pid" "$RUN/$name.port"
}

env_lines() {
  local kl ka
  kl="$(port_of kinesis-local)"
  ka="$(port_of kinesalite)"
  [[ -n "$kl" ]] && echo "export AIOKPL_KINESIS_LOCAL_ENDPOINT=http://127.0.0.1:$kl"
  [[ -n "$ka" ]] && echo "export AIOKPL_KINESALITE_ENDPOINT=http://127.0.0.1:$ka"
  return 0
}

cmd_start() {
  cmd_install
  mkdir -p "$RUN"
  start_kinesis_local
  start_kinesalite
  env_lines >"$RUN/env.sh"
  env_lines
}

cmd_stop() {
  stop_one kinesalite
  stop_one kinesis-local
  rm -f "$RUN/env.sh"
}

cmd_status() {
  local name pid rc=0
  for name in kinesis-local kinesalite; do
    pid="$(pid_of "$name")"
    if is_ours "$pid" && answers "$(port_of "$name")"; then
      echo "$name: running, pid $pid, http://127.0.0.1:$(port_of "$name")"
    else
      echo "$name: stopped"
      rc=3
    fi
  done
  return "$rc"
}

case "${1:-}" in
  install) cmd_install ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  env) env_lines ;;
  *)
    echo "usage: $0 install|start|stop|status|env" >&2
    exit 2
    ;;
esac
