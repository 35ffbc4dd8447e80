// The fan-out's sealed last step end to end on a real veth: SealedLeg seals
// each leg, SealedSender batches them into the transmit ring and sends one
// run per publisher packet. What leaves must be exactly what
// datapath::protect_for_leg (libsrtp2) rebuilds for a NACK of that packet
// (invariant 2: a NACK answer is the same datagram), and libsrtp must
// decrypt it at the far end.
#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include "datapath/leg_rewrite.h"
#include "datapath/udp_frame.h"
#include "fanout/sealed_sender.h"
#include "fanout/udp_rtp_forwarder.h"
#include "media/rtp_packet.h"
#include "rtp_builder.h"
#include "srtp_peer.h"
#include "veth_lab.h"

using namespace swiftcall;

namespace {

datapath::LegParams leg_params(const sctest::VethLab& lab, uint16_t profile, uint32_t ssrc,
                               uint16_t port, std::mt19937& rng) {
    datapath::LegParams p;
    p.ifindex = uint32_t(lab.host_ifindex());
    p.smac = lab.host_mac();
    p.dmac = lab.peer_mac();
    inet_pton(AF_INET, "127.0.1.1", p.tuple.saddr.data());
    inet_pton(AF_INET, "127.0.1.2", p.tuple.daddr.data());
    p.tuple.sport = 20000;
    p.tuple.dport = port;
    p.ssrc = ssrc;
    p.index_delta = 0xfff0;  // the subscriber's numbering runs ahead: crosses a ROC wrap
    p.ts_delta = 12345;
    p.payload_type = 100;
    p.ext_map[1] = 3;  // publisher id 1 -> subscriber id 3
    p.out.profile = profile;
    const auto info = datapath::srtp_profile_info(profile);
    for (size_t i = 0; i < info.master_key_len; ++i) p.out.key.push_back(uint8_t(rng()));
    for (size_t i = 0; i < info.master_salt_len; ++i) p.out.salt.push_back(uint8_t(rng()));
    return p;
}

std::vector<uint8_t> wire_packet(uint16_t seq, std::mt19937& rng) {
    RtpSpec spec;
    spec.pt = 96;
    spec.seq = seq;
    spec.ts = 90000u * seq;
    spec.ssrc = 0xabcdef01;
    spec.extension = {0x10, uint8_t(rng())};
    for (int i = 0; i < 900; ++i) spec.payload.push_back(uint8_t(rng()));
    return build_rtp(spec);
}

}  // namespace

TEST_CASE("sealed sender: one run per packet; every frame is the NACK rebuild's bytes and decrypts",
          "[sealed]") {
    sctest::srtp_global_init();
    sctest::VethLab lab;
    fanout::SealedSender sender(datapath::Transmitter::open(64));
    std::mt19937 rng(99);
    const uint16_t profiles[] = {SC_PROFILE_AES128_CM_SHA1_80, SC_PROFILE_AEAD_AES_256_GCM};
    std::vector<std::shared_ptr<fanout::SealedLeg>> legs;
    std::vector<int> fds;
    std::vector<std::unique_ptr<sctest::SrtpPeer>> receivers;
    for (uint32_t k = 0; k < 2; ++k) {
        auto p = leg_params(lab, profiles[k], 0x77000000 + k, uint16_t(43000 + k), rng);
        legs.push_back(std::make_shared<fanout::SealedLeg>(k + 1, p));
        fds.push_back(lab.bind_peer_udp(p.tuple.dport));
        receivers.push_back(std::make_unique<sctest::SrtpPeer>(p.out, p.ssrc, true));
    }
    lab.drain();
    for (uint16_t seq = 10; seq < 40; ++seq) {
        const auto wire = wire_packet(seq, rng);
        sender.begin(legs.size());
        for (auto& leg : legs) REQUIRE(sender.add(leg, wire, seq));
        sender.flush();
        for (size_t k = 0; k < legs.size(); ++k) {
            CAPTURE(seq, k);
            const auto expected = datapath::protect_for_leg(wire, seq, legs[k]->params());
            REQUIRE(expected);
            std::vector<uint8_t> got(2048);
            const ssize_t n = recv(fds[k], got.data(), got.size(), 0);
            REQUIRE(n > 0);
            got.resize(size_t(n));
            CHECK(got == *expected);
            REQUIRE(receivers[k]->unprotect(got) == srtp_err_status_ok);
            const auto plain = datapath::rewrite_for_leg(wire, seq, legs[k]->params());
            CHECK(got == *plain);
        }
    }
    for (size_t k = 0; k < legs.size(); ++k) {
        const auto c = legs[k]->counters();
        CHECK(c.packets == 30);
        CHECK(c.errors == 0);
        CHECK(c.first_in_index == 10u);
        CHECK(c.last_in_index == 39u);
    }
    // 30 packets: 30 runs, not 60 (one per leg).
    CHECK(json_integer_value(json_object_get(sender.describe().get(), "runs")) == 30);
    for (int fd : fds) close(fd);
}

