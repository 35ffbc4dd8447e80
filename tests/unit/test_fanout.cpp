#include <catch2/catch.hpp>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "fanout/fanout.h"
#include "fanout/rtp_forwarder.h"
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
    void talking_changed(const room::Publisher&, const room::PublisherStream&, bool talking,
                         double) override {
        talking_events.push_back(talking);
    }
    std::vector<Sent> sent;
    std::vector<bool> talking_events;
    std::vector<std::pair<room::SessionHandle, int>> keyframe_requests;
    std::vector<int> substream_events;
};

room::SessionHandle handle(int n) {
    return reinterpret_cast<room::SessionHandle>(static_cast<uintptr_t>(n));
}

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

std::vector<uint8_t> vp8_packet(uint16_t seq, uint32_t ssrc, bool key,
                                std::vector<uint8_t> ext = {}) {
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
    fanout::Fanout fanout(sink);
    Setup setup(3);
    for (uint16_t seq = 1; seq <= 5; seq++)
        fanout.forward(setup.publisher, *setup.stream, vp8_packet(seq, 9, seq == 1), nullptr,
                       seq * 1000);
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
    fanout::Fanout fanout(sink);
    Setup setup(2);
    std::vector<uint8_t> garbage{0x12, 0x34, 0x56};
    fanout.forward(setup.publisher, *setup.stream, garbage, nullptr, 0);
    auto big = vp8_packet(1, 9, true);
    big.resize(fanout::Fanout::kMaxPacket + 1, 0);
    fanout.forward(setup.publisher, *setup.stream, big, nullptr, 0);
    CHECK(sink.sent.empty());
    CHECK(fanout.counters().malformed == 1);
    CHECK(fanout.counters().oversized == 1);
}

TEST_CASE("paused, inactive and send=false subscribers get nothing") {
    RecordingSink sink;
    fanout::Fanout fanout(sink);
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
    fanout::Fanout fanout(sink);
    Setup setup(1);
    setup.stream->simulcast = true;
    setup.stream->rid_extension_id = 10;
    setup.stream->rids = {"q", "h", "f"};
    setup.subs[0]->simulcast.set_target(1, 2);
    // rid ext: id 10, length 1, value "h"/"q"
    fanout.forward(setup.publisher, *setup.stream, vp8_packet(1, 0xB, false, {0xA0, 'h'}), nullptr,
                   0);
    CHECK(sink.sent.empty());
    REQUIRE(sink.keyframe_requests.size() == 1);
    fanout.forward(setup.publisher, *setup.stream, vp8_packet(2, 0xB, false, {0xA0, 'h'}), nullptr,
                   1000);
    CHECK(sink.keyframe_requests.size() == 1);  // rate limited
    fanout.forward(setup.publisher, *setup.stream, vp8_packet(3, 0xB, true, {0xA0, 'h'}), nullptr,
                   2000);
    REQUIRE(sink.sent.size() == 1);
    CHECK(setup.stream->ssrcs[1] == 0xB);
    CHECK(sink.substream_events == std::vector<int>{1});
    // the learned SSRC is used without the extension from now on
    fanout.forward(setup.publisher, *setup.stream, vp8_packet(4, 0xB, false), nullptr, 3000);
    CHECK(sink.sent.size() == 2);
    // a packet from the low substream (rid "q") is not forwarded
    fanout.forward(setup.publisher, *setup.stream, vp8_packet(50, 0xA, false, {0xA0, 'q'}), nullptr,
                   4000);
    CHECK(sink.sent.size() == 2);
    // unknown rid: counted, not forwarded
    fanout.forward(setup.publisher, *setup.stream, vp8_packet(60, 0xC, true, {0xA0, 'z'}), nullptr,
                   5000);
    CHECK(sink.sent.size() == 2);
    CHECK(fanout.counters().unknown_substream == 1);
}

