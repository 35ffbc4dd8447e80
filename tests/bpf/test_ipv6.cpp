// IPv6 publisher flow and IPv6 legs. The addresses are IPv4-mapped
// (::ffff:127.0.1.x), so even these frames only carry 127.0.0.0/8 addresses;
// they never leave the test's private namespaces.
#include <catch2/catch.hpp>
#include <cstring>

#include "srtp_peer.h"
#include "testbed.h"

using namespace sctest;

namespace {

std::array<uint8_t, 16> mapped(uint8_t last) {
    return {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 127, 0, 1, last};
}

std::vector<uint8_t> frame6(const std::vector<uint8_t>& udp_payload, uint16_t sport,
                            uint16_t dport) {
    std::vector<uint8_t> f(62 + udp_payload.size(), 0);
    std::memcpy(&f[0], lab().host_mac().data(), 6);
    std::memcpy(&f[6], lab().peer_mac().data(), 6);
    f[12] = 0x86;
    f[13] = 0xdd;
    f[14] = 0x60;
    const uint16_t ul = uint16_t(8 + udp_payload.size());
    f[18] = uint8_t(ul >> 8);
    f[19] = uint8_t(ul);
    f[20] = 17;
    f[21] = 64;
    const auto s = mapped(2), d = mapped(1);
    std::memcpy(&f[22], s.data(), 16);
    std::memcpy(&f[38], d.data(), 16);
    f[54] = uint8_t(sport >> 8);
    f[55] = uint8_t(sport);
    f[56] = uint8_t(dport >> 8);
    f[57] = uint8_t(dport);
    f[58] = uint8_t(ul >> 8);
    f[59] = uint8_t(ul);
    std::memcpy(&f[62], udp_payload.data(), udp_payload.size());
    return f;
}

// UDP checksum over the IPv6 pseudo-header; 0 when the datagram is valid.
uint16_t udp6_check(const std::vector<uint8_t>& f) {
    uint32_t sum = 0;
    auto add = [&](const uint8_t* p, size_t n) {
        for (size_t i = 0; i + 1 < n; i += 2) sum += (p[i] << 8) | p[i + 1];
        if (n & 1) sum += p[n - 1] << 8;
    };
    const size_t ul = (f[58] << 8) | f[59];
    add(&f[22], 32);
    sum += uint32_t(ul);
    sum += 17;
    add(&f[54], ul);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return uint16_t(~sum);
}

}  // namespace

TEST_CASE("IPv6 publisher flow to IPv6 legs: clones decrypt and carry valid UDP checksums",
          "[bpf][ipv6]") {
    auto& d = datapath();
    dp::UdpTuple in;
    in.family = SC_AF_INET6;
    in.saddr = mapped(2);
    in.daddr = mapped(1);
    in.sport = 4600;
    in.dport = 5600;
    d.add_flow(in, kPublisher);
    const uint32_t ssrc = fresh_ssrc();
    const auto key = master(SC_PROFILE_AES128_CM_SHA1_80, 21);
    SrtpPeer pub(key, ssrc, false);
    d.set_stream(kPublisher, ssrc, key);
    const uint32_t ids[2] = {fresh_leg_id(), fresh_leg_id()};
    const uint16_t profiles[2] = {SC_PROFILE_AES128_CM_SHA1_80, SC_PROFILE_AEAD_AES_256_GCM};
    std::vector<dp::LegParams> legs;
    std::vector<std::unique_ptr<SrtpPeer>> receivers;
    for (int i = 0; i < 2; ++i) {
        auto l = leg_to(uint16_t(8600 + i), profiles[i], uint8_t(30 + i), 0x600 + i);
        l.tuple.family = SC_AF_INET6;
        l.tuple.saddr = mapped(1);
        l.tuple.daddr = mapped(2);
        d.set_leg(ids[i], l);
        receivers.push_back(std::make_unique<SrtpPeer>(l.out, l.ssrc, true));
        legs.push_back(l);
    }
    d.set_stream_legs(kPublisher, ssrc, {ids[0], ids[1]});
    lab().drain();
    for (size_t payload : {size_t(0), size_t(1), size_t(100), size_t(1100), size_t(1200)}) {
        INFO("payload " << payload);
        RtpSpec spec;
        spec.ssrc = ssrc;
        spec.seq = uint16_t(40 + (payload ? payload / 100 + 1 : 0));
        spec.payload = payload;
        const auto rtp = rtp_packet(spec);
        const auto f = frame6(pub.protect(rtp), in.sport, in.dport);
        const auto r = test_run(f);
        REQUIRE(r.verdict == 0);
        REQUIRE(r.out == f);
        size_t seen = 0;
        for (auto& fr : lab().capture(std::chrono::milliseconds(60))) {
            const auto& b = fr.bytes;
            if (b.size() < 62 || b[12] != 0x86 || b[13] != 0xdd || b[20] != 17) continue;
            const uint16_t dport = uint16_t((b[56] << 8) | b[57]);
            REQUIRE((dport == 8600 || dport == 8601));
            const int i = dport - 8600;
            CHECK(udp6_check(b) == 0);
            const size_t ul = (b[58] << 8) | b[59];
            std::vector<uint8_t> srtp(b.begin() + 62, b.begin() + 54 + ul);
            REQUIRE(receivers[i]->unprotect(srtp) == srtp_err_status_ok);
            CHECK(srtp == expected_plain(rtp, legs[i], spec.seq));
            ++seen;
        }
        CHECK(seen == 2);
    }
    for (auto id : ids) d.remove_leg(id);
    d.remove_flow(in);
}
