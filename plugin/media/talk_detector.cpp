#include "media/talk_detector.h"

#include <algorithm>

namespace swiftcall::media {

TalkDetector::TalkDetector(int extension_id, int window, int threshold)
    : extension_id_(extension_id), window_(std::max(1, window)), threshold_(threshold) {}

void TalkDetector::set_params(int window, int threshold) {
    window_.store(std::max(1, window), std::memory_order_relaxed);
    threshold_.store(threshold, std::memory_order_relaxed);
}

std::optional<TalkDetector::Change> TalkDetector::observe(std::span<const uint8_t> packet,
                                                          const RtpPacketView& view) {
    auto ext = view.extension(packet, extension_id_);
    if (!ext || ext->empty()) return std::nullopt;
    const int level = (*ext)[0] & 0x7F;  // the V bit is the voice-activity flag
    level_.store(level, std::memory_order_relaxed);
    sum_ += level;
    // ">=": a window made smaller mid-way closes at once (stock's "==" would
    // wait for the count to wrap).
    if (++count_ < window_.load(std::memory_order_relaxed)) return std::nullopt;
    const double average = static_cast<double>(sum_) / count_;
    count_ = 0;
    sum_ = 0;
    const bool talking = average < threshold_.load(std::memory_order_relaxed);
    if (talking == talking_.load(std::memory_order_relaxed)) return std::nullopt;
    talking_.store(talking, std::memory_order_relaxed);
    return Change{talking, average};
}

}  // namespace swiftcall::media
