/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* One clone per leg: RTP header rewrite, re-encryption, L2-L4 rewrite,
 * bpf_clone_redirect. A global function so the verifier checks it once,
 * not once per iteration of the leg loop. */
#ifndef SC_LEG_BPF_H
#define SC_LEG_BPF_H

#include "sc_rtp.bpf.h"

struct sc_ext_ctx {
    const struct sc_leg *leg;
    __u32 off, len, skip, blank, want_len, one_byte;
};

/* bpf_loop callback, one extension byte per call: a byte-wise state machine
 * over RFC 8285 elements. As a callback it is verified once; as an inline
 * 128-iteration loop its states multiplied past 500k verified instructions. */
static long sc_ext_byte_cb(__u32 i, void *arg)
{
    struct sc_ext_ctx *c = arg;
    struct sc_scratch *s = sc_scratch_get();
    __u8 *q, b, nid;

    if (!s || !c->leg || i >= c->len)
        return 1;
    q = sc_row(s, SC_ROW_OUT, c->off + i);
    b = *q;
    if (c->skip) {
        if (c->blank)
            *q = 0;
        c->skip--;
        return 0;
    }
    if (c->want_len) { /* two-byte form: length octet */
        if (c->blank)
            *q = 0;
        c->skip = b;
        c->want_len = 0;
        return 0;
    }
    if (c->one_byte) {
        __u8 id = b >> 4;
        if (id == 0)
            return 0;
        if (id == 15)
            return 1;
        nid = c->leg->ext_map[id & 15];
        c->blank = nid == 0 || nid >= 15;
        *q = c->blank ? 0 : (__u8)((nid << 4) | (b & 15));
        c->skip = (b & 15) + 1;
    } else {
        if (b == 0)
            return 0;
        nid = b < SC_EXT_IDS ? c->leg->ext_map[b & 15] : 0;
        c->blank = nid == 0;
        *q = nid;
        c->want_len = 1;
    }
    return 0;
}

/* RFC 8285 header-extension id rewrite in the out row. Elements whose id
 * has no mapping become padding (zero bytes), keeping every length. */
static __always_inline void sc_rewrite_ext(struct sc_scratch *s, const struct sc_leg *leg)
{
    struct sc_ext_ctx c = {.leg = leg, .off = s->ext_off, .len = s->ext_len};

    c.one_byte = s->ext_profile == 0xBEDE;
    if (!c.one_byte && (s->ext_profile & 0xfff0) != 0x1000)
        return;
    bpf_loop(SC_MAX_EXT_BYTES, sc_ext_byte_cb, &c, 0);
}

static __always_inline __u16 sc_csum_fold(__u64 sum)
{
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return (__u16)~sum;
}

/* Writes Ethernet + IP + UDP for the leg into the aux row at offset 256;
 * returns the header length or 0. */
static __always_inline __u32 sc_build_l2l4(struct sc_scratch *s, const struct sc_leg *leg,
                                           __u32 srtp_len)
{
    __u8 *h = sc_row(s, SC_ROW_AUX, 256);
    __u32 i, udp_len = 8 + srtp_len;
    __u64 sum = 0;

    __builtin_memcpy(h, leg->dmac, 6);
    __builtin_memcpy(h + 6, leg->smac, 6);
    if (leg->family == SC_AF_INET) {
        struct iphdr *ip = (void *)(h + 14);
        struct udphdr *udp = (void *)(h + 34);
        ip->version = 4;
        ip->ihl = 5;
        ip->tos = 0;
        ip->tot_len = bpf_htons(20 + udp_len);
        ip->id = 0;
        ip->frag_off = bpf_htons(0x4000); /* DF, as WebRTC media */
        ip->ttl = leg->ttl ? leg->ttl : 64;
        ip->protocol = IPPROTO_UDP;
        ip->check = 0;
        __builtin_memcpy(&ip->saddr, leg->saddr, 4);
        __builtin_memcpy(&ip->daddr, leg->daddr, 4);
        for (i = 0; i < 10; i++)
            sum += ((__u16 *)ip)[i];
        ip->check = sc_csum_fold(sum);
        udp->source = leg->sport;
        udp->dest = leg->dport;
        udp->len = bpf_htons(udp_len);
        udp->check = 0; /* optional over IPv4 (RFC 768) */
        *(__u16 *)(h + 12) = bpf_htons(ETH_P_IP);
        return 42;
    }
    if (leg->family == SC_AF_INET6) {
        struct ipv6hdr *ip6 = (void *)(h + 14);
        struct udphdr *udp = (void *)(h + 54);
        __u8 *d = sc_row(s, SC_ROW_OUT, srtp_len);
        __s64 c;
        __u32 n, chunk, left;

        *(__u32 *)ip6 = bpf_htonl(0x60000000);
        ip6->payload_len = bpf_htons(udp_len);
        ip6->nexthdr = IPPROTO_UDP;
        ip6->hop_limit = leg->ttl ? leg->ttl : 64;
        __builtin_memcpy(&ip6->saddr, leg->saddr, 16);
        __builtin_memcpy(&ip6->daddr, leg->daddr, 16);
        udp->source = leg->sport;
        udp->dest = leg->dport;
        udp->len = bpf_htons(udp_len);
        udp->check = 0;
        *(__u16 *)(h + 12) = bpf_htons(ETH_P_IPV6);
        /* UDP checksum is mandatory over IPv6 (RFC 8200 §8.1). */
        *(__u32 *)d = 0; /* pad the datagram to a multiple of 4 */
        c = bpf_csum_diff(0, 0, (__be32 *)&ip6->saddr, 32, 0);
        if (c < 0)
            return 0;
        {
            __be32 ph[2] = {bpf_htonl(udp_len), bpf_htonl(IPPROTO_UDP)};
            c = bpf_csum_diff(0, 0, ph, 8, (__wsum)c);
        }
        c = bpf_csum_diff(0, 0, (__be32 *)udp, 8, (__wsum)c);
        left = (srtp_len + 3) & ~3u;
        for (n = 0; n < 4; n++) {
            if (!left)
                break;
            chunk = left < 512 ? left : 512;
            chunk &= 0x3fc; /* a multiple of 4, bounded, for the verifier */
            c = bpf_csum_diff(0, 0, (__be32 *)sc_row(s, SC_ROW_OUT, n * 512), chunk, (__wsum)c);
            if (c < 0)
                return 0;
            left -= chunk;
        }
        sum = (__u32)c;
        udp->check = sc_csum_fold(sum);
        if (!udp->check)
            udp->check = 0xffff;
        return 62;
    }
    return 0;
}