TEST_CASE(
    "sealed sender: a removed leg's sealed frame never leaves; a full ring is counted against the "
    "leg",
    "[sealed]") {
    sctest::srtp_global_init();
    sctest::VethLab lab;
    fanout::SealedSender sender(datapath::Transmitter::open(1));  // one slot in all
    std::mt19937 rng(5);
    auto a = std::make_shared<fanout::SealedLeg>(
        1, leg_params(lab, SC_PROFILE_AEAD_AES_128_GCM, 0x1, 44000, rng));
    auto b = std::make_shared<fanout::SealedLeg>(
        2, leg_params(lab, SC_PROFILE_AEAD_AES_128_GCM, 0x2, 44001, rng));
    lab.drain();
    const auto wire = wire_packet(500, rng);

    // Removed between sealing and the run (its subscriber left): dropped.
    sender.begin(1);
    REQUIRE(sender.add(a, wire, 500));
    CHECK(a->in_flight == 1);
    a->removed = true;
    sender.flush();
    CHECK(a->in_flight == 0);
    a->wait_idle();
    CHECK(a->counters().packets == 0);
    CHECK(a->counters().errors == 1);
    CHECK(a->result_count(SC_TX_DROP_LENGTH) == 1);
    CHECK(lab.capture(std::chrono::milliseconds(100)).empty());

    // The only slot is held by another thread's batch: b's packet is taken
    // and counted as lost (never relayed, never sent), and the ring recovers.
    fanout::SealedSender* s = &sender;
    sender.begin(1);
    REQUIRE(sender.add(b, wire, 501));  // this thread holds the slot now
    std::thread other([&] {
        s->begin(1);
        CHECK(s->add(b, wire, 502));
        s->flush();
    });
    other.join();
    sender.flush();
    CHECK(b->counters().errors == 1);
    CHECK(b->counters().packets == 1);
    CHECK(json_integer_value(json_object_get(sender.describe().get(), "ring_full")) == 1);
    CHECK(lab.capture(std::chrono::milliseconds(100)).size() == 1);
}

