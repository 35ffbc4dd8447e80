// The real path: the program attached (tcx) on scbpf0's ingress, publisher
// datagrams sent from the peer namespace, clones captured back in the peer
// namespace, the original received by a socket in this namespace.
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <map>
#include <memory>
#include <thread>

#include "srtp_peer.h"
#include "testbed.h"

using namespace sctest;

namespace {

constexpr uint16_t kRealPubPort = 4100;
constexpr uint16_t kRealJanusPort = 5100;

struct Attached {
    Attached() {
        lab();  // the veth pair must exist before attaching
        datapath().attach("scbpf0");
        dp::UdpTuple t;
        t.saddr = {127, 0, 1, 2};
        t.daddr = {127, 0, 1, 1};
        t.sport = kRealPubPort;
        t.dport = kRealJanusPort;
        datapath().add_flow(t, kPublisher);
        lab().drain();
        // A tcx link, not a classic clsact filter that would outlive us.
        REQUIRE(std::system("tc qdisc show dev scbpf0 | grep -q clsact") != 0);
        REQUIRE(datapath().attach_mode("scbpf0") == "tcx");
    }
    ~Attached() { datapath().detach("scbpf0"); }
};

struct RealLeg {
    uint32_t id;
    dp::LegParams params;
    std::unique_ptr<SrtpPeer> receiver;
};

void run_real_path(size_t n_legs, size_t n_packets) {
    Attached attached;
    auto& d = datapath();
    const int janus = lab().bind_host_udp(kRealJanusPort);
    const uint32_t ssrc = fresh_ssrc();
    const auto key = master(SC_PROFILE_AES128_CM_SHA1_80, 9);
    SrtpPeer pub(key, ssrc, false);
    d.set_stream(kPublisher, ssrc, key);
    std::map<uint16_t, RealLeg> legs;
    std::vector<uint32_t> ids;
    for (size_t i = 0; i < n_legs; ++i) {
        const uint16_t port = uint16_t(20000 + i);
        RealLeg l{fresh_leg_id(),
                  leg_to(port, i % 2 ? SC_PROFILE_AES128_CM_SHA1_32 : SC_PROFILE_AES128_CM_SHA1_80,
                         uint8_t(i), uint32_t(0x1000 + i)),
                  nullptr};
        l.receiver = std::make_unique<SrtpPeer>(l.params.out, l.params.ssrc, true);
        d.set_leg(l.id, l.params);
        ids.push_back(l.id);
        legs.emplace(port, std::move(l));
    }
    d.set_stream_legs(kPublisher, ssrc, ids);

    std::vector<std::vector<uint8_t>> plains;
    std::map<uint16_t, size_t> per_leg;
    size_t decrypted = 0;
    for (size_t k = 0; k < n_packets; ++k) {
        RtpSpec spec;
        spec.ssrc = ssrc;
        spec.seq = uint16_t(500 + k);
        spec.payload = 1100;
        const auto rtp = rtp_packet(spec);
        const auto srtp = pub.protect(rtp);
        lab().send_from_peer(kRealPubPort, kRealJanusPort, srtp);
        // The original reaches the host socket byte-identical.
        std::vector<uint8_t> got(2048);
        const ssize_t n = recv(janus, got.data(), got.size(), 0);
        REQUIRE(n == static_cast<ssize_t>(srtp.size()));
        got.resize(static_cast<size_t>(n));
        CHECK(got == srtp);
        auto clones = capture_clones(100, n_legs);
        CHECK(clones.size() == n_legs);
        for (auto& c : clones) {
            auto it = legs.find(c.dport);
            REQUIRE(it != legs.end());
            ++per_leg[c.dport];
            auto buf = c.srtp;
            REQUIRE(it->second.receiver->unprotect(buf) == srtp_err_status_ok);
            CHECK(buf == expected_plain(rtp, it->second.params, 500 + k));
            ++decrypted;
        }
    }
    close(janus);
    CHECK(decrypted == n_legs * n_packets);
    for (auto& [port, l] : legs) {
        CHECK(per_leg[port] == n_packets);
        CHECK(d.leg_counters(l.id).packets == n_packets);
    }
    const auto w = d.forwarded_window(kPublisher, ssrc);
    for (size_t k = 0; k < n_packets; ++k) CHECK(w.forwarded(500 + k));
    CHECK_FALSE(w.forwarded(500 + n_packets));
    for (auto id : ids) d.remove_leg(id);
}

}  // namespace

