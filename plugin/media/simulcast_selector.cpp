#include "media/simulcast_selector.h"

#include <algorithm>

namespace swiftcall::media {

void SimulcastSelector::set_target(std::optional<int> substream, std::optional<int> temporal) {
    if (substream) substream_target_ = std::clamp(*substream, 0, 2);
    if (temporal) temporal_target_ = std::clamp(*temporal, 0, 2);
}

SimulcastSelector::Decision SimulcastSelector::process(int substream, bool keyframe,
                                                       std::optional<uint8_t> temporal_id,
                                                       bool layer_sync, int64_t now_us) {
    Decision d;
    if (substream < 0 || substream > 2) return d;
    last_seen_us_[substream] = now_us;
    const bool current_gone =
        substream_ >= 0 && now_us - last_seen_us_[substream_] > kSubstreamTimeoutUs;
    if (substream != substream_) {
        bool take = false;
        if (keyframe) {
            if (substream == substream_target_) {
                take = true;
            } else if (substream < substream_target_ &&
                       (substream_ < 0 || current_gone || substream_ < substream ||
                        substream_ > substream_target_)) {
                // Better than what we have (or all we can get) while the
                // target is not there.
                take = true;
            }
        }
        if (!take) {
            d.need_keyframe = substream == substream_target_ && substream_ != substream_target_;
            return d;
        }
        substream_ = substream;
        d.substream_changed = true;
        d.source_changed = true;
    } else if (substream_ != substream_target_) {
        d.need_keyframe = true;
    }
    // Temporal layers: move up only at a layer sync point or keyframe.
    if (temporal_ != temporal_target_ && (temporal_ < 0 || keyframe || layer_sync ||
                                          temporal_target_ < temporal_)) {
        temporal_ = temporal_target_;
        d.temporal_changed = true;
    }
    if (temporal_id && *temporal_id > temporal_) return d;
    d.forward = true;
    return d;
}

}  // namespace swiftcall::media
