// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * swiftcall.bpf.c - TC ingress fan-out of publisher SRTP to subscriber legs.
 *
 * For a packet on a publisher flow with a known SSRC: verify the SRTP tag and
 * the replay window, decrypt once, then per leg rewrite L2-L4 and the RTP
 * header, encrypt with the leg's key, tag, and bpf_clone_redirect. The
 * original frame is restored byte for byte and continues up (TC_ACT_OK).
 * Anything the program does not fully understand passes untouched.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/pkt_cls.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "swiftcall_abi.h"
#include "sc_scratch.bpf.h"
#include "sc_aes.bpf.h"
#include "sc_sha1.bpf.h"
#include "sc_maps.bpf.h"
#include "sc_rtp.bpf.h"
#include "sc_leg.bpf.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* L2-L4 parse and flow lookup on direct packet access. Returns a reason;
 * SC_R_MAX means "a publisher flow, go on" with the result in the scratch.
 * Global so that its flow key does not sit in the main program's frame (the
 * 512-byte stack budget is shared along the deepest call chain). */
__attribute__((noinline)) int sc_parse_flow(struct __sk_buff *skb)
{
    struct sc_scratch *s = sc_scratch_get();
    void *data = (void *)(long)skb->data;
    void *data_end = (void *)(long)skb->data_end;
    struct ethhdr *eth = data;
    struct sc_flow_key key = {};
    struct sc_flow_value *flow;
    struct udphdr *udp;
    __u32 l4_off, ihl = 20, udp_len;

    if ((void *)(eth + 1) > data_end)
        return SC_R_PASS_NOT_UDP;
    if (eth->h_proto == bpf_htons(ETH_P_IP)) {
        struct iphdr *ip = (void *)(eth + 1);
        if ((void *)(ip + 1) > data_end)
            return SC_R_PASS_NOT_UDP;
        if (ip->protocol != IPPROTO_UDP || (ip->frag_off & bpf_htons(0x3fff)))
            return SC_R_PASS_NOT_UDP;
        ihl = ip->ihl * 4;
        if (ihl < 20)
            return SC_R_PASS_NOT_UDP;
        key.family = SC_AF_INET;
        __builtin_memcpy(key.saddr, &ip->saddr, 4);
        __builtin_memcpy(key.daddr, &ip->daddr, 4);
        l4_off = sizeof(*eth) + ihl;
    } else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
        struct ipv6hdr *ip6 = (void *)(eth + 1);
        if ((void *)(ip6 + 1) > data_end)
            return SC_R_PASS_NOT_UDP;
        if (ip6->nexthdr != IPPROTO_UDP)
            return SC_R_PASS_NOT_UDP;
        key.family = SC_AF_INET6;
        __builtin_memcpy(key.saddr, &ip6->saddr, 16);
        __builtin_memcpy(key.daddr, &ip6->daddr, 16);
        l4_off = sizeof(*eth) + sizeof(*ip6);
    } else {
        return SC_R_PASS_NOT_UDP;
    }
    if (l4_off > 14 + 60)
        return SC_R_PASS_NOT_UDP;
    udp = data + l4_off;
    if ((void *)(udp + 1) > data_end)
        return SC_R_PASS_NOT_UDP;
    key.sport = udp->source;
    key.dport = udp->dest;
    flow = bpf_map_lookup_elem(&sc_flows, &key);
    if (!flow)
        return SC_R_PASS_UNKNOWN_FLOW;
    if (ihl != 20)
        return SC_R_DECLINE_IP_OPTIONS;
    udp_len = bpf_ntohs(udp->len);
    if (udp_len < 8 || l4_off + udp_len > skb->len)
        return SC_R_DECLINE_TRUNCATED;
    if (!s)
        return SC_R_PASS_NOT_UDP;
    s->publisher_id = flow->publisher_id;
    s->family = key.family;
    s->l4_off = l4_off;
    s->srtp_len = udp_len - 8;
    return SC_R_MAX;
}

/* Restores the original frame after the clones were built in place. */
static __always_inline void sc_restore(struct __sk_buff *skb, struct sc_scratch *s)
{
    __u32 len = s->frame_len;

    if (len < 14 || len > SC_MAX_FRAME)
        return;
    if (s->cur_len != len && bpf_skb_change_tail(skb, len, 0)) {
        sc_count(SC_R_RESTORE_FAILED);
        return;
    }
    if (bpf_skb_store_bytes(skb, 0, sc_row(s, SC_ROW_FRAME, 0), len, 0))
        sc_count(SC_R_RESTORE_FAILED);
}

