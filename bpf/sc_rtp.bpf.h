/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Inbound SRTP: header bounds, index estimation, replay window, tag check,
 * one decryption per packet (RFC 3711 §3.3, Appendix A). */
#ifndef SC_RTP_BPF_H
#define SC_RTP_BPF_H

#include "sc_aes.bpf.h"
#include "sc_ghash.bpf.h"
#include "sc_maps.bpf.h"
#include "sc_sha1.bpf.h"

#define SC_INDEX_MASK 0xffffffffffffULL

/* Benchmarks only (set before load, frozen): accept a repeated index so that
 * BPF_PROG_TEST_RUN can repeat one packet. Zero in production, where the
 * verifier removes the branch as dead code. */
const volatile __u32 sc_bench_allow_replay;

static __always_inline __u32 sc_be16(const __u8 *p)
{
    return ((__u32)p[0] << 8) | p[1];
}

static __always_inline int sc_is_cm(__u32 profile)
{
    return profile == SC_PROFILE_AES128_CM_SHA1_80 || profile == SC_PROFILE_AES128_CM_SHA1_32;
}

static __always_inline int sc_is_gcm(__u32 profile)
{
    return profile == SC_PROFILE_AEAD_AES_128_GCM || profile == SC_PROFILE_AEAD_AES_256_GCM;
}

static __always_inline __u32 sc_tag_len(const struct sc_srtp_key *k)
{
    if (sc_is_gcm(k->profile))
        return 16;
    return k->tag_len == 4 ? 4 : 10;
}

/* AES-CM counter block 0 (RFC 3711 §4.1.1): salt*2^16 ^ ssrc*2^64 ^ i*2^16. */
static __always_inline void sc_cm_iv(const struct sc_srtp_key *k, __u32 ssrc, __u64 index,
                                     __u32 *iv)
{
    const __u8 *salt = k->salt;

    iv[0] = ((__u32)salt[0] << 24) | ((__u32)salt[1] << 16) | ((__u32)salt[2] << 8) | salt[3];
    iv[1] = (((__u32)salt[4] << 24) | ((__u32)salt[5] << 16) | ((__u32)salt[6] << 8) | salt[7]) ^
            ssrc;
    iv[2] = (((__u32)salt[8] << 24) | ((__u32)salt[9] << 16) | ((__u32)salt[10] << 8) |
             salt[11]) ^
            (__u32)(index >> 16);
    iv[3] = (((__u32)salt[12] << 24) | ((__u32)salt[13] << 16)) ^ ((__u32)(index & 0xffff) << 16);
}

/* dst = src ^ keystream from counter block iv over row[off..off+len); the
 * key's round keys must be loaded. */
static __always_inline void sc_ctr_crypt(const __u32 *iv, __u32 src_row, __u32 dst_row,
                                         __u32 off, __u32 len)
{
    struct sc_ctr_ctx c;

    c.iv[0] = iv[0];
    c.iv[1] = iv[1];
    c.iv[2] = iv[2];
    c.iv[3] = iv[3];
    c.src_row = src_row;
    c.dst_row = dst_row;
    c.off = off;
    bpf_loop((len + 15) / 16, sc_ctr_block_cb, &c, 0);
}

/* Appends the tag of row[0..len) for (key, roc) at row[len]. */
static __always_inline void sc_cm_tag(struct sc_scratch *s, const struct sc_srtp_key *k,
                                      __u32 row, __u32 len, __u32 roc)
{
    __u32 d[5], i;
    __u8 *p;

    sc_hmac_sha1(s, row, len, roc, k->ipad, k->opad, d);
    p = sc_row(s, row, len);
    for (i = 0; i < 5; i++)
        ((__u32 *)p)[i] = bpf_htonl(d[i]);
}

/* RFC 3711 Appendix A index guess from the highest authenticated index.
 * Returns -1 when the guess falls before index 0 (older than the stream). */
static __always_inline __s64 sc_guess_index(const struct sc_stream_state *st, __u32 roc_init,
                                            __u32 seq)
{
    __u64 hi = st->highest_index;
    __u32 s_l = hi & 0xffff;
    __u64 roc = hi >> 16;

    if (!st->started)
        return ((__u64)roc_init << 16) | seq;
    if (s_l < 32768) {
        if (seq > s_l + 32768) {
            if (roc == 0)
                return -1;
            roc -= 1;
        }
    } else if (s_l - 32768 > seq) {
        roc += 1;
    }
    return (__s64)(((roc << 16) | seq) & SC_INDEX_MASK);
}

static __always_inline int sc_replayed(const struct sc_stream_state *st, __u64 index)
{
    __u64 delta;

    if (!st->started || index > st->highest_index)
        return 0;
    delta = st->highest_index - index;
    if (delta >= SC_REPLAY_WINDOW)
        return 1;
    return (st->replay_bits >> delta) & 1;
}

static __always_inline void sc_accept_index(struct sc_stream_state *st, __u64 index)
{
    __u64 delta;

    if (!st->started) {
        st->started = 1;
        st->highest_index = index;
        st->replay_bits = 1;
        return;
    }
    if (index > st->highest_index) {
        delta = index - st->highest_index;
        st->replay_bits = delta >= 64 ? 1 : (st->replay_bits << delta) | 1;
        st->highest_index = index;
    } else {
        st->replay_bits |= 1ULL << ((st->highest_index - index) & 63);
    }
}