TEST_CASE(
    "sealed sender: a rewritten (simulcast) leg seals the fan-out's packet at its own index as "
    "libsrtp does, across a ROC wrap, and keeps it for NACKs, also when the ring is full",
    "[sealed]") {
    sctest::srtp_global_init();
    sctest::VethLab lab;
    fanout::SealedSender sender(datapath::Transmitter::open(1));  // one slot in all
    std::mt19937 rng(41);
    const uint16_t profiles[] = {SC_PROFILE_AES128_CM_SHA1_80, SC_PROFILE_AEAD_AES_128_GCM};
    for (uint16_t profile : profiles) {
        CAPTURE(profile);
        auto p = leg_params(lab, profile, 0x5500aa01, 45000, rng);
        p.index_delta = 0x123456;  // unused by a rewritten leg: must not shift its index
        auto leg =
            std::make_shared<fanout::SealedLeg>(7, p, fanout::SealedLeg::Numbering::rewritten);
        const int fd = lab.bind_peer_udp(p.tuple.dport);
        sctest::SrtpPeer libsrtp(p.out, p.ssrc, false);  // the oracle: a sender keyed alike
        sctest::SrtpPeer receiver(p.out, p.ssrc, true);
        lab.drain();
        // The leg's own numbering, as its rewriter leaves it: runs over a ROC wrap.
        const uint64_t first = (uint64_t{3} << 16) | 0xfffa;
        for (uint64_t out = first; out < first + 12; ++out) {
            CAPTURE(out);
            auto rtp = wire_packet(uint16_t(out), rng);  // already numbered for the leg
            sender.begin(1);
            REQUIRE(sender.add_rewritten(leg, rtp, out));
            sender.flush();
            auto labelled = rtp;
            REQUIRE(datapath::label_for_leg(labelled, p));
            if (out == first) libsrtp.set_roc(p.ssrc, uint32_t(out >> 16));
            const auto expected = libsrtp.protect(labelled);
            std::vector<uint8_t> got(2048);
            const ssize_t n = recv(fd, got.data(), got.size(), 0);
            REQUIRE(n > 0);
            got.resize(size_t(n));
            CHECK(got == expected);
            CHECK(leg->sent_packet(out) == got);  // the NACK answer is the same datagram
            if (out == first) receiver.set_roc(p.ssrc, uint32_t(out >> 16));
            REQUIRE(receiver.unprotect(got) == srtp_err_status_ok);
            CHECK(got == labelled);
        }
        CHECK(leg->counters().packets == 12);

        // The ring's only slot is held by this thread's open batch: the
        // other thread's packet is lost on the wire, but sealed and kept, so
        // the NACK for it is answered.
        const uint64_t lost = first + 12;
        auto rtp = wire_packet(uint16_t(lost), rng);
        auto held = wire_packet(uint16_t(lost + 1), rng);
        sender.begin(1);
        REQUIRE(sender.add_rewritten(leg, held, lost + 1));
        std::thread other([&] {
            sender.begin(1);
            CHECK(sender.add_rewritten(leg, rtp, lost));
            sender.flush();
        });
        other.join();
        sender.flush();
        auto kept = leg->sent_packet(lost);
        REQUIRE(kept);
        CHECK(leg->counters().errors == 1);
        auto labelled = rtp;
        REQUIRE(datapath::label_for_leg(labelled, p));
        CHECK(receiver.unprotect(*kept) == srtp_err_status_ok);
        CHECK(*kept == labelled);
        CHECK_FALSE(leg->sent_packet(first + 200));  // never sealed: nothing to answer
        close(fd);
    }
}

TEST_CASE(
    "sealed sender: a forwarded leg (rtp_forward) sends the fan-out's packet as it is, plain or "
    "sealed as libsrtp does across a ROC wrap, and keeps nothing",
    "[sealed]") {
    sctest::srtp_global_init();
    sctest::VethLab lab;
    fanout::SealedSender sender(datapath::Transmitter::open(4));
    std::mt19937 rng(17);
    const uint16_t profiles[] = {SC_PROFILE_NONE, SC_PROFILE_AES128_CM_SHA1_80};
    for (uint16_t profile : profiles) {
        CAPTURE(profile);
        auto p = leg_params(
            lab, profile == SC_PROFILE_NONE ? uint16_t{SC_PROFILE_AES128_CM_SHA1_32} : profile,
            0x66000001, 46000, rng);
        if (profile == SC_PROFILE_NONE) p.out = datapath::SrtpMaster{SC_PROFILE_NONE, {}, {}};
        // A subscriber's labels that a forwarded leg must not apply: the
        // fan-out already labelled the packet for the forwarder.
        p.payload_type = 101;
        p.ext_map[1] = 9;
        auto leg =
            std::make_shared<fanout::SealedLeg>(8, p, fanout::SealedLeg::Numbering::forwarded);
        const int fd = lab.bind_peer_udp(p.tuple.dport);
        std::optional<sctest::SrtpPeer> libsrtp, receiver;
        if (profile != SC_PROFILE_NONE) {
            libsrtp.emplace(p.out, 0xabcdef01, false);
            receiver.emplace(p.out, 0xabcdef01, true);
        }
        lab.drain();
        const uint64_t first = (uint64_t{1} << 16) | 0xfffc;
        for (uint64_t index = first; index < first + 8; ++index) {
            CAPTURE(index);
            const auto rtp = wire_packet(uint16_t(index), rng);
            sender.begin(1);
            REQUIRE(sender.add_rewritten(leg, rtp, index));
            sender.flush();
            std::vector<uint8_t> got(2048);
            const ssize_t n = recv(fd, got.data(), got.size(), 0);
            REQUIRE(n > 0);
            got.resize(size_t(n));
            if (profile == SC_PROFILE_NONE) {
                CHECK(got == rtp);
            } else {
                if (index == first) libsrtp->set_roc(0xabcdef01, uint32_t(index >> 16));
                CHECK(got == libsrtp->protect(rtp));
                if (index == first) receiver->set_roc(0xabcdef01, uint32_t(index >> 16));
                REQUIRE(receiver->unprotect(got) == srtp_err_status_ok);
                CHECK(got == rtp);
            }
            CHECK_FALSE(leg->sent_packet(index));  // no NACKs come from a forwarder target
        }
        CHECK(leg->counters().packets == 8);
        close(fd);
    }
}

