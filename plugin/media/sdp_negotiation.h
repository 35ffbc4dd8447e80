// Offer/answer for the two sides of the SFU. The Janus core owns ICE, DTLS,
// SSRCs, rtx and simulcast attributes (it strips them from what plugins see
// and adds them back on merge), so these functions only decide codecs,
// directions, mids and header extensions.
#pragma once

#include <string>
#include <vector>

#include "media/sdp.h"
#include "room/media_description.h"

namespace swiftcall::media {

struct CodecPreferences {
    std::vector<std::string> audio;  // room order, lower-case ("opus", "pcmu", ...)
    std::vector<std::string> video;  // room order, lower-case ("vp8", "h264", ...)
};

struct PublisherNegotiation {
    std::string error;  // empty on success
    Sdp answer;
    std::vector<room::MediaDescription> streams;  // one per offered m-line
};

// Answers a publisher's offer: every m-line recvonly, the first codec of the
// room's list that the offer has, only header extensions we forward.
PublisherNegotiation negotiate_publisher(const Sdp& offer, const CodecPreferences& preferences,
                                         uint64_t session_id);

struct SubscribedMedia {
    std::string mid;                  // the subscriber's own mid for this m-line
    room::MediaDescription source;    // what the publisher sends
    bool active = true;               // false: feed gone, m-line kept at port 0
};

// Builds the subscriber's offer: one sendonly m-line per subscribed stream,
// with the publisher's codec and fmtp under the fixed subscriber payload
// type and extension ids (media/payload_types.h), so a subscriber can be
// switched between publishers of the same codec without renegotiation.
Sdp build_subscriber_offer(const std::vector<SubscribedMedia>& media, uint64_t session_id,
                           uint64_t version);

// A fresh o= session id for one subscriber's SDP (RFC 4566 §5.2), kept for
// all its renegotiations (RFC 3264 §8: only the version moves). Random, so
// it says nothing about the process (it used to be a heap address), and
// below 2^62 so parsers that read it as a signed 64-bit number agree.
uint64_t new_sdp_session_id();

// Header extensions forwarded to subscribers (the core rewrites their values).
bool is_forwarded_extension(const std::string& uri, room::MediaKind kind);

}  // namespace swiftcall::media
