// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
// Layout shared by transmit_bench.bpf.c (clang -target bpf) and the C++
// driver: the leg array the "sealer" writes whole datagrams into, and the
// counters the programs keep. Fixed-width types, explicit sizes.
#pragma once

#include <linux/types.h>

#define TB_MAX_LEGS 1024
#define TB_SLOT_DATA 1528 /* bytes of datagram room per leg (Eth..payload) */
#define TB_MIN_LEN 42     /* Ethernet + IPv4 + UDP headers */

/* One leg: the finished datagram, written by user space through mmap. */
struct tb_slot {
    __u32 len;
    __u32 reserved;
    __u8 data[TB_SLOT_DATA];
};

/* Counters in .bss, read and reset by user space between batches. */
struct tb_stats {
    __u64 tc_sent;   /* bpf_clone_redirect returned 0 */
    __u64 tc_failed; /* a helper failed (last error below) */
    __u64 xdp_sent;  /* XDP_REDIRECT returned */
    __u64 xdp_failed;
    __u64 peer_seen; /* frames the peer's XDP or TC program saw and dropped */
    __s64 tc_last_err;
    __s64 xdp_last_err;
};

#ifdef __cplusplus
static_assert(sizeof(struct tb_slot) == 1536, "tb_slot layout");
static_assert(sizeof(struct tb_stats) == 56, "tb_stats layout");
#else
_Static_assert(sizeof(struct tb_slot) == 1536, "tb_slot layout");
_Static_assert(sizeof(struct tb_stats) == 56, "tb_stats layout");
#endif
