// Where the fan-out hands a kernel-served leg's packet (DESIGN §1): the same
// decision and header rewrite as the relay path, only the last step
// differs. SealedSender implements it with the sealer and the transmit
// program; tests implement it with a recorder.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "api/json.h"

namespace swiftcall::fanout {

class SealedLeg;

class SealedLegSender {
  public:
    virtual ~SealedLegSender() = default;
    // Per thread: one publisher packet's batch is begin(), add()..., flush(),
    // all on the calling thread. `legs` bounds the add() calls that follow.
    virtual void begin(size_t legs) = 0;
    // The leg's packet for `publisher_rtp` (the publisher's plaintext as
    // the plugin received it) at publisher index `in_index`. true: taken, so do not relay
    // it (queued, or dropped and counted against the leg, e.g. a full ring:
    // a NACK repairs it). false: the leg cannot carry this packet (its
    // rewrite declines it); relay it, which is safe because a NACK for it
    // is declined the same way (never two different packets at one index).
    virtual bool add(const std::shared_ptr<SealedLeg>& leg, std::span<const uint8_t> publisher_rtp,
                     uint64_t in_index) = 0;
    // A leg whose packets the fan-out numbers itself (simulcast: no delta
    // maps its index to the publisher's): `rtp` is the packet as relay_rtp
    // would get it, to be sealed at `out_index`. Returns as add().
    virtual bool add_rewritten(const std::shared_ptr<SealedLeg>& leg, std::span<const uint8_t> rtp,
                               uint64_t out_index) = 0;
    // Sends what add() queued on this thread.
    virtual void flush() = 0;
    // Admin "datapath" view of the sender (ring, runs, per-reason counts).
    virtual api::Json describe() const = 0;
};

}  // namespace swiftcall::fanout
