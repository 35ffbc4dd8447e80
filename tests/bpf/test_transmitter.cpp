// The sealed fan-out's transmitter (bpf/swiftcall_tx.bpf.c through
// datapath::Transmitter) on a real veth: legs sealed in user space by the
// sealer, framed by udp_frame, written into the mmap'd ring and sent with
// one BPF_PROG_RUN per batch. libsrtp2 is the oracle: every frame that
// leaves must carry exactly srtp_protect's bytes at the leg's index, and the
// subscriber's stack and libsrtp must take it at the far end.
#include <arpa/inet.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <cstring>
#include <memory>
#include <random>
#include <span>
#include <vector>

#include "datapath/srtp_sealer.h"
#include "datapath/transmitter.h"
#include "datapath/udp_frame.h"
#include "rtp_builder.h"
#include "srtp_peer.h"
#include "veth_lab.h"

using namespace swiftcall::datapath;

namespace {

constexpr uint16_t kProfiles[] = {SC_PROFILE_AES128_CM_SHA1_80, SC_PROFILE_AES128_CM_SHA1_32,
                                  SC_PROFILE_AEAD_AES_128_GCM, SC_PROFILE_AEAD_AES_256_GCM};

SrtpMaster random_master(uint16_t profile, std::mt19937& rng) {
    SrtpMaster m;
    m.profile = profile;
    const auto info = srtp_profile_info(profile);
    for (size_t i = 0; i < info.master_key_len; ++i) m.key.push_back(uint8_t(rng()));
    for (size_t i = 0; i < info.master_salt_len; ++i) m.salt.push_back(uint8_t(rng()));
    return m;
}

std::vector<uint8_t> rtp_packet(uint32_t ssrc, uint16_t seq, size_t payload_len,
                                std::mt19937& rng) {
    RtpSpec spec;
    spec.ssrc = ssrc;
    spec.seq = seq;
    spec.ts = uint32_t(rng());
    spec.extension = {0x10, uint8_t(rng())};
    for (size_t i = 0; i < payload_len; ++i) spec.payload.push_back(uint8_t(rng()));
    return build_rtp(spec);
}

// One subscriber leg: its own key, SSRC and port at the far end of the veth.
struct Leg {
    SrtpMaster master;
    uint32_t ssrc;
    uint16_t port;
    std::unique_ptr<SrtpSealer> sealer;
    std::unique_ptr<sctest::SrtpPeer> receiver;  // libsrtp, as the subscriber
    int fd = -1;
};

UdpFramePath path_to_peer(const sctest::VethLab& lab, uint16_t dport) {
    UdpFramePath p;
    p.smac = lab.host_mac();
    p.dmac = lab.peer_mac();
    inet_pton(AF_INET, "127.0.1.1", p.saddr.data());
    inet_pton(AF_INET, "127.0.1.2", p.daddr.data());
    p.sport = 20000;
    p.dport = dport;
    return p;
}

// Seals `rtp` at `index` for the leg straight into the slot and frames it.
void fill_slot(sc_tx_slot& slot, Leg& leg, const UdpFramePath& path,
               const std::vector<uint8_t>& rtp, uint64_t index, uint32_t ifindex) {
    const size_t headers = udp_frame_headers(path.family);
    std::span<uint8_t> frame(slot.data, SC_TX_SLOT_DATA);
    const size_t sealed = leg.sealer->seal(rtp, index, frame.subspan(headers));
    REQUIRE(sealed == rtp.size() + leg.sealer->tag_len());
    slot.len = static_cast<uint32_t>(write_udp_frame(path, frame, sealed));
    REQUIRE(slot.len == headers + sealed);
    slot.ifindex = ifindex;
}

std::vector<uint8_t> recv_datagram(int fd) {
    std::vector<uint8_t> b(2048);
    ssize_t n = recv(fd, b.data(), b.size(), 0);
    if (n < 0) return {};
    b.resize(static_cast<size_t>(n));
    return b;
}

}  // namespace

