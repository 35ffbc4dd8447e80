// What a room is configured with: the subset of the stock VideoRoom's room
// options that SwiftCall honours, with the same names and defaults.
#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace swiftcall::room {

struct RoomSettings {
    uint64_t id = 0;
    std::string description;
    bool is_private = false;
    std::string secret;
    std::string pin;
    bool require_pvtid = false;
    int max_publishers = 3;
    uint32_t bitrate = 0;     // REMB cap for publishers, bps; 0 = no cap
    uint32_t fir_freq = 0;    // periodic keyframe request, seconds; 0 = off
    std::vector<std::string> audiocodecs{"opus"};
    std::vector<std::string> videocodecs{"vp8"};
    bool notify_joining = false;
    // Token ACL for publishers joining (`allowed` in create, the allowed
    // request). Rooms from the jcfg never check tokens, as in stock.
    bool check_allowed = false;
    std::set<std::string> allowed;
    bool permanent = false;
    // Recording (stock names): every publisher of the room is recorded;
    // where the .mjr files go (Janus's working folder when empty); whether
    // starting or stopping a recording needs the room secret.
    bool record = false;
    std::string rec_dir;
    bool lock_record = false;
    // Talk detection (stock audiolevel_event): "talking" / "stopped-talking"
    // events when the average audio level of audio_active_packets packets
    // crosses audio_level_average (dBov: 0 loudest, 127 silent).
    bool audiolevel_event = false;
    int audio_active_packets = 100;
    int audio_level_average = 25;
};

}  // namespace swiftcall::room
