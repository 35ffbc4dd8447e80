// A leg's rewrite and its libsrtp protection (datapath/leg_rewrite.h), the
// NACK rebuild of what a delta leg sealed: protect_for_leg must be libsrtp's
// packet of rewrite_for_leg at the leg's out index, for every profile,
// across ROC and 48-bit index wraps; the rewrite must match a header
// written out independently here; and bad packets are declined, never a
// crash. (That SealedLeg's sealed frames equal protect_for_leg byte for
// byte is tests/bpf/test_sealed_sender.cpp's job.)
#include <srtp2/srtp.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "datapath/leg_rewrite.h"
#include "srtp_peer.h"

namespace dp = swiftcall::datapath;

namespace {

constexpr uint64_t kIndexMask = 0xffffffffffffULL;
const std::vector<size_t> kSizes = {0, 1, 100, 1100, 1200};
const std::vector<uint16_t> kAllProfiles = {
    SC_PROFILE_AES128_CM_SHA1_80, SC_PROFILE_AES128_CM_SHA1_32, SC_PROFILE_AEAD_AES_128_GCM,
    SC_PROFILE_AEAD_AES_256_GCM};

uint64_t out_index(uint64_t in_index, const dp::LegParams& leg) {
    return (in_index + leg.index_delta) & kIndexMask;
}

dp::SrtpMaster master(uint16_t profile, uint8_t seed) {
    const auto info = dp::srtp_profile_info(profile);
    dp::SrtpMaster m;
    m.profile = profile;
    for (size_t i = 0; i < info.master_key_len; ++i)
        m.key.push_back(uint8_t(seed * 31 + i * 7 + 1));
    for (size_t i = 0; i < info.master_salt_len; ++i)
        m.salt.push_back(uint8_t(seed * 17 + i * 13 + 5));
    return m;
}

dp::LegParams pure_leg(uint16_t profile, uint8_t seed, uint32_t ssrc) {
    dp::LegParams l;
    l.ssrc = ssrc;
    l.index_delta = 1000;
    l.ext_map[1] = 3;
    l.out = master(profile, seed);
    return l;
}

// A libsrtp2 receiver told the ROC of `index` first: a plain one assumes ROC
// 0 for its first packet, and some legs here start far from it.
std::optional<std::vector<uint8_t>> open_at(const dp::SrtpMaster& m, uint32_t ssrc, uint64_t index,
                                            std::vector<uint8_t> srtp) {
    srtp_policy_t p{};
    if (m.profile == SC_PROFILE_AES128_CM_SHA1_80)
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtp);
    else if (m.profile == SC_PROFILE_AES128_CM_SHA1_32)
        srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&p.rtp);
    else if (m.profile == SC_PROFILE_AEAD_AES_128_GCM)
        srtp_crypto_policy_set_aes_gcm_128_16_auth(&p.rtp);
    else
        srtp_crypto_policy_set_aes_gcm_256_16_auth(&p.rtp);
    p.rtcp = p.rtp;
    p.ssrc.type = ssrc_specific;
    p.ssrc.value = ssrc;
    auto key = m.key;
    key.insert(key.end(), m.salt.begin(), m.salt.end());
    p.key = key.data();
    srtp_t s = nullptr;
    if (srtp_create(&s, &p) != srtp_err_status_ok) return std::nullopt;
    int len = static_cast<int>(srtp.size());
    const bool ok = srtp_set_stream_roc(s, ssrc, uint32_t(index >> 16)) == srtp_err_status_ok &&
                    srtp_unprotect(s, srtp.data(), &len) == srtp_err_status_ok;
    srtp_dealloc(s);
    if (!ok) return std::nullopt;
    srtp.resize(static_cast<size_t>(len));
    return srtp;
}

