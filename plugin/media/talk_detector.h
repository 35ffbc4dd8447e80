// Talk detection on a publisher's audio, as the stock VideoRoom does it
// (audiolevel_event): the RFC 6464 audio level of `window` packets is
// averaged (dBov, 0 loudest .. 127 silence), and an average below
// `threshold` means talking. Only changes are reported, once per window.
//
// observe() runs on the publisher's media thread only; talking(), level()
// and set_params() are safe from any thread.
#pragma once

#include <atomic>
#include <cstdint>
#include <optional>
#include <span>

#include "media/rtp_packet.h"

namespace swiftcall::media {

class TalkDetector {
  public:
    // extension_id: the publisher's id for urn:ietf:params:rtp-hdrext:ssrc-audio-level.
    TalkDetector(int extension_id, int window, int threshold);
    void set_params(int window, int threshold);

    struct Change {
        bool talking = false;
        double average_dbov = 0;
    };
    // One audio packet; a packet without the extension counts for nothing.
    std::optional<Change> observe(std::span<const uint8_t> packet, const RtpPacketView& view);

    bool talking() const { return talking_.load(std::memory_order_relaxed); }
    // The last packet's level (stock's "audio-level-dBov"), -1 before one.
    int level() const { return level_.load(std::memory_order_relaxed); }

  private:
    const int extension_id_;
    std::atomic<int> window_;
    std::atomic<int> threshold_;
    int count_ = 0;
    long sum_ = 0;
    std::atomic<bool> talking_{false};
    std::atomic<int> level_{-1};
};

}  // namespace swiftcall::media
