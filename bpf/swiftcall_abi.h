/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * swiftcall_abi.h - the one declaration of every map key/value and constant
 * shared by the TC program (clang -target bpf) and the C++ control plane (g++).
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

/* Largest SRTP datagram (UDP payload) the kernel serves; larger ones are
 * declined and left to user space (invariant 3). */
#define SC_MAX_SRTP 1400
/* Largest whole frame (Ethernet + IPv6 + UDP + SRTP) the program copies. */
#define SC_MAX_FRAME 1472
/* Scratch buffers are power-of-two sized so offsets can be masked for the
 * verifier; SC_BUF_SLACK lets a 64-byte block read start at any masked offset. */
#define SC_BUF_SIZE 2048
#define SC_BUF_MASK (SC_BUF_SIZE - 1)
#define SC_BUF_SLACK 128

#define SC_MAX_LEGS 1024       /* legs per publisher stream */
#define SC_MAX_STREAMS 4096    /* (publisher, SSRC) pairs */
#define SC_MAX_FLOWS 4096      /* ingress 5-tuples */
#define SC_MAX_EXT_BYTES 128   /* header-extension bytes the program rewrites */
#define SC_EXT_IDS 16          /* one-byte header ids 1..14 (RFC 8285) */
#define SC_REPLAY_WINDOW 64    /* packets, as libsrtp's minimum */
#define SC_FWD_WINDOW_BITS 1024

/* SRTP protection profiles (values as in RFC 5764 / IANA DTLS-SRTP ids). */
#define SC_PROFILE_NONE 0
#define SC_PROFILE_AES128_CM_SHA1_80 0x0001
#define SC_PROFILE_AES128_CM_SHA1_32 0x0002
#define SC_PROFILE_AEAD_AES_128_GCM 0x0007
#define SC_PROFILE_AEAD_AES_256_GCM 0x0008

#define SC_AF_INET 2
#define SC_AF_INET6 10

/* Per-reason counters (per-CPU array index). PASS_* are not errors: they count
 * traffic the program deliberately left to the stack untouched. */
enum sc_reason {
    SC_R_PASS_NOT_UDP = 0,
    SC_R_PASS_UNKNOWN_FLOW,
    SC_R_PASS_NOT_RTP, /* STUN, DTLS, anything outside 128..191 */
    SC_R_PASS_RTCP,
    SC_R_PASS_UNKNOWN_SSRC,
    SC_R_DECLINE_TRUNCATED,
    SC_R_DECLINE_BAD_VERSION,
    SC_R_DECLINE_BAD_HEADER, /* CSRC/extension/padding past the end */
    SC_R_DECLINE_OVERSIZED,
    SC_R_DECLINE_AUTH, /* forged or corrupted tag */
    SC_R_DECLINE_REPLAY,
    SC_R_DECLINE_PROFILE, /* profile the kernel does not implement */
    SC_R_DECLINE_IP_OPTIONS,
    SC_R_LEG_DISABLED,
    SC_R_LEG_MISSING,
    SC_R_LEG_ERROR, /* a helper failed while building one clone */
    SC_R_FORWARDED,  /* publisher packets forwarded to >= 1 leg */
    SC_R_CLONES,     /* clones sent */
    SC_R_RESTORE_FAILED,
    SC_R_KS_RACE, /* a keystream slot was rewritten while in use: clone dropped */
    SC_R_REENTERED, /* a run started while another held this CPU's scratch: passed up */
    SC_R_MAX,
};

/* Ingress flow as seen on the publisher-facing interface. IPv4 addresses sit
 * in the first 4 bytes of the 16-byte fields, the rest zero. */
struct sc_flow_key {
    __u8 family; /* SC_AF_INET / SC_AF_INET6 */
    __u8 pad0[7]; /* the flow is matched on any interface the program is on */
    __u8 saddr[16];
    __u8 daddr[16];
    __be16 sport;
    __be16 dport;
    __u32 pad1;
};

struct sc_flow_value {
    __u32 publisher_id;
    __u32 pad0;
};

/* Session crypto material for one direction of one SRTP context, derived in
 * user space (SRTP KDF, RFC 3711 §4.3 / RFC 7714 §11). AES round keys are
 * big-endian words as in FIPS-197 key expansion. */
