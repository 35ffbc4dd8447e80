#include "nice_pair.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

namespace swiftcall::janus::internal {
namespace {

Endpoint endpoint_from(const NiceAddress& address) {
    Endpoint ep;
    sockaddr_storage ss{};
    nice_address_copy_to_sockaddr(&address, reinterpret_cast<sockaddr*>(&ss));
    if (ss.ss_family == AF_INET) {
        const auto* in4 = reinterpret_cast<const sockaddr_in*>(&ss);
        ep.family = AF_INET;
        std::memcpy(ep.addr.data(), &in4->sin_addr, 4);
        ep.port = ntohs(in4->sin_port);
    } else if (ss.ss_family == AF_INET6) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&ss);
        ep.family = AF_INET6;
        std::memcpy(ep.addr.data(), &in6->sin6_addr, 16);
        ep.port = ntohs(in6->sin6_port);
    }
    return ep;
}

// RFC 8445 §5.1.1.1 names, as they appear in SDP.
const char* type_name(NiceCandidateType type) {
    switch (type) {
        case NICE_CANDIDATE_TYPE_HOST:
            return "host";
        case NICE_CANDIDATE_TYPE_SERVER_REFLEXIVE:
            return "srflx";
        case NICE_CANDIDATE_TYPE_PEER_REFLEXIVE:
            return "prflx";
        case NICE_CANDIDATE_TYPE_RELAYED:
            return "relay";
    }
    return "unknown";
}

}  // namespace

SelectedPair pair_from_candidates(const NiceCandidate* local, const NiceCandidate* remote) {
    SelectedPair pair;
    pair.local = endpoint_from(local->addr);
    // The base is the socket libnice sends from (RFC 8445 §5.1.1.1); libnice
    // leaves it unset on some host candidates, where it equals the address.
    pair.local_base = endpoint_from(local->base_addr);
    if (pair.local_base.family == 0 || pair.local_base.port == 0) pair.local_base = pair.local;
    pair.remote = endpoint_from(remote->addr);
    pair.local_type = type_name(local->type);
    pair.remote_type = type_name(remote->type);
    pair.udp = local->transport == NICE_CANDIDATE_TRANSPORT_UDP &&
               remote->transport == NICE_CANDIDATE_TRANSPORT_UDP;
    return pair;
}

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
