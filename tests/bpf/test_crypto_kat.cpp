// Crypto known-answer: every clone, unprotected by libsrtp2 with the leg's
// key, is the publisher's plaintext with the rewritten header.
#include <bpf/bpf.h>
#include <sys/mman.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "srtp_peer.h"
#include "testbed.h"

using namespace sctest;

namespace {

struct LegUnderTest {
    uint32_t id;
    dp::LegParams params;
    std::unique_ptr<SrtpPeer> receiver;
};

const char* profile_name(uint16_t p) {
    switch (p) {
        case SC_PROFILE_AES128_CM_SHA1_80:
            return "AES_CM_128_HMAC_SHA1_80";
        case SC_PROFILE_AES128_CM_SHA1_32:
            return "AES_CM_128_HMAC_SHA1_32";
        case SC_PROFILE_AEAD_AES_128_GCM:
            return "AEAD_AES_128_GCM";
        case SC_PROFILE_AEAD_AES_256_GCM:
            return "AEAD_AES_256_GCM";
    }
    return "?";
}

// Runs `seqs` through the program and checks every clone of every leg.
void run_kat(uint16_t in_profile, const std::vector<uint16_t>& out_profiles,
             const std::vector<uint16_t>& seqs, const std::vector<size_t>& sizes,
             uint64_t index_delta, bool prefill = false, bool refill = false,
             std::optional<uint8_t> leg_pt = std::nullopt) {
    auto& d = datapath();
    const uint32_t ssrc = fresh_ssrc();
    const auto pub_key = master(in_profile, 1);
    SrtpPeer publisher(pub_key, ssrc, false);
    d.set_stream(kPublisher, ssrc, pub_key);
    std::map<uint16_t, LegUnderTest> legs;  // by destination port
    std::vector<uint32_t> ids;
    uint16_t port = 6000;
    for (auto op : out_profiles) {
        LegUnderTest l{fresh_leg_id(), leg_to(port, op, uint8_t(10 + port % 50), 0xabc00000 + port),
                       nullptr};
        l.params.index_delta = index_delta;
        l.params.payload_type = leg_pt;
        l.receiver = std::make_unique<SrtpPeer>(l.params.out, l.params.ssrc, true);
        d.set_leg(l.id, l.params);
        ids.push_back(l.id);
        legs.emplace(port, std::move(l));
        ++port;
    }
    d.set_stream_legs(kPublisher, ssrc, ids);
    if (prefill)
        for (auto id : ids)
            d.prefill_keystreams(id, seqs.front() + index_delta, uint32_t(seqs.size()));
    lab().drain();

    uint64_t roc = 0;
    uint16_t prev = seqs.front();
    for (size_t i = 0; i < seqs.size(); ++i) {
        const uint16_t seq = seqs[i];
        if (i && seq < prev) ++roc;
        prev = seq;
        const size_t size = sizes[i % sizes.size()];
        INFO("in " << profile_name(in_profile) << " seq " << seq << " payload " << size);
        RtpSpec spec;
        spec.ssrc = ssrc;
        spec.seq = seq;
        spec.ts = 90000u * seq;
        spec.payload = size;
        spec.pt = 97;
        spec.marker = (i % 2) == 1;
        const auto rtp = rtp_packet(spec);
        const auto srtp = publisher.protect(rtp);
        const auto in = frame(srtp);
        const auto r = test_run(in);
        REQUIRE(r.verdict == 0);  // TC_ACT_OK
        REQUIRE(r.out == in);     // the original goes up byte-identical
        auto clones = capture_clones();
        REQUIRE(clones.size() == legs.size());
        if (refill) d.refill_keystreams(kPublisher, ssrc, 4);
        for (auto& c : clones) {
            auto it = legs.find(c.dport);
            REQUIRE(it != legs.end());
            auto& l = it->second;
            INFO("leg out " << profile_name(l.params.out.profile));
            CHECK(c.ip_checksum_ok);
            auto buf = c.srtp;
            REQUIRE(l.receiver->unprotect(buf) == srtp_err_status_ok);
            CHECK(buf == expected_plain(rtp, l.params, (roc << 16) | seq));
            CHECK((buf[1] & 0x7f) == (leg_pt ? *leg_pt : (rtp[1] & 0x7f)));
            CHECK((buf[1] & 0x80) == (rtp[1] & 0x80));  // marker untouched
        }
    }
    for (auto& [port, l] : legs)
        CHECK(d.leg_counters(l.id).keystream_hits == (prefill  ? seqs.size()
                                                      : refill ? seqs.size() - 1
                                                               : 0));
}

const std::vector<size_t> kSizes = {0, 1, 100, 1100, 1200};

std::vector<uint16_t> seq_run(uint16_t first, size_t n) {
    std::vector<uint16_t> s;
    for (size_t i = 0; i < n; ++i) s.push_back(uint16_t(first + i));
    return s;
}

}  // namespace

