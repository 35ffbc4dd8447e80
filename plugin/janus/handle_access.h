// Reaching a plugin session's ICE handle the way janus.c does
// (janus_plugin_push_event, the admin API's handle_info): validate the plugin
// session, take a reference on it and on the handle, and hold the handle
// mutex, which janus_ice_webrtc_free() takes before freeing the
// PeerConnection, the DTLS stack and the agent. Under it, h->pc, h->agent
// and h->pc->dtls stay valid.
#pragma once

#include <functional>
#include <string>

#include "internals.h"
#include "janus_bridge.h"

namespace swiftcall::janus::internal {

// Runs fn(h) with h->mutex held; false (and *why_not) when the bridge is off
// or the session/handle is gone or closing. fn must be short and must not
// call back into Janus APIs that take the handle mutex.
// With HandleLock::held_by_janus the caller vouches that the core holds it.
bool with_locked_handle(janus_plugin_session* session, std::string* why_not,
                        const std::function<void(janus_ice_handle*)>& fn,
                        HandleLock lock = HandleLock::take);

// The PeerConnection medium at `mindex`, or nullptr (and why) when there is
// no PeerConnection or no such medium. Call with the handle mutex held
// (inside with_locked_handle).
janus_ice_peerconnection_medium* medium_at(janus_ice_handle* h, int mindex, std::string& why);

}  // namespace swiftcall::janus::internal
