#!/usr/bin/env bash
# janus-env.sh — run the real Debian Janus in a network namespace of its own,
# with a second namespace for the clients, for tests, benchmarks and the demo.
#
#   janus-env.sh start   [options]   create namespaces, write config, start Janus
#   janus-env.sh stop    [options]   stop Janus, delete the namespaces (idempotent)
#   janus-env.sh status  [options]   print the environment of a running instance
#   janus-env.sh restart [options]   stop and start Janus again, same config
#   janus-env.sh exec    [options] -- CMD...   run CMD in the client namespace
#   janus-env.sh jexec   [options] -- CMD...   run CMD in the Janus namespace
#
# Options (each also settable by the environment variable in brackets):
#   --mode stock|swiftcall|compat  [SC_MODE, default stock]
#        stock     Debian's libjanus_videoroom.so only (janus.plugin.videoroom)
#        swiftcall build/plugin/libjanus_swiftcall.so (janus.plugin.swiftcall)
#        compat    libjanus_swiftcall.so with videoroom_compat = true, so it
#                  answers as janus.plugin.videoroom; the stock .so is not loaded
#   --prefix P        [SC_PREFIX, default sce2e]  namespace/interface name prefix
#   --id N            [SC_ID, default 0]          instance number (0..999)
#   --event-loops N   [SC_EVENT_LOOPS, default 0 = thread per handle]
#   --datapath auto|kernel|user  [SC_DATAPATH, default: the plugin's (auto)]
#                     SwiftCall's general.datapath; ignored in stock mode
#   --build-dir D     [SC_BUILD_DIR, default <repo>/build]
#   --http-port N     [SC_HTTP_PORT, default 8088]
#   --debug-level N   [SC_DEBUG_LEVEL, default 4]
#   SC_START_TIMEOUT  seconds to wait for Janus + plugin to answer (default 90)
#   SC_JANUS_WRAPPER  a command Janus runs under (valgrind, gdb -batch ...)
#   --event-port N    [SC_EVENT_PORT] enable Janus's sample event handler,
#                     posting plugin events to http://<client ip>:N/ (a test
#                     in the client namespace listens there)
#   SC_PLUGIN_GENERAL lines added to the plugin's general block (stock or
#                     SwiftCall), e.g. 'admin_key = "k"' (tests of options
#                     both plugins read)
#   --host-link       [SC_HOST_LINK=1] also join the Janus namespace to the
#                     root namespace (for a browser on this machine: demo.sh)
#
# Topology (why): Janus skips IFF_LOOPBACK interfaces when gathering ICE
# candidates, and we may use no address outside 127.0.0.0/8. So Janus gets a
# namespace "<P><N>j" whose veth end carries 127.0.<N+1>.1/24, and the clients
# get "<P><N>c" whose peer veth end carries 127.0.<N+1>.2/24; route_localnet=1
# on both sides lets 127/8 cross a non-loopback device. The catch-all local
# route "127.0.0.0/8 dev lo" is narrowed to 127.0.0.1 in both namespaces,
# otherwise every 127.x destination would be delivered to the namespace's own
# lo instead of crossing the veth. Each instance lives in its own namespaces,
# so addresses and ports never collide with another harness (e.g. the
# benchmark's), and nothing is added to the root namespace unless
# --host-link is given (then a third veth pair 127.0.<N+1>.253 <-> .254 joins
# root and Janus namespaces, and a /32 route in the root namespace).
#
# `start` prints (and writes to <state>/env, sourceable) lines like
#   SC_NS_JANUS=sce2e0j SC_NS_CLIENT=sce2e0c SC_JANUS_IP=127.0.1.1
#   SC_CLIENT_IP=127.0.1.2 SC_JANUS_URL=http://127.0.1.1:8088/janus
#   SC_ADMIN_URL=http://127.0.1.1:7088/admin SC_ADMIN_SECRET=... SC_PACKAGE=...
# A failed start cleans up after itself; `stop` removes everything start made.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/.." && pwd)

mode=${SC_MODE:-stock}
prefix=${SC_PREFIX:-sce2e}
id=${SC_ID:-0}
event_loops=${SC_EVENT_LOOPS:-0}
datapath=${SC_DATAPATH:-}
build_dir=${SC_BUILD_DIR:-$repo/build}
http_port=${SC_HTTP_PORT:-8088}
admin_port=7088
debug_level=${SC_DEBUG_LEVEL:-4}
host_link=${SC_HOST_LINK:-0}
event_port=${SC_EVENT_PORT:-}

die() { echo "janus-env: $*" >&2; exit 1; }
log() { echo "janus-env: $*" >&2; }