namespace {

// The sealed transmitter as the fan-out sees it: records each batch.
class RecordingSealedSender : public fanout::SealedLegSender {
  public:
    struct Add {
        const fanout::SealedLeg* leg;
        std::vector<uint8_t> rtp;
        uint64_t in_index;  // rewritten: the leg's out index
        bool rewritten = false;
    };
    void begin(size_t legs) override {
        batches.emplace_back();
        bounds.push_back(legs);
    }
    bool add(const std::shared_ptr<fanout::SealedLeg>& leg, std::span<const uint8_t> rtp,
             uint64_t in_index) override {
        REQUIRE(!batches.empty());
        if (decline_index && in_index == *decline_index) return false;
        batches.back().push_back({leg.get(), {rtp.begin(), rtp.end()}, in_index});
        return true;
    }
    bool add_rewritten(const std::shared_ptr<fanout::SealedLeg>& leg, std::span<const uint8_t> rtp,
                       uint64_t out_index) override {
        REQUIRE(!batches.empty());
        batches.back().push_back({leg.get(), {rtp.begin(), rtp.end()}, out_index, true});
        return true;
    }
    void flush() override { flushes++; }
    api::Json describe() const override { return api::Json::object(); }
    std::vector<std::vector<Add>> batches;
    std::vector<size_t> bounds;
    size_t flushes = 0;
    std::optional<uint64_t> decline_index;
};

// A SealedLeg pointer the fan-out only passes through: an aliasing
// shared_ptr needs no complete type and owns nothing real.
std::shared_ptr<fanout::SealedLeg> fake_leg(uintptr_t tag) {
    static auto owner = std::make_shared<int>(0);
    return std::shared_ptr<fanout::SealedLeg>(owner, reinterpret_cast<fanout::SealedLeg*>(tag));
}

// The publisher stream as the mirror leaves it for kernel legs: an id;
// packets seq in [first, last) forwarded.
void forward_sealed(fanout::Fanout& fanout, Setup& setup, uint16_t first, uint16_t last) {
    setup.stream->kernel_publisher_id = 7;
    for (uint16_t seq = first; seq < last; seq++)
        fanout.forward(setup.publisher, *setup.stream, vp8_packet(seq, 9, seq == first), nullptr,
                       seq * 1000);
}

}  // namespace

TEST_CASE("sealed legs: one batch per publisher packet as the plugin got it, the rest relayed") {
    RecordingSink sink;
    RecordingSealedSender sealed;
    fanout::Fanout fanout(sink, &sealed);
    Setup setup(3);
    setup.subs[0]->sealed = fake_leg(0x10);
    setup.subs[2]->sealed = fake_leg(0x30);
    for (auto& s : setup.subs) s->kernel.serving = s->sealed != nullptr;
    forward_sealed(fanout, setup, 200, 205);
    // Only the leg without a SealedLeg goes through Janus.
    REQUIRE(sink.sent.size() == 5);
    for (const auto& s : sink.sent) CHECK(s.to == setup.subs[1]->session);
    REQUIRE(sealed.batches.size() == 5);
    CHECK(sealed.flushes == 5);
    for (size_t p = 0; p < 5; p++) {
        CHECK(sealed.bounds[p] == 3);
        REQUIRE(sealed.batches[p].size() == 2);
        CHECK(sealed.batches[p][0].leg == reinterpret_cast<fanout::SealedLeg*>(0x10));
        CHECK(sealed.batches[p][1].leg == reinterpret_cast<fanout::SealedLeg*>(0x30));
        for (const auto& add : sealed.batches[p]) {
            auto view = media::RtpPacketView::parse(add.rtp);
            REQUIRE(view);
            // Not renumbered: the leg's rewrite happens where it is sealed.
            CHECK(view->sequence == 200 + p);
            CHECK(add.in_index == 200 + p);
        }
    }
    CHECK(fanout.counters().kernel_served == 10);
    CHECK(setup.subs[0]->kernel.first_index == 200);
    CHECK(setup.subs[0]->kernel.skipped_for_kernel == 5);
}

