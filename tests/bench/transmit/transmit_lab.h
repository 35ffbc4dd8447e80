// The transmit bench's network: two named namespaces joined by a veth pair.
//   txb<pid>a (this process's thread)          txb<pid>b (receivers)
//   txb0 127.0.1.1/24  <-------- veth -------->  txb1 127.0.1.2/24
// Only 127.0.0.0/8 addresses, route_localnet=1 and rp_filter=0 on both ends,
// no IPv6. Both namespaces are deleted by the destructor, on SIGINT/SIGTERM
// and, if a run was SIGKILLed, by the next run (stale txb<deadpid>*).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "transmit_datagrams.h"

namespace txbench {

class TxLab {
  public:
    TxLab();  // builds everything and moves the calling thread into ns "a"
    ~TxLab();
    TxLab(const TxLab&) = delete;
    TxLab& operator=(const TxLab&) = delete;

    int tx_ifindex() const { return tx_ifindex_; }      // txb0, in ns a
    int peer_ifindex() const { return peer_ifindex_; }  // txb1, in ns b
    const Mac& tx_mac() const { return tx_mac_; }
    const Mac& peer_mac() const { return peer_mac_; }
    const std::string& ns_a() const { return ns_a_; }
    const std::string& ns_b() const { return ns_b_; }

    // Non-blocking UDP sockets in ns b bound to 127.0.1.2:base..base+count-1.
    std::vector<int> bind_receivers(int count, uint16_t base_port);
    void set_peer_gro(bool on);  // ETHTOOL_SGRO on txb1 (enables veth NAPI)
    // Native (driver) XDP on txb1; prog_fd < 0 detaches.
    void set_peer_xdp(int prog_fd);
    // BPF_PROG_RUN of an XDP program with repeat > 1 swaps it into the
    // kernel's XDP dispatcher and out again (bpf_prog_change_xdp: two
    // text_poke rounds, ~0.3 ms each here) unless the program is already
    // there. Attaching it (generic mode) to an idle veth in ns a, txbpin0,
    // keeps it there: the per-run swap becomes a refcount. prog_fd < 0
    // detaches.
    void pin_xdp(int prog_fd);
    // TC ingress (clsact) program on txb1; prog_fd < 0 removes the hook.
    void set_peer_tc(int prog_fd);

  private:
    template <typename F>
    auto in_b(F f);
    int ns_a_fd_ = -1, ns_b_fd_ = -1, home_fd_ = -1;
    int tx_ifindex_ = 0, peer_ifindex_ = 0;
    Mac tx_mac_{}, peer_mac_{};
    bool peer_tc_ = false;
    std::string ns_a_, ns_b_;
};

// Runs a shell command; throws with the command on a non-zero status.
void sh(const std::string& cmd);

}  // namespace txbench
