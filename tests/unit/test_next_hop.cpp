#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <vector>

#include "core/next_hop.h"

using namespace swiftcall::core;

namespace {

// A kernel reply to RTM_GETROUTE as `ip route get` receives it.
struct RouteReply {
    std::vector<uint8_t> bytes = std::vector<uint8_t>(NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(rtmsg)));
    explicit RouteReply(uint16_t type = RTM_NEWROUTE, uint8_t rtm_type = RTN_UNICAST) {
        auto* nh = reinterpret_cast<nlmsghdr*>(bytes.data());
        nh->nlmsg_type = type;
        auto* rt = reinterpret_cast<rtmsg*>(bytes.data() + NLMSG_HDRLEN);
        rt->rtm_family = AF_INET;
        rt->rtm_type = rtm_type;
        finish();
    }
    void attr(uint16_t type, const void* data, size_t len) {
        size_t off = bytes.size();
        bytes.resize(off + RTA_SPACE(len));
        rtattr rta{static_cast<unsigned short>(RTA_LENGTH(len)), type};
        std::memcpy(bytes.data() + off, &rta, sizeof(rta));
        std::memcpy(bytes.data() + off + RTA_LENGTH(0), data, len);
        finish();
    }
    void finish() { reinterpret_cast<nlmsghdr*>(bytes.data())->nlmsg_len = bytes.size(); }
};

std::array<uint8_t, 16> v4(const char* text) {
    std::array<uint8_t, 16> a{};
    inet_pton(AF_INET, text, a.data());
    return a;
}

}  // namespace

TEST_CASE("a routed peer's next hop is the route's gateway, not the peer") {
    // demo.sh's host link: 127.200.60.1/32 via 127.0.61.254 dev scdemo60hj onlink
    RouteReply r;
    uint32_t oif = 7;
    auto dst = v4("127.200.60.1"), gw = v4("127.0.61.254");
    r.attr(RTA_DST, dst.data(), 4);
    r.attr(RTA_OIF, &oif, 4);
    r.attr(RTA_GATEWAY, gw.data(), 4);
    std::string why;
    auto a = parse_route_answer(r.bytes, AF_INET, &why);
    REQUIRE(a);
    CHECK(a->oif == 7);
    REQUIRE(a->gateway);
    CHECK(*a->gateway == gw);
}

TEST_CASE("a peer on the link is its own next hop") {
    RouteReply r;
    uint32_t oif = 3;
    r.attr(RTA_OIF, &oif, 4);
    auto a = parse_route_answer(r.bytes, AF_INET, nullptr);
    REQUIRE(a);
    CHECK(a->oif == 3);
    CHECK_FALSE(a->gateway);
}

TEST_CASE(
    "an unreachable peer, a truncated reply or a route without interface is refused with a "
    "reason") {
    std::string why;
    RouteReply err(NLMSG_ERROR);
    nlmsgerr e{};
    e.error = -ENETUNREACH;
    err.bytes.resize(NLMSG_HDRLEN + sizeof(e));
    std::memcpy(err.bytes.data() + NLMSG_HDRLEN, &e, sizeof(e));
    err.finish();
    CHECK_FALSE(parse_route_answer(err.bytes, AF_INET, &why));
    CHECK(why.find("no route") != std::string::npos);

    RouteReply r;
    uint32_t oif = 3;
    r.attr(RTA_OIF, &oif, 4);
    std::vector<uint8_t> cut(r.bytes.begin(), r.bytes.end() - 2);
    CHECK_FALSE(parse_route_answer(cut, AF_INET, &why));
    CHECK(why.find("truncated") != std::string::npos);

    RouteReply none;
    CHECK_FALSE(parse_route_answer(none.bytes, AF_INET, &why));
    CHECK(why.find("no output interface") != std::string::npos);

    RouteReply blackhole(RTM_NEWROUTE, RTN_BLACKHOLE);
    blackhole.attr(RTA_OIF, &oif, 4);
    CHECK_FALSE(parse_route_answer(blackhole.bytes, AF_INET, &why));
    CHECK(why.find("not unicast") != std::string::npos);

    RouteReply bad;
    rtattr huge{200, RTA_OIF};
    bad.bytes.resize(bad.bytes.size() + sizeof(huge));
    std::memcpy(bad.bytes.data() + bad.bytes.size() - sizeof(huge), &huge, sizeof(huge));
    bad.finish();
    CHECK_FALSE(parse_route_answer(bad.bytes, AF_INET, &why));
    CHECK(why.find("malformed") != std::string::npos);
}
