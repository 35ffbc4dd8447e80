/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* AES-GCM for SRTP (RFC 7714) in BPF bytecode: GHASH with Shoup's 8-bit
 * tables (per-key tables of H and H^2, 8 KB in the key struct; the
 * key-independent reduction table in .rodata), two blocks per chain,
 * keystream from sc_aes.bpf.h or prefilled by user space. */
#ifndef SC_GHASH_BPF_H
#define SC_GHASH_BPF_H

#include "sc_aes.bpf.h"

const volatile __u64 sc_gcm_r8[256];

struct sc_ghash_ctx {
    const struct sc_srtp_key *key; /* map value holding the H tables */
    __u64 y_hi, y_lo;
    __u32 row, off, len;
    __u32 first; /* block index of sc_ghash_block_cb's iteration 0 */
};

static __always_inline __u64 sc_be64(const __u8 *p)
{
    return bpf_be64_to_cpu(*(const __u64 *)p);
}

/* Y = A * H^2 ^ B * H for two blocks given as bytes in memory, or Y = B * H
 * when `pair` is 0 (a constant at each call site, so the A lookups are not
 * even emitted there). Shoup's method is Horner's rule in x^8 over the
 * bytes, last byte first; both products use the same shifts, so by
 * linearity one chain absorbs both lookups per byte: half the serial chain
 * per block and about two thirds of the instructions of two single
 * multiplications. Bytes are loaded, not shifted out of registers: BPF has
 * too few registers for four halves. */
static __always_inline void sc_gf_mul(const struct sc_srtp_key *k, const __u8 *a, const __u8 *b,
                                      const int pair, __u64 *y_hi, __u64 *y_lo)
{
    __u64 z_hi, z_lo, rem;
    __u32 i;

    z_hi = k->ghash[0][b[15]][0];
    z_lo = k->ghash[0][b[15]][1];
    if (pair) {
        z_hi ^= k->ghash[1][a[15]][0];
        z_lo ^= k->ghash[1][a[15]][1];
    }
#pragma unroll
    for (i = 1; i < 16; i++) {
        rem = z_lo & 0xff;
        z_lo = (z_lo >> 8) | (z_hi << 56);
        z_hi = (z_hi >> 8) ^ sc_gcm_r8[rem];
        z_hi ^= k->ghash[0][b[15 - i]][0];
        z_lo ^= k->ghash[0][b[15 - i]][1];
        if (pair) {
            z_hi ^= k->ghash[1][a[15 - i]][0];
            z_lo ^= k->ghash[1][a[15 - i]][1];
        }
    }
    *y_hi = z_hi;
    *y_lo = z_lo;
}

/* Block j of the region as big-endian halves, the last one zero-padded. */
static __always_inline void sc_ghash_load(struct sc_scratch *s, const struct sc_ghash_ctx *c,
                                          __u32 j, __u64 *hi, __u64 *lo)
{
    const __u8 *p = sc_row(s, c->row, c->off + j * 16);
    __u32 valid = c->len - j * 16;

    *hi = sc_be64(p);
    *lo = sc_be64(p + 8);
    if (valid < 16) {
        if (valid <= 8) {
            *hi = valid ? *hi & (~0ULL << (64 - 8 * valid)) : 0;
            *lo = 0;
        } else {
            *lo &= ~0ULL << (128 - 8 * valid);
        }
    }
}

/* bpf_loop callback: absorbs full blocks 2j and 2j+1 of the region. */
static long sc_ghash_pair_cb(__u32 j, void *arg)
{
    struct sc_ghash_ctx *c = arg;
    struct sc_scratch *s = sc_scratch_get();
    const __u8 *p;

    if (!s || !c->key)
        return 1;
    p = sc_row(s, c->row, c->off + j * 32);
    s->ghash_ab[0] = bpf_cpu_to_be64(c->y_hi) ^ *(const __u64 *)p;
    s->ghash_ab[1] = bpf_cpu_to_be64(c->y_lo) ^ *(const __u64 *)(p + 8);
    sc_gf_mul(c->key, (const __u8 *)s->ghash_ab, p + 16, 1, &c->y_hi, &c->y_lo);
    return 0;
}