struct sc_srtp_key {
    __u32 profile;  /* SC_PROFILE_* */
    __u32 rounds;   /* 10 (AES-128) or 14 (AES-256) */
    __u32 tag_len;  /* 10, 4 or 16 bytes */
    __u32 pad0;
    __u32 rk[60];    /* expanded session encryption key */
    __u8 salt[16];   /* session salt: 14 bytes (CM) or 12 bytes (GCM) */
    __u32 ipad[5];   /* SHA-1 state after (auth_key ^ ipad) block (CM) */
    __u32 opad[5];   /* SHA-1 state after (auth_key ^ opad) block (CM) */
    /* GCM: 8-bit Shoup tables of H ([0]) and H^2 ([1]), big-endian halves.
     * H^2 lets the program absorb two blocks per multiplication chain:
     * Y' = (Y ^ X1) * H^2 ^ X2 * H shares one shift-and-reduce chain. */
    __u64 ghash[2][256][2];
};

struct sc_stream_key {
    __u32 publisher_id;
    __u32 ssrc; /* host order */
};

/* Configuration of one publisher stream; replaced whole by user space. */
struct sc_stream_config {
    struct sc_srtp_key in; /* inbound (publisher) key */
    __u32 roc_init;         /* ROC to assume for the first packet */
    __u32 legs_slot;        /* sc_stream_legs_map index + 1 (0: no list yet) */
};

/* Mutable receive state of one stream, written only by the program once
 * user space created it (zeroed). */
struct sc_stream_state {
    __u64 highest_index; /* 48-bit SRTP index of the highest authenticated packet */
    __u64 replay_bits;   /* bit k: index highest_index - k was seen */
    __u32 started;       /* 0 until the first authenticated packet */
    __u32 pad0;
    /* Forwarded window: slot (index % SC_FWD_WINDOW_BITS) holds index + 1
     * when the kernel cloned the packet with that index to the stream's legs,
     * 0 when it saw it and cloned nothing. One 64-bit store per packet and
     * no clearing: runs on two CPUs at once (a multi-threaded sender over a
     * veth, for one) write different slots, so no mark is lost, and a slot
     * holding another index says nothing about this one. */
    __u64 fwd_slot[SC_FWD_WINDOW_BITS];
    __u64 fwd_highest;   /* highest index marked (informational, racy) */
    __u64 packets;
    __u64 declined;
};

/* The list of legs a stream fans out to: an array slot owned by one stream
 * for its whole life, rewritten in place. A run that reads it while user
 * space rewrites it can see old and new ids mixed, but only ever legs of
 * this stream (each clone is then right for its leg); the stream key in the
 * slot lets the program refuse a slot that is not its stream's. Hash map
 * values are not safe for this: since Linux 6.1 a replaced element of a
 * hash map can be reused for another key at once (SLAB_TYPESAFE_BY_RCU),
 * while a run still reads it. */
struct sc_stream_legs {
    __u32 publisher_id;
    __u32 ssrc;
    __u32 count;
    __u32 pad0;
    __u32 leg_id[SC_MAX_LEGS];
};

/* One subscriber leg: where and how to send the clone. */
struct sc_leg {
    __u32 enabled;
    __u32 ifindex; /* egress interface for bpf_clone_redirect */
    __u8 family;   /* SC_AF_INET / SC_AF_INET6 */
    __u8 ttl;      /* IPv4 TTL / IPv6 hop limit of the clone */
    /* SC_PT_REWRITE | the subscriber's payload type, or 0 to keep the
     * publisher's: subscriber SDPs use fixed PTs (plugin/media/payload_types)
     * while publishers pick their own (aiortc/pion: VP8 97/96). */
    __u8 payload_type;
    __u8 pad0;
    __u8 smac[6];
    __u8 dmac[6];
    __u8 saddr[16];
    __u8 daddr[16];
    __be16 sport;
    __be16 dport;
    __u32 ssrc;        /* host order */
    __u64 index_delta; /* out index = (in index + delta) mod 2^48 */
    __u32 ts_delta;    /* out timestamp = in timestamp + delta (mod 2^32) */
    __u8 ext_map[SC_EXT_IDS]; /* in id -> out id; 0 = blank to padding */
    /* Keystream ring of this leg (1-based, 0 = none) and the owner tag its
     * slots must carry: user space draws a fresh tag whenever it sets the
     * leg, so a program run still holding an earlier key never takes a
     * keystream made for the new one, nor the other way round. */
    __u32 ks_ring;
    __u32 ks_owner;
    /* The caller's leg id, which keys sc_leg_stats_map. sc_legs values are
     * never replaced: each change is a new element under a new kernel id,
     * and the old one is deleted only after an RCU grace period that
     * follows the lists' switch to the new id (see sc_stream_legs). */
    __u32 stats_id;
    struct sc_srtp_key out;
};

