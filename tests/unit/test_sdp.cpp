#include <catch2/catch.hpp>

#include "chrome_offer.h"
#include "media/sdp.h"

using namespace swiftcall::media;

TEST_CASE("a browser offer parses into its media sections") {
    auto sdp = parse_sdp(kChromeOffer);
    REQUIRE(sdp);
    REQUIRE(sdp->media.size() == 3);
    CHECK(sdp->media[0].type == "audio");
    CHECK(sdp->media[0].formats.front() == "111");
    CHECK(sdp->media[0].attribute("mid") == "0");
    CHECK(sdp->media[0].direction() == "sendonly");
    CHECK(sdp->media[1].for_payload("rtcp-fb", 96).size() == 5);
    CHECK(sdp->media[2].type == "application");
    CHECK(sdp->session_lines.size() == 4);
}

TEST_CASE("serialize then parse is lossless") {
    auto sdp = parse_sdp(kChromeOffer);
    REQUIRE(sdp);
    CHECK(serialize_sdp(*sdp) == kChromeOffer);
}

TEST_CASE("hostile SDP is rejected without throwing") {
    CHECK_FALSE(parse_sdp(""));
    CHECK_FALSE(parse_sdp("hello"));
    CHECK_FALSE(parse_sdp("v=0\r\nm=audio\r\n"));
    CHECK_FALSE(parse_sdp("v=0\r\nm=audio 99999 RTP/AVP 0\r\n"));
    CHECK_FALSE(parse_sdp("v=0\r\nm=audio -1 RTP/AVP 0\r\n"));
    CHECK_FALSE(parse_sdp("v=0\r\nxx\r\n"));
    std::string huge = "v=0\r\n" + std::string(70000, 'a');
    CHECK_FALSE(parse_sdp(huge));
    std::string many = "v=0\r\n";
    for (int i = 0; i < 100; i++) many += "m=audio 9 RTP/AVP 0\r\n";
    CHECK_FALSE(parse_sdp(many));
}
