// Where a kernel clone must leave from: the interface that owns the local
// address of the selected ICE pair, its MAC, and the peer's MAC from the
// kernel's neighbour table. ICE traffic has already flowed on the pair when
// a leg comes up, so the neighbour entry normally exists.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

namespace swiftcall::core {

struct NextHop {
    std::string ifname;
    uint32_t ifindex = 0;
    std::array<uint8_t, 6> smac{};
    std::array<uint8_t, 6> dmac{};
};

// family AF_INET/AF_INET6; addresses in network order (4 or 16 bytes used).
// nullopt with *why_not when it cannot be resolved.
std::optional<NextHop> resolve_next_hop(int family, const std::array<uint8_t, 16>& local,
                                        const std::array<uint8_t, 16>& remote,
                                        std::string* why_not);

// The interface that owns a local address ("" when none does).
std::string interface_of_address(int family, const std::array<uint8_t, 16>& local);

}  // namespace swiftcall::core
