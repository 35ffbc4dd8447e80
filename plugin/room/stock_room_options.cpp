#include "room/stock_room_options.h"

#include <array>

namespace swiftcall::room {
namespace {

struct Unimplemented {
    std::string_view key;
    // The one value SwiftCall behaves as; empty: every value is unsupported
    // (the option only exists to configure a feature we lack).
    std::string_view behaves_as;
    UnsupportedSeverity severity;
    std::string_view why;
};

// Keys from the stock jcfg reader and `create` (janus_videoroom.c 1.1.2).
constexpr std::array kUnimplemented{
    Unimplemented{"bitrate_cap", "false", UnsupportedSeverity::warn,
                  "not supported yet: publishers may raise their bitrate with configure"},
    Unimplemented{"audiolevel_ext", "true", UnsupportedSeverity::warn,
                  "not supported yet: the audio-level extension is always negotiated"},
    Unimplemented{"videoorient_ext", "true", UnsupportedSeverity::warn,
                  "not supported yet: the video-orientation extension is always negotiated"},
    Unimplemented{"transport_wide_cc_ext", "true", UnsupportedSeverity::warn,
                  "not supported yet: transport-wide CC is always negotiated"},
    Unimplemented{"playoutdelay_ext", "false", UnsupportedSeverity::warn,
                  "not supported yet: the playout-delay extension is never negotiated"},
    Unimplemented{"opus_fec", "true", UnsupportedSeverity::warn,
                  "not supported yet: the publisher's own Opus fmtp is kept"},
    Unimplemented{"opus_dtx", "false", UnsupportedSeverity::warn,
                  "not supported yet: the publisher's own Opus fmtp is kept"},
    Unimplemented{"vp9_profile", "", UnsupportedSeverity::warn,
                  "not supported yet: the publisher's own VP9 profile is kept"},
    Unimplemented{"h264_profile", "", UnsupportedSeverity::warn,
                  "not supported yet: the publisher's own H.264 profile is kept"},
    Unimplemented{"video_svc", "false", UnsupportedSeverity::warn,
                  "VP9 SVC is not supported yet: VP9 is relayed without layer selection"},
    Unimplemented{"dummy_publisher", "false", UnsupportedSeverity::warn,
                  "dummy publishers are not supported yet: none is created"},
    Unimplemented{"dummy_streams", "", UnsupportedSeverity::warn,
                  "dummy publishers are not supported yet: none is created"},
    // Ignoring these would leave the room open: refuse.
    Unimplemented{"signed_tokens", "false", UnsupportedSeverity::refuse,
                  "signed tokens are not supported: the room would admit anyone"},
    Unimplemented{"require_e2ee", "false", UnsupportedSeverity::refuse,
                  "end-to-end encryption is not enforced by SwiftCall: the room would admit "
                  "unencrypted media"},
};

// The jcfg spells booleans several ways (Janus's own reader takes all of
// them); `create` gives JSON true/false.
bool same_value(std::string_view value, std::string_view behaves_as) {
    if (behaves_as == "true") return value == "true" || value == "yes" || value == "1";
    if (behaves_as == "false") return value == "false" || value == "no" || value == "0";
    return value == behaves_as;
}

const Unimplemented* find(std::string_view key) {
    for (const auto& option : kUnimplemented)
        if (option.key == key) return &option;
    return nullptr;
}

}  // namespace

bool is_unimplemented_room_option(std::string_view key) { return find(key) != nullptr; }

std::optional<UnsupportedOption> check_unimplemented_room_option(std::string_view key,
                                                                 std::string_view value) {
    const Unimplemented* option = find(key);
    if (option == nullptr) return std::nullopt;
    if (!option->behaves_as.empty() && same_value(value, option->behaves_as)) return std::nullopt;
    std::string message(key);
    message.append(" = ").append(value).append(": ").append(option->why);
    return UnsupportedOption{option->severity, std::move(message)};
}

}  // namespace swiftcall::room
