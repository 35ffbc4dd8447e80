#!/usr/bin/env bash
# run.sh — fan-out benchmark: stock VideoRoom vs SwiftCall (user path, kernel
# path), one publisher (VP8 ~1.5 Mbps + Opus) and N real DTLS-SRTP pion
# subscribers, N swept upwards until loss > 1 % or the machine saturates.
#
#   tests/bench/fanout/run.sh [--smoke] [--steps 10,50,100,200,400,600,800]
#                             [--modes stock,user,kernel] [--window SEC]
#                             [--out DIR] [--build-dir DIR] [--committed]
#                             [--kernel-event-loops N] [--simulcast]
#                             [--perf SEC [--perf-delay SEC]]
#                             [--wakeups SEC [--wakeups-delay SEC]]
#
# --smoke   N = 5 per mode, short window; exits non-zero unless every mode
#           delivers > 95 % of the packets, each once (CI).
# --committed  build the plugin from `git archive HEAD` (under the results
#           folder) instead of the work tree, so the numbers belong to a commit.
# --kernel-event-loops N  Janus event_loops for the kernel-path run only
#           (default: cores, as for the others; 0 = a thread per handle).
# --simulcast  the publisher sends VP8 in three simulcast layers (160x120,
#           320x240, 640x480) and subscriber k asks for substream k % 3;
#           "delivered" counts what each subscriber's layer carried.
# --perf SEC  record Janus with `perf record --call-graph dwarf` for SEC s per mode,
#           starting --perf-delay SEC (default 8) after its load client
#           starts (with one step and a long --window: inside the window);
#           perf-<mode>.data, summarised by attribute.py into attribution.md.
# --wakeups SEC  count Janus's event-loop wake-ups per thread and cause for SEC s
#           per mode (tests/bench/wakeups/): once the admin API shows the last
#           step's N + 1 handles connected, plus --wakeups-delay SEC (default 8;
#           use one step and a long --window); wakeups-<mode>.txt.
#           SC_WAKEUPS_OPTS: extra options for the tool (e.g. -n).
# Results: <repo>/results/bench-<UTC date-time>/ (or --out): results.jsonl,
# results.csv, table.md, cpu_per_packet.png, latency.png, janus-<mode>.log.
# Needs root (network namespaces). Every process and namespace it starts is
# stopped on exit, including Ctrl-C.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../../.." && pwd)
envsh=$repo/scripts/janus-env.sh

smoke=0
committed=0
kernel_loops=
simulcast=
perf_secs=
perf_delay=8
wakeups_secs=
wakeups_delay=8
steps=10,50,100,200,400,600,800
modes=stock,user,kernel
window=10
warmup=3
out=
build_dir=${SC_BUILD_DIR:-$repo/build-bench}
prefix=scfan
id_base=${SC_BENCH_ID:-40}
cores=$(nproc)

while [ $# -gt 0 ]; do
    case $1 in
        --smoke) smoke=1; shift ;;
        --steps) steps=$2; shift 2 ;;
        --modes) modes=$2; shift 2 ;;
        --window) window=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --build-dir) build_dir=$2; shift 2 ;;
        --committed) committed=1; shift ;;
        --kernel-event-loops) kernel_loops=$2; shift 2 ;;
        --simulcast) simulcast=1; shift ;;
        --perf) perf_secs=$2; shift 2 ;;
        --perf-delay) perf_delay=$2; shift 2 ;;
        --wakeups) wakeups_secs=$2; shift 2 ;;
        --wakeups-delay) wakeups_delay=$2; shift 2 ;;
        -h|--help) sed -n '2,/^# stopped on exit/p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
    esac
done
if [ $smoke = 1 ]; then
    steps=5; window=6; warmup=2
fi
[ -n "$out" ] || out=$repo/results/bench-$(date -u +%Y%m%d-%H%M%S)$([ $smoke = 1 ] && echo -smoke || true)
mkdir -p "$out"
out=$(cd "$out" && pwd)

