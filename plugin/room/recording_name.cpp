#include "room/recording_name.h"

#include <array>
#include <string_view>

namespace swiftcall::room {

std::string recording_name(const std::string& publisher_base, uint64_t room, uint64_t publisher,
                           int64_t now_realtime_us, MediaKind kind, int mindex) {
    const std::string tail = std::string("-") + to_string(kind) + "-" + std::to_string(mindex);
    if (!publisher_base.empty()) return publisher_base + tail;
    return "videoroom-" + std::to_string(room) + "-user-" + std::to_string(publisher) + "-" +
           std::to_string(now_realtime_us) + tail;
}

std::string recorder_codec(MediaKind kind, const std::string& codec) {
    // What janus_recorder_create_full (record.c 1.1.2) accepts per kind.
    static constexpr std::array<std::string_view, 5> kVideo{"vp8", "vp9", "h264", "av1", "h265"};
    static constexpr std::array<std::string_view, 8> kAudio{"opus", "multiopus", "pcmu",   "pcma",
                                                            "g711", "g722",      "l16-48", "l16"};
    if (kind == MediaKind::video) {
        for (auto c : kVideo)
            if (c == codec) return codec;
    } else if (kind == MediaKind::audio) {
        for (auto c : kAudio)
            if (c == codec) return codec;
    }
    return "";
}

}  // namespace swiftcall::room
