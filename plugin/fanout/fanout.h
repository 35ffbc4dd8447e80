// The user-space forwarding path: one publisher packet to every subscriber
// stream of that publisher stream, with each subscriber's own sequence and
// timestamp space, simulcast choice and pause state.
#pragma once

#include <atomic>
#include <cstdint>
#include <span>

#include "core/media_sink.h"
#include "fanout/sealed_leg_sender.h"
#include "room/participants.h"

namespace swiftcall::fanout {

struct FanoutCounters {
    std::atomic<uint64_t> malformed{0};
    std::atomic<uint64_t> oversized{0};
    std::atomic<uint64_t> unknown_substream{0};
    std::atomic<uint64_t> moderated{0};  // muted by "moderate": counted, not sent
    std::atomic<uint64_t> forwarded{0};
    std::atomic<uint64_t> recorded{0};         // written to a publisher stream's recording
    std::atomic<uint64_t> rtp_forwarded{0};    // sent to an rtp_forward target (either path)
    std::atomic<uint64_t> kernel_served{0};    // sealed and sent by the kernel transmitter
    std::atomic<uint64_t> sealed_declined{0};  // a sealed leg's rewrite declined it: relayed
    std::atomic<uint64_t> handover_held{0};    // held back while a leg's ROC is handed to the core
};

class Fanout {
  public:
    // Largest packet forwarded; Janus itself never hands plugins more.
    static constexpr size_t kMaxPacket = 1500;
    // Keyframe requests towards one publisher stream are spaced by this.
    static constexpr int64_t kKeyframeRequestGapUs = 500000;

    // sealed: the sealed transmitter (legs with a SealedLeg are sealed and
    // sent by it); nullptr when it is not loaded: every leg is relayed.
    explicit Fanout(core::MediaSink& sink, SealedLegSender* sealed = nullptr)
        : sink_(sink), sealed_(sealed) {}

    void forward(const room::Publisher& publisher, room::PublisherStream& stream,
                 std::span<const uint8_t> packet, const void* extensions, int64_t now_us);

    // Asks the publisher for a keyframe unless one was asked for recently.
    void request_keyframe(const room::Publisher& publisher, room::PublisherStream& stream,
                          int64_t now_us, bool force = false);

    const FanoutCounters& counters() const { return counters_; }

  private:
    void note_kernel_served(room::KernelLegState& k, uint32_t out_ts, int64_t& wallclock_us);
    // Every rtp_forward target of the stream that takes this (sub)stream.
    // Caller holds stream.lock.
    template <typename Batch>
    void forward_to_targets(room::PublisherStream& stream, std::span<const uint8_t> packet,
                            int substream, Batch&& sealed_batch);
    int substream_of(room::PublisherStream& stream, std::span<const uint8_t> packet, uint32_t ssrc,
                     size_t ext_offset_hint);

    core::MediaSink& sink_;
    SealedLegSender* sealed_;
    FanoutCounters counters_;
};

}  // namespace swiftcall::fanout
