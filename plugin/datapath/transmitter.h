// Transmitter: the one owner of the sealed fan-out's transmit program
// (bpf/swiftcall_tx.bpf.c) and its datagram ring (sc_tx_ring).
//
// The sealer writes each leg's whole frame into a ring slot through the
// mapping slot() returns (no syscall per leg); transmit() then sends a batch
// of slots with one BPF_PROG_RUN and reads back what happened to each.
// Counters per result (sent and each drop reason) are per-CPU in the kernel
// and summed by counters().
//
// Thread-safe: transmit() and counters() may run on any number of threads at
// once (each run names its own batch; the ring's claims keep batches apart).
// No Janus, GLib or libbpf types in this header.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "datapath/datagram_ring.h"
#include "datapath/datapath_error.h"
#include "swiftcall_abi.h"

namespace swiftcall::datapath {

struct TransmitResult {
    uint32_t sent = 0;
    uint32_t dropped = 0;  // slots whose result is a drop reason
    std::string error;     // the run as a whole failed: no slot was sent
};

class Transmitter {
  public:
    // Loads and verifies the program with a ring of `ring_slots` slots
    // (1..SC_TX_SLOTS_MAX; sizeof(sc_tx_slot) bytes each, mapped here).
    // Throws DatapathError when the kernel refuses, std::invalid_argument
    // for a size out of range.
    static std::unique_ptr<Transmitter> open(uint32_t ring_slots = SC_TX_SLOTS_DEFAULT);
    ~Transmitter();
    Transmitter(const Transmitter&) = delete;
    Transmitter& operator=(const Transmitter&) = delete;

    DatagramRing& ring() { return ring_; }
    uint32_t capacity() const { return ring_.capacity(); }
    // Slot i of the ring (i < capacity()), in memory shared with the program.
    sc_tx_slot& slot(uint32_t i);

    // Sends slots ring().slot(batch, 0 .. count - 1) in one kernel entry. On
    // return each slot's result is an sc_tx_result, or SC_TX_RESULT_PENDING
    // when the run itself failed (TransmitResult::error).
    TransmitResult transmit(const RingBatch& batch);

    // Totals per sc_tx_result over all CPUs since open().
    std::array<uint64_t, SC_TX_RESULT_MAX> counters() const;
    // "sent", "frame_length", ...: the counter names of SC_TX_RESULTS.
    static const char* result_name(uint32_t result);

  private:
    struct Impl;
    Transmitter(std::unique_ptr<Impl> impl, uint32_t ring_slots);
    std::unique_ptr<Impl> impl_;
    DatagramRing ring_;
};

}  // namespace swiftcall::datapath
