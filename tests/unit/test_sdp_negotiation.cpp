#include <catch2/catch.hpp>
#include <set>

#include "chrome_offer.h"
#include "media/sdp_negotiation.h"

using namespace swiftcall::media;
using swiftcall::room::MediaKind;

namespace {
PublisherNegotiation negotiate(std::vector<std::string> audio, std::vector<std::string> video) {
    auto offer = parse_sdp(kChromeOffer);
    REQUIRE(offer);
    return negotiate_publisher(*offer, {std::move(audio), std::move(video)}, 42);
}
}  // namespace

TEST_CASE("publisher answer picks the room's codecs and receives only") {
    auto result = negotiate({"opus"}, {"vp8", "h264"});
    REQUIRE(result.error.empty());
    REQUIRE(result.answer.media.size() == 3);
    const auto& audio = result.answer.media[0];
    CHECK(audio.formats == std::vector<std::string>{"111"});
    CHECK(audio.direction() == "recvonly");
    CHECK(audio.attribute("mid") == "0");
    CHECK(audio.for_payload("fmtp", 111).front() == "minptime=10;useinbandfec=1");
    const auto& video = result.answer.media[1];
    CHECK(video.formats == std::vector<std::string>{"96"});
    CHECK(video.port == 9);
    // toffset is not something we forward: dropped from the answer.
    for (const auto& ext : video.attributes_named("extmap"))
        CHECK(ext.find("toffset") == std::string::npos);
    CHECK(video.attributes_named("extmap").size() == 6);
    // data channels are not supported: rejected with port 0
    CHECK(result.answer.media[2].port == 0);
    REQUIRE(result.streams.size() == 3);
    CHECK(result.streams[1].codec == "vp8");
    CHECK(result.streams[1].clock_rate == 90000);
    CHECK(result.streams[0].channels == 2);
    CHECK(result.streams[2].disabled);
}

TEST_CASE("room codec order wins over the offer's order") {
    auto result = negotiate({"pcmu", "opus"}, {"h264", "vp8"});
    REQUIRE(result.error.empty());
    CHECK(result.streams[0].codec == "pcmu");
    CHECK(result.streams[0].payload_type == 0);
    CHECK(result.streams[1].codec == "h264");
    CHECK(result.streams[1].payload_type == 102);
}

TEST_CASE("an m-line with no acceptable codec is rejected, not failed") {
    auto result = negotiate({"opus"}, {"h265"});
    REQUIRE(result.error.empty());
    CHECK(result.answer.media[1].port == 0);
    CHECK(result.streams[1].disabled);
}

TEST_CASE("an offer with no usable media is an error") {
    auto result = negotiate({"isac32"}, {"h265"});
    CHECK_FALSE(result.error.empty());
}

TEST_CASE("subscriber offer keeps the publisher's payload type and extension ids") {
    auto pub = negotiate({"opus"}, {"vp8"});
    std::vector<SubscribedMedia> media{{"0", pub.streams[0], true}, {"1", pub.streams[1], true},
                                       {"2", pub.streams[1], false}};
    Sdp offer = build_subscriber_offer(media, 7, 3);
    REQUIRE(offer.media.size() == 3);
    CHECK(offer.session_lines[1] == "o=- 7 3 IN IP4 127.0.0.1");
    const auto& video = offer.media[1];
    CHECK(video.direction() == "sendonly");
    CHECK(video.formats == std::vector<std::string>{"96"});
    CHECK(video.for_payload("rtpmap", 96).front() == "VP8/90000");
    // transport-cc is a publisher-side feedback only
    for (const auto& fb : video.for_payload("rtcp-fb", 96)) CHECK(fb != "transport-cc");
    bool has_mid = false;
    for (const auto& ext : video.attributes_named("extmap")) {
        CHECK(ext.find("rtp-stream-id") == std::string::npos);
        if (ext == "4 urn:ietf:params:rtp-hdrext:sdes:mid") has_mid = true;
    }
    CHECK(has_mid);
    CHECK(offer.media[0].for_payload("rtpmap", 111).front() == "opus/48000/2");
    // A stream whose feed is gone stays bundled and keeps its codec (stock).
    CHECK(offer.media[2].port == 9);
    CHECK(offer.media[2].direction() == "inactive");
    CHECK(offer.media[2].for_payload("rtpmap", 96).front() == "VP8/90000");
    // round trip through text
    auto reparsed = parse_sdp(serialize_sdp(offer));
    REQUIRE(reparsed);
    CHECK(reparsed->media.size() == 3);
}

TEST_CASE("subscriber offers use fixed payload types and extension ids whatever the publisher chose") {
    auto pub = negotiate({"opus"}, {"vp8"});
    auto audio = pub.streams[0];
    auto video = pub.streams[1];
    // As offered by aiortc: opus 96, VP8 97, mid extension id 1.
    audio.payload_type = 96;
    video.payload_type = 97;
    for (auto& ext : video.extensions)
        if (ext.uri == "urn:ietf:params:rtp-hdrext:sdes:mid") ext.id = 1;
    Sdp offer = build_subscriber_offer({{"0", audio, true}, {"1", video, true}}, 1, 1);
    CHECK(offer.media[0].formats == std::vector<std::string>{"111"});
    CHECK(offer.media[1].formats == std::vector<std::string>{"96"});
    CHECK(offer.media[1].for_payload("rtpmap", 96).front() == "VP8/90000");
    // the same URI has the same id in every m-line of the bundle
    for (const auto& m : offer.media) {
        for (const auto& ext : m.attributes_named("extmap")) {
            if (ext.find("sdes:mid") != std::string::npos) CHECK(ext.rfind("4 ", 0) == 0);
            if (ext.find("abs-send-time") != std::string::npos) CHECK(ext.rfind("2 ", 0) == 0);
            if (ext.find("audio-level") != std::string::npos) CHECK(ext.rfind("1 ", 0) == 0);
        }
    }
}

TEST_CASE("subscriber SDP session ids are random, non-zero and below 2^62") {
    std::set<uint64_t> seen;
    for (int i = 0; i < 1000; ++i) {
        const uint64_t id = new_sdp_session_id();
        CHECK(id != 0);
        CHECK(id < (uint64_t{1} << 62));
        seen.insert(id);
    }
    // A counter, a clock or an address would repeat or cluster; 1000 draws
    // of 62 random bits do not collide, and their top bits vary.
    CHECK(seen.size() == 1000);
    CHECK((*seen.rbegin() >> 50) != (*seen.begin() >> 50));
    const Sdp offer = build_subscriber_offer({}, 4242, 3);
    CHECK(serialize_sdp(offer).find("o=- 4242 3 ") != std::string::npos);
}