TEST_CASE("sealed legs: a packet the leg declines is relayed instead; paused legs get nothing") {
    RecordingSink sink;
    RecordingSealedSender sealed;
    fanout::Fanout fanout(sink, &sealed);
    Setup setup(2);
    setup.subs[0]->sealed = fake_leg(0x10);
    setup.subs[1]->sealed = fake_leg(0x20);
    setup.subs[1]->paused = true;
    sealed.decline_index = 11;
    forward_sealed(fanout, setup, 10, 13);
    REQUIRE(sink.sent.size() == 1);
    CHECK(sink.sent[0].to == setup.subs[0]->session);
    CHECK(fanout.counters().sealed_declined == 1);
    CHECK(fanout.counters().kernel_served == 2);
    for (const auto& b : sealed.batches)
        for (const auto& add : b) CHECK(add.leg != reinterpret_cast<fanout::SealedLeg*>(0x20));
}

TEST_CASE("sealed legs: a simulcast leg gets its own rewrite, the bytes a relayed leg would get") {
    // Two subscribers on the same layers, one relayed and one sealed: the
    // sealed leg's packets are the relayed leg's byte for byte (its PT, its
    // sequence and timestamp, its VP8 picture ids) at its own index, also
    // across a substream switch.
    RecordingSink sink;
    RecordingSealedSender sealed;
    fanout::Fanout fanout(sink, &sealed);
    Setup setup(2);
    setup.stream->simulcast = true;
    setup.stream->ssrcs = {0xA, 0xB, 0xC};
    setup.subs[1]->payload_type = setup.subs[0]->payload_type;
    setup.subs[1]->sealed = fake_leg(0x20);
    setup.subs[1]->kernel.serving = true;
    for (auto& s : setup.subs) s->simulcast.set_target(2, 2);
    auto vp8_with_picture_id = [](uint16_t seq, uint32_t ssrc, bool key, uint16_t picture_id) {
        RtpSpec spec;
        spec.seq = seq;
        spec.ts = seq * 3000u;
        spec.ssrc = ssrc;
        // X bit, I bit, 15-bit picture id (RFC 7741 §4.2)
        spec.payload = {0x90,
                        0x80,
                        static_cast<uint8_t>(0x80 | (picture_id >> 8)),
                        static_cast<uint8_t>(picture_id),
                        static_cast<uint8_t>(key ? 0x00 : 0x01),
                        0xAA};
        return build_rtp(spec);
    };
    int64_t now = 0;
    uint16_t pid = 500;
    for (uint16_t seq = 1000; seq < 1010; seq++, now += 1000)
        fanout.forward(setup.publisher, *setup.stream,
                       vp8_with_picture_id(seq, 0xC, seq == 1000, pid++), nullptr, now);
    // The subscribers move to the low layer; its keyframe switches them.
    for (auto& s : setup.subs) s->simulcast.set_target(0, 2);
    for (uint16_t seq = 30000; seq < 30010; seq++, now += 1000)
        fanout.forward(setup.publisher, *setup.stream,
                       vp8_with_picture_id(seq, 0xA, seq == 30000, uint16_t(7000 + seq - 30000)),
                       nullptr, now);
    std::vector<std::vector<uint8_t>> relayed, sealed_bytes;
    for (const auto& s : sink.sent) {
        CHECK(s.to == setup.subs[0]->session);
        relayed.push_back(s.bytes);
    }
    std::vector<uint64_t> indexes;
    for (const auto& b : sealed.batches)
        for (const auto& add : b) {
            CHECK(add.rewritten);
            CHECK(add.leg == reinterpret_cast<fanout::SealedLeg*>(0x20));
            sealed_bytes.push_back(add.rtp);
            indexes.push_back(add.in_index);
        }
    REQUIRE(relayed.size() == 20);
    CHECK(sealed_bytes == relayed);
    // One index space with no gap or repeat across the switch.
    for (size_t i = 0; i < indexes.size(); i++) {
        auto view = media::RtpPacketView::parse(sealed_bytes[i]);
        REQUIRE(view);
        CHECK((indexes[i] & 0xFFFF) == view->sequence);
        if (i) CHECK(indexes[i] == indexes[i - 1] + 1);
    }
    CHECK(fanout.counters().kernel_served == 20);
    CHECK(setup.subs[1]->kernel.skipped_for_kernel == 20);
}

