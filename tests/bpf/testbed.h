// Shared fixtures of the bpf tests: one loaded datapath and one veth lab per
// process (loading verifies ~400k instructions, seconds each), RTP/frame
// builders and BPF_PROG_TEST_RUN.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "datapath/kernel_datapath.h"
#include "veth_lab.h"

namespace sctest {

namespace dp = swiftcall::datapath;

constexpr uint32_t kPublisher = 1;
constexpr uint16_t kPubPort = 4000;  // 127.0.1.2:4000 (publisher) -> 127.0.1.1:5000 (Janus)
constexpr uint16_t kJanusPort = 5000;

dp::KernelDatapath& datapath();                       // loaded once, flow kPublisher configured
void set_datapath_options(const dp::OpenOptions& o);  // before the first datapath()
VethLab& lab();

dp::SrtpMaster master(uint16_t profile, uint8_t seed);
uint32_t fresh_ssrc();
uint32_t fresh_leg_id();

// A leg sending to 127.0.1.2:port through scbpf0.
dp::LegParams leg_to(uint16_t port, uint16_t profile, uint8_t seed, uint32_t ssrc);

struct RtpSpec {
    uint32_t ssrc = 0;
    uint16_t seq = 0;
    uint32_t ts = 0;
    size_t payload = 100;
    bool ext = true;       // one-byte extension: id 1 (4 bytes), id 2 (2 bytes)
    bool padding = false;  // P bit with an impossible count (255)
    uint8_t pt = 96;
    bool marker = false;
};
std::vector<uint8_t> rtp_packet(const RtpSpec& s);

// Eth/IPv4/UDP around a UDP payload, publisher -> Janus on the lab addresses.
std::vector<uint8_t> frame(const std::vector<uint8_t>& udp_payload, uint16_t sport = kPubPort,
                           uint16_t dport = kJanusPort);

struct RunResult {
    int verdict = -1;
    std::vector<uint8_t> out;
};
RunResult test_run(const std::vector<uint8_t>& frame, int repeat = 1);

struct Clone {
    uint16_t dport = 0;
    bool ip_checksum_ok = false;
    std::vector<uint8_t> srtp;
};
// Clones captured on scbpf1 (other traffic ignored).
std::vector<Clone> capture_clones(int quiet_ms = 60, size_t max = 100000);

// The header a leg must carry: SSRC, seq, timestamp, ext ids rewritten.
std::vector<uint8_t> expected_plain(const std::vector<uint8_t>& rtp, const dp::LegParams& leg,
                                    uint64_t in_index);

}  // namespace sctest
