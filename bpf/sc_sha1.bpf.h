/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* HMAC-SHA1 for SRTP (RFC 3711 §4.2.1) in BPF bytecode. The key's ipad/opad
 * blocks are pre-hashed in user space, so each MAC costs the message blocks
 * plus one outer block. */
#ifndef SC_SHA1_BPF_H
#define SC_SHA1_BPF_H

#include "sc_scratch.bpf.h"

struct sc_sha1_ctx {
    __u32 h[5];
    __u32 row;
    __u32 off;
};

static __always_inline __u32 sc_rol(__u32 x, __u32 n)
{
    return (x << n) | (x >> (32 - n));
}

/* bpf_loop callback: compresses the 64-byte block j of row at off. Four
 * 20-round loops rather than one unrolled 80: clang 14 would spill the
 * unrolled schedule past the 512-byte stack. */
static long sc_sha1_block_cb(__u32 j, void *arg)
{
    struct sc_sha1_ctx *c = arg;
    struct sc_scratch *s = sc_scratch_get();
    __u32 w[16], a, b, cc, d, e, t, i;
    const __u8 *p;

    if (!s)
        return 1;
    p = sc_row(s, c->row, c->off + j * 64);
    for (i = 0; i < 16; i++)
        w[i] = bpf_ntohl(((const __u32 *)p)[i]);
    a = c->h[0];
    b = c->h[1];
    cc = c->h[2];
    d = c->h[3];
    e = c->h[4];
#define SC_SHA1_W(i)                                                                          \
    ((i) < 16 ? w[(i) & 15]                                                                   \
              : (w[(i) & 15] = sc_rol(w[((i) + 13) & 15] ^ w[((i) + 8) & 15] ^               \
                                          w[((i) + 2) & 15] ^ w[(i) & 15],                    \
                                      1)))
#define SC_SHA1_ROUND(f, k)                                                                   \
    t = sc_rol(a, 5) + (f) + e + (k) + SC_SHA1_W(i);                                          \
    e = d;                                                                                    \
    d = cc;                                                                                   \
    cc = sc_rol(b, 30);                                                                       \
    b = a;                                                                                    \
    a = t;
    for (i = 0; i < 20; i++) {
        SC_SHA1_ROUND((b & cc) | (~b & d), 0x5a827999)
    }
    for (i = 20; i < 40; i++) {
        SC_SHA1_ROUND(b ^ cc ^ d, 0x6ed9eba1)
    }
    for (i = 40; i < 60; i++) {
        SC_SHA1_ROUND((b & cc) | (b & d) | (cc & d), 0x8f1bbcdc)
    }
    for (i = 60; i < 80; i++) {
        SC_SHA1_ROUND(b ^ cc ^ d, 0xca62c1d6)
    }
#undef SC_SHA1_ROUND
#undef SC_SHA1_W
    c->h[0] += a;
    c->h[1] += b;
    c->h[2] += cc;
    c->h[3] += d;
    c->h[4] += e;
    return 0;
}

/* HMAC-SHA1(key, row[0..len) || roc) into digest[5] (host-order words).
 * Clobbers row[len..len+72) with the SHA-1 padding: rows have slack. */
static __always_inline void sc_hmac_sha1(struct sc_scratch *s, __u32 row, __u32 len, __u32 roc,
                                         const __u32 *ipad, const __u32 *opad, __u32 *digest)
{
    struct sc_sha1_ctx c = {};
    __u32 msg_len, end, i;
    __u64 bits;
    __u8 *p;

    len &= SC_BUF_MASK;
    p = sc_row(s, row, len);
    *(__u32 *)p = bpf_htonl(roc);
    msg_len = len + 4;
    /* 0x80, zeros, then the 64-bit length of (ipad block + message). */
    p = sc_row(s, row, msg_len);
    for (i = 0; i < 9; i++)
        ((__u64 *)p)[i] = 0;
    p[0] = 0x80;
    end = (msg_len + 9 + 63) & ~63u;
    bits = (__u64)(64 + msg_len) * 8;
    p = sc_row(s, row, end - 8);
    *(__u64 *)p = bpf_cpu_to_be64(bits);

    for (i = 0; i < 5; i++)
        c.h[i] = ipad[i];
    c.row = row;
    c.off = 0;
    bpf_loop(end / 64, sc_sha1_block_cb, &c, 0);

    /* Outer block: inner digest, 0x80, zeros, length (64 + 20) * 8. */
    p = sc_row(s, SC_ROW_AUX, 0);
    for (i = 0; i < 5; i++)
        ((__u32 *)p)[i] = bpf_htonl(c.h[i]);
    for (i = 5; i < 16; i++)
        ((__u32 *)p)[i] = 0;
    p[20] = 0x80;
    ((__u32 *)p)[15] = bpf_htonl((64 + 20) * 8);
    for (i = 0; i < 5; i++)
        c.h[i] = opad[i];
    c.row = SC_ROW_AUX;
    c.off = 0;
    bpf_loop(1, sc_sha1_block_cb, &c, 0);
    for (i = 0; i < 5; i++)
        digest[i] = c.h[i];
}

#endif
