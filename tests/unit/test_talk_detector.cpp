#include <catch2/catch.hpp>
#include <vector>

#include "fanout/fanout.h"
#include "media/rtp_packet.h"
#include "media/talk_detector.h"
#include "null_media_sink.h"
#include "rtp_builder.h"

using namespace swiftcall;

namespace {

constexpr int kExtId = 1;

// An Opus packet with the RFC 6464 one-byte element (id 1, length 1).
std::vector<uint8_t> audio(uint16_t seq, int level, bool with_level = true) {
    RtpSpec spec;
    spec.seq = seq;
    spec.ts = seq * 960u;
    spec.ssrc = 0x77;
    if (with_level)
        spec.extension = {static_cast<uint8_t>(kExtId << 4), static_cast<uint8_t>(0x80 | level)};
    spec.payload = {0xF8, 0x01};
    return build_rtp(spec);
}

std::optional<media::TalkDetector::Change> feed(media::TalkDetector& d, uint16_t seq, int level,
                                                bool with_level = true) {
    auto p = audio(seq, level, with_level);
    auto view = media::RtpPacketView::parse(p);
    REQUIRE(view);
    return d.observe(p, *view);
}

}  // namespace

TEST_CASE("talk detection reports a change once per window, as stock's audiolevel_event",
          "[talk]") {
    media::TalkDetector d(kExtId, 5, 25);
    CHECK(d.level() == -1);
    // Loud (10 dBov) for one window: talking, reported at its 5th packet.
    for (uint16_t s = 0; s < 4; s++) CHECK_FALSE(feed(d, s, 10));
    auto change = feed(d, 4, 10);
    REQUIRE(change);
    CHECK(change->talking);
    CHECK(change->average_dbov == Approx(10));
    CHECK(d.talking());
    CHECK(d.level() == 10);
    // Still loud: no news.
    for (uint16_t s = 5; s < 10; s++) CHECK_FALSE(feed(d, s, 12));
    // Packets without the element count for nothing.
    for (uint16_t s = 10; s < 20; s++) CHECK_FALSE(feed(d, s, 0, false));
    // Silence (127): stopped, with the window's average.
    for (uint16_t s = 20; s < 24; s++) CHECK_FALSE(feed(d, s, 127));
    change = feed(d, 24, 127);
    REQUIRE(change);
    CHECK_FALSE(change->talking);
    CHECK(change->average_dbov == Approx(127));
    // A mixed window averages: 3 x 20 + 2 x 40 = 28 >= 25, not talking.
    d.set_params(5, 25);
    for (uint16_t s = 25; s < 28; s++) feed(d, s, 20);
    CHECK_FALSE(feed(d, 28, 40));
    CHECK_FALSE(feed(d, 29, 40));
    CHECK_FALSE(d.talking());
    // A publisher's own threshold of 30 makes the same audio talking.
    d.set_params(5, 30);
    for (uint16_t s = 30; s < 33; s++) feed(d, s, 20);
    feed(d, 33, 40);
    change = feed(d, 34, 40);
    REQUIRE(change);
    CHECK(change->talking);
}

TEST_CASE("the fan-out reports talking changes, and none for a muted stream", "[talk]") {
    test::NullMediaSink sink;
    fanout::Fanout fanout(sink);
    room::Publisher publisher;
    auto stream = std::make_shared<room::PublisherStream>();
    stream->media.kind = room::MediaKind::audio;
    stream->media.codec = "opus";
    stream->media.clock_rate = 48000;
    stream->audio_level_ext_id = kExtId;
    stream->talk = std::make_unique<media::TalkDetector>(kExtId, 3, 25);
    for (uint16_t s = 0; s < 3; s++) fanout.forward(publisher, *stream, audio(s, 5), nullptr, 0);
    REQUIRE(sink.talking_events == std::vector<bool>{true});
    CHECK(stream->talking());
    stream->muted = true;  // stock skips detection for a moderated stream
    for (uint16_t s = 3; s < 9; s++) fanout.forward(publisher, *stream, audio(s, 127), nullptr, 0);
    CHECK(sink.talking_events.size() == 1);
    stream->muted = false;
    for (uint16_t s = 9; s < 12; s++) fanout.forward(publisher, *stream, audio(s, 127), nullptr, 0);
    CHECK(sink.talking_events == std::vector<bool>{true, false});
}
