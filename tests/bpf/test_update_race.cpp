// Leg lists and legs rewritten by user space while packets go through: a
// clone of one stream's packet must never reach another stream's leg. With
// leg lists in hash map values this happened (fan-out bench, N = 200): an
// update freed the list element a run was iterating, and the next update
// (of the other stream's list) reused it at once, so an audio packet went
// to video legs with the audio index. A receiver that accepts one such
// packet can lose the stream for good. See sc_stream_legs in
// swiftcall_abi.h.
#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <set>
#include <thread>

#include "srtp_peer.h"
#include "testbed.h"

using namespace sctest;

namespace {

struct Stream {
    uint32_t ssrc;
    std::unique_ptr<SrtpPeer> publisher;
    std::vector<uint32_t> legs;
    std::set<uint16_t> ports;
};

}  // namespace

TEST_CASE("list and leg updates under load never clone one stream's packet to another's legs",
          "[bpf][race]") {
    auto& d = datapath();
    const auto pub_key = master(SC_PROFILE_AES128_CM_SHA1_80, 1);
    std::map<uint16_t, dp::LegParams> params;  // by port
    std::map<uint16_t, std::unique_ptr<SrtpPeer>> receivers;
    Stream streams[2];
    for (int s = 0; s < 2; ++s) {
        auto& st = streams[s];
        st.ssrc = fresh_ssrc();
        st.publisher = std::make_unique<SrtpPeer>(pub_key, st.ssrc, false);
        d.set_stream(kPublisher, st.ssrc, pub_key);
        for (int i = 0; i < 6; ++i) {
            const uint16_t port = uint16_t(7200 + 100 * s + i);
            auto leg = leg_to(port, SC_PROFILE_AEAD_AES_128_GCM, uint8_t(40 + 10 * s + i),
                              0xbee00000 + port);
            leg.index_delta = 0;
            const uint32_t id = fresh_leg_id();
            d.set_leg(id, leg);
            params[port] = leg;
            receivers[port] = std::make_unique<SrtpPeer>(leg.out, leg.ssrc, true);
            st.legs.push_back(id);
            st.ports.insert(port);
        }
        d.set_stream_legs(kPublisher, st.ssrc, st.legs);
    }
    lab().drain();

    // User space churns both lists (and now and then a leg) while packets
    // of both streams go through on this thread.
    std::atomic<bool> stop{false};
    std::atomic<uint64_t> updates{0};
    std::thread churn([&] {
        for (uint64_t n = 0; !stop.load(); ++n) {
            for (int s = 0; s < 2; ++s) {
                auto legs = streams[s].legs;
                legs.resize(3 + (n + s) % 4);  // 3..6 of the stream's own legs
                d.set_stream_legs(kPublisher, streams[s].ssrc, legs);
            }
            if (n % 64 == 0) d.set_leg_enabled(streams[n % 2].legs[0], true);  // a new value
            updates++;
        }
    });
    size_t clones = 0, foreign = 0, undecryptable = 0;
    for (uint16_t seq = 1; seq <= 600; ++seq) {
        const int s = seq % 2;
        RtpSpec spec;
        spec.ssrc = streams[s].ssrc;
        spec.seq = seq;
        spec.payload = 200 + seq % 7;
        const auto rtp = rtp_packet(spec);
        REQUIRE(test_run(frame(streams[s].publisher->protect(rtp))).verdict == 0);
        for (auto& c : capture_clones(5)) {
            ++clones;
            if (!streams[s].ports.count(c.dport)) {
                ++foreign;
                continue;
            }
            auto buf = c.srtp;
            if (receivers[c.dport]->unprotect(buf) != srtp_err_status_ok ||
                buf != expected_plain(rtp, params[c.dport], seq))
                ++undecryptable;
        }
    }
    stop = true;
    churn.join();
    INFO("list updates " << updates.load() << ", clones " << clones);
    CHECK(updates.load() > 100);  // the race was exercised
    CHECK(clones > 600);
    CHECK(foreign == 0);
    CHECK(undecryptable == 0);
    for (auto& st : streams)
        for (auto id : st.legs) d.remove_leg(id);
}
