#!/usr/bin/env bash
# demo_topology.sh — the README's first command as a person meets it: Chromium
# on the same machine as `scripts/demo.sh`, in the namespace demo.sh runs in.
#
#   demo_topology.sh --build-dir D [--datapath auto|kernel|user] [--id N]
#                    [--seconds S] [--expect-path kernel|user]
#
# Why a namespace of its own: a person's browser runs in the root namespace
# and sources its ICE candidates and checks from the machine's own address
# (eth0's), reaching Janus through demo.sh's host link (janus-env.sh
# --host-link: a veth pair, a policy rule, /32 routes back). The suite may use
# no address outside 127.0.0.0/8, so this script builds a namespace arranged
# like a fresh root one (lo with the whole 127/8 local route and the "lookup
# local" rule at pref 0) plus an "uplink" veth carrying 127.200.<N>.1/24 in
# the role of eth0, and runs demo.sh itself inside it, unmodified: the host
# link, the policy rules and the web server are demo.sh's own. Chromium then
# opens http://localhost:<port>/videoroomtest.html there, one page publishing
# and one subscribing, and framesDecoded must keep rising for S seconds
# (default 30); with --expect-path every subscriber leg must stay on it.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
build=$repo/build
datapath=auto
id=60
seconds=30
expect=
while [ $# -gt 0 ]; do
    case $1 in
        --build-dir) build=$2; shift 2 ;;
        --datapath) datapath=$2; shift 2 ;;
        --id) id=$2; shift 2 ;;
        --seconds) seconds=$2; shift 2 ;;
        --expect-path) expect=$2; shift 2 ;;
        *) echo "demo_topology: unknown option $1" >&2; exit 2 ;;
    esac
done
[ "$(id -u)" = 0 ] || { echo "demo_topology: needs root (network namespaces)" >&2; exit 1; }

ns=scbr$id                 # the person's machine
up0=scbr${id}u0            # its "eth0"
up1=scbr${id}u1
own_ip=127.200.$id.1
port=$((8100 + id))
state=/tmp/scdemo-$id
log=$(mktemp -d /tmp/scbr$id.XXXXXX)
demo_pid=

cleanup() {
    trap '' INT TERM
    if [ -n "$demo_pid" ] && kill -0 "$demo_pid" 2>/dev/null; then
        kill -TERM "$demo_pid" 2>/dev/null
        for _ in $(seq 100); do kill -0 "$demo_pid" 2>/dev/null || break; sleep 0.1; done
    fi
    # demo.sh's own Ctrl-C path removes its instance; this is the safety net.
    ip netns exec "$ns" bash "$repo/scripts/janus-env.sh" stop --prefix scdemo --id "$id" --host-link >/dev/null 2>&1 || true
    for p in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

ip netns del "$ns" 2>/dev/null || true
ip netns add "$ns" || exit 1
ip netns exec "$ns" ip link set lo up
ip netns exec "$ns" ip link add "$up0" mtu 1400 type veth peer name "$up1" mtu 1400
ip netns exec "$ns" ip addr add "$own_ip/24" dev "$up0"
ip netns exec "$ns" ip link set "$up0" up
ip netns exec "$ns" ip link set "$up1" up

echo "demo_topology: scripts/demo.sh in namespace $ns (own address $own_ip), datapath $datapath"
ip netns exec "$ns" env SC_NO_BUILD=1 SC_BUILD_DIR="$build" SC_DEMO_ID="$id" SC_DEMO_PORT="$port" \
    SC_DATAPATH="$datapath" bash "$repo/scripts/demo.sh" >"$log/demo.out" 2>&1 </dev/null &
demo_pid=$!
for _ in $(seq 600); do
    grep -q 'SwiftCall demo is running' "$log/demo.out" && break
    kill -0 "$demo_pid" 2>/dev/null || break
    sleep 0.2
done
if ! grep -q 'SwiftCall demo is running' "$log/demo.out"; then
    echo "demo_topology: demo.sh did not come up:" >&2
    cat "$log/demo.out" >&2
    exit 1
fi
# shellcheck disable=SC1091
. "$state/env"
ip netns exec "$ns" env SC_DEMO_URL="http://localhost:$port" SC_HOLD_SECONDS="$seconds" \
    SC_ADMIN_URL="http://$SC_HOST_JANUS_IP:7088/admin" SC_ADMIN_SECRET="$SC_ADMIN_SECRET" \
    SC_EXPECT_PATH="$expect" SC_MODE="compat, demo topology, datapath=$datapath" \
    node "$here/videoroom_demo.test.js"
rc=$?
echo "---- plugin log: legs and flows ----"
grep -E '\[SwiftCall\].*(leg|flow|path)' "$SC_JANUS_LOG" | tail -n 20
if [ $rc != 0 ]; then
    echo "---- last Janus log lines ----" >&2
    tail -n 40 "$SC_JANUS_LOG" >&2
fi
exit $rc
