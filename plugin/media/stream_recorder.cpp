#include "media/stream_recorder.h"

#include <cstring>

#include "media/rtp_packet.h"

namespace swiftcall::media {

namespace {
constexpr size_t kMaxRecordedPacket = 1500;
}

StreamRecorder::StreamRecorder(std::unique_ptr<RecordingFile> file,
                               std::optional<Simulcast> simulcast)
    : file_(std::move(file)), simulcast_(simulcast) {
    // The recording wants the best the publisher sends (stock: 2 and 2).
    selector_.set_target(2, 2);
}

bool StreamRecorder::save(std::span<uint8_t> packet) {
    if (failed_) return false;
    if (!file_->save(packet)) {
        failed_ = true;
        return false;
    }
    packets_++;
    return true;
}

StreamRecorder::Result StreamRecorder::take(std::span<const uint8_t> packet, int substream,
                                            bool keyframe, std::optional<uint8_t> temporal_id,
                                            bool layer_sync, int64_t now_us) {
    Result result;
    if (failed_ || packet.size() > kMaxRecordedPacket) return result;
    // The one copy of the packet: the file writes from it, the fan-out's
    // packet stays untouched.
    uint8_t copy[kMaxRecordedPacket];
    std::memcpy(copy, packet.data(), packet.size());
    const std::span<uint8_t> own(copy, packet.size());
    if (!simulcast_) {
        result.saved = save(own);
        return result;
    }
    auto view = RtpPacketView::parse(packet);
    if (!view) return result;
    auto decision = selector_.process(substream, keyframe, temporal_id, layer_sync, now_us);
    result.need_keyframe = decision.need_keyframe;
    if (!decision.forward) {
        rewriter_.skip(view->ssrc, view->sequence);
        return result;
    }
    auto out = rewriter_.rewrite(view->ssrc, view->sequence, view->timestamp,
                                 simulcast_->clock_rate, now_us);
    write_u16(copy + 2, out.sequence);
    write_u32(copy + 4, out.timestamp);
    write_u32(copy + 8, simulcast_->ssrc);
    result.saved = save(own);
    return result;
}

}  // namespace swiftcall::media