/* Optional keystreams precomputed in user space (AES-NI) for one leg and one
 * SRTP index: the program XORs instead of running AES when slot
 * (ks_ring - 1) * SC_KS_SLOTS + index % SC_KS_SLOTS of sc_keystreams holds
 * exactly its index and owner tag; otherwise it computes the keystream
 * itself, so a missing or late slot costs speed, never correctness. The MAC
 * always runs in the program (it depends on content).
 *
 * sc_keystreams is an mmap-able array that user space writes in place, with
 * no syscall per packet (the earlier hash map's batched updates were Janus's
 * biggest kernel cost in the fan-out bench). One writer per slot, seqlock
 * style: `seq` is odd while a slot is being written; the program reads seq
 * before and after using a slot and discards the clone if it changed. */
#define SC_PT_REWRITE 0x80 /* sc_leg.payload_type: rewrite to the low 7 bits */

#define SC_KS_SLOTS 64       /* per leg; user space fills at most half ahead */
#define SC_KS_RINGS_MAX 4096 /* rings the map may have (sized at load) */
#define SC_KS_RINGS 512      /* default: legs with a ring (others: AES in BPF) */
#define SC_KS_BYTES 1408 /* 88 blocks >= SC_MAX_SRTP */

struct sc_keystream {
    __u64 index;   /* the 48-bit SRTP index this keystream is for */
    __u32 owner;   /* sc_leg.ks_owner of the leg key it was made with */
    __u32 seq;     /* odd while user space writes the slot */
    /* Keystream bytes written (a multiple of 16, <= SC_KS_BYTES): sized to
     * the stream's largest packet, so audio legs cost a tenth of video. */
    __u32 len;
    __u32 pad0;
    __u8 ej0[16];  /* GCM: E(K, J0) for the tag; unused for AES-CM */
    __u8 ks[SC_KS_BYTES]; /* payload keystream: CM blocks 0.., GCM counters 2.. */
};

/* Per-leg counters (per-CPU hash keyed by leg id). */
struct sc_leg_stats {
    __u64 packets;
    __u64 bytes;
    __u64 errors;
    __u64 ks_hits; /* clones whose keystream came from user space */
    /* Publisher in index + 1 of the first and of the last packet cloned to
     * this leg on this CPU (0: none yet). User space hands a leg over at
     * exactly these indices: the stream's highest index can run ahead of
     * what this leg got while its legs list changes (DESIGN §4.2). */
    __u64 first_in;
    __u64 last_in;
};

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
#define SC_TX_MAX_BATCH 1024  /* slots one run sends (= SC_MAX_LEGS) */
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
static_assert(sizeof(struct sc_flow_key) == 48, "ABI: sc_flow_key");
static_assert(sizeof(struct sc_flow_value) == 8, "ABI: sc_flow_value");
static_assert(sizeof(struct sc_srtp_key) == 16 + 240 + 16 + 40 + 8192, "ABI: sc_srtp_key");
static_assert(sizeof(struct sc_stream_key) == 8, "ABI: sc_stream_key");
static_assert(sizeof(struct sc_stream_config) == sizeof(struct sc_srtp_key) + 8,
              "ABI: sc_stream_config");
static_assert(sizeof(struct sc_stream_state) == 24 + 8 * SC_FWD_WINDOW_BITS + 24, "ABI: sc_stream_state");
static_assert(sizeof(struct sc_stream_legs) == 16 + 4 * SC_MAX_LEGS, "ABI: sc_stream_legs");
static_assert(sizeof(struct sc_leg) == 104 + sizeof(struct sc_srtp_key), "ABI: sc_leg");
static_assert(sizeof(struct sc_leg_stats) == 48, "ABI: sc_leg_stats");
static_assert(sizeof(struct sc_keystream) == 40 + SC_KS_BYTES, "ABI: sc_keystream");
static_assert(sizeof(struct sc_tx_slot) == 16 + SC_TX_SLOT_DATA, "ABI: sc_tx_slot");
static_assert(sizeof(struct sc_tx_slot) % 8 == 0, "ABI: sc_tx_slot alignment");
#endif

#endif /* SWIFTCALL_ABI_H */
