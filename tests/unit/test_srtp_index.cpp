#include <catch2/catch.hpp>

#include "media/srtp_index.h"

using namespace swiftcall::media;

TEST_CASE("SRTP index follows sequence numbers across the 65535 -> 0 wrap") {
    SrtpIndexTracker t;
    CHECK(t.update(65534) == 65534);
    CHECK(t.update(65535) == 65535);
    CHECK(t.update(0) == 65536);
    CHECK(t.update(1) == 65537);
    // a late packet from before the wrap keeps ROC 0
    CHECK(t.update(65533) == 65533);
    CHECK(t.highest() == 65537);
}

TEST_CASE("SRTP index estimation matches RFC 3711 Appendix A") {
    CHECK(estimate_srtp_index(0x10005, 0xFFF0) == 0x0FFF0);   // previous ROC
    CHECK(estimate_srtp_index(0x1FFF0, 0x0005) == 0x20005);   // next ROC
    CHECK(estimate_srtp_index(0x18000, 0x8100) == 0x18100);   // same ROC
    CHECK(estimate_srtp_index(0x00005, 0xFFF0) == 0x0FFF0);   // ROC 0 never goes negative
}
