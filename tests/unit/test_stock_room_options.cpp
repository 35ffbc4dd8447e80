#include <catch2/catch.hpp>

#include "room/stock_room_options.h"

using namespace swiftcall::room;

TEST_CASE("a stock option is quiet only at the value SwiftCall behaves as") {
    CHECK_FALSE(check_unimplemented_room_option("bitrate_cap", "false"));
    CHECK_FALSE(check_unimplemented_room_option("bitrate_cap", "no"));
    CHECK_FALSE(check_unimplemented_room_option("playoutdelay_ext", "0"));
    CHECK_FALSE(check_unimplemented_room_option("transport_wide_cc_ext", "true"));
    // SwiftCall's own options are not this table's business.
    CHECK_FALSE(check_unimplemented_room_option("pin", "1234"));
    CHECK_FALSE(is_unimplemented_room_option("pin"));

    // Recording is implemented: no longer this table's business either.
    CHECK_FALSE(is_unimplemented_room_option("record"));
    CHECK_FALSE(is_unimplemented_room_option("rec_dir"));
    auto cap = check_unimplemented_room_option("bitrate_cap", "true");
    REQUIRE(cap);
    CHECK(cap->severity == UnsupportedSeverity::warn);
    CHECK_THAT(cap->message,
               Catch::StartsWith("bitrate_cap = true: ") && Catch::Contains("not supported"));
    // Options that only configure a missing feature warn at every value.
    REQUIRE(check_unimplemented_room_option("dummy_streams", "[]"));
    REQUIRE(check_unimplemented_room_option("h264_profile", "42e01f"));

    auto e2ee = check_unimplemented_room_option("require_e2ee", "true");
    REQUIRE(e2ee);
    CHECK(e2ee->severity == UnsupportedSeverity::refuse);
    REQUIRE(check_unimplemented_room_option("signed_tokens", "1"));
    CHECK(check_unimplemented_room_option("signed_tokens", "1")->severity ==
          UnsupportedSeverity::refuse);
}
