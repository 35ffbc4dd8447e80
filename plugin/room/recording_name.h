// The stock VideoRoom's recording file names (janus_videoroom.c 1.1.2,
// janus_videoroom_recorder_create), without the .mjr the recorder adds:
//   <filename>-<audio|video|data>-<mindex>            the publisher chose a base
//   videoroom-<room>-user-<id>-<now µs>-<kind>-<mindex>   otherwise
// The folder is the room's rec_dir (Janus's working folder when empty).
#pragma once

#include <cstdint>
#include <string>

#include "room/media_description.h"

namespace swiftcall::room {

std::string recording_name(const std::string& publisher_base, uint64_t room, uint64_t publisher,
                           int64_t now_realtime_us, MediaKind kind, int mindex);

// The codec name Janus's recorder takes ("opus", "vp8", ...); empty when it
// records no such codec, so the stream is left out with a log line.
std::string recorder_codec(MediaKind kind, const std::string& codec);

}  // namespace swiftcall::room
