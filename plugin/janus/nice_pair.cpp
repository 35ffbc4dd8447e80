#include "nice_pair.h"

namespace swiftcall::janus::internal {

std::optional<SelectedPair> selected_pair_locked(janus_ice_handle* h, std::string* why_not) {
    janus_ice_peerconnection* pc = h->pc;
    if (pc == nullptr || h->agent == nullptr) {
        if (why_not) *why_not = "no PeerConnection";
        return std::nullopt;
    }
    if (pc->handle != h) {
        if (why_not) *why_not = "janus_ice_peerconnection layout check failed (handle)";
        return std::nullopt;
    }
    NiceCandidate* local = nullptr;
    NiceCandidate* remote = nullptr;
    // The candidates belong to the agent; convert them before anything else
    // can run on it. Janus frees the agent only under h->mutex, which we hold.
    if (!nice_agent_get_selected_pair(h->agent, pc->stream_id, pc->component_id, &local, &remote) ||
        local == nullptr || remote == nullptr) {
        if (why_not) *why_not = "no selected pair";
        return std::nullopt;
    }
    return pair_from_candidates(local, remote);
}

}  // namespace swiftcall::janus::internal
