// The sealer against the oracle, libsrtp2 (the library Janus protects with):
// for every profile, every sealed packet must be byte-identical to
// srtp_protect's at the same index, across the ROC wrap, and libsrtp must
// unprotect it.
#include <catch2/catch.hpp>
#include <memory>
#include <random>
#include <vector>

#include "datapath/srtp_sealer.h"
#include "rtp_builder.h"
#include "srtp_peer.h"

using swiftcall::datapath::SrtpMaster;
using swiftcall::datapath::SrtpSealer;

namespace {

uint32_t ssrc_of(const std::vector<uint8_t>& rtp) {
    return uint32_t(rtp[8]) << 24 | uint32_t(rtp[9]) << 16 | uint32_t(rtp[10]) << 8 | rtp[11];
}

// libsrtp's output for `rtp` at `index` from a fresh stream told the ROC.
std::vector<uint8_t> libsrtp_protect_at(const SrtpMaster& m, const std::vector<uint8_t>& rtp,
                                        uint64_t index) {
    sctest::SrtpPeer peer(m, ssrc_of(rtp), false);
    peer.set_roc(ssrc_of(rtp), uint32_t(index >> 16));
    return peer.protect(rtp);
}

SrtpMaster random_master(uint16_t profile, std::mt19937& rng) {
    SrtpMaster m;
    m.profile = profile;
    const auto info = swiftcall::datapath::srtp_profile_info(profile);
    for (size_t i = 0; i < info.master_key_len; ++i) m.key.push_back(uint8_t(rng()));
    for (size_t i = 0; i < info.master_salt_len; ++i) m.salt.push_back(uint8_t(rng()));
    return m;
}

std::vector<uint8_t> random_packet(std::mt19937& rng, uint16_t seq, size_t payload_len) {
    RtpSpec spec;
    spec.seq = seq;
    spec.ts = uint32_t(rng());
    spec.ssrc = uint32_t(rng());
    spec.marker = rng() & 1;
    for (unsigned i = rng() % 3; i > 0; --i) spec.csrcs.push_back(uint32_t(rng()));
    if (rng() & 1) spec.extension = {0x10, uint8_t(rng()), 0x22, uint8_t(rng()), uint8_t(rng())};
    for (size_t i = 0; i < payload_len; ++i) spec.payload.push_back(uint8_t(rng()));
    return build_rtp(spec);
}

std::vector<uint8_t> seal(SrtpSealer& sealer, const std::vector<uint8_t>& rtp, uint64_t index) {
    std::vector<uint8_t> out(rtp.size() + sealer.tag_len());
    REQUIRE(sealer.seal(rtp, index, out) == out.size());
    return out;
}

const uint16_t kProfiles[] = {SC_PROFILE_AES128_CM_SHA1_80, SC_PROFILE_AES128_CM_SHA1_32,
                              SC_PROFILE_AEAD_AES_128_GCM, SC_PROFILE_AEAD_AES_256_GCM};

}  // namespace

TEST_CASE("sealer output is libsrtp's, byte for byte, at any index", "[sealer]") {
    std::mt19937 rng(20261206);
    for (const uint16_t profile : kProfiles) {
        const SrtpMaster m = random_master(profile, rng);
        SrtpSealer sealer(m);
        CAPTURE(profile);
        // Around both ends of the sequence space, the first ROC wraps, and
        // the last index the 48 bits hold; payload sizes cross AES blocks.
        const uint64_t indices[] = {0,
                                    1,
                                    0xfffe,
                                    0xffff,
                                    0x10000,
                                    0x10001,
                                    0x2a5a5,
                                    (uint64_t{1} << 32) | 7,
                                    0xffffffff0000ull,
                                    0xffffffffffffull};
        size_t payload_len = 0;
        for (const uint64_t index : indices) {
            for (const size_t extra :
                 {size_t{0}, size_t{1}, size_t{15}, size_t{17}, size_t{1088}}) {
                payload_len = extra;
                const auto rtp = random_packet(rng, uint16_t(index), payload_len);
                CAPTURE(index, payload_len);
                REQUIRE(seal(sealer, rtp, index) == libsrtp_protect_at(m, rtp, index));
            }
        }
    }
}