cmd=${1:-}
[ -n "$cmd" ] || die "usage: $0 start|stop|restart|status|exec|jexec [options] [-- cmd...]"
shift
while [ $# -gt 0 ]; do
    case $1 in
        --mode) mode=$2; shift 2 ;;
        --prefix) prefix=$2; shift 2 ;;
        --id) id=$2; shift 2 ;;
        --event-loops) event_loops=$2; shift 2 ;;
        --datapath) datapath=$2; shift 2 ;;
        --build-dir) build_dir=$2; shift 2 ;;
        --http-port) http_port=$2; shift 2 ;;
        --debug-level) debug_level=$2; shift 2 ;;
        --host-link) host_link=1; shift ;;
        --event-port) event_port=$2; shift 2 ;;
        --) shift; break ;;
        *) die "unknown option $1" ;;
    esac
done

# Plugin symlinks must not depend on the caller's working directory.
build_dir=$(realpath -m "$build_dir")

[[ $id =~ ^[0-9]+$ ]] && [ "$id" -le 253 ] || die "--id must be 0..253"
[[ $prefix =~ ^[a-z][a-z0-9]{0,7}$ ]] || die "--prefix must be 1-8 of [a-z0-9], starting with a letter"

ns_j=${prefix}${id}j
ns_c=${prefix}${id}c
if_j=${prefix}${id}j0      # Janus side of the Janus<->client pair
if_c=${prefix}${id}c0      # client side
if_hj=${prefix}${id}hj     # Janus side of the optional host pair
if_h=${prefix}${id}h0      # root-namespace side
net=127.0.$((id + 1))
janus_ip=$net.1
client_ip=$net.2
host_j_ip=$net.253
host_ip=$net.254
state=${SC_STATE_DIR:-/tmp/$prefix-$id}
secret=sc-admin-$prefix$id

# One instance per (prefix, id), also across users of this script (tests,
# benchmark, demo, another agent's ctest): an atomic lock directory holds the
# pid of the owner (the start process, then Janus). A live owner means "in
# use": start exits with status 3 and touches nothing, so the caller can try
# another id. A dead owner's lock is stale and is taken over.
lock=/tmp/$prefix-$id.lock
take_lock() {
    local tries
    for tries in 1 2; do
        if mkdir "$lock" 2>/dev/null; then
            echo $$ > "$lock/pid"
            return 0
        fi
        local owner
        owner=$(cat "$lock/pid" 2>/dev/null || true)
        if [ -n "$owner" ] && kill -0 "$owner" 2>/dev/null; then
            log "instance $prefix$id is in use (pid $owner)"
            exit 3
        fi
        [ -z "$owner" ] && sleep 0.5 && owner=$(cat "$lock/pid" 2>/dev/null || true)
        if [ -n "$owner" ] && kill -0 "$owner" 2>/dev/null; then
            log "instance $prefix$id is in use (pid $owner)"
            exit 3
        fi
        rm -rf "$lock"
    done
    die "cannot take $lock"
}

nsexists() { ip netns list | awk '{print $1}' | grep -qx "$1"; }

cleanup() {
    if [ -f "$state/janus.pid" ]; then
        local pid
        pid=$(cat "$state/janus.pid")
        if kill -0 "$pid" 2>/dev/null; then
            kill -TERM "$pid" 2>/dev/null || true
            for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -KILL "$pid" 2>/dev/null || true
        fi
        rm -f "$state/janus.pid"
    fi
    # Anything else still running inside our namespaces was started for this
    # instance (clients, http server): end it by pid, then drop the namespaces.
    local n p
    for n in "$ns_c" "$ns_j"; do
        if nsexists "$n"; then
            for p in $(ip netns pids "$n" 2>/dev/null); do kill -TERM "$p" 2>/dev/null || true; done
        fi
    done
    sleep 0.2
    for n in "$ns_c" "$ns_j"; do
        if nsexists "$n"; then
            for p in $(ip netns pids "$n" 2>/dev/null); do kill -KILL "$p" 2>/dev/null || true; done
            ip netns del "$n" 2>/dev/null || true
        fi
    done
    drop_host_link
}

# Narrow lo's catch-all 127/8 local route so other 127.x addresses go out of
# the veth, and accept 127/8 on non-loopback devices.
prepare_ns() {
    local n=$1
    ip netns exec "$n" ip link set lo up
    ip netns exec "$n" ip route del local 127.0.0.0/8 dev lo table local 2>/dev/null || true
    ip netns exec "$n" ip route replace local 127.0.0.1 dev lo table local
    ip netns exec "$n" sysctl -qw net.ipv4.conf.all.route_localnet=1
    ip netns exec "$n" sysctl -qw net.ipv4.conf.default.route_localnet=1
    ip netns exec "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
}

