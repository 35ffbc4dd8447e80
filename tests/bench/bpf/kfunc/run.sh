#!/usr/bin/env bash
# Build and run the bpf_crypto kfunc keystream micro-benchmark (needs root).
# Usage: bash tests/bench/bpf/kfunc/run.sh [repeat]   (default repeat 10000)
# Build output goes to $BUILD_DIR (default /tmp/swiftcall-kfunc-bench), never
# into the repo. Exits non-zero if the ecb(aes) kfunc path or the OpenSSL
# cross-check fails.
set -euo pipefail

SRC="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BUILD="${BUILD_DIR:-/tmp/swiftcall-kfunc-bench}"
REPEAT="${1:-10000}"
CLANG="${CLANG:-clang-14}"

[[ $EUID -eq 0 ]] || { echo "FAIL: must run as root (BPF_PROG_TEST_RUN, kfuncs)" >&2; exit 1; }
[[ -r /sys/kernel/btf/vmlinux ]] || { echo "FAIL: no /sys/kernel/btf/vmlinux (CONFIG_DEBUG_INFO_BTF)" >&2; exit 1; }
grep -qw bpf_crypto_encrypt /proc/kallsyms || { echo "FAIL: kernel lacks bpf_crypto kfuncs (need >= 6.10, CONFIG_BPF_SYSCALL + CONFIG_CRYPTO_SKCIPHER)" >&2; exit 1; }

mkdir -p "$BUILD"
cd "$BUILD"
# vmlinux.h is generated per machine so the kfunc/struct layouts match.
bpftool btf dump file /sys/kernel/btf/vmlinux format c > vmlinux.h
"$CLANG" -target bpf -mcpu=v3 -O2 -g -Wall -Wextra -Werror -I. \
	-c "$SRC/kfunc_bench.bpf.c" -o kfunc_bench.bpf.o
bpftool gen skeleton kfunc_bench.bpf.o name kfunc_bench > kfunc_bench.skel.h
cc -O2 -Wall -Wextra -Werror -I. -o kfunc_bench "$SRC/kfunc_bench.c" -lbpf -lcrypto

rc=0
./kfunc_bench "$REPEAT" > run.log 2> run.err || rc=$?
# Same user-space reference with AES-NI masked off (bits 57 AESNI, 33 PCLMUL).
OPENSSL_ia32cap="~0x200000200000000" ./kfunc_bench "$REPEAT" userspace >> run.log || rc=$?

echo "== $(date -u +%Y-%m-%dT%H:%MZ)  kernel $(uname -r)  repeat=$REPEAT, best of 5 =="
grep -E '^(VERIFIED_INSNS|CREATE|CHECK)' run.log || true
echo
awk '
/^NET/    { split($3, a, "="); split($4, b, "="); net[$2 "/" a[2]] = b[2] }
/^RESULT/ { rows[++n] = $0 }
END {
	printf "%-36s %6s %5s %12s %12s %12s\n", "variant", "ks_B", "pkt", "run_ns", "cpu_ns", "kfunc_net_ns"
	for (i = 1; i <= n; i++) {
		split(rows[i], f, " +")
		split(f[3], k, "="); split(f[4], p, "="); split(f[5], d, "="); split(f[6], c, "=")
		v = f[2]; key = v; sub(/\/kfunc$/, "", key)
		extra = (v ~ /\/kfunc$/ && (key "/" k[2]) in net) ? net[key "/" k[2]] : "-"
		printf "%-36s %6s %5s %12s %12s %12s\n", v, k[2], p[2], d[2], c[2], extra
	}
}' run.log

if [[ $rc -ne 0 ]]; then
	echo
	echo "FAIL: loader exit $rc; stderr tail:" >&2
	tail -n 20 run.err >&2
	exit "$rc"
fi
echo
echo "OK: bpf_crypto kfunc path works, output matches OpenSSL (log: $BUILD/run.log)"
