// Chooses which simulcast substream and temporal layer one subscriber gets
// (VideoRoom semantics: substream 0 lowest .. 2 highest, temporal 0 .. 2).
// Switching substreams only happens on a keyframe of the new substream, so
// the decoder never gets a delta frame it has no reference for.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

namespace swiftcall::media {

class SimulcastSelector {
public:
    struct Decision {
        bool forward = false;
        bool substream_changed = false;
        bool temporal_changed = false;
        bool need_keyframe = false;  // target substream waits for a keyframe
        bool source_changed = false; // forwarded packet comes from a new substream
    };

    // A substream that sent nothing for this long is considered gone, and
    // the selector may fall back to a lower one on its next keyframe.
    static constexpr int64_t kSubstreamTimeoutUs = 250000;

    void set_target(std::optional<int> substream, std::optional<int> temporal);
    Decision process(int substream, bool keyframe, std::optional<uint8_t> temporal_id,
                     bool layer_sync, int64_t now_us);

    int substream() const { return substream_; }
    int temporal() const { return temporal_; }
    int substream_target() const { return substream_target_; }
    int temporal_target() const { return temporal_target_; }

private:
    int substream_ = -1;
    int temporal_ = -1;
    int substream_target_ = 2;
    int temporal_target_ = 2;
    std::array<int64_t, 3> last_seen_us_{0, 0, 0};
};

}  // namespace swiftcall::media
