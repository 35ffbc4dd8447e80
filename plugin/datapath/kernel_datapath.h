// KernelDatapath: the one owner of the SwiftCall TC program and its maps.
//
// Lifecycle: open() loads and verifies the program (throws DatapathError);
// attach(ifname) hooks it on TC ingress through a tcx link held by this
// object, so the kernel detaches it when the object or the process dies;
// the destructor detaches everything and frees the maps.
//
// Map writes are whole-value replacements of BPF_F_NO_PREALLOC hash elements
// (see bpf/sc_maps.bpf.h), so a running program never sees a half-written
// flow, stream or leg. remove_leg() returns only after every program run that
// could still see the leg has finished (RCU grace period).
//
// No Janus, GLib or libbpf types in this header: the plugin includes it.
// Not thread-safe: call it from one control thread.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "datapath/datapath_error.h"
#include "datapath/srtp_keys.h"
#include "swiftcall_abi.h"

namespace swiftcall::datapath {

// A UDP 5-tuple. Addresses in network order (4 bytes used for IPv4), ports
// in host order.
struct UdpTuple {
    uint8_t family = SC_AF_INET;
    std::array<uint8_t, 16> saddr{};
    std::array<uint8_t, 16> daddr{};
    uint16_t sport = 0;
    uint16_t dport = 0;
};

struct LegParams {
    uint32_t ifindex = 0;           // egress interface for the clone
    std::array<uint8_t, 6> smac{};  // Ethernet source/destination of the clone
    std::array<uint8_t, 6> dmac{};
    UdpTuple tuple;  // egress source (Janus) -> subscriber
    uint8_t ttl = 64;
    uint32_t ssrc = 0;                    // subscriber-facing SSRC
    uint64_t index_delta = 0;             // out SRTP index = in index + delta (mod 2^48)
    uint32_t ts_delta = 0;                // out timestamp = in timestamp + delta
    std::optional<uint8_t> payload_type;  // subscriber PT (0..127); none keeps the publisher's
    std::array<uint8_t, SC_EXT_IDS> ext_map{};  // in ext id -> out id, 0 = blank
    SrtpMaster out;                             // the subscriber's outbound master key/salt
    bool enabled = true;
};

struct LegCounters {
    uint64_t packets = 0, bytes = 0, errors = 0;
    uint64_t keystream_hits = 0;  // clones that used a prefilled keystream
    // Publisher in index of the first / last packet cloned to the leg.
    std::optional<uint64_t> first_in_index, last_in_index;
};

struct ForwardedWindow {
    uint64_t highest_index = 0;   // highest SRTP index marked
    std::vector<uint64_t> slots;  // slot index % 1024 == index + 1: the kernel cloned it
    bool forwarded(uint64_t index) const;
};

struct OpenOptions {
    // Benchmarks only: the program accepts replayed packets, so that one
    // packet can be run repeatedly. Never set this in the plugin.
    bool bench_allow_replay = false;
    // Legs that get a keystream ring (64 slots of 1.4 KB: 92 KB each, mapped
    // when the program loads); other legs run AES in the program. 0..
    // SC_KS_RINGS_MAX; 0 turns the user-space keystreams off.
    uint32_t keystream_legs = SC_KS_RINGS;
};

class KernelDatapath {
  public:
    static std::unique_ptr<KernelDatapath> open(const OpenOptions& options = {});
    ~KernelDatapath();
    KernelDatapath(const KernelDatapath&) = delete;
    KernelDatapath& operator=(const KernelDatapath&) = delete;

    // TC ingress on the named interface (tcx link; see docs/KERNEL-DATAPATH.md).
    void attach(const std::string& ifname);
    void detach(const std::string& ifname);
    // "tcx" (dies with the process), "clsact" (fallback before Linux 6.6,
    // removed by the destructor or the next attach), or "" if not attached.
    std::string attach_mode(const std::string& ifname) const;

    void add_flow(const UdpTuple& ingress, uint32_t publisher_id);
    void remove_flow(const UdpTuple& ingress);

    // Creates or re-keys a stream; receive state is created zeroed only once.
    void set_stream(uint32_t publisher_id, uint32_t ssrc, const SrtpMaster& in,
                    uint32_t roc_init = 0);
    void remove_stream(uint32_t publisher_id, uint32_t ssrc);
    // Replaces the whole leg list of a stream at once (max SC_MAX_LEGS).
    void set_stream_legs(uint32_t publisher_id, uint32_t ssrc, const std::vector<uint32_t>& legs);

    void set_leg(uint32_t leg_id, const LegParams& leg);
    void set_leg_enabled(uint32_t leg_id, bool enabled);
    // Writes user-space (AES-NI) keystreams for out indices [first, first +
    // count), count <= SC_KS_SLOTS, into the leg's ring (mapped memory, no
    // syscall), so the program XORs instead of running AES for them.
    // Optional: without it, or for a leg beyond SC_KS_RINGS, the program
    // computes the keystream. Out index = publisher index + index_delta.
    void prefill_keystreams(uint32_t leg_id, uint64_t first_out_index, uint32_t count);
    // For every leg of the stream, prefill out indices (highest forwarded + 1
    // .. + ahead) that are not prefilled yet. Returns the number of
    // keystreams written; ahead is capped at SC_KS_SLOTS / 2. The
    // plugin calls it after each publisher packet (KernelMirror::
    // refill_keystreams, under its lock: calls must not run concurrently).
    // packet_len (the RTP packet just seen, 0: unknown) sizes new keystreams
    // to the largest packet of the stream so far; a larger packet later
    // takes the program's AES until the ring has caught up.
    size_t refill_keystreams(uint32_t publisher_id, uint32_t ssrc, uint32_t ahead,
                             uint32_t packet_len = 0);
    // After return, no clone is sent for this leg any more.
    void remove_leg(uint32_t leg_id);

    LegCounters leg_counters(uint32_t leg_id) const;
    std::array<uint64_t, SC_R_MAX> reason_counters() const;
    std::optional<sc_stream_state> stream_state(uint32_t publisher_id, uint32_t ssrc) const;
    ForwardedWindow forwarded_window(uint32_t publisher_id, uint32_t ssrc) const;
    // One index of the window, the per-packet question the user path asks:
    // no ForwardedWindow is built (the map lookup still copies the whole
    // sc_stream_state, as refill_keystreams' does for the same packet).
    bool forwarded(uint32_t publisher_id, uint32_t ssrc, uint64_t index) const;

    // Waits until every program run in flight has finished.
    void synchronize();

    int program_fd() const;  // for BPF_PROG_TEST_RUN in tests and benches
    std::string verifier_stats() const;

  private:
    struct Impl;
    explicit KernelDatapath(std::unique_ptr<Impl> impl);
    void push_legs(uint32_t publisher_id, uint32_t ssrc);
    void push_lists_with(uint32_t leg_id);
    void replace_leg(uint32_t leg_id, const sc_leg& value);
    std::unique_ptr<Impl> impl_;
};

// Converts a leg description into the map value (pure; testable without BPF).
sc_leg make_leg_value(const LegParams& leg);
sc_flow_key make_flow_key(const UdpTuple& t);

}  // namespace swiftcall::datapath
