#!/usr/bin/env bash
# with-janus.sh — start a Janus instance (scripts/janus-env.sh), run a command
# in its client namespace with the SC_* environment exported, always stop it.
#
#   with-janus.sh [--mode M] [--id N] [janus-env options] -- CMD...
# Mode defaults to $SC_MODE, else stock. Exit status is CMD's (or 1 when the
# environment could not start: e.g. mode swiftcall without the built .so is a
# failure, never a skip).
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
envsh=$here/../../scripts/janus-env.sh
opts=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do opts+=("$1"); shift; done
[ "${1:-}" = "--" ] && shift
[ $# -gt 0 ] || { echo "usage: $0 [options] -- cmd..." >&2; exit 2; }

# The instance id: --id N (default SC_ID or 0). When that instance is in use
# (another run of the same test, another agent's ctest), the next ids are
# tried, so concurrent suites never stop each other's Janus.
id=${SC_ID:-0}
rest=()
i=0
while [ $i -lt ${#opts[@]} ]; do
    if [ "${opts[$i]}" = --id ]; then id=${opts[$((i + 1))]}; i=$((i + 2)); continue; fi
    rest+=("${opts[$i]}"); i=$((i + 1))
done
for try in $(seq 0 40); do
    cand=$(( (id + try * 97) % 254 ))
    out=$(bash "$envsh" start "${rest[@]}" --id "$cand")
    rc=$?
    [ $rc = 3 ] && continue
    break
done
[ $rc = 0 ] || { echo "with-janus: janus-env start failed (status $rc)" >&2; exit 1; }
opts=("${rest[@]}" --id "$cand")
state=$(printf '%s\n' "$out" | sed -n 's/^SC_STATE=//p')
ns=$(printf '%s\n' "$out" | sed -n 's/^SC_NS_CLIENT=//p')
child=
stop() {
    local rc=$?
    # Ignored (and so also in the cleanup's children): a second Ctrl-C or the
    # group-wide signal of `timeout` must not cut the cleanup short.
    trap '' INT TERM
    trap - EXIT
    [ -n "$child" ] && kill -TERM "$child" 2>/dev/null
    if [ "${SC_KEEP_LOG:-}" != "" ] && [ -f "$state/janus.log" ]; then cp "$state/janus.log" "$SC_KEEP_LOG"; fi
    bash "$envsh" stop "${opts[@]}" >/dev/null 2>&1 || true
    exit $rc
}
trap stop EXIT
# The command runs in the background and we `wait` for it: a trapped signal
# interrupts `wait` at once (it would not interrupt a foreground child), so
# Ctrl-C or a ctest timeout always stops Janus and removes the namespaces.
trap 'exit 130' INT
trap 'exit 143' TERM
set -a
eval "$(printf '%s\n' "$out" | grep '^SC_[A-Z_]*=')"
set +a
export PYTHONPATH=$here${PYTHONPATH:+:$PYTHONPATH}
ip netns exec "$ns" "$@" &
child=$!
wait "$child"
rc=$?
child=
if [ $rc != 0 ] && [ -f "$state/janus.log" ]; then
    echo "---- last Janus log lines ($SC_MODE) ----" >&2
    tail -n 40 "$state/janus.log" >&2
fi
exit $rc