TEST_CASE("CM-80 publisher: clones decrypt with libsrtp for every CM leg profile and size",
          "[bpf][kat]") {
    run_kat(SC_PROFILE_AES128_CM_SHA1_80,
            {SC_PROFILE_AES128_CM_SHA1_80, SC_PROFILE_AES128_CM_SHA1_32}, seq_run(100, 10), kSizes,
            1000);
}

TEST_CASE("CM-32 publisher: clones decrypt with libsrtp for every CM leg profile and size",
          "[bpf][kat]") {
    run_kat(SC_PROFILE_AES128_CM_SHA1_32,
            {SC_PROFILE_AES128_CM_SHA1_80, SC_PROFILE_AES128_CM_SHA1_32}, seq_run(7, 10), kSizes,
            1000);
}

TEST_CASE("ROC wrap: seq 65535 -> 0 keeps clones decryptable", "[bpf][kat]") {
    run_kat(SC_PROFILE_AES128_CM_SHA1_80,
            {SC_PROFILE_AES128_CM_SHA1_80, SC_PROFILE_AES128_CM_SHA1_32}, seq_run(65530, 12),
            kSizes, 0);
}

TEST_CASE("leg index offset wraps the leg's ROC before the publisher's", "[bpf][kat]") {
    run_kat(SC_PROFILE_AES128_CM_SHA1_80, {SC_PROFILE_AES128_CM_SHA1_80}, seq_run(64000, 5), {1100},
            1534);
}

TEST_CASE("GCM publishers: clones decrypt with libsrtp for every leg profile and size",
          "[bpf][kat]") {
    const std::vector<uint16_t> all = {SC_PROFILE_AES128_CM_SHA1_80, SC_PROFILE_AES128_CM_SHA1_32,
                                       SC_PROFILE_AEAD_AES_128_GCM, SC_PROFILE_AEAD_AES_256_GCM};
    run_kat(SC_PROFILE_AEAD_AES_128_GCM, all, seq_run(300, 10), kSizes, 1000);
    run_kat(SC_PROFILE_AEAD_AES_256_GCM, all, seq_run(65531, 10), kSizes, 0);
}

TEST_CASE("CM-80 publisher to GCM-256 subscriber (the Chromium case), ROC wrap", "[bpf][kat]") {
    run_kat(SC_PROFILE_AES128_CM_SHA1_80,
            {SC_PROFILE_AEAD_AES_256_GCM, SC_PROFILE_AEAD_AES_128_GCM}, seq_run(65530, 12), kSizes,
            0);
}

TEST_CASE("keystreams prefilled in user space give the same clones for every profile",
          "[bpf][kat]") {
    const std::vector<uint16_t> all = {SC_PROFILE_AES128_CM_SHA1_80, SC_PROFILE_AES128_CM_SHA1_32,
                                       SC_PROFILE_AEAD_AES_128_GCM, SC_PROFILE_AEAD_AES_256_GCM};
    run_kat(SC_PROFILE_AES128_CM_SHA1_80, all, seq_run(65530, 12), kSizes, 0, true);
    run_kat(SC_PROFILE_AEAD_AES_256_GCM, all, seq_run(900, 10), kSizes, 1000, true);
}

TEST_CASE("the refill loop keeps every packet after the first on the keystream path",
          "[bpf][kat]") {
    const std::vector<uint16_t> all = {SC_PROFILE_AES128_CM_SHA1_80, SC_PROFILE_AEAD_AES_256_GCM};
    run_kat(SC_PROFILE_AES128_CM_SHA1_80, all, seq_run(65532, 8), kSizes, 2, false, true);
}

TEST_CASE("payload type rewrite: publisher PT 97 out as the subscriber's 96, marker kept",
          "[bpf][kat]") {
    // aiortc/pion publishers pick their own PTs; subscriber SDPs use fixed
    // ones. Header bytes are authenticated, so a wrong rewrite fails unprotect.
    run_kat(SC_PROFILE_AES128_CM_SHA1_80,
            {SC_PROFILE_AES128_CM_SHA1_80, SC_PROFILE_AEAD_AES_256_GCM}, seq_run(500, 6), kSizes,
            77, false, false, uint8_t(96));
}