// A publisher packet: one-byte extension block with id 1 (4 bytes of data)
// and id 2 (2 bytes), then `payload` bytes.
std::vector<uint8_t> plain_rtp(uint32_t ssrc, uint16_t seq, uint32_t ts, size_t payload,
                               uint8_t pt = 96, bool marker = false) {
    std::vector<uint8_t> p = {0x90,
                              uint8_t((marker ? 0x80 : 0) | (pt & 0x7f)),
                              uint8_t(seq >> 8),
                              uint8_t(seq),
                              uint8_t(ts >> 24),
                              uint8_t(ts >> 16),
                              uint8_t(ts >> 8),
                              uint8_t(ts),
                              uint8_t(ssrc >> 24),
                              uint8_t(ssrc >> 16),
                              uint8_t(ssrc >> 8),
                              uint8_t(ssrc)};
    for (uint8_t b : {0xBE, 0xDE, 0x00, 0x02, 0x13, 0xa1, 0xa2, 0xa3, 0xa4, 0x21, 0xb1, 0xb2})
        p.push_back(b);
    for (size_t i = 0; i < payload; ++i) p.push_back(uint8_t(i * 3 + seq));
    return p;
}

// plain_rtp as the leg must carry it.
std::vector<uint8_t> expected_plain(const std::vector<uint8_t>& rtp, const dp::LegParams& leg,
                                    uint64_t in_index) {
    auto e = rtp;
    if (leg.payload_type) e[1] = uint8_t((e[1] & 0x80) | (*leg.payload_type & 0x7f));
    const uint64_t out = out_index(in_index, leg);
    e[2] = uint8_t(out >> 8);
    e[3] = uint8_t(out);
    uint32_t ts = (uint32_t(e[4]) << 24) | (e[5] << 16) | (e[6] << 8) | e[7];
    ts += leg.ts_delta;
    for (int i = 0; i < 4; ++i) e[4 + i] = uint8_t(ts >> (24 - 8 * i));
    for (int i = 0; i < 4; ++i) e[8 + i] = uint8_t(leg.ssrc >> (24 - 8 * i));
    e[16] = uint8_t((leg.ext_map[1] << 4) | 3);
    if (!leg.ext_map[2]) e[21] = e[22] = e[23] = 0;
    return e;
}

// protect_for_leg is the libsrtp packet of the rewrite, and opens to it.
void check_protected(const std::vector<uint8_t>& rtp, uint64_t in_index, const dp::LegParams& leg) {
    const auto rewritten = dp::rewrite_for_leg(rtp, in_index, leg);
    REQUIRE(rewritten);
    const auto built = dp::protect_for_leg(rtp, in_index, leg);
    REQUIRE(built);
    const size_t tag = dp::srtp_profile_info(leg.out.profile).tag_len;
    CHECK(built->size() == rtp.size() + tag);
    // The fixed header goes out in the clear (RFC 3711 §3.1).
    CHECK(std::equal(rewritten->begin(), rewritten->begin() + 12, built->begin()));
    const auto plain = open_at(leg.out, leg.ssrc, out_index(in_index, leg), *built);
    REQUIRE(plain);
    CHECK(*plain == *rewritten);
}

// One packet shape for the extension, CSRC and padding cases: the extension
// block as sent and as a leg with map_ext() must carry it.
struct Shape {
    const char* what;
    std::optional<uint16_t> ext_profile;  // X bit
    std::vector<uint8_t> ext, ext_out;
    std::vector<uint8_t> csrcs = {};
    size_t payload = 50;
    uint8_t padding = 0;  // P bit with this count as the last byte
};

// id 1 -> 3, 2 unmapped, 3 -> 15 and 4 -> 200 (no one-byte form: blanked
// there, kept in two-byte blocks), 5 -> 6, 15 -> 7 (two-byte only).
void map_ext(dp::LegParams& l) {
    l.ext_map = {};
    l.ext_map[1] = 3;
    l.ext_map[3] = 15;
    l.ext_map[4] = 200;
    l.ext_map[5] = 6;
    l.ext_map[15] = 7;
}

