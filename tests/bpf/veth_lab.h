// Two network namespaces joined by a veth pair, made by the test itself:
//   this process (its own netns, see main.cpp)      child netns (a paused child)
//   scbpf0 127.0.1.1/24  <----------- veth --------->  scbpf1 127.0.1.2/24
// Only 127.0.0.0/8 addresses, with route_localnet. Everything dies with the
// process: both namespaces are anonymous.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace sctest {

struct Frame {
    std::vector<uint8_t> bytes;
};

class VethLab {
  public:
    VethLab();
    ~VethLab();
    VethLab(const VethLab&) = delete;
    VethLab& operator=(const VethLab&) = delete;

    int host_ifindex() const { return host_ifindex_; }
    const std::array<uint8_t, 6>& host_mac() const { return host_mac_; }
    const std::array<uint8_t, 6>& peer_mac() const { return peer_mac_; }

    // Frames arriving on scbpf1 (in the peer netns), until `quiet` passes
    // without one or `max` frames were read.
    std::vector<Frame> capture(std::chrono::milliseconds quiet, size_t max = 100000);
    void drain();

    // Sends a UDP datagram from the peer netns (127.0.1.2:sport) to
    // 127.0.1.1:dport, i.e. into scbpf0's ingress.
    void send_from_peer(uint16_t sport, uint16_t dport, const std::vector<uint8_t>& payload);
    // A UDP socket in this netns bound to 127.0.1.1:port (receives originals).
    int bind_host_udp(uint16_t port);
    // A UDP socket in the peer netns bound to 127.0.1.2:port: what a
    // subscriber's stack delivers from the frames that reach scbpf1.
    int bind_peer_udp(uint16_t port);
    // Benches take the peer down so clones are dropped at the veth instead
    // of costing the shared CPUs a trip through the peer's stack.
    void set_peer_up(bool up);

  private:
    void run(const std::string& cmd);
    void in_peer(const std::string& cmd);
    int host_ifindex_ = 0;
    int child_ = -1;
    int peer_ns_ = -1;
    int host_ns_ = -1;
    int capture_fd_ = -1;
    std::array<uint8_t, 6> host_mac_{}, peer_mac_{};
};

}  // namespace sctest
