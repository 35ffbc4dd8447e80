#include <catch2/catch.hpp>
#include <stdexcept>

#include "datapath/datagram_ring.h"

using swiftcall::datapath::DatagramRing;
using swiftcall::datapath::RingBatch;

TEST_CASE("datagram ring: batches are consecutive slots that wrap at the end") {
    DatagramRing ring(8);
    auto a = ring.claim(5);
    REQUIRE(a);
    CHECK(a->first == 0);
    CHECK(a->count == 5);
    ring.release(*a);
    auto b = ring.claim(5);
    REQUIRE(b);
    CHECK(b->first == 5);
    CHECK(ring.slot(*b, 0) == 5);
    CHECK(ring.slot(*b, 2) == 7);
    CHECK(ring.slot(*b, 3) == 0);  // wrapped
    CHECK(ring.slot(*b, 4) == 1);
}

TEST_CASE("datagram ring: a claim over slots still in use fails and claims nothing") {
    DatagramRing ring(8);
    auto held = ring.claim(6);  // slots 0..5, not released: its run is still going
    REQUIRE(held);
    auto next = ring.claim(2);  // 6, 7: free
    REQUIRE(next);
    ring.release(*next);
    // 0..3 would overwrite frames the first batch has not sent: full.
    CHECK_FALSE(ring.claim(4));
    ring.release(*held);
    // The failed claim left nothing claimed behind: the whole ring is free.
    auto all = ring.claim(8);
    REQUIRE(all);
    CHECK(all->count == 8);
}

TEST_CASE("datagram ring: limits") {
    CHECK_THROWS_AS(DatagramRing(0), std::invalid_argument);
    DatagramRing ring(4);
    CHECK_FALSE(ring.claim(5));  // longer than the ring
    auto empty = ring.claim(0);
    REQUIRE(empty);
    CHECK(empty->count == 0);
    ring.release(*empty);
    CHECK(ring.claim(4));
}