make_topology() {
    ip netns add "$ns_j"
    ip netns add "$ns_c"
    prepare_ns "$ns_j"
    prepare_ns "$ns_c"
    ip link add "$if_j" netns "$ns_j" type veth peer name "$if_c" netns "$ns_c"
    ip netns exec "$ns_j" sysctl -qw "net.ipv4.conf.$if_j.route_localnet=1"
    ip netns exec "$ns_c" sysctl -qw "net.ipv4.conf.$if_c.route_localnet=1"
    ip netns exec "$ns_j" ip addr add "$janus_ip/24" dev "$if_j"
    ip netns exec "$ns_c" ip addr add "$client_ip/24" dev "$if_c"
    ip netns exec "$ns_j" ip link set "$if_j" up
    ip netns exec "$ns_c" ip link set "$if_c" up
    if [ "$host_link" = 1 ]; then
        make_host_link
    fi
}

# --host-link (demo.sh): a browser in the root namespace must reach Janus.
# Root gets 127.0.N.254 on its veth end, Janus 127.0.N.253 on the other. In
# the root namespace the kernel's "lookup local" rule (pref 0) would deliver
# every 127/8 destination to lo, so that rule is moved to pref 100 (same
# semantics for everything else; the usual VRF arrangement) and a pref 10
# rule sends exactly 127.0.N.253 through the main table to our veth. Janus's
# namespace learns routes back to the root namespace's own addresses only
# (a browser may source its checks from any of them); nothing beyond this
# machine is reachable from it.
make_host_link() {
    ip link add "$if_h" type veth peer name "$if_hj" netns "$ns_j"
    sysctl -qw "net.ipv4.conf.$if_h.route_localnet=1"
    sysctl -qw "net.ipv4.conf.$if_h.rp_filter=0"
    ip netns exec "$ns_j" sysctl -qw "net.ipv4.conf.$if_hj.route_localnet=1"
    ip netns exec "$ns_j" sysctl -qw "net.ipv4.conf.$if_hj.rp_filter=0"
    ip netns exec "$ns_j" sysctl -qw "net.ipv4.conf.all.rp_filter=0"
    ip addr add "$host_ip/32" dev "$if_h"
    ip netns exec "$ns_j" ip addr add "$host_j_ip/32" dev "$if_hj"
    ip link set "$if_h" up
    ip netns exec "$ns_j" ip link set "$if_hj" up
    ip netns exec "$ns_j" ip route add "$host_ip/32" dev "$if_hj" src "$host_j_ip"
    local a
    # Every address of this namespace but lo's and the harness's own
    # 127.0.x.x links (a real machine: eth0's; tests/browser/demo_topology.sh:
    # a 127.200.x address standing in for it).
    for a in $(ip -4 -o addr show | awk '$2 != "lo" {print $4}' | cut -d/ -f1 | grep -v '^127\.0\.'); do
        ip netns exec "$ns_j" ip route add "$a/32" via "$host_ip" dev "$if_hj" onlink src "$host_j_ip" 2>/dev/null || true
    done
    if ip rule show pref 0 | grep -q 'lookup local'; then
        ip rule add pref 100 lookup local
        ip rule del pref 0 lookup local
        touch "$state/moved-local-rule"
    fi
    ip rule add pref 10 to "$host_j_ip/32" lookup main
    ip route add "$host_j_ip/32" dev "$if_h" src "$host_ip"
}

drop_host_link() {
    ip rule del pref 10 to "$host_j_ip/32" lookup main 2>/dev/null || true
    ip route del "$host_j_ip/32" 2>/dev/null || true
    ip link del "$if_h" 2>/dev/null || true
    if [ -f "$state/moved-local-rule" ]; then
        ip rule show pref 0 | grep -q 'lookup local' || ip rule add pref 0 lookup local
        ip rule del pref 100 lookup local 2>/dev/null || true
        rm -f "$state/moved-local-rule"
    fi
}

