/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* AES counter-mode keystream in BPF bytecode: the T-table formulation of
 * FIPS-197. The tables are filled by the loader (read-only data, frozen
 * before verification) so this file holds no 4 KB of constants. */
#ifndef SC_AES_BPF_H
#define SC_AES_BPF_H

#include "sc_scratch.bpf.h"

const volatile __u32 sc_te0[256];
const volatile __u32 sc_te1[256];
const volatile __u32 sc_te2[256];
const volatile __u32 sc_te3[256];
const volatile __u32 sc_sbox[256];

/* Encrypts one block given as four big-endian words; result in o[]. */
static __always_inline void sc_aes_block(const __u32 *rk, __u32 nr, __u32 s0, __u32 s1, __u32 s2,
                                         __u32 s3, __u32 *o)
{
    __u32 t0, t1, t2, t3, r;

    s0 ^= rk[0];
    s1 ^= rk[1];
    s2 ^= rk[2];
    s3 ^= rk[3];
    for (r = 1; r < 14; r++) {
        const __u32 *k;
        if (r >= nr)
            break;
        k = &rk[(r * 4) & 63];
        t0 = sc_te0[s0 >> 24] ^ sc_te1[(s1 >> 16) & 0xff] ^ sc_te2[(s2 >> 8) & 0xff] ^
             sc_te3[s3 & 0xff] ^ k[0];
        t1 = sc_te0[s1 >> 24] ^ sc_te1[(s2 >> 16) & 0xff] ^ sc_te2[(s3 >> 8) & 0xff] ^
             sc_te3[s0 & 0xff] ^ k[1];
        t2 = sc_te0[s2 >> 24] ^ sc_te1[(s3 >> 16) & 0xff] ^ sc_te2[(s0 >> 8) & 0xff] ^
             sc_te3[s1 & 0xff] ^ k[2];
        t3 = sc_te0[s3 >> 24] ^ sc_te1[(s0 >> 16) & 0xff] ^ sc_te2[(s1 >> 8) & 0xff] ^
             sc_te3[s2 & 0xff] ^ k[3];
        s0 = t0;
        s1 = t1;
        s2 = t2;
        s3 = t3;
    }
    {
        const __u32 *k = &rk[(nr * 4) & 63];
        o[0] = (sc_sbox[s0 >> 24] << 24) ^ (sc_sbox[(s1 >> 16) & 0xff] << 16) ^
               (sc_sbox[(s2 >> 8) & 0xff] << 8) ^ sc_sbox[s3 & 0xff] ^ k[0];
        o[1] = (sc_sbox[s1 >> 24] << 24) ^ (sc_sbox[(s2 >> 16) & 0xff] << 16) ^
               (sc_sbox[(s3 >> 8) & 0xff] << 8) ^ sc_sbox[s0 & 0xff] ^ k[1];
        o[2] = (sc_sbox[s2 >> 24] << 24) ^ (sc_sbox[(s3 >> 16) & 0xff] << 16) ^
               (sc_sbox[(s0 >> 8) & 0xff] << 8) ^ sc_sbox[s1 & 0xff] ^ k[2];
        o[3] = (sc_sbox[s3 >> 24] << 24) ^ (sc_sbox[(s0 >> 16) & 0xff] << 16) ^
               (sc_sbox[(s1 >> 8) & 0xff] << 8) ^ sc_sbox[s2 & 0xff] ^ k[3];
    }
}

struct sc_ctr_ctx {
    __u32 iv[4];   /* counter block 0, big-endian words */
    __u32 src_row; /* XOR source row, dst row; both at the same offset */
    __u32 dst_row;
    __u32 off; /* byte offset of block 0 in the rows */
};

/* bpf_loop callback: XORs keystream block j into dst = src ^ E(iv + j).
 * The counter is the last word (RFC 3711 §4.1.1 adds j to the low 16 bits of
 * a zero field; RFC 7714 GCM increments the 32-bit counter word). */
static long sc_ctr_block_cb(__u32 j, void *arg)
{
    struct sc_ctr_ctx *c = arg;
    struct sc_scratch *s = sc_scratch_get();
    __u32 ks[4], nr, off, i;
    __u8 *src, *dst;

    if (!s)
        return 1;
    nr = s->rounds == 14 ? 14 : 10;
    sc_aes_block(s->rk, nr, c->iv[0], c->iv[1], c->iv[2], c->iv[3] + j, ks);
    off = c->off + j * 16;
    src = sc_row(s, c->src_row, off);
    dst = sc_row(s, c->dst_row, off);
    for (i = 0; i < 4; i++)
        ((__u32 *)dst)[i] = ((__u32 *)src)[i] ^ bpf_htonl(ks[i]);
    return 0;
}

struct sc_xor_ctx {
    const struct sc_keystream *ks;
    __u32 src_row, dst_row, off;
};

/* bpf_loop callback: dst = src ^ precomputed keystream, block j. */
static long sc_xor_block_cb(__u32 j, void *arg)
{
    struct sc_xor_ctx *c = arg;
    struct sc_scratch *s = sc_scratch_get();
    const __u64 *k;
    __u64 *dst;
    const __u64 *src;
    __u64 o = (__u64)j * 16;

    /* Keep the bound check and the access on one register for the verifier. */
    asm volatile("" : "+r"(o));
    if (!s || !c->ks || o > SC_KS_BYTES - 16)
        return 1;
    k = (const __u64 *)(c->ks->ks + o);
    src = (const __u64 *)sc_row(s, c->src_row, c->off + j * 16);
    dst = (__u64 *)sc_row(s, c->dst_row, c->off + j * 16);
    dst[0] = src[0] ^ k[0];
    dst[1] = src[1] ^ k[1];
    return 0;
}

static __always_inline void sc_load_rk(struct sc_scratch *s, const struct sc_srtp_key *k)
{
    __u32 i;
    for (i = 0; i < 60; i++)
        s->rk[i] = k->rk[i];
    s->rounds = k->rounds;
}

#endif
