// What subscribers are offered, independent of what each publisher's
// browser happened to choose: one payload type per codec and one id per
// header extension for the whole PeerConnection (BUNDLE shares one id space,
// and the Janus core writes extensions with PC-wide ids). These are the
// stock VideoRoom's numbers, so existing clients see familiar SDP.
#pragma once

#include <string>

namespace swiftcall::media {

// -1 for a codec we do not forward.
int subscriber_payload_type(const std::string& codec);

// Extension ids used in every subscriber offer (0 = not offered).
int subscriber_extension_id(const std::string& uri);

}  // namespace swiftcall::media
