// Where a kernel clone must leave from: the interface the kernel's own route
// to the peer uses (policy rules included), its MAC, and the MAC of the next
// hop from the kernel's neighbour table: the route's gateway when it has one
// (demo.sh's host link routes the browser's address via 127.0.N.254
// "onlink"), else the peer itself. ICE traffic has already flowed on the
// pair when a leg comes up, so that neighbour entry normally exists.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace swiftcall::core {

struct NextHop {
    std::string ifname;
    uint32_t ifindex = 0;
    std::array<uint8_t, 6> smac{};
    std::array<uint8_t, 6> dmac{};
    // The address whose MAC is dmac: the route's gateway, or the peer.
    std::array<uint8_t, 16> neighbour{};
    bool via_gateway = false;
};

// family AF_INET/AF_INET6; addresses in network order (4 or 16 bytes used).
// nullopt with *why_not when it cannot be resolved.
std::optional<NextHop> resolve_next_hop(int family, const std::array<uint8_t, 16>& local,
                                        const std::array<uint8_t, 16>& remote,
                                        std::string* why_not);

// The interface that owns a local address ("" when none does).
std::string interface_of_address(int family, const std::array<uint8_t, 16>& local);

// What the kernel's answer to an RTM_GETROUTE says about the way out.
struct RouteAnswer {
    uint32_t oif = 0;
    std::optional<std::array<uint8_t, 16>> gateway;
};

// Parses a netlink reply to RTM_GETROUTE (one RTM_NEWROUTE message, or an
// NLMSG_ERROR): nullopt with *why_not for an error, a truncated message or
// one without an output interface. Pure, so the unit tests feed it bytes.
std::optional<RouteAnswer> parse_route_answer(std::span<const uint8_t> reply, int family,
                                              std::string* why_not);

}  // namespace swiftcall::core
