#include <sys/socket.h>

#include <catch2/catch.hpp>
#include <memory>

#include "janus/candidate_convert.h"
#include "janus/leg_report.h"

using namespace swiftcall::janus;

namespace {

struct CandidateDeleter {
    void operator()(NiceCandidate* c) const { nice_candidate_free(c); }
};
using Candidate = std::unique_ptr<NiceCandidate, CandidateDeleter>;

Candidate candidate(NiceCandidateType type, const char* ip, guint port,
                    NiceCandidateTransport transport = NICE_CANDIDATE_TRANSPORT_UDP) {
    Candidate c(nice_candidate_new(type));
    REQUIRE(nice_address_set_from_string(&c->addr, ip));
    nice_address_set_port(&c->addr, port);
    c->transport = transport;
    return c;
}

void set_base(NiceCandidate* c, const char* ip, guint port) {
    REQUIRE(nice_address_set_from_string(&c->base_addr, ip));
    nice_address_set_port(&c->base_addr, port);
}

}  // namespace

TEST_CASE("a server-reflexive local candidate sends from its base address", "[candidate]") {
    auto local = candidate(NICE_CANDIDATE_TYPE_SERVER_REFLEXIVE, "127.0.9.9", 61000);
    set_base(local.get(), "127.0.1.1", 40000);
    auto remote = candidate(NICE_CANDIDATE_TYPE_PEER_REFLEXIVE, "127.0.1.2", 50000);
    const SelectedPair pair = pair_from_candidates(local.get(), remote.get());
    CHECK(pair.local_base.to_string() == "127.0.1.1:40000");
    CHECK(pair.local.to_string() == "127.0.9.9:61000");
    CHECK(pair.remote.to_string() == "127.0.1.2:50000");
    CHECK(pair.local_type == "srflx");
    CHECK(pair.remote_type == "prflx");
    CHECK(pair.udp);
    CHECK(pair_ineligibility(pair).empty());
}

TEST_CASE("a host candidate without a base address is its own base", "[candidate]") {
    auto local = candidate(NICE_CANDIDATE_TYPE_HOST, "127.0.1.1", 40000);
    auto remote = candidate(NICE_CANDIDATE_TYPE_HOST, "127.0.1.2", 50000);
    const SelectedPair pair = pair_from_candidates(local.get(), remote.get());
    CHECK(pair.local_base == pair.local);
    CHECK(pair.local_base.family == AF_INET);
    CHECK(pair.local_type == "host");
}

TEST_CASE("IPv6 candidates keep all sixteen address bytes", "[candidate]") {
    auto local = candidate(NICE_CANDIDATE_TYPE_HOST, "::1", 40000);
    auto remote = candidate(NICE_CANDIDATE_TYPE_HOST, "fd00::2", 50000);
    const SelectedPair pair = pair_from_candidates(local.get(), remote.get());
    CHECK(pair.local.family == AF_INET6);
    CHECK(pair.local.addr[15] == 1);
    CHECK(pair.remote.to_string() == "[fd00::2]:50000");
}

TEST_CASE("a local TURN relay candidate keeps the leg off the kernel", "[candidate]") {
    auto local = candidate(NICE_CANDIDATE_TYPE_RELAYED, "127.0.5.5", 49152);
    auto remote = candidate(NICE_CANDIDATE_TYPE_HOST, "127.0.1.2", 50000);
    const SelectedPair pair = pair_from_candidates(local.get(), remote.get());
    CHECK(pair.local_type == "relay");
    CHECK(pair_ineligibility(pair) == "selected pair is TURN relay");
}

TEST_CASE("a remote relay candidate is a plain UDP peer for the kernel", "[candidate]") {
    auto local = candidate(NICE_CANDIDATE_TYPE_HOST, "127.0.1.1", 40000);
    auto remote = candidate(NICE_CANDIDATE_TYPE_RELAYED, "127.0.5.5", 49152);
    const SelectedPair pair = pair_from_candidates(local.get(), remote.get());
    CHECK(pair.remote_type == "relay");
    CHECK(pair_ineligibility(pair).empty());
}

TEST_CASE("a TCP candidate keeps the leg off the kernel", "[candidate]") {
    auto local = candidate(NICE_CANDIDATE_TYPE_HOST, "127.0.1.1", 40000,
                           NICE_CANDIDATE_TRANSPORT_TCP_PASSIVE);
    auto remote = candidate(NICE_CANDIDATE_TYPE_HOST, "127.0.1.2", 50000,
                            NICE_CANDIDATE_TRANSPORT_TCP_ACTIVE);
    const SelectedPair pair = pair_from_candidates(local.get(), remote.get());
    CHECK_FALSE(pair.udp);
    CHECK(pair_ineligibility(pair) == "TCP candidate");
}