std::vector<Shape> shapes() {
    std::vector<Shape> s = {
        {"one-byte: padding byte, unmapped id, ids mapped past 14, id 15 ends the walk",
         0xBEDE,
         {0x10, 0xAA, 0x00, 0x21, 0xB1, 0xB2, 0x32, 0xC1, 0xC2, 0xC3,
          0x40, 0xD1, 0x51, 0xE1, 0xE2, 0xF0, 0x12, 0x34, 0x10, 0x99},
         {0x30, 0xAA, 0x00, 0,    0,    0,    0,    0,    0,    0,
          0,    0,    0x61, 0xE1, 0xE2, 0xF0, 0x12, 0x34, 0x10, 0x99}},
        {"one-byte: an unmapped element longer than the block is blanked to its end",
         0xBEDE,
         {0x10, 0x01, 0x2F, 0x01},
         {0x30, 0x01, 0, 0}},
        {"two-byte: padding, zero-length, unmapped and id >= 16 elements, 4 -> 200, 15 -> 7",
         0x1000,
         {0x01, 0x02, 0xA1, 0xA2, 0x00, 0x02, 0x01, 0xB1, 0x03, 0x00, 0x04, 0x01,
          0xC1, 0x14, 0x02, 0xD1, 0xD2, 0x0F, 0x01, 0xE1, 0x00, 0x00, 0x00, 0x00},
         {0x03, 0x02, 0xA1, 0xA2, 0x00, 0,    0,    0,    0x0F, 0x00, 0xC8, 0x01,
          0xC1, 0,    0,    0,    0,    0x07, 0x01, 0xE1, 0x00, 0x00, 0x00, 0x00}},
        {"two-byte with app bits 0x3: an id in the block's last byte is still mapped",
         0x1003,
         {0x01, 0x00, 0x00, 0x05},
         {0x03, 0x00, 0x00, 0x06}},
        {"another extension profile is left as it is",
         0xABCD,
         {0x10, 0xAA, 0x21, 0xB1},
         {0x10, 0xAA, 0x21, 0xB1}},
        {"X bit with an empty block", 0xBEDE, {}, {}},
        {"no extension", std::nullopt, {}, {}},
        {"two CSRCs before a one-byte block",
         0xBEDE,
         {0x10, 0xAA, 0x00, 0x00},
         {0x30, 0xAA, 0x00, 0x00},
         {1, 2, 3, 4, 5, 6, 7, 8}},
        {"15 CSRCs and a two-byte block",
         0x1000,
         {0x01, 0x01, 0x77, 0x00},
         {0x03, 0x01, 0x77, 0x00},
         std::vector<uint8_t>(60, 0x5A)},
        {"P bit with 4 bytes of padding", 0xBEDE, {0x21, 0xB1, 0xB2, 0}, {0, 0, 0, 0}, {}, 20, 4},
        {"P bit: the padding is the whole payload", std::nullopt, {}, {}, {}, 1, 1},
        {"no payload at all", 0x1000, {0x05, 0x01, 0xAB, 0x00}, {0x06, 0x01, 0xAB, 0x00}, {}, 0},
    };
    // The largest block a leg relabels: 7 elements of 17 bytes (ids 1
    // and 2 alternating), then 9 padding bytes.
    Shape big{"a 128-byte one-byte block (SC_MAX_EXT_BYTES)", 0xBEDE, {}, {}};
    for (int e = 0; e < 7; ++e) {
        const bool mapped = e % 2 == 0;
        big.ext.push_back(mapped ? 0x1F : 0x2F);
        big.ext_out.push_back(mapped ? 0x3F : 0);
        for (int b = 0; b < 16; ++b) {
            big.ext.push_back(uint8_t(e * 16 + b + 1));
            big.ext_out.push_back(mapped ? uint8_t(e * 16 + b + 1) : 0);
        }
    }
    big.ext.resize(SC_MAX_EXT_BYTES, 0);
    big.ext_out.resize(SC_MAX_EXT_BYTES, 0);
    s.push_back(big);
    return s;
}

