// The transmitters under test. Each sends datagrams 0..n-1 of the leg array
// (struct tb_slot, written by user space through mmap) in ONE kernel entry:
//   tc    BPF_PROG_RUN of tx_tc on a 64 B template (clone_redirect per leg)
//   xdp   BPF_PROG_RUN of tx_xdp, BPF_F_TEST_XDP_LIVE_FRAMES, repeat = n
//   ring  AF_PACKET TPACKET_V2 TX ring + PACKET_QDISC_BYPASS, one send()
//   mmsg  AF_PACKET SOCK_RAW + PACKET_QDISC_BYPASS, one sendmmsg() whose
//         iovecs point into the leg array
#pragma once

#include <sys/socket.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "transmit_bench.h"

struct transmit_bench;  // the libbpf skeleton

namespace txbench {

struct BatchResult {
    uint64_t sent = 0;    // datagrams the transmitter says it handed on
    uint64_t failed = 0;  // datagrams it says it could not send
    std::string error;    // last error, if any
};

class Sender {
  public:
    virtual ~Sender() = default;
    virtual const char* name() const = 0;
    // Sends legs 0..n-1. Only this call is timed.
    virtual void send_batch(uint32_t n) = 0;
    // Counters since the previous call (read outside the timed region).
    virtual BatchResult collect() = 0;
};

std::unique_ptr<Sender> make_tc_sender(transmit_bench* skel, const std::vector<uint8_t>& tmpl);
std::unique_ptr<Sender> make_xdp_sender(transmit_bench* skel, const std::vector<uint8_t>& tmpl,
                                        uint32_t batch_size);
std::unique_ptr<Sender> make_ring_sender(int ifindex, const tb_slot* slots);
std::unique_ptr<Sender> make_mmsg_sender(int ifindex, const tb_slot* slots);

}  // namespace txbench