TEST_CASE("real veth path: one leg gets every packet, original goes up", "[bpf][veth]") {
    run_real_path(1, 5);
}

TEST_CASE("real veth path: 100 legs each get every packet", "[bpf][veth]") {
    run_real_path(100, 3);
}

TEST_CASE("after remove_leg returns no clone is sent to that leg", "[bpf][veth]") {
    Attached attached;
    auto& d = datapath();
    const int janus = lab().bind_host_udp(kRealJanusPort);
    const uint32_t ssrc = fresh_ssrc();
    const auto key = master(SC_PROFILE_AES128_CM_SHA1_80, 12);
    SrtpPeer pub(key, ssrc, false);
    d.set_stream(kPublisher, ssrc, key);
    const uint32_t keep = fresh_leg_id(), gone = fresh_leg_id();
    d.set_leg(keep, leg_to(21000, SC_PROFILE_AES128_CM_SHA1_80, 1, 0x2000));
    d.set_leg(gone, leg_to(21001, SC_PROFILE_AES128_CM_SHA1_80, 2, 0x2001));
    // The removed leg stays in the stream's list on purpose: removal of the
    // leg itself must be enough.
    d.set_stream_legs(kPublisher, ssrc, {keep, gone});
    uint16_t seq = 1;
    auto send = [&](size_t n) {
        for (size_t i = 0; i < n; ++i) {
            RtpSpec spec;
            spec.ssrc = ssrc;
            spec.seq = seq++;
            lab().send_from_peer(kRealPubPort, kRealJanusPort, pub.protect(rtp_packet(spec)));
        }
    };
    send(20);
    d.remove_leg(gone);
    send(20);
    std::map<uint16_t, size_t> per_port;
    for (auto& c : capture_clones(150)) ++per_port[c.dport];
    close(janus);
    CHECK(per_port[21000] == 40);
    CHECK(per_port[21001] == 20);
    d.remove_leg(keep);
}

TEST_CASE("leg removal under load: no clone of a packet sent after remove_leg returned",
          "[bpf][veth]") {
    Attached attached;
    auto& d = datapath();
    const int janus = lab().bind_host_udp(kRealJanusPort);
    const uint32_t ssrc = fresh_ssrc();
    const auto key = master(SC_PROFILE_AES128_CM_SHA1_80, 13);
    d.set_stream(kPublisher, ssrc, key);
    const uint32_t keep = fresh_leg_id(), gone = fresh_leg_id();
    d.set_leg(keep, leg_to(22000, SC_PROFILE_AES128_CM_SHA1_80, 3, 0x3000));
    d.set_leg(gone, leg_to(22001, SC_PROFILE_AES128_CM_SHA1_80, 4, 0x3001));
    d.set_stream_legs(kPublisher, ssrc, {keep, gone});
    std::atomic<bool> stop{false};
    std::atomic<uint32_t> next_seq{1};
    std::thread sender([&] {
        SrtpPeer pub(key, ssrc, false);
        while (!stop) {
            RtpSpec spec;
            spec.ssrc = ssrc;
            spec.seq = uint16_t(next_seq.load());
            spec.payload = 200;
            const auto p = pub.protect(rtp_packet(spec));
            lab().send_from_peer(kRealPubPort, kRealJanusPort, p);
            ++next_seq;
            if (next_seq > 60000) break;
        }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    d.remove_leg(gone);
    const uint32_t marker = next_seq.load();  // every seq >= marker was sent after
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    stop = true;
    sender.join();
    close(janus);
    size_t before = 0, kept = 0;
    for (auto& c : capture_clones(150)) {
        const uint32_t out_seq = (c.srtp[2] << 8) | c.srtp[3];
        const uint32_t in_seq = (out_seq - 1000) & 0xffff;  // leg_to()'s index_delta
        if (c.dport == 22001) {
            CHECK(in_seq < marker);
            ++before;
        } else if (c.dport == 22000) {
            ++kept;
        }
    }
    INFO("marker " << marker << " sent " << next_seq.load());
    CHECK(before > 0);
    CHECK(kept >= next_seq.load() - 2);  // the kept leg saw (nearly) everything
    d.remove_leg(keep);
}
