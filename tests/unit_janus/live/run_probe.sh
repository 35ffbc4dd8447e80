#!/bin/sh
# Live check of plugin/janus inside Debian's Janus: loads the probe plugin
# into a gateway running in its own network namespace, connects an aiortc
# peer from a second namespace (127.0.1.x over a veth pair, route_localnet:
# Janus ignores loopback interfaces for ICE), and runs run_probe.py with Janus
# as DTLS client and as server, over CM-80 and both AES-GCM profiles.
#
# usage: run_probe.sh <dir with libjanus_scjbprobe.so> <scratch dir>
# Exit 77 (skip) when it cannot run here: not root, no netns, no aiortc.
# JANUS_PRELOAD=<lib> runs Janus with it preloaded (e.g. libasan.so.8 for a
# -fsanitize=address build of the probe: freed Janus structs get poisoned).
set -u
plugins=$1
run=$2
here=$(cd "$(dirname "$0")" && pwd)
tag=$$
ns_j=scjb-j$tag
ns_c=scjb-c$tag
veth_j=scjbj$tag
veth_c=scjbc$tag

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root for network namespaces"
command -v janus >/dev/null || skip "janus is not installed"
/usr/bin/python3 -c 'import aiortc' 2>/dev/null || skip "python3-aiortc is not installed"
[ -f "$plugins/libjanus_scjbprobe.so" ] || { echo "no probe plugin in $plugins"; exit 1; }

janus_pid=
cleanup() {
    [ -n "$janus_pid" ] && kill "$janus_pid" 2>/dev/null && sleep 1 && kill -9 "$janus_pid" 2>/dev/null
    ip netns del "$ns_j" 2>/dev/null
    ip netns del "$ns_c" 2>/dev/null
}
trap cleanup EXIT
trap "exit 1" INT TERM

ip netns add "$ns_j" || skip "cannot create network namespaces"
ip netns add "$ns_c" || exit 1
ip link add "$veth_j" type veth peer name "$veth_c" || exit 1
ip link set "$veth_j" netns "$ns_j"
ip link set "$veth_c" netns "$ns_c"
for pair in "$ns_j $veth_j 127.0.1.1" "$ns_c $veth_c 127.0.1.2"; do
    set -- $pair
    ip -n "$1" link set lo up
    ip -n "$1" addr add "$3/24" dev "$2"
    ip -n "$1" link set "$2" up
    for conf in all default "$2"; do
        ip netns exec "$1" sysctl -qw "net.ipv4.conf.$conf.route_localnet=1"
    done
done

rm -rf "$run" && mkdir -p "$run/conf"
cat > "$run/conf/janus.jcfg" <<JCFG
general: {
    configs_folder = "$run/conf"
    plugins_folder = "$plugins"
    transports_folder = "/usr/lib/x86_64-linux-gnu/janus/transports"
    events_folder = "/usr/lib/x86_64-linux-gnu/janus/events"
    loggers_folder = "/usr/lib/x86_64-linux-gnu/janus/loggers"
    debug_level = 4
    admin_secret = "scjb"
}
certificates: {}
media: {}
nat: { nice_debug = false ice_enforce_list = "$veth_j" }
plugins: {}
transports: { disable = "libjanus_websockets.so,libjanus_pfunix.so,libjanus_mqtt.so,libjanus_rabbitmq.so,libjanus_nanomsg.so" }
loggers: { disable = "libjanus_jsonlog.so" }
events: { broadcast = false }
JCFG
cat > "$run/conf/janus.transport.http.jcfg" <<JCFG
general: { json = "plain" base_path = "/janus" http = true port = 8088 ip = "127.0.1.1" https = false }
admin: { admin_base_path = "/admin" admin_http = true admin_port = 7088 admin_ip = "127.0.1.1" admin_https = false }
cors: {}
JCFG

ip netns exec "$ns_j" env ${JANUS_PRELOAD:+LD_PRELOAD=$JANUS_PRELOAD} \
    ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0} janus -F "$run/conf" -C "$run/conf/janus.jcfg" -o -L "$run/janus.log" >"$run/janus.out" 2>&1 &
janus_pid=$!
up=
for _ in $(seq 50); do
    if ip netns exec "$ns_c" /usr/bin/python3 -c \
        'import urllib.request; urllib.request.urlopen("http://127.0.1.1:8088/janus/info", timeout=1)' \
        2>/dev/null; then up=1; break; fi
    sleep 0.2
done
[ -n "$up" ] || { echo "Janus did not come up"; tail -30 "$run/janus.log"; exit 1; }

rc=0
for run_case in client:SRTP_AES128_CM_SHA1_80 server:SRTP_AES128_CM_SHA1_80 \
    client:SRTP_AEAD_AES_128_GCM server:SRTP_AEAD_AES_256_GCM; do
    role=${run_case%%:*}
    profile=${run_case#*:}
    echo "=== Janus as DTLS $role, $profile ==="
    ip netns exec "$ns_c" /usr/bin/python3 "$here/run_probe.py" \
        --url http://127.0.1.1:8088/janus --admin-url http://127.0.1.1:7088/admin \
        --janus-role "$role" --profile "$profile" || rc=1
done
kill -0 "$janus_pid" 2>/dev/null || { echo "FAIL Janus died during the probe"; rc=1; }
echo "=== probe lines from the Janus log ==="
grep -a 'scjbprobe' "$run/janus.out"
[ $rc = 0 ] || tail -40 "$run/janus.log"
exit $rc
