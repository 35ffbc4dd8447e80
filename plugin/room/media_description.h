// What a publisher negotiated for one m-line: everything a subscriber offer
// needs to describe the same media, and what forwarding needs to route it.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace swiftcall::room {

enum class MediaKind { audio, video, data };

inline const char* to_string(MediaKind kind) {
    switch (kind) {
        case MediaKind::audio: return "audio";
        case MediaKind::video: return "video";
        case MediaKind::data: return "data";
    }
    return "unknown";
}

struct HeaderExtension {
    int id = 0;
    std::string uri;
};

struct MediaDescription {
    int mindex = 0;
    std::string mid;
    MediaKind kind = MediaKind::audio;
    bool disabled = false;      // rejected (port 0) in the answer
    std::string codec;          // lower-case: "opus", "vp8", "h264", ...
    int payload_type = -1;
    uint32_t clock_rate = 0;
    int channels = 0;
    std::string fmtp;           // parameters after "a=fmtp:<pt> "
    std::vector<std::string> rtcp_fb;  // values after "a=rtcp-fb:<pt> "
    std::vector<HeaderExtension> extensions;
    std::vector<std::string> rids;     // simulcast rids, in send order
    bool simulcast = false;
    std::string description;           // optional label from "descriptions"
};

}  // namespace swiftcall::room
