// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * swiftcall_tx.bpf.c - the sealed fan-out's transmitter (DESIGN.md section 1).
 *
 * The plugin has already decided, rewritten and sealed every leg of one
 * publisher packet and written each leg's whole frame (Ethernet, IP, UDP,
 * SRTP) into a slot of sc_tx_ring through mmap. User space then runs this
 * program once, with BPF_PROG_RUN, on a small template frame; the program
 * copies slot after slot into that skb and clones it to the slot's
 * interface. So a batch costs one kernel entry, not one syscall per leg.
 * Chosen over XDP live frames and AF_PACKET/sendmmsg by the transmitter
 * bench (docs/KERNEL-DATAPATH.md, "Transmitter: measured and chosen").
 *
 * The program never guesses: it sends the bytes user space wrote, to the
 * interface user space named, and writes back what happened to each slot
 * (sc_tx_slot.result) and counts it per reason (sc_tx_counters).
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>

// After linux/bpf.h, whose types the helper prototypes use.
#include <bpf/bpf_helpers.h>

#include "swiftcall_abi.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Sized at load from the plugin's tx_ring_slots (bpf_map__set_max_entries). */
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(map_flags, BPF_F_MMAPABLE);
    __uint(max_entries, SC_TX_SLOTS_DEFAULT);
    __type(key, __u32);
    __type(value, struct sc_tx_slot);
} sc_tx_ring SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, SC_TX_RESULT_MAX);
    __type(key, __u32);
    __type(value, __u64);
} sc_tx_counters SEC(".maps");

/* The ring's size, set with the map's before load. */
const volatile __u32 ring_slots = SC_TX_SLOTS_DEFAULT;

static __always_inline void count_result(__u32 result) {
    __u64* c = bpf_map_lookup_elem(&sc_tx_counters, &result);

    /* Per-CPU value, and a run does not migrate: a plain add is exact. */
    if (c) *c += 1;
}

struct tx_walk {
    struct __sk_buff* skb;
    __u32 first;
};

/* Builds the slot's frame in the skb and clones it out. */
static __always_inline __u32 send_slot(struct __sk_buff* skb, struct sc_tx_slot* s) {
    __u32 len = s->len;

    if (len < SC_TX_MIN_FRAME || len > SC_TX_SLOT_DATA) return SC_TX_DROP_LENGTH;
    if (skb->len != len && bpf_skb_change_tail(skb, len, 0)) return SC_TX_DROP_RESIZE;
    /* After a clone the skb's data is shared with it: this store un-shares
     * (copies) it first, so an earlier clone keeps its own bytes. */
    if (bpf_skb_store_bytes(skb, 0, s->data, len, 0)) return SC_TX_DROP_STORE;
    if (bpf_clone_redirect(skb, s->ifindex, 0)) return SC_TX_DROP_REDIRECT;
    return SC_TX_SENT;
}

static long send_one(__u32 k, void* arg) {
    struct tx_walk* w = arg;
    __u32 i = w->first + k;

    /* first < ring_slots and k < ring_slots (checked below), so one
     * subtraction wraps. */
    if (i >= ring_slots) i -= ring_slots;
    struct sc_tx_slot* s = bpf_map_lookup_elem(&sc_tx_ring, &i);
    if (!s) return 1;
    __u32 result = send_slot(w->skb, s);
    s->result = result;
    count_result(result);
    return 0;
}

SEC("tc")
int sc_tx(struct __sk_buff* skb) {
    struct tx_walk w = {.skb = skb, .first = skb->cb[SC_TX_CB_FIRST]};
    __u32 n = skb->cb[SC_TX_CB_COUNT];

    if (n > SC_TX_MAX_BATCH || n > ring_slots || w.first >= ring_slots) {
        count_result(SC_TX_DROP_BATCH);
        return TC_ACT_SHOT;
    }
    bpf_loop(n, send_one, &w, 0);
    /* The template itself goes nowhere. */
    return TC_ACT_SHOT;
}
