/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Per-CPU scratch space of one program run: the BPF stack is 512 bytes, so
 * packet copies, keys and parse results live here. Private to the program. */
#ifndef SC_SCRATCH_BPF_H
#define SC_SCRATCH_BPF_H

#include "swiftcall_abi.h"

enum sc_buf_row {
    SC_ROW_FRAME = 0, /* the original frame, restored after the last clone */
    SC_ROW_PLAIN = 1, /* RTP header + decrypted payload (offset 0 = RTP) */
    SC_ROW_OUT = 2,   /* one leg's SRTP datagram */
    SC_ROW_AUX = 3,   /* HMAC outer block, leg L2-L4 headers */
};

struct sc_scratch {
    __u8 buf[4][SC_BUF_SIZE + SC_BUF_SLACK];
    __u32 rk[60]; /* round keys of the AES key in use */
    __u64 ghash_ab[2]; /* GHASH: Y ^ X of the block(s) in progress, as bytes */
    __u32 rounds;
    __u8 tag_in[16]; /* the received SRTP tag */
    __u32 frame_len; /* original skb->len */
    __u32 cur_len;   /* skb->len now (a leg with another tag size changes it) */
    __u32 l4_off;    /* UDP header offset in the frame */
    __u32 srtp_off;  /* UDP payload offset in the frame */
    __u32 srtp_len;  /* original UDP payload length */
    __u32 hdr_len;   /* RTP header incl. CSRCs and extension */
    __u32 payload_len;
    __u32 ext_off; /* extension element bytes (after the 4-byte ext header) */
    __u32 ext_len;
    __u32 ext_profile;
    __u32 family;
    __u32 publisher_id;
    __u64 in_index;
    __u32 clones;
    __u32 leg_errors;
    __u32 modified; /* the frame was rewritten: restore it even if no clone left */
    __u32 busy;     /* a run holds this scratch (see swiftcall_ingress) */
};

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct sc_scratch);
} sc_scratch_map SEC(".maps");

static __always_inline struct sc_scratch *sc_scratch_get(void)
{
    __u32 zero = 0;
    return bpf_map_lookup_elem(&sc_scratch_map, &zero);
}

static __always_inline __u8 *sc_row(struct sc_scratch *s, __u32 row, __u32 off)
{
    return &s->buf[row & 3][off & SC_BUF_MASK];
}

#endif
