// The one table of the plugin's requests. Synchronous verbs (the stock
// VideoRoom answers them inline too) name their handler; the others are
// asynchronous: queued for the worker and dispatched by the handle's role
// in Plugin::handle_async. A request not listed is 423 "Unknown request".
#include "core/plugin.h"

namespace swiftcall::core {

const Plugin::Verb* Plugin::find_verb(const std::string& request) {
    static const Verb kVerbs[] = {
        {"create", &Plugin::room_create},
        {"edit", &Plugin::room_edit},
        {"destroy", &Plugin::room_destroy},
        {"list", &Plugin::room_list},
        {"exists", &Plugin::room_exists},
        {"listparticipants", &Plugin::room_list_participants},
        {"kick", &Plugin::room_kick},
        {"allowed", &Plugin::room_allowed},
        {"moderate", &Plugin::room_moderate},
        {"enable_recording", &Plugin::room_enable_recording},
        {"rtp_forward", &Plugin::room_rtp_forward},
        {"stop_rtp_forward", &Plugin::room_stop_rtp_forward},
        {"listforwarders", &Plugin::room_list_forwarders},
        {"join", nullptr},
        {"joinandconfigure", nullptr},
        {"configure", nullptr},
        {"publish", nullptr},
        {"unpublish", nullptr},
        {"start", nullptr},
        {"pause", nullptr},
        {"switch", nullptr},
        {"leave", nullptr},
        {"update", nullptr},
        {"subscribe", nullptr},
        {"unsubscribe", nullptr},
    };
    for (const auto& verb : kVerbs)
        if (request == verb.name) return &verb;
    return nullptr;
}

}  // namespace swiftcall::core