namespace {

// An rtp_forward target that keeps what the user path would send.
class RecordingForwarder : public fanout::RtpForwarder {
  public:
    using RtpForwarder::RtpForwarder;
    void send(std::span<const uint8_t> rtp, uint64_t index) override {
        sent.push_back({{rtp.begin(), rtp.end()}, index});
    }
    std::vector<std::pair<std::vector<uint8_t>, uint64_t>> sent;
};

std::shared_ptr<RecordingForwarder> add_target(room::PublisherStream& stream, uint32_t id,
                                               uint32_t ssrc, uint8_t pt, int substream = 0) {
    fanout::RtpForwardTarget t;
    t.ssrc = ssrc;
    t.pt = pt;
    t.substream = substream;
    auto f = std::make_shared<RecordingForwarder>(id, true, t);
    stream.forwarders.push_back(f);
    return f;
}

}  // namespace

TEST_CASE("rtp_forward targets: every packet with the target's SSRC and PT, numbered as it came") {
    RecordingSink sink;
    fanout::Fanout fanout(sink);
    Setup setup(1);
    auto relabelled = add_target(*setup.stream, 1, 0x1111, 100);
    auto as_is = add_target(*setup.stream, 2, 0, 0);
    for (uint16_t seq = 65534; seq != 2; ++seq)
        fanout.forward(setup.publisher, *setup.stream, vp8_packet(seq, 9, seq == 65534), nullptr,
                       seq);
    REQUIRE(relabelled->sent.size() == 4);
    REQUIRE(as_is->sent.size() == 4);
    CHECK(sink.sent.size() == 4);  // the subscriber is served as before
    for (size_t i = 0; i < 4; ++i) {
        const uint16_t seq = static_cast<uint16_t>(65534 + i);
        const auto original = vp8_packet(seq, 9, i == 0);
        CHECK(as_is->sent[i].first == original);
        auto want = original;
        want[1] = static_cast<uint8_t>((want[1] & 0x80) | 100);
        media::write_u32(want.data() + 8, 0x1111);
        CHECK(relabelled->sent[i].first == want);
        // The index runs over the wrap: ROC 1 after 65535.
        CHECK(relabelled->sent[i].second == (i < 2 ? seq : (uint64_t{1} << 16) + seq));
    }
    CHECK(fanout.counters().rtp_forwarded == 8);
}

TEST_CASE(
    "rtp_forward targets: one substream each; a muted stream reaches none; a kernel leg "
    "takes the labelled packet instead of the socket") {
    RecordingSink sink;
    RecordingSealedSender sealed;
    fanout::Fanout fanout(sink, &sealed);
    Setup setup(0);
    setup.stream->simulcast = true;
    setup.stream->ssrcs = {0xA, 0xB, 0xC};
    auto low = add_target(*setup.stream, 1, 0, 0, 0);
    auto high = add_target(*setup.stream, 2, 0x2222, 0, 2);
    high->sealed = fake_leg(0x40);
    fanout.forward(setup.publisher, *setup.stream, vp8_packet(1, 0xA, true), nullptr, 0);
    fanout.forward(setup.publisher, *setup.stream, vp8_packet(2, 0xB, true), nullptr, 1);
    fanout.forward(setup.publisher, *setup.stream, vp8_packet(3, 0xC, true), nullptr, 2);
    REQUIRE(low->sent.size() == 1);
    CHECK(media::read_u32(low->sent[0].first.data() + 8) == 0xA);
    CHECK(high->sent.empty());  // its kernel leg took it
    REQUIRE(sealed.batches.size() == 1);
    REQUIRE(sealed.batches[0].size() == 1);
    CHECK(sealed.batches[0][0].leg == reinterpret_cast<fanout::SealedLeg*>(0x40));
    CHECK(sealed.batches[0][0].rewritten);
    CHECK(media::read_u32(sealed.batches[0][0].rtp.data() + 8) == 0x2222);
    CHECK(sealed.batches[0][0].in_index == 3);
    CHECK(high->kernel_packets == 1);
    setup.stream->muted = true;
    fanout.forward(setup.publisher, *setup.stream, vp8_packet(4, 0xA, false), nullptr, 3);
    CHECK(low->sent.size() == 1);
    CHECK(fanout.counters().moderated == 1);
    high->sealed.reset();  // a fake leg: ~RtpForwarder must not mark it removed
}
