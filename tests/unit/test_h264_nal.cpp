#include <catch2/catch.hpp>

#include <vector>

#include "media/h264_nal.h"

using namespace swiftcall::media;

TEST_CASE("H.264 keyframes are found in single NAL, STAP-A and FU-A payloads") {
    CHECK(h264_is_keyframe(std::vector<uint8_t>{0x65, 0x88}));        // IDR
    CHECK(h264_is_keyframe(std::vector<uint8_t>{0x67, 0x42}));        // SPS
    CHECK_FALSE(h264_is_keyframe(std::vector<uint8_t>{0x41, 0x9a}));  // non-IDR slice
    CHECK(h264_is_keyframe(std::vector<uint8_t>{0x7c, 0x85, 0x00}));  // FU-A start of IDR
    CHECK_FALSE(h264_is_keyframe(std::vector<uint8_t>{0x7c, 0x05, 0x00}));  // FU-A middle
    // STAP-A with SPS (size 2) then PPS
    CHECK(h264_is_keyframe(std::vector<uint8_t>{0x78, 0x00, 0x02, 0x67, 0x42, 0x00, 0x01, 0x68}));
    CHECK_FALSE(h264_is_keyframe(std::vector<uint8_t>{0x78, 0x00, 0x02, 0x41, 0x42}));
}

TEST_CASE("H.264 aggregation lengths past the end are not followed") {
    CHECK_FALSE(h264_is_keyframe(std::vector<uint8_t>{0x78, 0xFF, 0xFF, 0x67}));
    CHECK_FALSE(h264_is_keyframe(std::vector<uint8_t>{0x7c}));
    CHECK_FALSE(h264_is_keyframe({}));
}
