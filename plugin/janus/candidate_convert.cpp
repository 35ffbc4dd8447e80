#include "candidate_convert.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstring>

namespace swiftcall::janus {
namespace {

Endpoint endpoint_from(const NiceAddress& address) {
    Endpoint ep;
    // An unset address (AF_UNSPEC) makes libnice log a critical on copy.
    if (!nice_address_is_valid(&address)) return ep;
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

}  // namespace swiftcall::janus
