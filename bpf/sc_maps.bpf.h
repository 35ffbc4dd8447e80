/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* The program's maps. Configuration hashes are BPF_F_NO_PREALLOC. Since
 * Linux 6.1 a hash element that an update replaces (or a delete frees) can
 * be reused for another key while a run still reads it, so user space never
 * replaces a value the program may hold across a clone: legs are immutable
 * (new kernel id per change, old one deleted after a grace period), leg
 * lists live in an array slot per stream. Flow and stream config values
 * change only when a publisher (re)keys; a run that reads a reused one
 * fails verification or finds a list slot of another stream, and declines
 * or clones nothing. */
#ifndef SC_MAPS_BPF_H
#define SC_MAPS_BPF_H

#include "swiftcall_abi.h"

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, SC_MAX_FLOWS);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __type(key, struct sc_flow_key);
    __type(value, struct sc_flow_value);
} sc_flows SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, SC_MAX_STREAMS);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __type(key, struct sc_stream_key);
    __type(value, struct sc_stream_config);
} sc_stream_configs SEC(".maps");

/* Written by the program only; created zeroed by user space. */
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, SC_MAX_STREAMS);
    __type(key, struct sc_stream_key);
    __type(value, struct sc_stream_state);
} sc_stream_states SEC(".maps");

/* Indexed by sc_stream_config.legs_slot - 1; see sc_stream_legs. */
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, SC_MAX_STREAMS);
    __type(key, __u32);
    __type(value, struct sc_stream_legs);
} sc_stream_legs_map SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, SC_MAX_STREAMS * 4);
    __uint(map_flags, BPF_F_NO_PREALLOC);
    __type(key, __u32);
    __type(value, struct sc_leg);
} sc_legs SEC(".maps");

/* Written in place by user space through mmap (see sc_keystream). */
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, SC_KS_RINGS * SC_KS_SLOTS); /* resized before load */
    __uint(map_flags, BPF_F_MMAPABLE);
    __type(key, __u32);
    __type(value, struct sc_keystream);
} sc_keystreams SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_HASH);
    __uint(max_entries, SC_MAX_STREAMS * 4);
    __type(key, __u32);
    __type(value, struct sc_leg_stats);
} sc_leg_stats_map SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, SC_R_MAX);
    __type(key, __u32);
    __type(value, __u64);
} sc_reasons SEC(".maps");

/* Never read by the program. User space updates it after removing a leg:
 * a map-in-map update makes the syscall wait for an RCU grace period, i.e.
 * until every program run that could still see the leg has finished. */
struct sc_sync_inner {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, __u32);
} sc_sync_inner_map SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
    __uint(max_entries, 1);
    __type(key, __u32);
    __array(values, struct sc_sync_inner);
} sc_sync SEC(".maps");

static __always_inline void sc_count(__u32 reason)
{
    __u64 *v = bpf_map_lookup_elem(&sc_reasons, &reason);
    if (v)
        *v += 1;
}

#endif