say() { echo "bench: $*" >&2; }
die() { say "$*"; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (network namespaces)"

# Debian packages this benchmark needs beyond the project's build deps
# (scripts/install-deps.sh): installed here when missing, so that the one
# command works on a fresh machine.
bench_packages=(janus golang-go golang-github-pion-webrtc.v3-dev gstreamer1.0-tools
    gstreamer1.0-plugins-base gstreamer1.0-plugins-good python3-matplotlib cmake curl iproute2)
missing=()
for p in "${bench_packages[@]}"; do
    [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    [ -x "$repo/scripts/install-deps.sh" ] && { bash "$repo/scripts/install-deps.sh" --no-npm >&2 || die "install-deps.sh failed"; }
    still=()
    for p in "${missing[@]}"; do
        [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = "install ok installed" ] || still+=("$p")
    done
    if [ ${#still[@]} -gt 0 ]; then
        say "installing ${still[*]}"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${still[@]}" >&2 ||
            die "could not install ${still[*]}"
    fi
fi
# Debian's python3 (a pyenv shim may shadow it and lacks python3-matplotlib).
py=/usr/bin/python3
[ -x $py ] || py=python3
$py -c 'import matplotlib' 2>/dev/null || die "python3-matplotlib missing ($py)"

# ---- clean stop of everything we start --------------------------------------
client_pid=
cur_id=
bpf_stats_old=
cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ -n "$client_pid" ] && kill -0 "$client_pid" 2>/dev/null; then
        kill -TERM "$client_pid" 2>/dev/null || true
        for _ in $(seq 30); do kill -0 "$client_pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$client_pid" 2>/dev/null || true
    fi
    if [ -n "$cur_id" ]; then
        SC_STATE_DIR=$out/.state-$cur_id bash "$envsh" stop --prefix $prefix --id "$cur_id" >/dev/null 2>&1 || true
    fi
    if [ -n "$bpf_stats_old" ]; then sysctl -qw kernel.bpf_stats_enabled="$bpf_stats_old" || true; fi
    exit $rc
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM

# ---- build: plugin, load client, media clip ---------------------------------
src=$repo
if [ $committed = 1 ]; then
    src=$out/src
    rm -rf "$src" && mkdir -p "$src"
    git -C "$repo" archive HEAD | tar -x -C "$src" || die "git archive HEAD failed"
    build_dir=$out/build
fi
if [[ ,$modes, == *,user,* || ,$modes, == *,kernel,* ]]; then
    say "building libjanus_swiftcall.so from $src in $build_dir"
    # A build folder that exists (e.g. CI's, via --build-dir) keeps its own
    # configuration; a new one is an optimised build.
    bt=()
    [ -f "$build_dir/CMakeCache.txt" ] || bt=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
    { cmake -S "$src" -B "$build_dir" "${bt[@]}" >/dev/null &&
        cmake --build "$build_dir" -j"$cores" --target janus_swiftcall >/dev/null; } ||
        die "plugin build failed (cmake --build $build_dir --target janus_swiftcall)"
fi
client=$out/bin/fanoutload
say "building the load client (pion/webrtc v3, GOPATH mode, offline)"
mkdir -p "$out/bin"
test_flag=()
[ $smoke = 1 ] && test_flag=(--test)  # the client's own measuring logic
bash "$here/build-loadclient.sh" "$client" "${test_flag[@]}" || die "load client build failed"

if [ -n "$wakeups_secs" ]; then
    say "building the wake-up counter (tests/bench/wakeups)"
    bash "$repo/tests/bench/wakeups/build.sh" "$out/bin" >&2 || die "wakeups build failed"
fi

media=$out/media
say "the clip: VP8 640x480 30 fps CBR 1.5 Mbps (keyframe every 30), Opus 48 kbps${simulcast:+, and three simulcast layers}"
bash "$here/clips.sh" "$media" 300 ${simulcast:+--simulcast} || die "encoding the clip failed"

# BPF run time per program is only counted while bpf_stats is on.
bpf_stats_old=$(sysctl -n kernel.bpf_stats_enabled 2>/dev/null || echo "")
[ -n "$bpf_stats_old" ] && sysctl -qw kernel.bpf_stats_enabled=1

# ---- one mode ----------------------------------------------------------------
# Restart the instance's Janus after adding `datapath = "<dp>"` to the plugin
# config. Stopgap: scripts/janus-env.sh has no --datapath option yet; when it
# grows one, run_mode passes it instead and this is not used.
set_datapath() {
    local state=$1 dp=$2 ns_j=$3 url=$4
    local jcfg=$state/conf/janus.plugin.swiftcall.jcfg
    sed -i "0,/^general: {/s//general: {\n\tdatapath = \"$dp\"/" "$jcfg"
    local pid
    pid=$(cat "$state/janus.pid")
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
    : > "$state/janus.log"
    ip netns exec "$ns_j" setsid janus -F "$state/conf" -C "$state/conf/janus.jcfg" \
        -N -o -L "$state/janus.log" >"$state/janus.stdout" 2>&1 < /dev/null &
    echo $! > "$state/janus.pid"
    for _ in $(seq 150); do
        ip netns exec "$ns_j" curl -fsS -m 1 "$url/info" 2>/dev/null | grep -q '"janus.plugin.swiftcall"' && return 0
        sleep 0.2
    done
    return 1
}

run_mode() {
    local mode=$1 idx=$2 label env_mode dp="" sealed=0
    case $mode in
        stock) label=stock-videoroom; env_mode=stock ;;
        user) label=swiftcall-user; env_mode=swiftcall; dp=user ;;
        kernel) label=swiftcall-kernel; env_mode=swiftcall; dp=kernel; sealed=1 ;;
        *) die "unknown mode $mode (stock|user|kernel)" ;;
    esac
    local id=$((id_base + idx)) state=$out/.state-$((id_base + idx))
    local loops=$cores
    [ "$mode" = kernel ] && loops=${kernel_loops:-$cores}
    local opts=(--prefix $prefix --id $id --mode $env_mode --event-loops "$loops"
        --build-dir "$build_dir")
    local native_dp=0
    if [ -n "$dp" ] && grep -q -- '--datapath' "$envsh"; then opts+=(--datapath "$dp"); native_dp=1; fi
    say "[$label] starting Janus (event_loops=$loops) in namespace $prefix${id}j"
    cur_id=$id
    local envout
    envout=$(SC_STATE_DIR=$state bash "$envsh" start "${opts[@]}") || die "[$label] janus-env start failed"
    local SC_NS_JANUS SC_NS_CLIENT SC_CLIENT_IP SC_JANUS_URL SC_PACKAGE SC_JANUS_PID
    eval "$(printf '%s\n' "$envout" | grep -E '^SC_(NS_JANUS|NS_CLIENT|CLIENT_IP|JANUS_URL|PACKAGE|JANUS_PID)=')"
    if [ -n "$dp" ] && [ $native_dp = 0 ]; then
        set_datapath "$state" "$dp" "$SC_NS_JANUS" "$SC_JANUS_URL" || die "[$label] Janus did not restart with datapath=$dp"
        SC_JANUS_PID=$(cat "$state/janus.pid")
    fi
    # What the plugin itself says about its datapath goes into the results.
    local dpline
    dpline=$(grep -o 'datapath=.*' "$state/janus.log" | head -n1 || true)
    [ -n "$dp" ] && say "[$label] plugin reports: ${dpline:-no datapath line in the log}"
    printf '{"mode":"%s","meta":true,"datapath_log":"%s","event_loops":%s}\n' \
        "$label" "$(printf '%s' "$dpline" | sed 's/["\\]/ /g')" "$loops" >> "$out/results.jsonl"

    local rc=0
    local extra=()
    [ $smoke = 1 ] && extra+=(-min-delivered 0.95)
    # The sealed transmitter's program runs in Janus's syscalls (BPF_PROG_RUN).
    [ $sealed = 1 ] && extra+=(-bpf-in-janus)
    [ -n "$simulcast" ] && extra+=(-simulcast "$media")
    ip netns exec "$SC_NS_CLIENT" "$client" -url "$SC_JANUS_URL" -plugin "$SC_PACKAGE" \
        -ip "$SC_CLIENT_IP" -media "$media" -janus-pid "$SC_JANUS_PID" -label "$label" \
        -steps "$steps" -window "${window}s" -warmup "${warmup}s" "${extra[@]}" \
        >> "$out/results.jsonl" &
    client_pid=$!
    local perf_pid=
    if [ -n "$perf_secs" ]; then
        (sleep "$perf_delay" && perf record -q -F 199 --call-graph dwarf,8192 -p "$SC_JANUS_PID" \
            -o "$out/perf-$label.data" \
            -- sleep "$perf_secs" >/dev/null 2>&1) &
        perf_pid=$!
    fi
    local wk_pid=
    if [ -n "$wakeups_secs" ]; then
        # Start when every handle of the last step has ICE up (roles.py
        # waits for them), so the count falls inside that step's window.
        (jpid=$SC_JANUS_PID  # the env file's may predate a set_datapath restart
         . "$state/env"
         ip netns exec "$SC_NS_CLIENT" "$py" "$repo/tests/bench/wakeups/roles.py" \
             "$SC_ADMIN_URL" "$SC_ADMIN_SECRET" --wait-handles $(( ${steps##*,} + 1 )) \
             --timeout 600 > "$out/roles-$label.txt" &&
         sleep "$wakeups_delay" &&
         "$out/bin/wakeups" -p "$jpid" -d "$wakeups_secs" -r "$out/roles-$label.txt" \
             ${SC_WAKEUPS_OPTS:-} > "$out/wakeups-$label.txt") &
        wk_pid=$!
    fi
    wait $client_pid || rc=$?
    [ -n "$perf_pid" ] && { wait "$perf_pid" || say "[$label] perf record failed"; }
    [ -n "$wk_pid" ] && { wait "$wk_pid" || say "[$label] wakeups failed"; }
    client_pid=
    cp "$state/janus.log" "$out/janus-$label.log" 2>/dev/null || true
    SC_STATE_DIR=$state bash "$envsh" stop --prefix $prefix --id $id >/dev/null 2>&1 || true
    cur_id=
    return $rc
}

# What was measured, on what: the plugin is built from the work tree as it is.
{
    echo "date_utc: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //') x $(nproc)"
    echo "memory: $(awk '/MemTotal/{printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
    echo "kernel: $(uname -r)"
    echo "janus: $(dpkg-query -W -f '${Version}' janus 2>/dev/null)"
    echo "pion_webrtc: $(dpkg-query -W -f '${Version}' golang-github-pion-webrtc.v3-dev 2>/dev/null)"
    echo "go: $(go version | awk '{print $3}')"
    if [ $committed = 1 ]; then
        echo "plugin_source: git archive of $(git -C "$repo" rev-parse --short HEAD)"
    else
        echo "plugin_source: work tree at $(git -C "$repo" rev-parse --short HEAD 2>/dev/null), uncommitted files in plugin/ bpf/ cmake/: $(git -C "$repo" status --porcelain -- plugin bpf cmake 2>/dev/null | wc -l)"
    fi
    echo "loadavg_at_start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "steps: $steps window_s: $window warmup_s: $warmup event_loops: $cores${kernel_loops:+ (kernel path: $kernel_loops)}"
} > "$out/machine.txt"
say "results in $out"
t0=$(date +%s)
fail=0
idx=0
IFS=, read -r -a mode_list <<< "$modes"
for m in "${mode_list[@]}"; do
    run_mode "$m" $idx || { say "[$m] load client exited with status $?"; fail=1; }
    idx=$((idx + 1))
done
say "sweep took $(( $(date +%s) - t0 )) s"

report_args=("$out")
[ $smoke = 1 ] && report_args+=(--smoke)
$py "$here/report.py" "${report_args[@]}" || fail=1
if [ -n "$perf_secs" ]; then
    $py "$here/attribute.py" "$out" || fail=1
fi
exit $fail
