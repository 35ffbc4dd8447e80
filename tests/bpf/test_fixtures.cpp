// Katran-style fixture table: bad or foreign input on a publisher flow is
// never cloned, and the original always goes up unchanged (TC_ACT_OK).
#include <algorithm>
#include <catch2/catch.hpp>
#include <functional>
#include <iterator>
#include <string>

#include "srtp_peer.h"
#include "testbed.h"

using namespace sctest;

namespace {

struct Fixture {
    std::string description;
    std::vector<uint8_t> input;
    int verdict;
    size_t clones;
    int reason;  // the counter that must move, or -1
};

struct Stream {
    uint32_t ssrc = fresh_ssrc();
    dp::SrtpMaster key = master(SC_PROFILE_AES128_CM_SHA1_80, 3);
    SrtpPeer pub{key, ssrc, false};
    uint16_t seq = 1;
    Stream() {
        auto& d = datapath();
        d.set_stream(kPublisher, ssrc, key);
        const uint32_t id = fresh_leg_id();
        d.set_leg(id, leg_to(7000, SC_PROFILE_AES128_CM_SHA1_80, 4, 0x77));
        d.set_stream_legs(kPublisher, ssrc, {id});
    }
    std::vector<uint8_t> srtp(size_t payload = 100, bool padding = false) {
        RtpSpec s;
        s.ssrc = ssrc;
        s.seq = seq++;
        s.payload = payload;
        s.padding = padding;
        return pub.protect(rtp_packet(s));
    }
};

// Sets IPv4 total length and UDP length to match a (shortened) frame.
std::vector<uint8_t> consistent(std::vector<uint8_t> f) {
    if (f.size() >= 42) {
        const uint16_t tot = uint16_t(f.size() - 14), ul = uint16_t(f.size() - 34);
        f[16] = uint8_t(tot >> 8);
        f[17] = uint8_t(tot);
        f[38] = uint8_t(ul >> 8);
        f[39] = uint8_t(ul);
    }
    return f;
}

void expect(const Fixture& fx) {
    INFO(fx.description);
    const auto before = datapath().reason_counters();
    lab().drain();
    const auto r = test_run(fx.input);
    CHECK(r.verdict == fx.verdict);
    CHECK(r.out == fx.input);
    CHECK(capture_clones(40).size() == fx.clones);
    if (fx.reason >= 0) {
        const auto after = datapath().reason_counters();
        CHECK(after[fx.reason] == before[fx.reason] + 1);
    }
}

}  // namespace

TEST_CASE("valid SRTP on a publisher flow is cloned once per leg", "[bpf][fixtures]") {
    Stream s;
    expect({"valid SRTP", frame(s.srtp()), 0, 1, SC_R_FORWARDED});
}

TEST_CASE("forged tag is never cloned", "[bpf][fixtures]") {
    Stream s;
    auto p = s.srtp();
    p.back() ^= 0x01;
    expect({"last tag byte flipped", frame(p), 0, 0, SC_R_DECLINE_AUTH});
    p = s.srtp(1100);
    p[40] ^= 0x80;
    expect({"ciphertext bit flipped", frame(p), 0, 0, SC_R_DECLINE_AUTH});
}

TEST_CASE("replayed packet is never cloned twice", "[bpf][fixtures]") {
    Stream s;
    const auto f = frame(s.srtp());
    expect({"first copy", f, 0, 1, SC_R_FORWARDED});
    expect({"replay", f, 0, 0, SC_R_DECLINE_REPLAY});
    for (int i = 0; i < 70; ++i) s.srtp();  // move the window past it
    const auto newer = frame(s.srtp());
    expect({"newer packet", newer, 0, 1, SC_R_FORWARDED});
    expect({"replay older than the window", f, 0, 0, SC_R_DECLINE_REPLAY});
}

TEST_CASE("truncation at every header boundary is never cloned", "[bpf][fixtures]") {
    Stream s;
    const auto full = frame(s.srtp(100));
    // IPv4, mid-UDP, UDP, first RTP byte, mid-RTP fixed header, fixed header,
    // mid-extension, extension, tag cut short. Cuts inside the Ethernet/IPv4
    // headers cannot be fed: BPF_PROG_TEST_RUN itself refuses an IPv4 frame
    // without a whole IP header (it pulls one before running the program).
    const size_t cuts[] = {34, 38, 42, 43, 50, 54, 60, 66, 42 + 12 + 12 + 100 + 5};
    for (size_t cut : cuts) {
        std::vector<uint8_t> f(full.begin(), full.begin() + cut);
        expect({"cut at " + std::to_string(cut) + " (lengths say more)", f, 0, 0, -1});
        expect(
            {"cut at " + std::to_string(cut) + " (lengths consistent)", consistent(f), 0, 0, -1});
    }
}

TEST_CASE("RTP version other than 2 is never cloned", "[bpf][fixtures]") {
    Stream s;
    auto p = s.srtp();
    p[0] = (p[0] & 0x3f) | 0xc0;  // version 3
    expect({"version 3", frame(p), 0, 0, SC_R_DECLINE_BAD_VERSION});
    p[0] = (p[0] & 0x3f) | 0x40;  // version 1: outside the RTP range of RFC 7983
    expect({"version 1", frame(p), 0, 0, SC_R_PASS_NOT_RTP});
}

