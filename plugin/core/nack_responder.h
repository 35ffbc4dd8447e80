// Answers a subscriber's NACKs for the packets the sealed transmitter sent it.
//
// The Janus core answers NACKs from its own retransmission buffer, which
// holds only what went through relay_rtp. While a sealed leg serves a medium
// the mirror turns the core's NACK handling off for it (so NACKs reach the
// plugin) and this class answers them. A delta leg: the publisher packet
// from the stream's history, rebuilt into exactly the SRTP packet the leg
// sealed (same index, same bytes), sent on the leg's selected ICE pair.
// Packets from before the leg's sealed period, or no longer in history, stay
// unanswered (the receiver falls back to PLI). A simulcast leg has no delta
// back to the publisher's index: it is answered from the packets its
// SealedLeg kept. A budget per leg bounds what a hostile subscriber's NACK
// storm can make the plugin send.
#pragma once

#include <cstdint>
#include <vector>

#include "media/rtcp_feedback.h"
#include "room/participants.h"

struct janus_plugin_session;

namespace swiftcall::fanout {
class SealedLeg;
}

namespace swiftcall::core {

class NackResponder {
  public:
    // At most this many answers per leg per second.
    static constexpr uint32_t kBudgetPerSecond = 200;

    NackResponder() = default;

    // From incoming_rtcp of a subscriber handle; no plugin lock held. Each
    // NACK names the stream by its media SSRC (the core's mindex for a
    // bundled compound packet need not be that stream's). Returns the number
    // of packets sent again.
    size_t answer(janus_plugin_session* handle, room::Subscriber& subscriber,
                  const std::vector<media::NackRequest>& nacks, int64_t now_us);

  private:
    size_t answer_stream(janus_plugin_session* handle, room::SubscriberStream& stream,
                         const std::vector<uint16_t>& sequences, int64_t now_us);

    size_t resend_sealed(janus_plugin_session* handle, room::SubscriberStream& stream,
                         const fanout::SealedLeg& leg, const std::vector<uint64_t>& out_indexes);
};

}  // namespace swiftcall::core
