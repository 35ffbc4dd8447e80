// Stock VideoRoom room options SwiftCall does not implement (yet), and what
// to do when a jcfg room or a `create` names one: the operator or the app
// asked for a behaviour we do not give, so we must never take it silently.
//
// A value that asks for what SwiftCall does anyway (record = false,
// audiolevel_ext = true, ...) passes. Any other value is either
//  - refused, where ignoring it would leave a room open that the operator
//    believes is closed (signed_tokens, require_e2ee), or
//  - accepted with a "not supported" warning, where ignoring it only loses a
//    feature (recording, talking events, SVC, ...): a drop-in must still
//    load a stock jcfg that sets them.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace swiftcall::room {

enum class UnsupportedSeverity { warn, refuse };

struct UnsupportedOption {
    UnsupportedSeverity severity;
    std::string message;  // "<key> = <value>: not supported ...; SwiftCall ..."
};

// True for every room option of the stock VideoRoom 1.1.2 that SwiftCall
// has no implementation of (the keys of check_unimplemented_room_option).
bool is_unimplemented_room_option(std::string_view key);

// `value` as written in the jcfg, or a JSON boolean/number/string rendered as
// text ("true", "100", "/tmp/rec"). nullopt when `value` asks for nothing
// SwiftCall does not do; also nullopt for keys SwiftCall implements.
std::optional<UnsupportedOption> check_unimplemented_room_option(std::string_view key,
                                                                 std::string_view value);

}  // namespace swiftcall::room