TEST_CASE(
    "transmitter: every profile sealed in user space leaves the veth as libsrtp's bytes and "
    "decrypts at the far end",
    "[transmitter]") {
    sctest::VethLab lab;
    auto tx = Transmitter::open(8);  // small, so the batches below wrap the ring
    std::mt19937 rng(20261207);
    std::vector<Leg> legs;
    for (size_t i = 0; i < std::size(kProfiles); ++i) {
        Leg leg;
        leg.master = random_master(kProfiles[i], rng);
        leg.ssrc = 0x5c000000u + uint32_t(i);
        leg.port = uint16_t(41000 + i);
        leg.sealer = std::make_unique<SrtpSealer>(leg.master);
        leg.receiver = std::make_unique<sctest::SrtpPeer>(leg.master, leg.ssrc, true);
        leg.fd = lab.bind_peer_udp(leg.port);
        legs.push_back(std::move(leg));
    }
    lab.drain();
    const auto before = tx->counters();
    // Across the first ROC wrap; payloads of a small audio and a full video packet.
    const uint64_t indices[] = {0xfffe, 0xffff, 0x10000, 0x10001};
    const size_t lengths[] = {100, 1100, 37, 1150};
    size_t batches = 0;
    for (size_t p = 0; p < std::size(indices); ++p) {
        const uint64_t index = indices[p];
        CAPTURE(index);
        auto batch = tx->ring().claim(uint32_t(legs.size()));
        REQUIRE(batch);
        std::vector<std::vector<uint8_t>> plain, frames;
        for (uint32_t k = 0; k < legs.size(); ++k) {
            plain.push_back(rtp_packet(legs[k].ssrc, uint16_t(index), lengths[p], rng));
            sc_tx_slot& slot = tx->slot(tx->ring().slot(*batch, k));
            fill_slot(slot, legs[k], path_to_peer(lab, legs[k].port), plain[k], index,
                      uint32_t(lab.host_ifindex()));
            slot.leg_id = k;
            frames.emplace_back(slot.data, slot.data + slot.len);
        }
        const TransmitResult r = tx->transmit(*batch);
        ++batches;
        CHECK(r.error.empty());
        CHECK(r.sent == legs.size());
        CHECK(r.dropped == 0);
        tx->ring().release(*batch);

        // On the wire: exactly the frames written, in batch order.
        const auto seen = lab.capture(std::chrono::milliseconds(100), legs.size());
        REQUIRE(seen.size() == legs.size());
        for (uint32_t k = 0; k < legs.size(); ++k) {
            CAPTURE(kProfiles[k]);
            CHECK(seen[k].bytes == frames[k]);
            // The UDP payload is libsrtp's protect output at this index.
            sctest::SrtpPeer oracle(legs[k].master, legs[k].ssrc, false);
            oracle.set_roc(legs[k].ssrc, uint32_t(index >> 16));
            const std::vector<uint8_t> expected = oracle.protect(plain[k]);
            const size_t headers = udp_frame_headers(SC_AF_INET);
            CHECK(std::vector<uint8_t>(frames[k].begin() + long(headers), frames[k].end()) ==
                  expected);
            // The subscriber's stack delivers it, and libsrtp decrypts it.
            auto got = recv_datagram(legs[k].fd);
            REQUIRE(got == expected);
            REQUIRE(legs[k].receiver->unprotect(got) == srtp_err_status_ok);
            CHECK(got == plain[k]);
        }
    }
    const auto after = tx->counters();
    CHECK(after[SC_TX_SENT] - before[SC_TX_SENT] == batches * legs.size());
    for (auto& leg : legs) close(leg.fd);
}