/* bpf_loop callback: absorbs block c->first + j of the region. */
static long sc_ghash_block_cb(__u32 j, void *arg)
{
    struct sc_ghash_ctx *c = arg;
    struct sc_scratch *s = sc_scratch_get();
    __u64 hi, lo;

    if (!s || !c->key)
        return 1;
    sc_ghash_load(s, c, c->first + j, &hi, &lo);
    s->ghash_ab[0] = bpf_cpu_to_be64(c->y_hi ^ hi);
    s->ghash_ab[1] = bpf_cpu_to_be64(c->y_lo ^ lo);
    sc_gf_mul(c->key, 0, (const __u8 *)s->ghash_ab, 0, &c->y_hi, &c->y_lo);
    return 0;
}

/* Absorbs row[off..off+len) zero-padded to whole blocks: pairs of full
 * blocks, then the rest (at most a full and a partial block) one by one. */
static __always_inline void sc_ghash_region(struct sc_ghash_ctx *c, __u32 row, __u32 off,
                                            __u32 len)
{
    __u32 n = (len + 15) / 16, pairs = (len / 16) / 2;

    c->row = row;
    c->off = off;
    c->len = len;
    bpf_loop(pairs, sc_ghash_pair_cb, c, 0);
    c->first = 2 * pairs;
    bpf_loop(n - 2 * pairs, sc_ghash_block_cb, c, 0);
}

/* RFC 7714 §8.1: IV = (00 00 || SSRC || ROC || SEQ) XOR salt; returns the
 * three IV words in iv[0..2], iv[3] = counter of the first payload block. */
static __always_inline void sc_gcm_iv(const struct sc_srtp_key *k, __u32 ssrc, __u64 index,
                                      __u32 *iv)
{
    const __u8 *salt = k->salt;
    __u32 roc = (__u32)(index >> 16), seq = index & 0xffff;

    iv[0] = (((__u32)salt[0] << 24) | ((__u32)salt[1] << 16) | ((__u32)salt[2] << 8) | salt[3]) ^
            (ssrc >> 16);
    iv[1] = (((__u32)salt[4] << 24) | ((__u32)salt[5] << 16) | ((__u32)salt[6] << 8) | salt[7]) ^
            (ssrc << 16) ^ (roc >> 16);
    iv[2] = (((__u32)salt[8] << 24) | ((__u32)salt[9] << 16) | ((__u32)salt[10] << 8) |
             salt[11]) ^
            (roc << 16) ^ seq;
    iv[3] = 2;
}

/* The GCM tag of row[0..aad) as AAD and row[aad..aad+len) as ciphertext,
 * written big-endian into tag[4] words. The round keys must be loaded. */
static __always_inline void sc_gcm_tag(struct sc_scratch *s, const struct sc_srtp_key *k,
                                       const __u32 *iv, __u32 row, __u32 aad, __u32 len,
                                       const __u8 *ej0, __u32 *tag)
{
    struct sc_ghash_ctx c = {};
    __u32 ek[4], nr = s->rounds == 14 ? 14 : 10;

    c.key = k;
    sc_ghash_region(&c, row, 0, aad);
    sc_ghash_region(&c, row, aad, len);
    /* The length block goes through the callback too: one copy of the
     * unrolled multiply keeps the caller's frame small. */
    {
        __u64 *lb = (__u64 *)sc_row(s, SC_ROW_AUX, 192);
        lb[0] = bpf_cpu_to_be64((__u64)aad * 8);
        lb[1] = bpf_cpu_to_be64((__u64)len * 8);
    }
    sc_ghash_region(&c, SC_ROW_AUX, 192, 16);
    if (ej0) { /* precomputed in user space */
        ek[0] = bpf_ntohl(*(const __u32 *)ej0);
        ek[1] = bpf_ntohl(*(const __u32 *)(ej0 + 4));
        ek[2] = bpf_ntohl(*(const __u32 *)(ej0 + 8));
        ek[3] = bpf_ntohl(*(const __u32 *)(ej0 + 12));
    } else {
        sc_aes_block(s->rk, nr, iv[0], iv[1], iv[2], 1, ek); /* E(K, J0) */
    }
    tag[0] = (__u32)(c.y_hi >> 32) ^ ek[0];
    tag[1] = (__u32)c.y_hi ^ ek[1];
    tag[2] = (__u32)(c.y_lo >> 32) ^ ek[2];
    tag[3] = (__u32)c.y_lo ^ ek[3];
}

#endif