TEST_CASE(
    "rtp forwarder socket: labels as asked, seals with the forwarder's key as libsrtp does, and "
    "counts what it cannot send",
    "[sealed]") {
    sctest::srtp_global_init();
    sctest::VethLab lab;
    std::mt19937 rng(23);
    for (bool srtp : {false, true}) {
        CAPTURE(srtp);
        fanout::RtpForwardTarget t;
        t.host = "127.0.1.2";
        t.family = SC_AF_INET;
        inet_pton(AF_INET, t.host.c_str(), t.addr.data());
        t.port = 46100;
        t.ssrc = 0x1234;
        t.pt = 111;
        datapath::SrtpMaster m{SC_PROFILE_AES128_CM_SHA1_80, {}, {}};
        for (int i = 0; i < 16; ++i) m.key.push_back(uint8_t(rng()));
        for (int i = 0; i < 14; ++i) m.salt.push_back(uint8_t(rng()));
        if (srtp) t.srtp = m;
        const int fd = lab.bind_peer_udp(t.port);
        fanout::UdpRtpForwarder f(1, true, t);
        CHECK(f.tuple().dport == 46100);
        CHECK(f.tuple().sport != 0);
        sctest::SrtpPeer libsrtp(m, 0x1234, false), receiver(m, 0x1234, true);
        lab.drain();
        for (uint16_t seq = 65533; seq != 3; ++seq) {
            CAPTURE(seq);
            auto rtp = wire_packet(seq, rng);
            const uint64_t index = f.label(rtp);
            CHECK(index == (seq >= 65533 ? seq : (uint64_t{1} << 16) + seq));
            CHECK((rtp[1] & 0x7f) == 111);
            CHECK(media::read_u32(rtp.data() + 8) == 0x1234);
            f.send(rtp, index);
            std::vector<uint8_t> got(2048);
            const ssize_t n = recv(fd, got.data(), got.size(), 0);
            REQUIRE(n > 0);
            got.resize(size_t(n));
            if (!srtp) {
                CHECK(got == rtp);
                continue;
            }
            CHECK(got == libsrtp.protect(rtp));
            REQUIRE(receiver.unprotect(got) == srtp_err_status_ok);
            CHECK(got == rtp);
        }
        CHECK(f.packets == 6);
        CHECK(f.errors == 0);
        close(fd);
        // Nobody listens now: the kernel's port-unreachable makes a later
        // send fail; counted, never thrown.
        auto rtp = wire_packet(10, rng);
        for (int i = 0; i < 3; ++i) {
            f.send(rtp, f.label(rtp));
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        CHECK(f.errors >= 1);
    }
}