/* Parses the RTP header in the plain row; fills the scratch fields. */
static __always_inline __u32 sc_parse_rtp(struct sc_scratch *s, __u32 auth_len)
{
    __u8 *p = sc_row(s, SC_ROW_PLAIN, 0);
    __u32 hdr = 12 + (p[0] & 15) * 4;

    s->ext_off = 0;
    s->ext_len = 0;
    s->ext_profile = 0;
    if (hdr > auth_len)
        return SC_R_DECLINE_BAD_HEADER;
    if (p[0] & 0x10) {
        __u8 *e;
        if (hdr + 4 > auth_len)
            return SC_R_DECLINE_BAD_HEADER;
        e = sc_row(s, SC_ROW_PLAIN, hdr);
        s->ext_profile = sc_be16(e);
        s->ext_len = sc_be16(e + 2) * 4;
        s->ext_off = hdr + 4;
        hdr += 4 + s->ext_len;
        if (hdr > auth_len)
            return SC_R_DECLINE_BAD_HEADER;
        if (s->ext_len > SC_MAX_EXT_BYTES)
            return SC_R_DECLINE_BAD_HEADER;
    }
    s->hdr_len = hdr;
    s->payload_len = auth_len - hdr;
    return SC_R_MAX;
}

/* Global (verified once, own stack frame): checks and decrypts the packet
 * whose copy sits in the scratch, for stream (publisher_id, ssrc). Returns
 * SC_R_MAX on success or the reason it declined. */
__attribute__((noinline)) int sc_verify_and_decrypt(struct __sk_buff *skb, __u32 publisher_id,
                                                    __u32 ssrc)
{
    struct sc_scratch *s = sc_scratch_get();
    struct sc_stream_key skey = {.publisher_id = publisher_id, .ssrc = ssrc};
    struct sc_stream_config *cfg = bpf_map_lookup_elem(&sc_stream_configs, &skey);
    struct sc_stream_state *st = bpf_map_lookup_elem(&sc_stream_states, &skey);
    const struct sc_srtp_key *k;
    __u32 len, tag_len, auth_len, r, i, d[5], iv[4];
    __u8 *tag, *p;
    __s64 guess;
    __u64 index;

    if (!s || !cfg || !st)
        return SC_R_PASS_UNKNOWN_SSRC;
    k = &cfg->in;
    if (!sc_is_cm(k->profile) && !sc_is_gcm(k->profile))
        return SC_R_DECLINE_PROFILE;
    tag_len = sc_tag_len(k);
    len = s->srtp_len;
    if (len > SC_MAX_SRTP)
        return SC_R_DECLINE_OVERSIZED;
    if (len < 12 + tag_len)
        return SC_R_DECLINE_TRUNCATED;
    if (bpf_skb_load_bytes(skb, s->srtp_off, sc_row(s, SC_ROW_PLAIN, 0), len))
        return SC_R_DECLINE_TRUNCATED;
    auth_len = len - tag_len;
    r = sc_parse_rtp(s, auth_len);
    if (r != SC_R_MAX)
        return r;

    p = sc_row(s, SC_ROW_PLAIN, 0);
    guess = sc_guess_index(st, cfg->roc_init, sc_be16(p + 2));
    if (guess < 0 || (!sc_bench_allow_replay && sc_replayed(st, (__u64)guess)))
        return SC_R_DECLINE_REPLAY;
    index = (__u64)guess;

    /* The received tag moves to the scratch (the padding written for the
     * MAC overwrites it in the row; the stack has no room to spare). */
    p = sc_row(s, SC_ROW_PLAIN, auth_len);
    tag = s->tag_in;
    __builtin_memcpy(tag, p, 16);
    sc_load_rk(s, k);
    if (tag_len == 16) {
        sc_gcm_iv(k, ssrc, index, iv);
        sc_gcm_tag(s, k, iv, SC_ROW_PLAIN, s->hdr_len, s->payload_len, 0, d);
        for (i = 0; i < 4; i++)
            d[i] = bpf_htonl(d[i]);
    } else {
        sc_cm_iv(k, ssrc, index, iv);
        sc_hmac_sha1(s, SC_ROW_PLAIN, auth_len, (__u32)(index >> 16), k->ipad, k->opad, d);
        for (i = 0; i < 5; i++)
            d[i] = bpf_htonl(d[i]);
    }
    for (i = 0; i < 16; i++) {
        if (i >= tag_len)
            break;
        if (((__u8 *)d)[i] != tag[i])
            return SC_R_DECLINE_AUTH;
    }

    sc_ctr_crypt(iv, SC_ROW_PLAIN, SC_ROW_PLAIN, s->hdr_len, s->payload_len);
    /* Padding length is only visible in plaintext (RFC 3550 §5.1). */
    p = sc_row(s, SC_ROW_PLAIN, 0);
    if (p[0] & 0x20) {
        __u8 pad;
        if (s->payload_len == 0)
            return SC_R_DECLINE_BAD_HEADER;
        pad = *sc_row(s, SC_ROW_PLAIN, auth_len - 1);
        if (pad == 0 || pad > s->payload_len)
            return SC_R_DECLINE_BAD_HEADER;
    }
    sc_accept_index(st, index);
    s->in_index = index;
    return SC_R_MAX;
}

/* Forwarded window (see sc_stream_state): the slot of this index says
 * whether the program cloned it. */
static __always_inline void sc_mark_forwarded(struct sc_stream_state *st, __u64 index, __u32 ok)
{
    st->fwd_slot[index & (SC_FWD_WINDOW_BITS - 1)] = ok ? index + 1 : 0;
    if (index > st->fwd_highest)
        st->fwd_highest = index;
}

#endif
