#include <catch2/catch.hpp>
#include <memory>
#include <vector>

#include "fanout/fanout.h"
#include "media/rtp_packet.h"
#include "media/stream_recorder.h"
#include "null_media_sink.h"
#include "room/recording_name.h"
#include "rtp_builder.h"

using namespace swiftcall;

namespace {

struct FileLog {
    std::vector<std::vector<uint8_t>> packets;
    bool fail_from_now = false;
};

class FakeFile : public media::RecordingFile {
  public:
    explicit FakeFile(std::shared_ptr<FileLog> log) : log_(std::move(log)) {}
    bool save(std::span<uint8_t> rtp) override {
        if (log_->fail_from_now) return false;
        log_->packets.emplace_back(rtp.begin(), rtp.end());
        return true;
    }
    const std::string& path() const override { return path_; }

  private:
    std::shared_ptr<FileLog> log_;
    std::string path_ = "/rec/x.mjr";
};

std::vector<uint8_t> packet(uint16_t seq, uint32_t ssrc, uint32_t ts) {
    RtpSpec spec;
    spec.seq = seq;
    spec.ts = ts;
    spec.ssrc = ssrc;
    spec.payload = {0x10, 0x00, 0xAA};
    return build_rtp(spec);
}

}  // namespace

TEST_CASE("recording names are stock's", "[recording]") {
    CHECK(room::recording_name("", 1234, 99, 1700000000123456, room::MediaKind::video, 1) ==
          "videoroom-1234-user-99-1700000000123456-video-1");
    CHECK(room::recording_name("/rec/alice", 1234, 99, 5, room::MediaKind::audio, 0) ==
          "/rec/alice-audio-0");
    CHECK(room::recorder_codec(room::MediaKind::video, "vp8") == "vp8");
    CHECK(room::recorder_codec(room::MediaKind::audio, "opus") == "opus");
    // A codec the recorder does not take, or a kind mismatch: not recorded.
    CHECK(room::recorder_codec(room::MediaKind::audio, "vp8").empty());
    CHECK(room::recorder_codec(room::MediaKind::video, "theora").empty());
}

TEST_CASE("a plain stream records every packet as it came; a failed write stops it",
          "[recording]") {
    auto log = std::make_shared<FileLog>();
    media::StreamRecorder recorder(std::make_unique<FakeFile>(log), std::nullopt);
    for (uint16_t seq = 10; seq < 13; seq++) {
        auto p = packet(seq, 0x55, seq * 960u);
        auto r = recorder.take(p, 0, false, std::nullopt, false, seq * 20000);
        CHECK(r.saved);
        CHECK(log->packets.back() == p);  // byte for byte
    }
    CHECK(recorder.packets() == 3);
    log->fail_from_now = true;
    CHECK_FALSE(recorder.take(packet(13, 0x55, 0), 0, false, std::nullopt, false, 0).saved);
    CHECK(recorder.failed());
    log->fail_from_now = false;  // even if the disk has room again: stopped
    CHECK_FALSE(recorder.take(packet(14, 0x55, 0), 0, false, std::nullopt, false, 0).saved);
    CHECK(log->packets.size() == 3);
}

TEST_CASE("a simulcast stream records its best substream, in one numbering under one SSRC",
          "[recording]") {
    auto log = std::make_shared<FileLog>();
    media::StreamRecorder recorder(std::make_unique<FakeFile>(log),
                                   media::StreamRecorder::Simulcast{0xA, 90000});
    // Substream 0 keyframe first: taken while nothing better is seen.
    auto r = recorder.take(packet(100, 0xA, 1000), 0, true, std::nullopt, false, 0);
    CHECK(r.saved);
    // Substream 2 without a keyframe: waits for one, asks for it.
    r = recorder.take(packet(500, 0xC, 7000), 2, false, std::nullopt, false, 1000);
    CHECK(r.need_keyframe);
    CHECK_FALSE(r.saved);
    recorder.take(packet(101, 0xA, 4000), 0, false, std::nullopt, false, 2000);
    // Its keyframe: the recording switches up and stays there.
    r = recorder.take(packet(501, 0xC, 10000), 2, true, std::nullopt, false, 3000);
    CHECK(r.saved);
    CHECK_FALSE(recorder.take(packet(102, 0xA, 7000), 0, false, std::nullopt, false, 4000).saved);
    CHECK(recorder.take(packet(502, 0xC, 13000), 2, false, std::nullopt, false, 5000).saved);
    REQUIRE(log->packets.size() == 4);
    uint16_t prev = 0;
    for (size_t i = 0; i < log->packets.size(); i++) {
        auto view = media::RtpPacketView::parse(log->packets[i]);
        REQUIRE(view);
        CHECK(view->ssrc == 0xAu);
        if (i) CHECK(view->sequence == static_cast<uint16_t>(prev + 1));  // no gap, no jump
        prev = view->sequence;
    }
}

TEST_CASE("the fan-out records a stream's packets, and a muted stream's not", "[recording]") {
    test::NullMediaSink sink;
    fanout::Fanout fanout(sink);
    room::Publisher publisher;
    auto stream = std::make_shared<room::PublisherStream>();
    stream->media.kind = room::MediaKind::video;
    stream->media.codec = "vp8";
    stream->media.clock_rate = 90000;
    auto log = std::make_shared<FileLog>();
    stream->recorder =
        std::make_unique<media::StreamRecorder>(std::make_unique<FakeFile>(log), std::nullopt);
    fanout.forward(publisher, *stream, packet(1, 9, 0), nullptr, 0);
    fanout.forward(publisher, *stream, packet(2, 9, 3000), nullptr, 1000);
    CHECK(log->packets.size() == 2);
    CHECK(fanout.counters().recorded == 2);
    stream->muted = true;  // "moderate": stock records nothing of it either
    fanout.forward(publisher, *stream, packet(3, 9, 6000), nullptr, 2000);
    CHECK(log->packets.size() == 2);
}