/* User space creates a leg's stats with the leg (KernelDatapath::set_leg),
 * so the program needs no zeroed value on its stack. */
static __always_inline void sc_leg_account(__u32 leg_id, __u32 bytes, int error, int ks_hit,
                                           __u64 in_index)
{
    struct sc_leg_stats *st = bpf_map_lookup_elem(&sc_leg_stats_map, &leg_id);

    if (!st)
        return;
    if (error) {
        st->errors++;
        return;
    }
    st->packets++;
    st->bytes += bytes;
    st->ks_hits += ks_hit;
    if (!st->first_in)
        st->first_in = in_index + 1;
    if (in_index + 1 > st->last_in)
        st->last_in = in_index + 1;
}

/* A full-barrier read of a slot's seqlock word (BPF atomics are fully
 * ordered), so the slot's other reads stay between the two seq reads on
 * weakly ordered CPUs too. */
static __always_inline __u32 sc_seq_read(struct sc_keystream *ks)
{
    return __sync_fetch_and_add(&ks->seq, 0);
}

/* The leg's keystream slot for `index` if user space has filled it for the
 * leg's current key and at least `len` bytes, with the seq value read
 * before use in *seq. */
static __always_inline struct sc_keystream *sc_keystream_get(const struct sc_leg *leg,
                                                             __u64 index, __u32 len, __u32 *seq)
{
    struct sc_keystream *ks;
    __u32 slot;

    /* The map is sized at load (keystream_legs); a slot past its end is
     * simply not found. */
    if (!leg->ks_ring || leg->ks_ring > SC_KS_RINGS_MAX || !leg->ks_owner)
        return 0;
    slot = (leg->ks_ring - 1) * SC_KS_SLOTS + (__u32)(index % SC_KS_SLOTS);
    ks = bpf_map_lookup_elem(&sc_keystreams, &slot);
    if (!ks)
        return 0;
    *seq = sc_seq_read(ks);
    if ((*seq & 1) || ks->index != index || ks->owner != leg->ks_owner || len > ks->len)
        return 0;
    return ks;
}

static __always_inline void sc_xor_keystream(const struct sc_keystream *ks, __u32 src_row,
                                             __u32 dst_row, __u32 off, __u32 len)
{
    struct sc_xor_ctx c = {.ks = ks, .src_row = src_row, .dst_row = dst_row, .off = off};

    bpf_loop((len + 15) / 16, sc_xor_block_cb, &c, 0);
}