// Appends v as `bytes` big-endian bytes.
void put_be(std::vector<uint8_t>& p, uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i) p.push_back(uint8_t(v >> (8 * i)));
}

std::vector<uint8_t> shaped_rtp(const Shape& s, uint32_t ssrc, uint16_t seq) {
    const auto cc = s.csrcs.size() / 4;
    std::vector<uint8_t> p = {
        uint8_t(0x80 | (s.padding ? 0x20 : 0) | (s.ext_profile ? 0x10 : 0) | cc), 97};
    put_be(p, seq, 2);
    put_be(p, 0x12345678, 4);
    put_be(p, ssrc, 4);
    p.insert(p.end(), s.csrcs.begin(), s.csrcs.end());
    if (s.ext_profile) {
        put_be(p, *s.ext_profile, 2);
        put_be(p, s.ext.size() / 4, 2);
        p.insert(p.end(), s.ext.begin(), s.ext.end());
    }
    for (size_t i = 0; i < s.payload; ++i) p.push_back(uint8_t(i * 7 + 1));
    if (s.padding) p.back() = s.padding;
    return p;
}

// What the leg must carry, written out independently of leg_rewrite.cpp.
std::vector<uint8_t> shaped_expected(const Shape& s, const std::vector<uint8_t>& rtp,
                                     const dp::LegParams& leg, uint64_t in_index) {
    std::vector<uint8_t> e(rtp.begin(), rtp.begin() + 2);
    if (leg.payload_type) e[1] = uint8_t((e[1] & 0x80) | *leg.payload_type);
    put_be(e, out_index(in_index, leg) & 0xffff, 2);
    put_be(e, uint32_t(0x12345678u + leg.ts_delta), 4);
    put_be(e, leg.ssrc, 4);
    e.insert(e.end(), rtp.begin() + 12, rtp.end());
    std::copy(s.ext_out.begin(), s.ext_out.end(), e.begin() + 12 + s.csrcs.size() + 4);
    return e;
}

}  // namespace

TEST_CASE(
    "protect_for_leg opens with libsrtp to the leg's rewrite: every profile, size, PT rewrite, "
    "ROC and 48-bit index wrap",
    "[leg_rewrite]") {
    sctest::srtp_global_init();  // as Janus does before the plugin builds anything
    // Publisher seq 65530..65535, 0..5 (its ROC wraps at the 7th packet).
    // Leg deltas: 0 wraps with it; 3 wraps the leg first (4th packet);
    // + ROC 0x12345 starts far from 0; 2^48 - 65533 wraps the 48-bit index.
    uint16_t n = 0;
    for (uint16_t out : kAllProfiles)
        for (uint64_t delta :
             {uint64_t{0}, uint64_t{3}, (uint64_t{0x12345} << 16) + 7, kIndexMask - 65532}) {
            auto leg = pure_leg(out, uint8_t(20 + n % 40), 0xc1000000u + n);
            leg.index_delta = delta;
            if (n % 2) leg.payload_type = 96;           // the publisher sends 97
            if (n % 3 == 0) leg.ts_delta = 0xffffff00;  // timestamps wrap
            ++n;
            uint64_t roc = 0;
            for (uint16_t i = 0; i < 12; ++i) {
                const uint16_t seq = uint16_t(65530 + i);
                if (seq == 0) ++roc;
                const auto rtp =
                    plain_rtp(0x5c000001, seq, 90000u * seq, kSizes[i % kSizes.size()], 97, i % 2);
                const uint64_t in_index = (roc << 16) | seq;
                INFO("out profile " << out << " delta " << delta << " seq " << seq);
                CHECK(dp::rewrite_for_leg(rtp, in_index, leg) ==
                      expected_plain(rtp, leg, in_index));
                check_protected(rtp, in_index, leg);
            }
        }
}

