// The RTP forwarder's own way out: a UDP socket connected to the target,
// sealing with the forwarder's SRTP key in user space when it has one.
// Also what a kernel leg for the forwarder borrows its source port from.
#pragma once

#include <optional>

#include "datapath/srtp_sealer.h"
#include "fanout/rtp_forwarder.h"

namespace swiftcall::fanout {

class UdpRtpForwarder : public RtpForwarder {
  public:
    // Throws std::runtime_error when the socket cannot be opened or
    // connected, std::invalid_argument for an SRTP key the sealer refuses.
    UdpRtpForwarder(uint32_t id, bool video, RtpForwardTarget target);
    ~UdpRtpForwarder() override;

    void send(std::span<const uint8_t> rtp, uint64_t index) override;

  private:
    int fd_ = -1;
    std::optional<datapath::SrtpSealer> sealer_;
};

}  // namespace swiftcall::fanout