namespace {

// The program's keystream slots, mapped by this test on its own (found by
// name among the program's maps), to play the part of a racing writer.
struct KeystreamSlots {
    sc_keystream* slots = nullptr;
    size_t bytes = 0;
    KeystreamSlots() {
        bpf_prog_info info{};
        uint32_t ids[64] = {};
        info.nr_map_ids = 64;
        info.map_ids = reinterpret_cast<uint64_t>(ids);
        uint32_t len = sizeof info;
        REQUIRE(bpf_obj_get_info_by_fd(datapath().program_fd(), &info, &len) == 0);
        for (uint32_t i = 0; i < info.nr_map_ids && !slots; ++i) {
            const int fd = bpf_map_get_fd_by_id(ids[i]);
            bpf_map_info m{};
            uint32_t mlen = sizeof m;
            if (fd >= 0 && bpf_obj_get_info_by_fd(fd, &m, &mlen) == 0 &&
                std::string(m.name) == "sc_keystreams") {
                bytes = size_t(m.value_size) * m.max_entries;
                void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
                REQUIRE(p != MAP_FAILED);
                slots = static_cast<sc_keystream*>(p);
            }
            if (fd >= 0) close(fd);
        }
        REQUIRE(slots);
    }
    ~KeystreamSlots() { munmap(slots, bytes); }
    // The slot of `index` for the leg's ring, found by its owner tag.
    sc_keystream* find(uint64_t index) const {
        for (uint32_t r = 0; r < SC_KS_RINGS; ++r) {
            auto* s = &slots[r * SC_KS_SLOTS + index % SC_KS_SLOTS];
            if (s->owner && s->index == index) return s;
        }
        return nullptr;
    }
};

}  // namespace

TEST_CASE("keystream slots: a slot being written or made for an earlier key is never used",
          "[bpf][kat]") {
    auto& d = datapath();
    const uint32_t ssrc = fresh_ssrc();
    const auto pub_key = master(SC_PROFILE_AES128_CM_SHA1_80, 1);
    SrtpPeer publisher(pub_key, ssrc, false);
    d.set_stream(kPublisher, ssrc, pub_key);
    LegUnderTest l{fresh_leg_id(), leg_to(6100, SC_PROFILE_AEAD_AES_128_GCM, 31, 0xabd00001),
                   nullptr};
    l.params.index_delta = 0;  // out index = in index = seq
    l.receiver = std::make_unique<SrtpPeer>(l.params.out, l.params.ssrc, true);
    d.set_leg(l.id, l.params);
    d.set_stream_legs(kPublisher, ssrc, {l.id});
    KeystreamSlots slots;
    lab().drain();

    auto send = [&](uint16_t seq, size_t payload = 1100) {
        RtpSpec spec;
        spec.ssrc = ssrc;
        spec.seq = seq;
        spec.payload = payload;
        const auto rtp = rtp_packet(spec);
        REQUIRE(test_run(frame(publisher.protect(rtp))).verdict == 0);
        auto clones = capture_clones();
        REQUIRE(clones.size() == 1);
        auto buf = clones[0].srtp;
        REQUIRE(l.receiver->unprotect(buf) == srtp_err_status_ok);
        CHECK(buf == expected_plain(rtp, l.params, seq));
    };

    // Seq 10..13 prefilled; 11's slot is "being written" (odd seq).
    d.prefill_keystreams(l.id, 10, 4);
    auto* busy = slots.find(11);
    REQUIRE(busy);
    busy->seq |= 1;
    send(10);
    send(11);
    CHECK(d.leg_counters(l.id).keystream_hits == 1);  // 11 ran AES in BPF
    busy->seq += 1;

    // A new key for the same leg: 12 and 13 still hold the old key's
    // keystreams and must not be used (the clones decrypt with the new key).
    l.params.out = master(SC_PROFILE_AEAD_AES_128_GCM, 77);
    l.receiver = std::make_unique<SrtpPeer>(l.params.out, l.params.ssrc, true);
    d.set_leg(l.id, l.params);
    send(12);
    send(13);
    CHECK(d.leg_counters(l.id).keystream_hits == 1);
    d.prefill_keystreams(l.id, 14, 2);
    send(14);
    send(15);
    CHECK(d.leg_counters(l.id).keystream_hits == 3);

    // Refills sized to the largest packet so far (a 200 B one): a 1100 B
    // payload finds its slot too short and runs AES in BPF instead.
    REQUIRE(d.refill_keystreams(kPublisher, ssrc, 2, 200) == 2);  // 16 and 17
    auto* short_slot = slots.find(16);
    REQUIRE(short_slot);
    CHECK(short_slot->len == 224);  // 200 + one block of margin, whole blocks
    send(16);
    CHECK(d.leg_counters(l.id).keystream_hits == 3);
    send(17, 100);  // fits the short slot
    CHECK(d.leg_counters(l.id).keystream_hits == 4);
    d.remove_leg(l.id);
}