static __always_inline int sc_ingress(struct __sk_buff *skb, struct sc_scratch *s)
{
    struct sc_stream_config *cfg;
    struct sc_stream_state *st;
    struct sc_stream_legs *legs;
    struct sc_stream_key skey;
    __u32 r, i, len, ok = 0;
    __u8 b[2];

    r = sc_parse_flow(skb);
    if (r != SC_R_MAX) {
        sc_count(r);
        return TC_ACT_OK;
    }
    struct {
        __u32 publisher_id, family, l4_off, srtp_len;
    } p = {s->publisher_id, s->family, s->l4_off & 0xff, s->srtp_len & 0xffff};
    /* RFC 7983 demultiplexing: RTP/RTCP first byte 128..191; RTCP payload
     * types 192..223 (RFC 5761 §4). */
    if (p.srtp_len < 1 || bpf_skb_load_bytes(skb, p.l4_off + 8, b, 1)) {
        sc_count(SC_R_PASS_NOT_RTP);
        return TC_ACT_OK;
    }
    if (b[0] < 128) {
        sc_count(SC_R_PASS_NOT_RTP);
        return TC_ACT_OK;
    }
    if (b[0] >= 192) {
        sc_count(SC_R_DECLINE_BAD_VERSION);
        return TC_ACT_OK;
    }
    if (p.srtp_len < 12) {
        sc_count(SC_R_DECLINE_TRUNCATED);
        return TC_ACT_OK;
    }
    if (bpf_skb_load_bytes(skb, p.l4_off + 8 + 1, b, 1))
        return TC_ACT_OK;
    if (b[0] >= 192 && b[0] <= 223) {
        sc_count(SC_R_PASS_RTCP);
        return TC_ACT_OK;
    }
    if (bpf_skb_load_bytes(skb, p.l4_off + 8 + 8, &skey.ssrc, 4))
        return TC_ACT_OK;
    skey.ssrc = bpf_ntohl(skey.ssrc);
    skey.publisher_id = p.publisher_id;
    cfg = bpf_map_lookup_elem(&sc_stream_configs, &skey);
    st = bpf_map_lookup_elem(&sc_stream_states, &skey);
    if (!cfg || !st) {
        sc_count(SC_R_PASS_UNKNOWN_SSRC);
        return TC_ACT_OK;
    }
    len = skb->len;
    if (len > SC_MAX_FRAME || p.srtp_len > SC_MAX_SRTP) {
        sc_count(SC_R_DECLINE_OVERSIZED);
        st->declined++;
        return TC_ACT_OK;
    }
    if (len < 14 || bpf_skb_load_bytes(skb, 0, sc_row(s, SC_ROW_FRAME, 0), len))
        return TC_ACT_OK;
    s->frame_len = len;
    s->cur_len = len;
    s->family = p.family;
    s->l4_off = p.l4_off;
    s->srtp_off = p.l4_off + 8;
    s->srtp_len = p.srtp_len;
    s->clones = 0;
    s->leg_errors = 0;
    s->modified = 0;

    r = sc_verify_and_decrypt(skb, skey.publisher_id, skey.ssrc);
    if (r != SC_R_MAX) {
        sc_count(r);
        st->declined++;
        return TC_ACT_OK;
    }
    st->packets++;

    legs = 0;
    if (cfg->legs_slot) {
        __u32 slot = cfg->legs_slot - 1;
        legs = bpf_map_lookup_elem(&sc_stream_legs_map, &slot);
        if (legs && (legs->publisher_id != skey.publisher_id || legs->ssrc != skey.ssrc))
            legs = 0;
    }
    if (legs) {
        for (i = 0; i < SC_MAX_LEGS; i++) {
            if (i >= legs->count)
                break;
            sc_forward_leg(skb, legs->leg_id[i]);
        }
    }
    if (s->modified)
        sc_restore(skb, s);
    /* A leg whose clone failed (the egress queue was full, say) lost this
     * packet as on a congested link: its errors counter says so and a NACK
     * repairs it. The window still marks the packet as the kernel's, or the
     * user path would send it again to every other leg of the stream. */
    if (s->clones) {
        sc_count(SC_R_FORWARDED);
        ok = 1;
    }
    sc_mark_forwarded(st, s->in_index, ok);
    return TC_ACT_OK;
}

/* The scratch is per CPU, so two runs on one CPU must never overlap: the
 * second would rewrite the first one's packet copy, index and headers in
 * the middle of its legs loop. Softirq runs do not nest on a CPU, but on
 * PREEMPT_RT kernels BPF programs run preemptible (migration disabled
 * only), so one run can be preempted by another. A run that finds the
 * scratch held passes its packet up untouched (user space forwards it) and
 * counts "reentered"; none were seen on the Debian kernel here. */
SEC("tc")
int swiftcall_ingress(struct __sk_buff *skb)
{
    struct sc_scratch *s = sc_scratch_get();
    int verdict;

    if (!s)
        return TC_ACT_OK;
    if (__sync_fetch_and_add(&s->busy, 1)) {
        __sync_fetch_and_sub(&s->busy, 1);
        sc_count(SC_R_REENTERED);
        return TC_ACT_OK;
    }
    verdict = sc_ingress(skb, s);
    __sync_fetch_and_sub(&s->busy, 1);
    return verdict;
}
