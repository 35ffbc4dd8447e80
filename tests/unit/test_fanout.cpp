#include <catch2/catch.hpp>

#include <map>
#include <vector>

#include "core/fanout.h"
#include "media/rtp_packet.h"
#include "rtp_builder.h"

using namespace swiftcall;

namespace {

struct Sent {
    room::SessionHandle to;
    int mindex;
    std::vector<uint8_t> bytes;
};

class RecordingSink : public core::MediaSink {
public:
    void relay_rtp(room::SessionHandle s, int mindex, bool, uint8_t* data, size_t len,
                   const void*) override {
        sent.push_back({s, mindex, std::vector<uint8_t>(data, data + len)});
    }
    void request_keyframe(room::SessionHandle p, int mindex) override {
        keyframe_requests.push_back({p, mindex});
    }
    void simulcast_changed(room::SessionHandle, const std::string&, int substream, int) override {
        substream_events.push_back(substream);
    }
    std::vector<Sent> sent;
    std::vector<std::pair<room::SessionHandle, int>> keyframe_requests;
    std::vector<int> substream_events;
};

room::SessionHandle handle(int n) { return reinterpret_cast<room::SessionHandle>(static_cast<uintptr_t>(n)); }

struct Setup {
    room::Publisher publisher;
    std::shared_ptr<room::PublisherStream> stream = std::make_shared<room::PublisherStream>();
    std::vector<std::shared_ptr<room::SubscriberStream>> subs;
    Setup(int subscribers, room::MediaKind kind = room::MediaKind::video) {
        publisher.session = handle(1);
        stream->media.kind = kind;
        stream->media.codec = kind == room::MediaKind::video ? "vp8" : "opus";
        stream->media.clock_rate = kind == room::MediaKind::video ? 90000 : 48000;
        stream->media.mindex = 1;
        for (int i = 0; i < subscribers; i++) {
            auto sub = std::make_shared<room::SubscriberStream>();
            sub->session = handle(100 + i);
            sub->mindex = i;
            sub->payload_type = 96 + i;
            sub->source = stream;
            subs.push_back(sub);
            stream->subscribers.push_back(sub);
        }
    }
};

std::vector<uint8_t> vp8_packet(uint16_t seq, uint32_t ssrc, bool key, std::vector<uint8_t> ext = {}) {
    RtpSpec spec;
    spec.seq = seq;
    spec.ts = seq * 3000u;
    spec.ssrc = ssrc;
    spec.extension = std::move(ext);
    spec.payload = {0x10, static_cast<uint8_t>(key ? 0x00 : 0x01), 0xAA, 0xBB};
    return build_rtp(spec);
}

}  // namespace

TEST_CASE("every subscriber gets each packet exactly once") {
    RecordingSink sink;
    core::Fanout fanout(sink);
    Setup setup(3);
    for (uint16_t seq = 1; seq <= 5; seq++)
        fanout.forward(setup.publisher, *setup.stream, vp8_packet(seq, 9, seq == 1), nullptr, seq * 1000);
    REQUIRE(sink.sent.size() == 15);
    std::map<room::SessionHandle, std::vector<uint16_t>> seqs;
    for (const auto& s : sink.sent) seqs[s.to].push_back(media::read_u16(s.bytes.data() + 2));
    CHECK(seqs.size() == 3);
    for (const auto& [to, list] : seqs) CHECK(list == std::vector<uint16_t>{1, 2, 3, 4, 5});
    // each subscriber gets the payload type its own SDP names
    for (const auto& s : sink.sent)
        CHECK((s.bytes[1] & 0x7F) == 96 + (reinterpret_cast<uintptr_t>(s.to) - 100));
    CHECK(fanout.counters().forwarded == 15);
}

TEST_CASE("malformed and oversized packets are counted drops, never forwarded") {
    RecordingSink sink;
    core::Fanout fanout(sink);
    Setup setup(2);
    std::vector<uint8_t> garbage{0x12, 0x34, 0x56};
    fanout.forward(setup.publisher, *setup.stream, garbage, nullptr, 0);
    auto big = vp8_packet(1, 9, true);
    big.resize(core::Fanout::kMaxPacket + 1, 0);
    fanout.forward(setup.publisher, *setup.stream, big, nullptr, 0);
    CHECK(sink.sent.empty());
    CHECK(fanout.counters().malformed == 1);
    CHECK(fanout.counters().oversized == 1);
}

TEST_CASE("paused, inactive and send=false subscribers get nothing") {
    RecordingSink sink;
    core::Fanout fanout(sink);
    Setup setup(4);
    setup.subs[0]->paused = true;
    setup.subs[1]->active = false;
    setup.subs[2]->send = false;
    fanout.forward(setup.publisher, *setup.stream, vp8_packet(1, 9, true), nullptr, 0);
    REQUIRE(sink.sent.size() == 1);
    CHECK(sink.sent[0].to == handle(103));
}

TEST_CASE("simulcast: substream learned from rid, lower one dropped, keyframe asked once") {
    RecordingSink sink;
    core::Fanout fanout(sink);
    Setup setup(1);
    setup.stream->simulcast = true;
    setup.stream->rid_extension_id = 10;
    setup.stream->rids = {"q", "h", "f"};
    setup.subs[0]->simulcast.set_target(1, 2);
    // rid ext: id 10, length 1, value "h"/"q"
    fanout.forward(setup.publisher, *setup.stream, vp8_packet(1, 0xB, false, {0xA0, 'h'}), nullptr, 0);
    CHECK(sink.sent.empty());
    REQUIRE(sink.keyframe_requests.size() == 1);
    fanout.forward(setup.publisher, *setup.stream, vp8_packet(2, 0xB, false, {0xA0, 'h'}), nullptr, 1000);
    CHECK(sink.keyframe_requests.size() == 1);  // rate limited
    fanout.forward(setup.publisher, *setup.stream, vp8_packet(3, 0xB, true, {0xA0, 'h'}), nullptr, 2000);
    REQUIRE(sink.sent.size() == 1);
    CHECK(setup.stream->ssrcs[1] == 0xB);
    CHECK(sink.substream_events == std::vector<int>{1});
    // the learned SSRC is used without the extension from now on
    fanout.forward(setup.publisher, *setup.stream, vp8_packet(4, 0xB, false), nullptr, 3000);
    CHECK(sink.sent.size() == 2);
    // a packet from the low substream (rid "q") is not forwarded
    fanout.forward(setup.publisher, *setup.stream, vp8_packet(50, 0xA, false, {0xA0, 'q'}), nullptr, 4000);
    CHECK(sink.sent.size() == 2);
    // unknown rid: counted, not forwarded
    fanout.forward(setup.publisher, *setup.stream, vp8_packet(60, 0xC, true, {0xA0, 'z'}), nullptr, 5000);
    CHECK(sink.sent.size() == 2);
    CHECK(fanout.counters().unknown_substream == 1);
}
