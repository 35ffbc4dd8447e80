// One Janus handle attached to SwiftCall: a publisher, a subscriber, or not
// yet either. Holds a reference on the core's plugin session for as long as
// any room object may still relay to it.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>

#include "room/participants.h"
#include "room/room.h"

extern "C" {
#include <plugins/plugin.h>
}

namespace swiftcall::core {

enum class Role { none, publisher, subscriber };

struct Session {
    explicit Session(janus_plugin_session* h) : handle(h) { janus_refcount_increase(&h->ref); }
    ~Session() { janus_refcount_decrease(&handle->ref); }
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;

    janus_plugin_session* const handle;
    std::mutex lock;  // guards role, room, publisher, subscriber
    Role role = Role::none;
    std::shared_ptr<room::Room> room;
    std::shared_ptr<room::Publisher> publisher;
    std::shared_ptr<room::Subscriber> subscriber;
    std::atomic<bool> media_up{false};
    std::atomic<bool> destroyed{false};
    // Set by kick on the kicked publisher's handle and, in a require_pvtid
    // room, on its subscriptions' handles; never cleared (stock: a kicked
    // handle must be replaced by a new one).
    std::atomic<bool> kicked{false};
};

}  // namespace swiftcall::core