TEST_CASE(
    "transmitter: a bad slot is dropped with its reason and counted; the rest of the batch goes",
    "[transmitter]") {
    sctest::VethLab lab;
    auto tx = Transmitter::open(16);
    std::mt19937 rng(7);
    Leg leg;
    leg.master = random_master(SC_PROFILE_AEAD_AES_128_GCM, rng);
    leg.ssrc = 0x11110000;
    leg.port = 42000;
    leg.sealer = std::make_unique<SrtpSealer>(leg.master);
    const auto path = path_to_peer(lab, leg.port);
    const uint32_t ifindex = uint32_t(lab.host_ifindex());
    lab.drain();
    const auto before = tx->counters();

    auto batch = tx->ring().claim(5);
    REQUIRE(batch);
    for (uint32_t k = 0; k < 5; ++k)
        fill_slot(tx->slot(tx->ring().slot(*batch, k)), leg, path,
                  rtp_packet(leg.ssrc, uint16_t(100 + k), 200, rng), 100 + k, ifindex);
    tx->slot(tx->ring().slot(*batch, 1)).len = SC_TX_MIN_FRAME - 1;  // runt
    tx->slot(tx->ring().slot(*batch, 2)).len = SC_TX_SLOT_DATA + 1;  // past the slot
    tx->slot(tx->ring().slot(*batch, 3)).ifindex = 0x7ffffff0;       // no such interface
    const TransmitResult r = tx->transmit(*batch);
    CHECK(r.error.empty());
    CHECK(r.sent == 2);
    CHECK(r.dropped == 3);
    const uint32_t expected[] = {SC_TX_SENT, SC_TX_DROP_LENGTH, SC_TX_DROP_LENGTH,
                                 SC_TX_DROP_REDIRECT, SC_TX_SENT};
    for (uint32_t k = 0; k < 5; ++k) {
        CAPTURE(k);
        CHECK(tx->slot(tx->ring().slot(*batch, k)).result == expected[k]);
    }
    tx->ring().release(*batch);
    const auto after = tx->counters();
    CHECK(after[SC_TX_SENT] - before[SC_TX_SENT] == 2);
    CHECK(after[SC_TX_DROP_LENGTH] - before[SC_TX_DROP_LENGTH] == 2);
    CHECK(after[SC_TX_DROP_REDIRECT] - before[SC_TX_DROP_REDIRECT] == 1);
    CHECK(lab.capture(std::chrono::milliseconds(100)).size() == 2);
    CHECK(std::string(Transmitter::result_name(SC_TX_DROP_REDIRECT)) == "redirect");
    CHECK(std::string(Transmitter::result_name(SC_TX_RESULT_PENDING)) == "pending");
}

TEST_CASE("transmitter: a batch past SC_TX_MAX_BATCH or the ring is refused whole, and says so",
          "[transmitter]") {
    sctest::VethLab lab;
    auto tx = Transmitter::open(SC_TX_MAX_BATCH * 2);
    const auto before = tx->counters();
    for (const RingBatch bad :
         {RingBatch{0, SC_TX_MAX_BATCH + 1}, RingBatch{SC_TX_MAX_BATCH * 2, 1}}) {
        for (uint32_t k = 0; k < bad.count; ++k) {
            sc_tx_slot& s = tx->slot(tx->ring().slot(bad, k));
            s.len = SC_TX_MIN_FRAME;
            s.ifindex = uint32_t(lab.host_ifindex());
        }
        const TransmitResult r = tx->transmit(bad);
        CHECK(r.sent == 0);
        CHECK_FALSE(r.error.empty());
    }
    const auto after = tx->counters();
    CHECK(after[SC_TX_DROP_BATCH] - before[SC_TX_DROP_BATCH] == 2);
    CHECK(after[SC_TX_SENT] == before[SC_TX_SENT]);
    CHECK(lab.capture(std::chrono::milliseconds(50)).empty());
    CHECK_THROWS_AS(Transmitter::open(0), std::invalid_argument);
    CHECK_THROWS_AS(Transmitter::open(SC_TX_SLOTS_MAX + 1), std::invalid_argument);
}
