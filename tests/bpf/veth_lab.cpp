#include "veth_lab.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace sctest {
namespace {

std::array<uint8_t, 6> mac_of(int fd, const char* ifname) {
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
    if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) throw std::runtime_error("SIOCGIFHWADDR");
    std::array<uint8_t, 6> m{};
    std::memcpy(m.data(), ifr.ifr_hwaddr.sa_data, 6);
    return m;
}

std::string mac_str(const std::array<uint8_t, 6>& m) {
    char b[32];
    std::snprintf(b, sizeof b, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
    return b;
}

// Runs f with the calling thread inside netns fd `ns`, then switches back.
template <typename F>
auto with_netns(int ns, int home, F f) {
    if (setns(ns, CLONE_NEWNET) < 0) throw std::runtime_error("setns peer");
    struct Back {
        int home;
        ~Back() { setns(home, CLONE_NEWNET); }
    } back{home};
    return f();
}

}  // namespace

void VethLab::run(const std::string& cmd) {
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("command failed: " + cmd);
}

void VethLab::in_peer(const std::string& cmd) {
    run("nsenter --net=/proc/" + std::to_string(child_) + "/ns/net sh -c '" + cmd + "'");
}

VethLab::VethLab() {
    host_ns_ = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    int pipefd[2];
    if (pipe(pipefd) < 0) throw std::runtime_error("pipe");
    child_ = fork();
    if (child_ == 0) {
        // The peer namespace lives as long as this child, and the child dies
        // with the test process even if that is SIGKILLed.
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        unshare(CLONE_NEWNET);
        char c = 1;
        (void)!write(pipefd[1], &c, 1);
        for (;;) pause();
    }
    char c;
    (void)!read(pipefd[0], &c, 1);
    close(pipefd[0]);
    close(pipefd[1]);
    peer_ns_ = open(("/proc/" + std::to_string(child_) + "/ns/net").c_str(), O_RDONLY | O_CLOEXEC);
    if (peer_ns_ < 0) throw std::runtime_error("open peer netns");

    // No IPv6 on the lab links: the kernel would give them link-local
    // addresses and send ND/MLD; only 127.0.0.0/8 addresses are ours to use.
    run("sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1");
    in_peer("sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1");
    run("ip link del scbpf0 2>/dev/null; ip link add scbpf0 type veth peer name scbpf1");
    run("ip link set scbpf1 netns " + std::to_string(child_));
    run("sysctl -qw net.ipv4.conf.all.route_localnet=1 net.ipv4.conf.default.route_localnet=1");
    run("ip addr add 127.0.1.1/24 dev scbpf0 && ip link set scbpf0 up && ip link set lo up && "
        "sysctl -qw net.ipv4.conf.scbpf0.route_localnet=1 net.ipv4.conf.scbpf0.rp_filter=0 "
        "net.ipv4.conf.all.rp_filter=0");
    in_peer(
        "sysctl -qw net.ipv4.conf.all.route_localnet=1 net.ipv4.conf.default.route_localnet=1 "
        "net.ipv4.conf.all.rp_filter=0; ip addr add 127.0.1.2/24 dev scbpf1 && ip link set "
        "scbpf1 up && ip link set lo up && sysctl -qw net.ipv4.conf.scbpf1.route_localnet=1 "
        "net.ipv4.conf.scbpf1.rp_filter=0");
    host_ifindex_ = static_cast<int>(if_nametoindex("scbpf0"));
    int s = socket(AF_INET, SOCK_DGRAM, 0);
    host_mac_ = mac_of(s, "scbpf0");
    close(s);
    capture_fd_ = with_netns(peer_ns_, host_ns_, [&] {
        int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
        if (fd < 0) throw std::runtime_error("packet socket");
        int q = socket(AF_INET, SOCK_DGRAM, 0);
        peer_mac_ = mac_of(q, "scbpf1");
        close(q);
        sockaddr_ll sll{};
        sll.sll_family = AF_PACKET;
        sll.sll_protocol = htons(ETH_P_ALL);
        sll.sll_ifindex = static_cast<int>(if_nametoindex("scbpf1"));
        if (bind(fd, reinterpret_cast<sockaddr*>(&sll), sizeof sll) < 0)
            throw std::runtime_error("bind packet socket");
        int big = 64 << 20;
        setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
        return fd;
    });
    run("ip neigh replace 127.0.1.2 lladdr " + mac_str(peer_mac_) + " dev scbpf0");
    in_peer("ip neigh replace 127.0.1.1 lladdr " + mac_str(host_mac_) + " dev scbpf1");
    drain();
}

VethLab::~VethLab() {
    if (capture_fd_ >= 0) close(capture_fd_);
    std::system("ip link del scbpf0 2>/dev/null");
    if (child_ > 0) {
        kill(child_, SIGKILL);
        waitpid(child_, nullptr, 0);
    }
    if (peer_ns_ >= 0) close(peer_ns_);
    if (host_ns_ >= 0) close(host_ns_);
}

std::vector<Frame> VethLab::capture(std::chrono::milliseconds quiet, size_t max) {
    std::vector<Frame> out;
    timeval tv{};
    tv.tv_sec = quiet.count() / 1000;
    tv.tv_usec = (quiet.count() % 1000) * 1000;
    setsockopt(capture_fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    while (out.size() < max) {
        uint8_t buf[4096];
        sockaddr_ll from{};
        socklen_t fl = sizeof from;
        ssize_t n =
            recvfrom(capture_fd_, buf, sizeof buf, 0, reinterpret_cast<sockaddr*>(&from), &fl);
        if (n < 0) break;
        if (from.sll_pkttype == PACKET_OUTGOING) continue;
        out.push_back(Frame{std::vector<uint8_t>(buf, buf + n)});
    }
    return out;
}

void VethLab::set_peer_up(bool up) {
    in_peer(std::string("ip link set scbpf1 ") + (up ? "up" : "down"));
}

void VethLab::drain() { capture(std::chrono::milliseconds(20)); }

void VethLab::send_from_peer(uint16_t sport, uint16_t dport, const std::vector<uint8_t>& payload) {
    with_netns(peer_ns_, host_ns_, [&] {
        int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(sport);
        inet_pton(AF_INET, "127.0.1.2", &a.sin_addr);
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0)
            throw std::runtime_error("bind peer udp");
        sockaddr_in d{};
        d.sin_family = AF_INET;
        d.sin_port = htons(dport);
        inet_pton(AF_INET, "127.0.1.1", &d.sin_addr);
        if (sendto(fd, payload.data(), payload.size(), 0, reinterpret_cast<sockaddr*>(&d),
                   sizeof d) < 0)
            throw std::runtime_error("sendto from peer");
        close(fd);
        return 0;
    });
}

int VethLab::bind_host_udp(uint16_t port) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    inet_pton(AF_INET, "127.0.1.1", &a.sin_addr);
    if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0)
        throw std::runtime_error("bind host udp");
    timeval tv{0, 300000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    return fd;
}

int VethLab::bind_peer_udp(uint16_t port) {
    // A socket keeps the netns it was created in.
    return with_netns(peer_ns_, host_ns_, [&] {
        int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        inet_pton(AF_INET, "127.0.1.2", &a.sin_addr);
        if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0)
            throw std::runtime_error("bind peer udp");
        timeval tv{0, 300000};
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        return fd;
    });
}

}  // namespace sctest