__attribute__((noinline)) int sc_forward_leg(struct __sk_buff *skb, __u32 leg_id)
{
    struct sc_scratch *s = sc_scratch_get();
    struct sc_leg *leg = bpf_map_lookup_elem(&sc_legs, &leg_id);
    __u32 i, hdr_len, payload_len, auth_len, tag_len, srtp_len, l2l4, new_len, iv[4];
    struct sc_keystream *ks = 0;
    __u32 ks_seq = 0;
    __u64 index;
    __u8 *o;

    if (!s)
        return -1;
    if (!leg) {
        sc_count(SC_R_LEG_MISSING);
        return -1;
    }
    if (!leg->enabled) {
        sc_count(SC_R_LEG_DISABLED);
        return 0;
    }
    if (!sc_is_cm(leg->out.profile) && !sc_is_gcm(leg->out.profile)) {
        sc_count(SC_R_DECLINE_PROFILE);
        s->leg_errors++;
        return -1;
    }
    hdr_len = s->hdr_len;
    payload_len = s->payload_len;
    if (hdr_len > 12 + 60 + 4 + SC_MAX_EXT_BYTES || payload_len > SC_MAX_SRTP ||
        leg->family != s->family)
        goto error;
    tag_len = sc_tag_len(&leg->out);

    /* The header is at most 204 bytes: copy a fixed 208, no length branch. */
    for (i = 0; i < 26; i++)
        ((__u64 *)sc_row(s, SC_ROW_OUT, 0))[i] = ((__u64 *)sc_row(s, SC_ROW_PLAIN, 0))[i];
    index = (s->in_index + leg->index_delta) & SC_INDEX_MASK;
    o = sc_row(s, SC_ROW_OUT, 0);
    if (leg->payload_type & SC_PT_REWRITE) /* keep the marker bit */
        o[1] = (o[1] & 0x80) | (leg->payload_type & 0x7f);
    *(__u16 *)(o + 2) = bpf_htons((__u16)index);
    *(__u32 *)(o + 4) = bpf_htonl(bpf_ntohl(*(__u32 *)(o + 4)) + leg->ts_delta);
    *(__u32 *)(o + 8) = bpf_htonl(leg->ssrc);
    if (s->ext_len)
        sc_rewrite_ext(s, leg);

    auth_len = hdr_len + payload_len;
    ks = sc_keystream_get(leg, index, payload_len, &ks_seq);
    if (!ks || tag_len != 16)
        sc_load_rk(s, &leg->out); /* AES still needed: keystream or E(K, J0) */
    if (tag_len == 16)
        sc_gcm_iv(&leg->out, leg->ssrc, index, iv);
    else
        sc_cm_iv(&leg->out, leg->ssrc, index, iv);
    if (ks)
        sc_xor_keystream(ks, SC_ROW_PLAIN, SC_ROW_OUT, hdr_len, payload_len);
    else
        sc_ctr_crypt(iv, SC_ROW_PLAIN, SC_ROW_OUT, hdr_len, payload_len);
    if (tag_len == 16) {
        __u32 t[4];
        sc_gcm_tag(s, &leg->out, iv, SC_ROW_OUT, hdr_len, payload_len, ks ? ks->ej0 : 0, t);
        o = sc_row(s, SC_ROW_OUT, auth_len);
        for (i = 0; i < 4; i++)
            ((__u32 *)o)[i] = bpf_htonl(t[i]);
    } else {
        sc_cm_tag(s, &leg->out, SC_ROW_OUT, auth_len, (__u32)(index >> 16));
    }
    if (ks && sc_seq_read(ks) != ks_seq) {
        /* User space rewrote the slot while this run read it: the clone
         * may mix two keystreams. Never send it (the leg NACKs the loss). */
        sc_count(SC_R_KS_RACE);
        goto error;
    }
    srtp_len = auth_len + tag_len;
    if (srtp_len > SC_MAX_SRTP + 16)
        goto error;

    l2l4 = sc_build_l2l4(s, leg, srtp_len);
    if (!l2l4)
        goto error;
    new_len = l2l4 + srtp_len;
    s->modified = 1;
    if (new_len != s->cur_len) {
        if (bpf_skb_change_tail(skb, new_len, 0))
            goto error;
        s->cur_len = new_len;
    }
    /* The frame keeps its L3 family, so its L2-L4 size does too. */
    if (l2l4 != s->srtp_off)
        goto error;
    if (bpf_skb_store_bytes(skb, 0, sc_row(s, SC_ROW_AUX, 256), l2l4 == 42 ? 42 : 62, 0))
        goto error;
    if (bpf_skb_store_bytes(skb, l2l4, sc_row(s, SC_ROW_OUT, 0), srtp_len, 0))
        goto error;
    if (bpf_clone_redirect(skb, leg->ifindex, 0))
        goto error;
    s->clones++;
    sc_count(SC_R_CLONES);
    sc_leg_account(leg->stats_id, srtp_len, 0, ks != 0, s->in_index);
    return 0;
error:
    s->leg_errors++;
    sc_count(SC_R_LEG_ERROR);
    sc_leg_account(leg->stats_id, 0, 1, 0, 0);
    return -1;
}

#endif