TEST_CASE("a long-lived libsrtp stream and the sealer agree across the ROC wrap", "[sealer]") {
    std::mt19937 rng(7);
    for (const uint16_t profile : kProfiles) {
        CAPTURE(profile);
        const SrtpMaster m = random_master(profile, rng);
        SrtpSealer sealer(m);
        const uint32_t ssrc = 0x5eed1234;
        sctest::SrtpPeer tx(m, ssrc, false), rx(m, ssrc, true);
        // The sender starts at ROC 3, seq 65500, and runs through the wrap
        // to ROC 4: libsrtp tracks the ROC itself, the sealer is told.
        tx.set_roc(ssrc, 3);
        rx.set_roc(ssrc, 3);
        uint64_t index = (uint64_t{3} << 16) | 65500;
        for (int i = 0; i < 80; ++i, ++index) {
            RtpSpec spec;
            spec.seq = uint16_t(index);
            spec.ssrc = ssrc;
            spec.payload.assign(100 + size_t(rng() % 1000), uint8_t(i));
            const auto rtp = build_rtp(spec);
            const auto sealed = seal(sealer, rtp, index);

            CAPTURE(index);
            REQUIRE(sealed == tx.protect(rtp));

            // And the far end decrypts it to the plaintext.
            auto received = sealed;
            REQUIRE(rx.unprotect(received) == srtp_err_status_ok);
            REQUIRE(received == rtp);
        }
        CHECK((index >> 16) == 4);
    }
}

TEST_CASE("sealing again at the same index gives the same datagram (a NACK answer)", "[sealer]") {
    std::mt19937 rng(11);
    for (const uint16_t profile : kProfiles) {
        SrtpSealer sealer(random_master(profile, rng));
        const auto first = random_packet(rng, 0x1234, 700);
        const auto second = random_packet(rng, 0x1235, 300);
        const auto a = seal(sealer, first, 0x51234);
        seal(sealer, second, 0x51235);
        REQUIRE(seal(sealer, first, 0x51234) == a);
        // In place gives the same bytes as out of place.
        auto buf = first;
        buf.resize(first.size() + sealer.tag_len());
        REQUIRE(sealer.seal(std::span(buf.data(), first.size()), 0x51234, buf) == buf.size());
        REQUIRE(buf == a);
    }
}

TEST_CASE("the sealer refuses what it cannot seal", "[sealer]") {
    std::mt19937 rng(3);
    SrtpSealer sealer(random_master(SC_PROFILE_AEAD_AES_128_GCM, rng));
    const auto rtp = random_packet(rng, 42, 200);
    std::vector<uint8_t> out(rtp.size() + sealer.tag_len());
    CHECK(sealer.seal(rtp, 43, out) == 0);                        // index is not the seq's
    CHECK(sealer.seal(rtp, (uint64_t{1} << 48) | 42, out) == 0);  // over 48 bits
    CHECK(sealer.seal(rtp, 42, std::span(out).first(out.size() - 1)) == 0);  // no room for the tag
    CHECK(sealer.seal(std::span(rtp).first(11), 42, out) == 0);              // not a whole header
    auto overlapping = rtp;
    overlapping.resize(rtp.size() + 40);
    CHECK(sealer.seal(std::span(overlapping).first(rtp.size()), 42,
                      std::span(overlapping).subspan(8)) == 0);
    CHECK(sealer.seal(rtp, 42, out) == out.size());

    SrtpMaster wrong_salt = random_master(SC_PROFILE_AES128_CM_SHA1_80, rng);
    wrong_salt.salt.pop_back();
    CHECK_THROWS_AS(SrtpSealer(wrong_salt), std::invalid_argument);
    SrtpMaster unknown = wrong_salt;
    unknown.profile = 0x0005;
    CHECK_THROWS_AS(SrtpSealer(unknown), std::invalid_argument);
}
