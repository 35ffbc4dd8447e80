/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * swiftcall_abi.h - the one declaration of every map value and constant
 * shared by the transmit program (clang -target bpf) and the C++ plugin (g++).
 *
 * Rules that keep both compilers agreeing on every byte:
 *   - fixed-width types only (__u8.. from linux/types.h on both sides),
 *   - every hole is an explicit pad field, every struct a multiple of 8 bytes,
 *   - sizes are pinned by static_assert on the C++ side (bottom of file).
 * Multi-byte addresses and ports are stored in network byte order exactly as
 * they appear on the wire; everything else is host order.
 */
#ifndef SWIFTCALL_ABI_H
#define SWIFTCALL_ABI_H

#include <linux/types.h>

/* Largest SRTP packet (UDP payload) a sealed leg sends; a larger one is
 * relayed by Janus instead (invariant 3), counted as sealed_declined. */
#define SC_MAX_SRTP 1400

#define SC_MAX_EXT_BYTES 128 /* header-extension bytes a leg's rewrite relabels */
#define SC_EXT_IDS 16        /* one-byte header ids 1..14 (RFC 8285) */

/* The SRTP protection profiles SwiftCall seals, one row each:
 *   X(name, DTLS-SRTP id (RFC 5764 §4.1.2, RFC 7714 §14.2), OpenSSL's name,
 *     master key bytes, master salt bytes, auth tag bytes, AEAD)
 * CM: 128-bit key, 112-bit salt (RFC 3711); GCM: 96-bit salt (RFC 7714 §12).
 * Every profile table of the C++ side (the sealer's lengths, the bridge's
 * names) is built from this list. */
#define SC_SRTP_PROFILES(X)                                                   \
    X(SC_PROFILE_AES128_CM_SHA1_80, 0x0001, "SRTP_AES128_CM_SHA1_80", 16, 14, 10, 0) \
    X(SC_PROFILE_AES128_CM_SHA1_32, 0x0002, "SRTP_AES128_CM_SHA1_32", 16, 14, 4, 0)  \
    X(SC_PROFILE_AEAD_AES_128_GCM, 0x0007, "SRTP_AEAD_AES_128_GCM", 16, 12, 16, 1)   \
    X(SC_PROFILE_AEAD_AES_256_GCM, 0x0008, "SRTP_AEAD_AES_256_GCM", 32, 12, 16, 1)

#define SC_PROFILE_ENUM_ENTRY(name, id, openssl_name, key, salt, tag, aead) name = id,
enum sc_srtp_profile { SC_PROFILE_NONE = 0, SC_SRTP_PROFILES(SC_PROFILE_ENUM_ENTRY) };
#undef SC_PROFILE_ENUM_ENTRY

/* The SRTP packet index is 48 bits: ROC << 16 | SEQ (RFC 3711 §3.3.1). */
#define SC_SRTP_INDEX_MASK 0xffffffffffffULL

#define SC_AF_INET 2
#define SC_AF_INET6 10

/* Sealed fan-out transmitter (DESIGN §1, swiftcall_tx.bpf.c). The plugin
 * seals each leg's SRTP in user space and writes the whole L2-L4 frame into
 * one slot of sc_tx_ring, an mmap-able array (no syscall per leg); one
 * BPF_PROG_RUN of sc_tx then sends a batch of consecutive slots, each to
 * its own interface, and writes each slot's result back into it. The batch
 * travels in the run's context: __sk_buff cb[SC_TX_CB_FIRST] is the first
 * slot, cb[SC_TX_CB_COUNT] the number of slots (wrapping at the ring's
 * size), so concurrent runs from several publisher threads need no shared
 * state. */
#define SC_TX_SLOT_DATA 1528  /* frame bytes a slot holds (Ethernet..SRTP) */
#define SC_TX_MIN_FRAME 42    /* Ethernet + IPv4 + UDP headers, no payload */
#define SC_TX_MAX_BATCH 1024  /* slots one run sends */
#define SC_TX_SLOTS_DEFAULT 4096 /* 6.3 MB: 4 batches of SC_TX_MAX_BATCH */
#define SC_TX_SLOTS_MAX 65536
#define SC_TX_CB_FIRST 0
#define SC_TX_CB_COUNT 1

/* What the program did with one slot (sc_tx_slot.result, and the index of
 * the per-CPU counter in sc_tx_counters). X(enum name, counter name, why):
 * the C++ side builds its reason names from the same list. */
#define SC_TX_RESULTS(X)                                                          \
    X(SC_TX_SENT, "sent", "cloned to its interface's egress")                    \
    X(SC_TX_DROP_LENGTH, "frame_length", "slot length under 42 or over 1528 B")  \
    X(SC_TX_DROP_RESIZE, "resize", "bpf_skb_change_tail failed")                 \
    X(SC_TX_DROP_STORE, "store", "bpf_skb_store_bytes failed")                   \
    X(SC_TX_DROP_REDIRECT, "redirect", "bpf_clone_redirect failed: no such or down interface, or full queue") \
    X(SC_TX_DROP_BATCH, "batch", "batch longer than SC_TX_MAX_BATCH or the ring")

#define SC_TX_ENUM_ENTRY(name, counter, why) name,
enum sc_tx_result { SC_TX_RESULTS(SC_TX_ENUM_ENTRY) SC_TX_RESULT_MAX };
#undef SC_TX_ENUM_ENTRY
/* Written by user space into result before a run, so a slot the program
 * never reached (a failed run) cannot pass for sent. */
#define SC_TX_RESULT_PENDING 0xffffffffu

struct sc_tx_slot {
    __u32 len;     /* frame bytes in data (user space) */
    __u32 ifindex; /* egress interface (user space) */
    __u32 leg_id;  /* the caller's leg id (user space; the program ignores it) */
    __u32 result;  /* enum sc_tx_result (program) */
    __u8 data[SC_TX_SLOT_DATA];
};

#ifdef __cplusplus
static_assert(sizeof(struct sc_tx_slot) == 16 + SC_TX_SLOT_DATA, "ABI: sc_tx_slot");
static_assert(sizeof(struct sc_tx_slot) % 8 == 0, "ABI: sc_tx_slot alignment");
#endif

#endif /* SWIFTCALL_ABI_H */
