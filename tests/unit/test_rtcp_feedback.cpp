#include <catch2/catch.hpp>

#include <vector>

#include "media/rtcp_feedback.h"

using namespace swiftcall::media;

TEST_CASE("PLI and FIR in a compound packet are keyframe requests") {
    std::vector<uint8_t> rr_pli{0x80, 201, 0, 1, 0, 0, 0, 1,   // empty RR
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
