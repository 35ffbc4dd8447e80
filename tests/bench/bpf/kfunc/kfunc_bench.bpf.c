// SPDX-License-Identifier: GPL-2.0
// Micro-benchmark: cost of an AES keystream produced by the kernel's
// bpf_crypto kfuncs (Linux 6.10+) inside a TC program. Standalone; not part
// of the SwiftCall datapath. Driven by kfunc_bench.c via BPF_PROG_TEST_RUN.
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>

// Own declarations (signatures as exported in /sys/kernel/btf/vmlinux).
extern struct bpf_crypto_ctx *
bpf_crypto_ctx_create(const struct bpf_crypto_params *params, u32 params__sz,
		      int *err) __ksym;
extern void bpf_crypto_ctx_release(struct bpf_crypto_ctx *ctx) __ksym;
extern int bpf_crypto_encrypt(struct bpf_crypto_ctx *ctx,
			      const struct bpf_dynptr *src,
			      const struct bpf_dynptr *dst,
			      const struct bpf_dynptr *siv__nullable) __ksym;
extern int bpf_dynptr_from_skb(struct __sk_buff *skb, u64 flags,
			       struct bpf_dynptr *ptr__uninit) __ksym;

#define MAX_KS 1104 /* 69 AES blocks: 1100-byte video payload rounded up */
#define NSLOTS 8    /* one crypto ctx per (algo, key size); see loader */

struct ctx_val {
	struct bpf_crypto_ctx __kptr *ctx;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, NSLOTS);
	__type(key, u32);
	__type(value, struct ctx_val);
} ctxs SEC(".maps");

// Per-CPU scratch: counter blocks in, keystream out. Per-CPU so a real
// datapath would need no locking; the stack (512 B) is too small anyway.
struct scratch {
	u8 src[MAX_KS];
	u8 dst[MAX_KS];
	u8 iv[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct scratch);
} scr SEC(".maps");

// ---- setup parameters (written by the loader through the skeleton) ----
char algo[128];
u8 key[32];
u32 key_len;
u32 slot;
int status; /* 0 ok, else -errno from bpf_crypto_ctx_create */

// ---- per-run parameters ----
u32 ks_len = MAX_KS; /* multiple of 16, <= MAX_KS */
u32 use_iv;          /* 1 for ctr(aes): pass the 16-byte IV dynptr */
u32 mode;            /* 0: everything but the kfunc (baseline)
		      * 1: keystream into per-CPU scratch (the benchmark)
		      * 2: keystream written into the packet (correctness) */
u64 nonce_lo, nonce_hi; /* first 12 bytes of each counter block */
u32 ctr0;               /* initial 32-bit big-endian block counter */
int enc_err;            /* last bpf_crypto_encrypt() return value */

SEC("syscall")
int crypto_setup(void *args __attribute__((unused)))
{
	struct bpf_crypto_params p = {};
	struct bpf_crypto_ctx *c, *old;
	struct ctx_val *v;
	u32 k = slot;
	int err = 0;

	__builtin_memcpy(p.type, "skcipher", sizeof("skcipher"));
	__builtin_memcpy(p.algo, algo, sizeof(algo));
	__builtin_memcpy(p.key, key, sizeof(key));
	p.key_len = key_len;

	// Sleepable-only kfunc: this is why setup lives in a syscall program.
	c = bpf_crypto_ctx_create(&p, sizeof(p), &err);
	if (!c) {
		status = err ? err : -1;
		return 0;
	}
	v = bpf_map_lookup_elem(&ctxs, &k);
	if (!v) {
		bpf_crypto_ctx_release(c);
		status = -2; /* -ENOENT */
		return 0;
	}
	old = bpf_kptr_xchg(&v->ctx, c);
	if (old)
		bpf_crypto_ctx_release(old);
	status = 0;
	return 0;
}

SEC("tc")
int ks_bench(struct __sk_buff *skb)
{
	struct bpf_dynptr psrc, pdst, piv;
	struct bpf_crypto_ctx *c;
	struct scratch *s;
	struct ctx_val *v;
	u32 zero = 0, k = slot, len = ks_len, i;
	u32 ctr = ctr0;
	int err;

	if (len > MAX_KS || !len || (len & 15))
		return 2; /* TC_ACT_SHOT */
	v = bpf_map_lookup_elem(&ctxs, &k);
	s = bpf_map_lookup_elem(&scr, &zero);
	if (!v || !s)
		return 2;

	// Build the counter blocks nonce(12) || be32(ctr+i), as a CTR
	// keystream over ecb(aes) needs; for ctr(aes) only the IV is used.
	for (i = 0; i < MAX_KS / 16; i++) {
		if (i * 16 >= len)
			break;
		*(u64 *)&s->src[i * 16] = nonce_lo;
		*(u64 *)&s->src[i * 16 + 8] =
			nonce_hi | ((u64)__builtin_bswap32(ctr + i) << 32);
	}
	*(u64 *)&s->iv[0] = nonce_lo;
	*(u64 *)&s->iv[8] = nonce_hi | ((u64)__builtin_bswap32(ctr) << 32);

	bpf_dynptr_from_mem(s->src, len, 0, &psrc);
	bpf_dynptr_from_mem(s->iv, sizeof(s->iv), 0, &piv);
	if (mode == 2) {
		// For ctr(aes) the output is src ^ keystream; the loader checks
		// that against OpenSSL on the same input.
		bpf_dynptr_from_skb(skb, 0, &pdst);
	} else {
		bpf_dynptr_from_mem(s->dst, len, 0, &pdst);
	}
	if (mode == 0)
		return 0;

	// TC programs run under RCU and the kptr is RCU-protected, so the ctx
	// is used directly. bpf_crypto_ctx_acquire/release are NOT usable here:
	// on 6.18 they are registered for BPF_PROG_TYPE_SYSCALL only (verifier:
	// "calling kernel function bpf_crypto_ctx_acquire is not allowed").
	c = v->ctx;
	if (!c)
		return 2;
	err = bpf_crypto_encrypt(c, &psrc, &pdst, use_iv ? &piv : NULL);
	enc_err = err;
	return err ? 2 : 0;
}

char LICENSE[] SEC("license") = "GPL";
