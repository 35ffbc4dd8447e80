// An RTP forwarder (the stock VideoRoom's rtp_forward): one publisher
// stream, or one simulcast substream of it, sent as plain RTP or SRTP with
// the forwarder's own key to a host and port, with the payload type and
// SSRC the request asked for (the publisher's otherwise) and the sequence
// numbers and timestamps as the plugin received them, as stock sends them.
//
// Two ways out, as for a subscriber leg. The fan-out labels the packet
// (label()) and hands it either to the sealed transmitter (`sealed`, a
// forwarded SealedLeg, once the control thread found an Ethernet next hop
// with a neighbour entry) or to send(): UdpRtpForwarder's connected UDP
// socket, which the forwarder always owns. It holds the source port the
// kernel leg uses too, and its first packets create the neighbour entry
// the kernel leg needs.
//
// label(), send() and `sealed` belong to the publisher stream's media
// thread and are guarded by PublisherStream::lock; the counters are atomics
// the control thread reads.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "datapath/leg_params.h"
#include "datapath/srtp_keys.h"
#include "media/srtp_index.h"

namespace swiftcall::fanout {

class SealedLeg;

// What an rtp_forward request asked for, for one stream (or substream).
struct RtpForwardTarget {
    std::string host;  // numeric, as resolved
    uint8_t family = SC_AF_INET;
    std::array<uint8_t, 16> addr{};  // network order
    uint16_t port = 0;
    uint32_t ssrc = 0;  // 0: the publisher's
    uint8_t pt = 0;     // 0: the publisher's
    int substream = 0;  // which simulcast substream (0 when not simulcast)
    // SRTP with the forwarder's key; nullopt: plain RTP.
    std::optional<datapath::SrtpMaster> srtp;
    int srtp_suite = 0;  // 32 or 80, as asked
};

class RtpForwarder {
  public:
    RtpForwarder(uint32_t id, bool video, RtpForwardTarget target)
        : id_(id), video_(video), target_(std::move(target)) {}
    virtual ~RtpForwarder();
    RtpForwarder(const RtpForwarder&) = delete;
    RtpForwarder& operator=(const RtpForwarder&) = delete;

    uint32_t id() const { return id_; }
    bool video() const { return video_; }
    const RtpForwardTarget& target() const { return target_; }
    // The 5-tuple its packets leave with (the local end as the kernel chose
    // it for the socket; what a kernel leg for it uses too).
    const datapath::UdpTuple& tuple() const { return tuple_; }

    // Rewrites the forwarder's copy of a publisher packet in place (payload
    // type and SSRC as asked) and returns its SRTP index (the forwarder's
    // own count of the sequence numbers it sends).
    uint64_t label(std::span<uint8_t> rtp);
    // The user path: seals (SRTP) and sends `rtp` at `index`.
    virtual void send(std::span<const uint8_t> rtp, uint64_t index) = 0;

    // The kernel leg, when there is one (the media thread reads it under
    // PublisherStream::lock; the control thread sets and clears it there).
    std::shared_ptr<SealedLeg> sealed;
    // Why the forwarder takes the path it takes, for the log and the lists
    // (control thread only).
    std::string path_reason = "user: not checked yet";
    // The kernel leg's counters at the last health check (control thread).
    uint64_t checked_packets = 0, checked_errors = 0;

    // User path: sent, bytes, failed; kernel: handed to the transmitter.
    std::atomic<uint64_t> packets{0}, bytes{0}, errors{0}, kernel_packets{0};

  protected:
    datapath::UdpTuple tuple_;

  private:
    const uint32_t id_;
    const bool video_;
    const RtpForwardTarget target_;
    media::SrtpIndexTracker index_;
};

}  // namespace swiftcall::fanout
