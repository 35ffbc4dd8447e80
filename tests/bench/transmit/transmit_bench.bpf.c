// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * transmit_bench.bpf.c - three ways for one kernel entry to send N finished
 * datagrams that user space wrote into an mmap'd array (the sealed fan-out's
 * transmitter, DESIGN.md section 1), plus the peer-side XDP programs.
 *
 *   tx_tc:   SEC("tc"), run once per batch by BPF_PROG_RUN on a small
 *            template skb; per leg: resize the skb, store datagram i,
 *            bpf_clone_redirect to the veth (egress).
 *   tx_xdp:  SEC("xdp"), run `legs` times by BPF_PROG_RUN with
 *            BPF_F_TEST_XDP_LIVE_FRAMES; run k sends datagram k.
 *   peer_drop / peer_tc_drop: on the receiving veth end (XDP, TC ingress);
 *            count and drop, so the receive side costs as little as it can.
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

// After linux/bpf.h, whose types the helper prototypes use.
#include <bpf/bpf_helpers.h>

#include "transmit_bench.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(map_flags, BPF_F_MMAPABLE);
    __uint(max_entries, TB_MAX_LEGS);
    __type(key, __u32);
    __type(value, struct tb_slot);
} legs SEC(".maps");

/* Written by user space (mmap'd .bss) before a batch. */
volatile __u32 n_legs;
volatile __u32 tx_ifindex;
/* Next leg for tx_xdp. One BPF_PROG_RUN at a time runs it, on one CPU
 * (the test run disables migration), so a plain increment is enough. */
volatile __u32 xdp_cursor;
struct tb_stats stats;

struct tc_loop {
    struct __sk_buff* skb;
    __u32 ifindex;
    __u32 sent;
    __u32 failed;
    long last_err;
};

static long tc_one_leg(__u32 i, void* arg) {
    struct tc_loop* c = arg;
    struct __sk_buff* skb = c->skb;
    struct tb_slot* s = bpf_map_lookup_elem(&legs, &i);
    long err;

    if (!s) return 1;
    __u32 len = s->len;
    if (len < TB_MIN_LEN || len > TB_SLOT_DATA) {
        c->failed++;
        c->last_err = -22;
        return 0;
    }
    if (skb->len != len) {
        err = bpf_skb_change_tail(skb, len, 0);
        if (err) goto fail;
    }
    /* After a clone the data is shared: this store un-shares it (copy). */
    err = bpf_skb_store_bytes(skb, 0, s->data, len, 0);
    if (err) goto fail;
    err = bpf_clone_redirect(skb, c->ifindex, 0);
    if (err) goto fail;
    c->sent++;
    return 0;
fail:
    c->failed++;
    c->last_err = err;
    return 0;
}

SEC("tc")
int tx_tc(struct __sk_buff* skb) {
    struct tc_loop c = {.skb = skb, .ifindex = tx_ifindex};
    __u32 n = n_legs;

    if (n > TB_MAX_LEGS) n = TB_MAX_LEGS;
    bpf_loop(n, tc_one_leg, &c, 0);
    stats.tc_sent += c.sent;
    stats.tc_failed += c.failed;
    if (c.failed) stats.tc_last_err = c.last_err;
    return TC_ACT_SHOT;
}

/* The netns's loopback: a live-frames BPF_PROG_RUN without ctx_in runs
 * on its rx queue. */
#define TB_LOOPBACK_IFINDEX 1

SEC("xdp")
int tx_xdp(struct xdp_md* ctx) {
    __u32 n = n_legs;
    __u32 i;
    long err;

    /* Also attached (generic mode) to an idle device only to keep it in the
     * kernel's XDP dispatcher (see TxLab::pin_xdp); a frame that really
     * arrives there is not ours to rewrite. */
    if (ctx->ingress_ifindex != TB_LOOPBACK_IFINDEX) return XDP_PASS;
    i = xdp_cursor;

    xdp_cursor = i + 1;
    if (!n) return XDP_DROP;
    if (i >= n) i %= n;
    struct tb_slot* s = bpf_map_lookup_elem(&legs, &i);
    if (!s) return XDP_DROP;
    __u32 len = s->len;
    if (len < TB_MIN_LEN || len > TB_SLOT_DATA) {
        err = -22;
        goto fail;
    }
    int cur = (int)(ctx->data_end - ctx->data);
    if (cur != (int)len) {
        err = bpf_xdp_adjust_tail(ctx, (int)len - cur);
        if (err) goto fail;
    }
    err = bpf_xdp_store_bytes(ctx, 0, s->data, len);
    if (err) goto fail;
    stats.xdp_sent++;
    return bpf_redirect(tx_ifindex, 0);
fail:
    stats.xdp_failed++;
    stats.xdp_last_err = err;
    return XDP_DROP;
}

SEC("tc")
int peer_tc_drop(struct __sk_buff* skb) {
    (void)skb;
    __sync_fetch_and_add(&stats.peer_seen, 1);
    return TC_ACT_SHOT;
}

SEC("xdp")
int peer_drop(struct xdp_md* ctx) {
    (void)ctx;
    __sync_fetch_and_add(&stats.peer_seen, 1);
    return XDP_DROP;
}