write_config() {
    local conf=$state/conf
    rm -rf "$conf"
    mkdir -p "$conf/plugins" "$conf/transports" "$conf/events" "$conf/loggers"
    local sys=/usr/lib/x86_64-linux-gnu/janus
    [ -d "$sys" ] || sys=$(dirname "$(dirname "$(readlink -f /usr/lib/*/janus/plugins/libjanus_videoroom.so)")")
    ln -s "$sys/transports/libjanus_http.so" "$conf/transports/libjanus_http.so"
    local broadcast=false
    if [ -n "$event_port" ]; then
        # Plugin events only, one per POST, to the client namespace.
        broadcast=true
        ln -s "$sys/events/libjanus_sampleevh.so" "$conf/events/libjanus_sampleevh.so"
        printf 'general: {\n\tenabled = true\n\tevents = "plugins"\n\tgrouping = false\n\tjson = "compact"\n\tbackend = "http://%s:%s/"\n}\n' \
            "$client_ip" "$event_port" > "$conf/janus.eventhandler.sampleevh.jcfg"
    fi
    local pkg rooms
    case $mode in
        stock)
            ln -s "$sys/plugins/libjanus_videoroom.so" "$conf/plugins/libjanus_videoroom.so"
            pkg=janus.plugin.videoroom ;;
        swiftcall|compat)
            local so=$build_dir/plugin/libjanus_swiftcall.so
            [ -f "$so" ] || die "mode $mode: $so does not exist (build the plugin first)"
            ln -s "$so" "$conf/plugins/libjanus_swiftcall.so"
            if [ "$mode" = compat ]; then pkg=janus.plugin.videoroom; else pkg=janus.plugin.swiftcall; fi ;;
        *) die "unknown mode $mode (stock|swiftcall|compat)" ;;
    esac
    # Rooms: the sample's room blocks (stock VideoRoom syntax) for every mode,
    # so stock and SwiftCall are compared on identical rooms.
    local sample=$repo/conf/janus.plugin.swiftcall.jcfg.sample
    if [ -f "$sample" ]; then
        rooms=$(awk '/^room-[0-9]+: *\{/{on=1} on{print} on&&/^\}/{on=0}' "$sample")
    fi
    if [ -z "${rooms:-}" ]; then
        rooms='room-1234: {
	description = "Demo Room"
	secret = "adminpwd"
	publishers = 6
	bitrate = 128000
	fir_freq = 10
	audiocodec = "opus"
	videocodec = "vp8,h264"
}'
    fi
    if [ "$mode" = stock ]; then
        printf 'general: {\n%s\n}\n%s\n' "${SC_PLUGIN_GENERAL:-}" "$rooms" > "$conf/janus.plugin.videoroom.jcfg"
    else
        local compat=false
        [ "$mode" = compat ] && compat=true
        local dp_line=""
        case $datapath in
            '') ;;
            auto|kernel|user) dp_line=$(printf '\tdatapath = "%s"\n' "$datapath") ;;
            *) die "unknown datapath $datapath (auto|kernel|user)" ;;
        esac
        printf 'general: {\n\tvideoroom_compat = %s\n%s\n%s\n}\n%s\n' "$compat" "$dp_line" "${SC_PLUGIN_GENERAL:-}" "$rooms" > "$conf/janus.plugin.swiftcall.jcfg"
    fi
    cat > "$conf/janus.transport.http.jcfg" <<EOF
general: {
	json = "indented"
	base_path = "/janus"
	http = true
	port = $http_port
	https = false
}
admin: {
	admin_base_path = "/admin"
	admin_http = true
	admin_port = $admin_port
	admin_https = false
}
cors: {
}
EOF
    local enforce=$janus_ip
    [ "$host_link" = 1 ] && enforce="$janus_ip,$host_j_ip"
    local loops=""
    [ "$event_loops" -gt 0 ] && loops="event_loops = $event_loops"
    cat > "$conf/janus.jcfg" <<EOF
general: {
	configs_folder = "$conf"
	plugins_folder = "$conf/plugins"
	transports_folder = "$conf/transports"
	events_folder = "$conf/events"
	loggers_folder = "$conf/loggers"
	debug_level = $debug_level
	debug_timestamps = true
	admin_secret = "$secret"
	server_name = "$prefix$id"
	interface = "$janus_ip"
	session_timeout = 60
	$loops
}
certificates: {
}
media: {
	rtp_port_range = "20000-40000"
}
nat: {
	ice_enforce_list = "$enforce"
	ice_lite = false
}
plugins: {
}
transports: {
}
events: {
	broadcast = $broadcast
}
EOF
    echo "$pkg"
}

write_env() {
    cat > "$state/env" <<EOF
SC_MODE=$mode
SC_PREFIX=$prefix
SC_ID=$id
SC_STATE=$state
SC_NS_JANUS=$ns_j
SC_NS_CLIENT=$ns_c
SC_JANUS_IP=$janus_ip
SC_CLIENT_IP=$client_ip
SC_JANUS_URL=http://$janus_ip:$http_port/janus
SC_ADMIN_URL=http://$janus_ip:$admin_port/admin
SC_ADMIN_SECRET=$secret
SC_PACKAGE=$1
SC_JANUS_LOG=$state/janus.log
SC_EVENT_PORT=$event_port
SC_JANUS_PID=$(cat "$state/janus.pid")
EOF
    if [ "$host_link" = 1 ]; then
        echo "SC_HOST_JANUS_IP=$host_j_ip" >> "$state/env"
        echo "SC_HOST_IP=$host_ip" >> "$state/env"
    fi
}

# Starts Janus on the instance's config and waits until plugin $1 answers;
# 0 when it does, 1 (Janus stopped) when not.
launch_janus() {
    local pkg=$1
    : > "$state/janus.log"
    # setsid: Janus gets its own session so a Ctrl-C in the caller's terminal
    # reaches it only through our cleanup, in order.
    # Run from the state folder, so a core dump lands there, not in the
    # caller's working directory (the source tree, under ctest).
    # SC_JANUS_WRAPPER (e.g. "valgrind --log-file=..."): run Janus under a
    # checker; word-split on purpose.
    # shellcheck disable=SC2086
    (cd "$state" && exec ip netns exec "$ns_j" setsid ${SC_JANUS_WRAPPER:-} janus -F "$state/conf" -C "$state/conf/janus.jcfg" \
        -N -o -L "$state/janus.log" >"$state/janus.stdout" 2>&1 < /dev/null) &
    echo $! > "$state/janus.pid"
    echo $! > "$lock/pid"
    # SwiftCall's init loads and verifies its BPF program: seconds, not ms.
    local ok=0 polls=$(( ${SC_START_TIMEOUT:-90} * 5 ))
    for _ in $(seq "$polls"); do
        if ! kill -0 "$(cat "$state/janus.pid")" 2>/dev/null; then break; fi
        # Janus goes on without a plugin it could not load: fail at once.
        if grep -q "Couldn't load plugin\|Couldn't initialize plugin" "$state/janus.log"; then break; fi
        if ip netns exec "$ns_c" curl -fsS -m 1 "http://$janus_ip:$http_port/janus/info" 2>/dev/null \
            | grep -q "\"$pkg\""; then ok=1; break; fi
        sleep 0.2
    done
    if [ $ok != 1 ]; then
        log "Janus did not come up with plugin $pkg; last log lines:"
        tail -n 30 "$state/janus.log" "$state/janus.stdout" >&2 || true
        return 1
    fi
}

start() {
    [ "$(id -u)" = 0 ] || die "must run as root (network namespaces)"
    command -v janus >/dev/null || die "janus is not installed (scripts/install-deps.sh)"
    take_lock
    if nsexists "$ns_j" || nsexists "$ns_c"; then
        log "stale instance $prefix$id found; removing it first"
        cleanup
    fi
    mkdir -p "$state"
    trap 'log "start failed; cleaning up"; cleanup; rm -rf "$lock"' ERR INT TERM
    make_topology
    local pkg
    pkg=$(write_config)
    if ! launch_janus "$pkg"; then
        cleanup
        rm -rf "$lock"
        exit 1
    fi
    trap - ERR INT TERM
    write_env "$pkg"
    cat "$state/env"
}

# Stops Janus (SIGTERM, as an operator would) and starts it again on the
# same config and namespaces; for tests of what survives a restart
# (permanent rooms). The client namespace and the instance lock stay.
restart() {
    [ -f "$state/env" ] || die "instance $prefix$id not running"
    local pkg pid
    pkg=$(sed -n 's/^SC_PACKAGE=//p' "$state/env")
    pid=$(cat "$state/janus.pid")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && die "Janus (pid $pid) did not stop within 10 s"
    # launch_janus starts a fresh log; keep the first run's for failures.
    cat "$state/janus.log" >> "$state/janus.log.before-restart"
    launch_janus "$pkg" || die "Janus did not come back with plugin $pkg"
    sed -i "s/^SC_JANUS_PID=.*/SC_JANUS_PID=$(cat "$state/janus.pid")/" "$state/env"
    cat "$state/env"
}

case $cmd in
    start) start ;;
    restart) restart ;;
    stop) cleanup; rm -rf "$state" "$lock"; log "stopped $prefix$id" ;;
    status) [ -f "$state/env" ] && cat "$state/env" || die "instance $prefix$id not running" ;;
    exec) exec ip netns exec "$ns_c" "$@" ;;
    jexec) exec ip netns exec "$ns_j" "$@" ;;
    *) die "unknown command $cmd" ;;
esac
