#!/usr/bin/env bash
# build.sh OUTDIR — compile wakeups.bpf.o, its libbpf skeleton and the
# `wakeups` loader into OUTDIR. Needs clang, bpftool, libbpf-dev (the
# project's own build deps, scripts/install-deps.sh); no CMake, so the
# tool stays out of the product build.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
out=${1:?usage: build.sh OUTDIR}
mkdir -p "$out"
out=$(cd "$out" && pwd)
bpftool=$(command -v bpftool || echo /usr/sbin/bpftool)
# Same flags as cmake/SwiftcallBpf.cmake (-mcpu=v3: atomics, bpf_loop users).
clang -target bpf -mcpu=v3 -O2 -g -Wall -Werror -I/usr/include/x86_64-linux-gnu -I"$here" \
    -c "$here/wakeups.bpf.c" -o "$out/wakeups.bpf.o"
"$bpftool" gen skeleton "$out/wakeups.bpf.o" name wakeups_bpf > "$out/wakeups.skel.h.tmp"
mv "$out/wakeups.skel.h.tmp" "$out/wakeups.skel.h"
cc -std=gnu11 -O2 -g -Wall -Wextra -Werror -I"$here" -I"$out" \
    "$here/wakeups.c" "$here/fdmap.c" "$here/report.c" -o "$out/wakeups" \
    $(pkg-config --libs libbpf)
