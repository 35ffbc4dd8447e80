#include "media/payload_types.h"

#include <map>

namespace swiftcall::media {

int subscriber_payload_type(const std::string& codec) {
    static const std::map<std::string, int> kTypes{
        {"opus", 111}, {"multiopus", 111}, {"isac32", 104}, {"isac16", 103}, {"pcmu", 0},
        {"pcma", 8},   {"g722", 9},        {"vp8", 96},     {"vp9", 101},    {"h264", 107},
        {"av1", 98},   {"h265", 100}};
    auto it = kTypes.find(codec);
    return it == kTypes.end() ? -1 : it->second;
}

int subscriber_extension_id(const std::string& uri) {
    static const std::map<std::string, int> kIds{
        {"urn:ietf:params:rtp-hdrext:ssrc-audio-level", 1},
        {"http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time", 2},
        {"urn:ietf:params:rtp-hdrext:sdes:mid", 4},
        {"urn:3gpp:video-orientation", 13}};
    auto it = kIds.find(uri);
    return it == kIds.end() ? 0 : it->second;
}

}  // namespace swiftcall::media
