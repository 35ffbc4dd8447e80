#include <catch2/catch.hpp>
#include <vector>

#include "media/packet_history.h"

using swiftcall::media::PacketHistory;

TEST_CASE("Packet history returns exactly the packet stored under an index") {
    PacketHistory h(4);
    std::vector<uint8_t> a{1, 2, 3}, b{4, 5}, out;
    h.store(10, a);
    h.store(11, b);
    REQUIRE(h.copy(10, out));
    CHECK(out == a);
    REQUIRE(h.copy(11, out));
    CHECK(out == b);
    CHECK_FALSE(h.copy(12, out));  // never stored
}

TEST_CASE("Packet history forgets what a newer index overwrote, and oversized packets") {
    PacketHistory h(4);
    std::vector<uint8_t> a{1}, b{2}, out;
    h.store(10, a);
    h.store(14, b);  // same slot (14 % 4 == 10 % 4)
    CHECK_FALSE(h.copy(10, out));
    REQUIRE(h.copy(14, out));
    CHECK(out == b);
    std::vector<uint8_t> big(PacketHistory::kMaxPacket + 1, 7);
    h.store(20, big);
    CHECK_FALSE(h.copy(20, out));
}
