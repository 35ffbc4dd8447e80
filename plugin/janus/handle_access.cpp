#include "handle_access.h"

#include "core_symbols.h"
#include "janus_bridge.h"

namespace swiftcall::janus::internal {

bool with_locked_handle(janus_plugin_session* session, std::string* why_not,
                        const std::function<void(janus_ice_handle*)>& fn, HandleLock lock) {
    std::string reason;
    if (!janus_core_version_supported(&reason)) {
        if (why_not) *why_not = reason;
        return false;
    }
    if (session == nullptr || !core_symbols().session_is_alive(session)) {
        if (why_not) *why_not = "plugin session is gone";
        return false;
    }
    // _nodebug: the debug variants only add prints, and skipping them keeps
    // the plugin free of references to the core's lock_debug/refcount_debug.
    janus_refcount_increase_nodebug(&session->ref);
    auto* h = static_cast<janus_ice_handle*>(session->gateway_handle);
    if (h == nullptr || handle_flag(h, JANUS_ICE_HANDLE_WEBRTC_STOP)) {
        janus_refcount_decrease_nodebug(&session->ref);
        if (why_not) *why_not = "ICE handle is closing";
        return false;
    }
    janus_refcount_increase_nodebug(&h->ref);
    const bool take = lock == HandleLock::take;
    if (take) janus_mutex_lock_nodebug(&h->mutex);
    // The back pointer sits early in the struct: a mismatch means the headers
    // do not describe this binary, and nothing else in it can be trusted.
    const bool layout_ok = h->app_handle == session;
    if (layout_ok) fn(h);
    if (take) janus_mutex_unlock_nodebug(&h->mutex);
    janus_refcount_decrease_nodebug(&h->ref);
    janus_refcount_decrease_nodebug(&session->ref);
    if (!layout_ok && why_not) *why_not = "janus_ice_handle layout check failed (app_handle)";
    return layout_ok;
}

janus_ice_peerconnection_medium* medium_at(janus_ice_handle* h, int mindex, std::string& why) {
    if (h->pc == nullptr) {
        why = "no PeerConnection";
        return nullptr;
    }
    auto* m = static_cast<janus_ice_peerconnection_medium*>(
        g_hash_table_lookup(h->pc->media, GUINT_TO_POINTER(static_cast<guint>(mindex))));
    if (m == nullptr || m->pc != h->pc) {
        why = "no medium " + std::to_string(mindex);
        return nullptr;
    }
    return m;
}

}  // namespace swiftcall::janus::internal
