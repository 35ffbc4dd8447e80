#!/usr/bin/env bash
# demo.sh — README command 1. As root on Debian 12: install what is missing,
# build SwiftCall, start the real Debian Janus with SwiftCall answering as
# janus.plugin.videoroom (compat mode; the stock VideoRoom is not loaded) in a
# network namespace of its own, serve the stock janus-demos on localhost, and
# stay in the foreground until Ctrl-C, then remove everything it created.
#
# Environment: SC_DEMO_PORT (web page port on 127.0.0.1, default 8000),
# SC_BUILD_DIR (default <repo>/build), SC_MODE (compat; stock for comparison),
# SC_NO_BUILD=1 to skip install + build, SC_DEMO_ID (instance number, default
# 0: namespaces scdemo<ID>j, addresses 127.0.<ID+1>.x), SC_DATAPATH
# (auto|kernel|user, default the plugin's: auto), which janus-env.sh reads.
#
# Topology: Janus runs in namespace "scdemo0j" and gathers ICE candidates only
# on 127.0.1.253 (a veth end: Janus skips loopback interfaces); the root
# namespace holds the peer end 127.0.1.254 and reaches .253 through one
# policy rule (see scripts/janus-env.sh --host-link). The page itself is
# served on http://localhost:$SC_DEMO_PORT and its settings.js points the demo
# at Janus's REST API on http://127.0.1.253:8088/janus.
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build=${SC_BUILD_DIR:-$repo/build}
port=${SC_DEMO_PORT:-8000}
mode=${SC_MODE:-compat}
prefix=scdemo
id=${SC_DEMO_ID:-0}

if [ "$(id -u)" != 0 ]; then
    # The README's command works as written for a user with sudo, too.
    command -v sudo >/dev/null && exec sudo -E bash "$0" "$@"
    echo "demo: needs root (packages, network namespaces): run it as root" >&2
    exit 1
fi

if [ "${SC_NO_BUILD:-0}" != 1 ]; then
    bash "$repo/scripts/install-deps.sh"
    cmake -S "$repo" -B "$build"
    cmake --build "$build" -j "${SC_JOBS:-2}" --target janus_swiftcall 2>/dev/null ||
        cmake --build "$build" -j "${SC_JOBS:-2}"
fi

envsh=$repo/scripts/janus-env.sh
server_pid=
stop() {
    trap '' INT TERM
    trap - EXIT
    echo
    echo "demo: stopping"
    [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
    bash "$envsh" stop --prefix $prefix --id $id --host-link || true
}
trap stop EXIT
trap 'exit 130' INT TERM

out=$(bash "$envsh" start --mode "$mode" --prefix $prefix --id $id --host-link --build-dir "$build")
eval "$(printf '%s\n' "$out" | grep '^SC_[A-Z_]*=')"
janus_url=http://$SC_HOST_JANUS_IP:8088/janus
demos=$SC_STATE/demos
sh "$repo/tests/harness/prepare-demos.sh" "$demos" "$janus_url"

python3=/usr/bin/python3
"$python3" -m http.server "$port" --bind 127.0.0.1 --directory "$demos" >"$SC_STATE/web.log" 2>&1 &
server_pid=$!
for _ in $(seq 50); do
    curl -fsS -m 1 -o /dev/null "http://127.0.0.1:$port/videoroomtest.html" 2>/dev/null && break
    kill -0 "$server_pid" 2>/dev/null || { echo "demo: web server failed (port $port busy?)" >&2; cat "$SC_STATE/web.log" >&2; exit 1; }
    sleep 0.1
done
curl -fsS -m 2 "$janus_url/info" >/dev/null || { echo "demo: Janus not reachable at $janus_url" >&2; exit 1; }

cat <<MSG

  SwiftCall demo is running ($mode mode, plugin answering as $SC_PACKAGE).

  Open:  http://localhost:$port/videoroomtest.html      (room 1234)
         http://localhost:$port/                          (all stock demos)

  Janus REST API: $janus_url   admin: http://$SC_HOST_JANUS_IP:7088/admin
  Janus log:      $SC_JANUS_LOG
  Press Ctrl-C to stop and clean up.

MSG
while kill -0 "$SC_JANUS_PID" 2>/dev/null; do sleep 1; done
echo "demo: Janus exited; see $SC_JANUS_LOG" >&2
exit 1