TEST_CASE("CSRC count, extension length and padding past the end are never cloned",
          "[bpf][fixtures]") {
    Stream s;
    auto p = s.srtp(0);
    p[0] |= 0x0f;  // 15 CSRCs: 60 bytes more than the packet has
    expect({"CSRC count past end", frame(p), 0, 0, SC_R_DECLINE_BAD_HEADER});
    p = s.srtp(10);
    p[14] = 0xff;  // extension length 0xff02 words
    expect({"extension length past end", frame(p), 0, 0, SC_R_DECLINE_BAD_HEADER});
    p = s.srtp(10, true);  // authentic packet whose padding count is 255 > 10
    expect({"padding past end", frame(p), 0, 0, SC_R_DECLINE_BAD_HEADER});
}

TEST_CASE("oversized packets are declined, not cloned", "[bpf][fixtures]") {
    Stream s;
    expect({"SRTP payload 1400 + headers", frame(s.srtp(1400)), 0, 0, SC_R_DECLINE_OVERSIZED});
}

TEST_CASE("RTCP, STUN and DTLS on a publisher flow pass untouched", "[bpf][fixtures]") {
    Stream s;
    // Built at full size and then filled: GCC 12 at -O3 reports a false
    // -Warray-bounds on resize() of a vector made from a short list.
    std::vector<uint8_t> rtcp(28 + 14, 0x11);
    const uint8_t sr[] = {0x80, 200, 0, 6};  // SR header
    std::copy(std::begin(sr), std::end(sr), rtcp.begin());
    expect({"RTCP SR", frame(rtcp), 0, 0, SC_R_PASS_RTCP});
    std::vector<uint8_t> stun(20, 0x33);
    const uint8_t binding[] = {0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42};
    std::copy(std::begin(binding), std::end(binding), stun.begin());
    expect({"STUN binding request", frame(stun), 0, 0, SC_R_PASS_NOT_RTP});
    std::vector<uint8_t> dtls(15 + 20, 0x44);
    const uint8_t record[] = {0x16, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 20};
    std::copy(std::begin(record), std::end(record), dtls.begin());
    expect({"DTLS handshake", frame(dtls), 0, 0, SC_R_PASS_NOT_RTP});
}

TEST_CASE("unknown SSRC and unknown flow pass untouched", "[bpf][fixtures]") {
    Stream s;
    const uint32_t stranger = fresh_ssrc();
    SrtpPeer other(s.key, stranger, false);
    RtpSpec spec;
    spec.ssrc = stranger;
    expect({"unknown SSRC", frame(other.protect(rtp_packet(spec))), 0, 0, SC_R_PASS_UNKNOWN_SSRC});
    expect(
        {"unknown flow", frame(s.srtp(), kPubPort, kJanusPort + 1), 0, 0, SC_R_PASS_UNKNOWN_FLOW});
}

TEST_CASE("disabled leg gets no clone", "[bpf][fixtures]") {
    Stream s;
    auto& d = datapath();
    const uint32_t id = fresh_leg_id();
    auto leg = leg_to(7001, SC_PROFILE_AES128_CM_SHA1_80, 5, 0x78);
    leg.enabled = false;
    d.set_leg(id, leg);
    d.set_stream_legs(kPublisher, s.ssrc, {id});
    expect({"disabled leg", frame(s.srtp()), 0, 0, SC_R_LEG_DISABLED});
    d.set_leg_enabled(id, true);
    expect({"re-enabled leg", frame(s.srtp()), 0, 1, SC_R_FORWARDED});
}

TEST_CASE("a leg whose clone cannot be sent still leaves the original unchanged",
          "[bpf][fixtures]") {
    Stream s;
    auto& d = datapath();
    const uint32_t broken = fresh_leg_id(), good = fresh_leg_id();
    auto leg = leg_to(7002, SC_PROFILE_AES128_CM_SHA1_32, 6, 0x79);
    leg.ifindex = 0x7ffff;  // no such interface: bpf_clone_redirect fails
    d.set_leg(broken, leg);
    d.set_leg(good, leg_to(7003, SC_PROFILE_AES128_CM_SHA1_80, 7, 0x7a));
    d.set_stream_legs(kPublisher, s.ssrc, {broken});
    const uint16_t first = s.seq;
    expect({"only a failing leg", frame(s.srtp()), 0, 0, SC_R_LEG_ERROR});
    // Nothing went out: the user path must send it to every leg.
    CHECK_FALSE(d.forwarded_window(kPublisher, s.ssrc).forwarded(first));
    CHECK_FALSE(d.forwarded(kPublisher, s.ssrc, first));
    d.set_stream_legs(kPublisher, s.ssrc, {good, broken});
    expect({"good leg then failing leg", frame(s.srtp()), 0, 1, SC_R_LEG_ERROR});
    CHECK(d.leg_counters(broken).errors == 2);
    // The kernel's packet: the failing leg lost it like a congested link
    // would (a NACK repairs it); the user path must not resend it to all.
    CHECK(d.forwarded_window(kPublisher, s.ssrc).forwarded(uint16_t(first + 1)));
    CHECK(d.forwarded(kPublisher, s.ssrc, uint16_t(first + 1)));
    CHECK(d.leg_counters(good).packets == 1);
}
