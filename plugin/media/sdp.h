// A faithful, order-preserving SDP model (RFC 8866): enough structure to
// negotiate, and lossless for every line it does not interpret.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace swiftcall::media {

struct SdpAttribute {
    std::string name;
    std::string value;  // empty for property attributes such as "a=rtcp-mux"
    bool has_value = false;
};

struct SdpMedia {
    std::string type;     // audio, video, application, ...
    int port = 0;
    std::string proto;
    std::vector<std::string> formats;
    std::vector<std::string> other_lines;  // c=, b=, ... verbatim
    std::vector<SdpAttribute> attributes;

    std::optional<std::string> attribute(std::string_view name) const;
    std::vector<std::string> attributes_named(std::string_view name) const;
    // Attribute values of the form "<pt> rest" for one payload type.
    std::vector<std::string> for_payload(std::string_view name, int payload_type) const;
    std::string direction() const;  // sendrecv when none is given
};

struct Sdp {
    std::vector<std::string> session_lines;  // v=, o=, s=, t=, ... verbatim
    std::vector<SdpAttribute> attributes;    // session-level a=
    std::vector<SdpMedia> media;
};

// Parses an SDP blob; returns nullopt (never throws) on anything that is not
// SDP, so hostile input becomes an "invalid SDP" error at the API edge.
std::optional<Sdp> parse_sdp(std::string_view text);
std::string serialize_sdp(const Sdp& sdp);

}  // namespace swiftcall::media
