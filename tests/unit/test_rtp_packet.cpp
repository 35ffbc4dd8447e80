#include <catch2/catch.hpp>

#include "media/rtp_packet.h"
#include "rtp_builder.h"

using namespace swiftcall::media;

TEST_CASE("a valid packet exposes its header fields") {
    RtpSpec spec;
    spec.marker = true;
    spec.csrcs = {1, 2};
    spec.extension = {0x10, 0xAA, 0x22, 'h', 'i', 'g'};  // id1 len1, id2 len3
    spec.payload = {1, 2, 3, 4, 5};
    spec.padding = 3;
    auto bytes = build_rtp(spec);
    auto view = RtpPacketView::parse(bytes);
    REQUIRE(view);
    CHECK(view->marker);
    CHECK(view->payload_type == 96);
    CHECK(view->sequence == 1000);
    CHECK(view->timestamp == 90000);
    CHECK(view->ssrc == 0x11223344);
    CHECK(view->header_size == 12 + 8 + 4 + 8);
    CHECK(view->payload_size == 5);
    auto ext1 = view->extension(bytes, 1);
    REQUIRE(ext1);
    CHECK(ext1->size() == 1);
    auto ext2 = view->extension(bytes, 2);
    REQUIRE(ext2);
    CHECK(std::string(ext2->begin(), ext2->end()) == "hig");
    CHECK_FALSE(view->extension(bytes, 3));
}

TEST_CASE("malformed packets are rejected at every header boundary") {
    RtpSpec spec;
    spec.csrcs = {7};
    spec.extension = {0x10, 0xAA};
    spec.payload = {9};
    auto bytes = build_rtp(spec);
    REQUIRE(RtpPacketView::parse(bytes));
    // Truncations that cut a declared header field are rejected.
    for (size_t len : {0, 1, 11, 12, 15, 16, 19, 23})
        CHECK_FALSE(RtpPacketView::parse(std::span<const uint8_t>(bytes.data(), len)));
    SECTION("version other than 2") {
        bytes[0] = static_cast<uint8_t>((bytes[0] & 0x3F) | 0x40);
        CHECK_FALSE(RtpPacketView::parse(bytes));
    }
    SECTION("CSRC count past the end") {
        bytes[0] = static_cast<uint8_t>((bytes[0] & 0xF0) | 0x0F);
        CHECK_FALSE(RtpPacketView::parse(bytes));
    }
    SECTION("extension length past the end") {
        bytes[16 + 3] = 200;
        CHECK_FALSE(RtpPacketView::parse(bytes));
    }
    SECTION("padding length past the end") {
        bytes[0] |= 0x20;
        bytes.back() = 250;
        CHECK_FALSE(RtpPacketView::parse(bytes));
    }
    SECTION("zero padding length") {
        bytes[0] |= 0x20;
        bytes.back() = 0;
        CHECK_FALSE(RtpPacketView::parse(bytes));
    }
}

TEST_CASE("extension elements that overrun the block are not returned") {
    RtpSpec spec;
    spec.extension = {0x1F, 1, 2, 3};  // id 1 claims 16 bytes in a 4-byte block
    auto bytes = build_rtp(spec);
    auto view = RtpPacketView::parse(bytes);
    REQUIRE(view);
    CHECK_FALSE(view->extension(bytes, 1));
}

TEST_CASE("RTCP is told apart from RTP by payload type") {
    std::vector<uint8_t> pli{0x81, 206, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2};
    CHECK(looks_like_rtcp(pli));
    RtpSpec spec;
    CHECK_FALSE(looks_like_rtcp(build_rtp(spec)));
}
