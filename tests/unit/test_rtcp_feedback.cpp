#include <catch2/catch.hpp>
#include <vector>

#include "media/rtcp_feedback.h"

using namespace swiftcall::media;

TEST_CASE("PLI and FIR in a compound packet are keyframe requests") {
    std::vector<uint8_t> rr_pli{0x80, 201, 0, 1, 0, 0, 0, 1,  // empty RR
                                0x81, 206, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2};
    CHECK(parse_rtcp_feedback(rr_pli).keyframe_request);
    std::vector<uint8_t> fir{0x84, 206, 0, 4, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 2, 1, 0, 0, 0};
    CHECK(parse_rtcp_feedback(fir).keyframe_request);
    std::vector<uint8_t> nack{0x81, 205, 0, 3, 0, 0, 0, 1, 0, 0, 0, 2, 0, 5, 0, 0};
    CHECK_FALSE(parse_rtcp_feedback(nack).keyframe_request);
}

TEST_CASE("RTCP lengths past the buffer are malformed") {
    std::vector<uint8_t> bad{0x81, 206, 0, 50, 0, 0, 0, 1};
    auto f = parse_rtcp_feedback(bad);
    CHECK(f.malformed);
    CHECK_FALSE(f.keyframe_request);
    std::vector<uint8_t> wrong_version{0x41, 206, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2};
    CHECK(parse_rtcp_feedback(wrong_version).malformed);
}

TEST_CASE("Generic NACKs expand PID and BLP into sequence numbers") {
    // RR, then a NACK for ssrc 0x01020304: PID 65534 + BLP bits 0 and 2
    // (65535, 1 after the wrap), and PID 7 with no bits.
    std::vector<uint8_t> compound{0x80, 201,  0,    1,    0,    0,    0,    1,   0x81, 205,
                                  0,    4,    0,    0,    0,    9,    1,    2,   3,    4,
                                  0xFF, 0xFE, 0x00, 0x05, 0x00, 0x07, 0x00, 0x00};
    auto f = parse_rtcp_feedback(compound);
    CHECK_FALSE(f.malformed);
    CHECK_FALSE(f.keyframe_request);
    REQUIRE(f.nacks.size() == 1);
    CHECK(f.nacks[0].media_ssrc == 0x01020304u);
    CHECK(f.nacks[0].sequences == std::vector<uint16_t>{65534, 65535, 1, 7});
}

TEST_CASE("Hostile NACKs: truncated FCI is malformed, huge ones are capped") {
    std::vector<uint8_t> short_nack{0x81, 205, 0, 1, 0, 0, 0, 9};
    auto f = parse_rtcp_feedback(short_nack);
    CHECK(f.malformed);
    CHECK(f.nacks.empty());
    // 100 FCI entries with every BLP bit set ask for 1700 packets.
    std::vector<uint8_t> big{0x81, 205, 0, 102, 0, 0, 0, 9, 0, 0, 0, 1};
    for (int i = 0; i < 100; i++) {
        big.push_back(uint8_t(i >> 8));
        big.push_back(uint8_t(i * 17));
        big.push_back(0xFF);
        big.push_back(0xFF);
    }
    auto g = parse_rtcp_feedback(big);
    CHECK_FALSE(g.malformed);
    size_t n = 0;
    for (const auto& r : g.nacks) n += r.sequences.size();
    CHECK(n == kMaxNackedPerPacket);
}