TEST_CASE("extension ids, CSRCs and padding: the rewrite is the header written out by hand",
          "[leg_rewrite]") {
    sctest::srtp_global_init();
    uint16_t n = 0;
    for (uint16_t out : kAllProfiles) {
        auto leg = pure_leg(out, uint8_t(n % 40), 0xc2000000u + n);
        map_ext(leg);
        leg.index_delta = 70000 + n;
        if (n % 2) leg.payload_type = 111;
        ++n;
        uint16_t seq = 100;
        for (const auto& s : shapes()) {
            INFO("out profile " << out << ": " << s.what);
            REQUIRE(s.ext.size() == s.ext_out.size());
            const auto rtp = shaped_rtp(s, 0x5c000002, seq);
            const uint64_t in_index = seq++;
            CHECK(dp::rewrite_for_leg(rtp, in_index, leg) ==
                  shaped_expected(s, rtp, leg, in_index));
            check_protected(rtp, in_index, leg);
            // label_for_leg is the same relabelling, numbering untouched.
            auto labelled = rtp;
            REQUIRE(dp::label_for_leg(labelled, leg));
            auto expected = shaped_expected(s, rtp, leg, in_index);
            std::copy(rtp.begin() + 2, rtp.begin() + 8, expected.begin() + 2);
            CHECK(labelled == expected);
        }
    }
}

TEST_CASE("a leg declines padding counts, extension blocks and sizes it cannot relabel, and RTCP",
          "[leg_rewrite]") {
    sctest::srtp_global_init();
    const auto leg = pure_leg(SC_PROFILE_AEAD_AES_256_GCM, 7, 0xc3000001u);
    uint16_t seq = 10;
    auto rtp = [&](size_t payload) { return plain_rtp(0x5c000003, seq++, 1, payload); };
    auto padded = [&](size_t payload, uint8_t count) {
        auto p = rtp(payload);
        p[0] |= 0x20;
        if (payload) p.back() = count;
        return p;
    };
    std::vector<uint8_t> long_block = {0x90, 96, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1};
    for (uint8_t b : {0xBE, 0xDE, 0x00, 33}) long_block.push_back(b);  // 132 bytes
    long_block.resize(long_block.size() + 132 + 20, 0);
    struct Case {
        const char* what;
        std::vector<uint8_t> rtp;
    };
    std::vector<Case> cases = {{"padding count larger than the payload", padded(10, 11)},
                               {"padding count 0", padded(10, 0)},
                               {"P bit without a payload", padded(0, 0)},
                               {"extension block over SC_MAX_EXT_BYTES", long_block},
                               {"1397 B of RTP: past SC_MAX_SRTP - 4", rtp(1397 - 24)}};
    // RFC 5761 demux: second byte 192..223 (marker + PT 64..95) is RTCP.
    for (uint8_t second : {192, 200, 223}) {
        auto p = rtp(50);
        p[1] = second;
        cases.push_back({"second byte in the RTCP range", p});
    }
    for (const auto& c : cases) {
        INFO(c.what << " (second byte " << int(c.rtp[1]) << ")");
        CHECK_FALSE(dp::rewrite_for_leg(c.rtp, seq, leg));
        CHECK_FALSE(dp::protect_for_leg(c.rtp, seq, leg));
        auto copy = c.rtp;
        CHECK_FALSE(dp::label_for_leg(copy, leg));
    }
    // Just outside the RTCP range it is RTP.
    for (uint8_t second : {191, 224}) {
        auto p = rtp(50);
        p[1] = second;
        check_protected(p, seq, leg);
    }
    // The largest packet a leg takes: 1396 + 16 B out.
    const auto largest = rtp(1396 - 24);
    check_protected(largest, seq, leg);
    CHECK(dp::protect_for_leg(largest, seq, leg)->size() == 1396 + 16);
}

TEST_CASE("protect_for_leg declines truncated and malformed packets without crashing",
          "[leg_rewrite]") {
    sctest::srtp_global_init();
    const auto leg = pure_leg(SC_PROFILE_AEAD_AES_128_GCM, 9, 0xc4000001u);
    Shape s{"CSRC and one-byte block", 0xBEDE, {0x10, 0xAA, 0, 0}, {}, {9, 9, 9, 9}, 40};
    const auto good = shaped_rtp(s, 0x1234, 7);
    const size_t header = 12 + 4 + 4 + 4;
    for (size_t n = 0; n <= good.size(); ++n) {
        INFO("first " << n << " bytes");
        const std::vector<uint8_t> cut(good.begin(), good.begin() + std::ptrdiff_t(n));
        const auto built = dp::protect_for_leg(cut, 7, leg);
        CHECK(built.has_value() == (n >= header));
        if (built) CHECK(built->size() == n + 16);
    }
    auto bad = [&](std::vector<uint8_t> p, const char* what) {
        INFO(what);
        CHECK_FALSE(dp::rewrite_for_leg(p, 7, leg));
        CHECK_FALSE(dp::protect_for_leg(p, 7, leg));
    };
    for (uint8_t first : {0x00, 0x40, 0xC0}) {
        auto p = good;
        p[0] = uint8_t(first | (p[0] & 0x3f));
        bad(p, "RTP version other than 2");
    }
    auto csrcs = good;
    csrcs[0] = uint8_t((csrcs[0] & 0xf0) | 15);
    bad(csrcs, "15 CSRCs announced, not there");
    bad({good.begin(), good.begin() + 18}, "X bit without room for the block header");
    auto ext = good;
    ext.at(19) = 12;  // 48 bytes of elements announced
    bad(ext, "extension length past the end");

    // Leg-side failures: the header is fine, the key is not.
    auto wrong = leg;
    wrong.out.profile = SC_PROFILE_NONE;
    CHECK(dp::rewrite_for_leg(good, 7, wrong));
    CHECK_FALSE(dp::protect_for_leg(good, 7, wrong));
    wrong = leg;
    wrong.out.key.pop_back();
    CHECK_FALSE(dp::protect_for_leg(good, 7, wrong));

    // Random input: never a crash, and protect_for_leg succeeds exactly when
    // rewrite_for_leg does, adding the tag.
    std::mt19937 rng(1234);
    for (int i = 0; i < 20000; ++i) {
        std::vector<uint8_t> r(rng() % 300);
        for (auto& b : r) b = uint8_t(rng());
        if (!r.empty() && i % 2) r[0] = uint8_t(0x80 | (r[0] & 0x3f));
        const auto rewritten = dp::rewrite_for_leg(r, rng(), leg);
        const auto built = dp::protect_for_leg(r, rng() & kIndexMask, leg);
        REQUIRE(built.has_value() == rewritten.has_value());
        if (built) REQUIRE(built->size() == r.size() + 16);
    }
}

TEST_CASE("a retransmission under the same index is byte-identical, whatever was built before",
          "[leg_rewrite]") {
    sctest::srtp_global_init();
    for (uint16_t profile : kAllProfiles) {
        auto leg = pure_leg(profile, 11, 0xc5000001u);
        leg.index_delta = 5;
        const auto rtp = plain_rtp(0x5c000004, 3, 1, 100);
        const uint64_t later = (7ULL << 16) | 3;
        const auto first = dp::protect_for_leg(rtp, later, leg);
        const auto earlier = dp::protect_for_leg(rtp, 3, leg);
        const auto again = dp::protect_for_leg(rtp, later, leg);
        REQUIRE(first);
        REQUIRE(earlier);
        CHECK(again == first);
        // Same seq on the wire, other ROC: other bytes (the ROC is in the IV).
        CHECK(*earlier != *first);
        CHECK(std::equal(earlier->begin(), earlier->begin() + 24, first->begin()));
    }
}
