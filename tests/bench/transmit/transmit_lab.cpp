#include "transmit_lab.h"

#include <arpa/inet.h>
#include <bpf/libbpf.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sched.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace txbench {
namespace {

// Names of this run's namespaces, for the signal handler.
char g_ns[2][32];

void del_netns_async_safe(const char* name) {
    if (!name[0]) return;
    pid_t p = fork();
    if (p == 0) {
        execlp("ip", "ip", "netns", "del", name, static_cast<char*>(nullptr));
        _exit(127);
    }
    if (p > 0) waitpid(p, nullptr, 0);
}

void on_signal(int sig) {
    del_netns_async_safe(g_ns[0]);
    del_netns_async_safe(g_ns[1]);
    _exit(128 + sig);
}

// A run killed with SIGKILL leaves txb<pid>{a,b}: delete those whose pid
// is gone. Names of live runs (and of anyone else) are left alone.
void delete_stale() {
    DIR* d = opendir("/run/netns");
    if (!d) return;
    std::vector<std::string> stale;
    while (dirent* e = readdir(d)) {
        std::string n = e->d_name;
        if (n.size() < 5 || n.rfind("txb", 0) != 0) continue;
        char last = n.back();
        std::string digits = n.substr(3, n.size() - 4);
        if ((last != 'a' && last != 'b') || digits.empty() ||
            digits.find_first_not_of("0123456789") != std::string::npos)
            continue;
        pid_t pid = static_cast<pid_t>(std::stol(digits));
        if (kill(pid, 0) < 0 && errno == ESRCH) stale.push_back(n);
    }
    closedir(d);
    for (auto& n : stale) std::system(("ip netns del " + n + " 2>/dev/null").c_str());
}

Mac mac_of(const char* ifname) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
    int rc = ioctl(fd, SIOCGIFHWADDR, &ifr);
    close(fd);
    if (rc < 0) throw std::runtime_error(std::string("SIOCGIFHWADDR ") + ifname);
    Mac m{};
    std::memcpy(m.data(), ifr.ifr_hwaddr.sa_data, 6);
    return m;
}

std::string mac_str(const Mac& m) {
    char b[32];
    std::snprintf(b, sizeof b, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
    return b;
}

int open_ns(const std::string& name) {
    int fd = open(("/run/netns/" + name).c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error("open /run/netns/" + name + ": " + strerror(errno));
    return fd;
}

void enter(int fd, const char* what) {
    if (setns(fd, CLONE_NEWNET) < 0)
        throw std::runtime_error(std::string("setns ") + what + ": " + strerror(errno));
}

}  // namespace

void sh(const std::string& cmd) {
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("command failed: " + cmd);
}

template <typename F>
auto TxLab::in_b(F f) {
    enter(ns_b_fd_, "peer");
    struct Back {
        int fd;
        ~Back() { setns(fd, CLONE_NEWNET); }
    } back{ns_a_fd_};
    return f();
}

TxLab::TxLab() {
    delete_stale();
    ns_a_ = "txb" + std::to_string(getpid()) + "a";
    ns_b_ = "txb" + std::to_string(getpid()) + "b";
    std::snprintf(g_ns[0], sizeof g_ns[0], "%s", ns_a_.c_str());
    std::snprintf(g_ns[1], sizeof g_ns[1], "%s", ns_b_.c_str());
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGHUP, &sa, nullptr);

    home_fd_ = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    const std::string sysctls =
        " sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1"
        " net.ipv4.conf.all.route_localnet=1 net.ipv4.conf.default.route_localnet=1"
        " net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0";
    const std::string xa = "ip netns exec " + ns_a_, xb = "ip netns exec " + ns_b_;
    sh("ip netns add " + ns_a_);
    sh("ip netns add " + ns_b_);
    sh(xa + sysctls);
    sh(xb + sysctls);
    sh("ip -n " + ns_a_ + " link add txb0 type veth peer name txb1 netns " + ns_b_);
    sh("ip -n " + ns_a_ + " addr add 127.0.1.1/24 dev txb0 && ip -n " + ns_a_ +
       " link set txb0 up && ip -n " + ns_a_ + " link set lo up");
    sh("ip -n " + ns_b_ + " addr add 127.0.1.2/24 dev txb1 && ip -n " + ns_b_ +
       " link set txb1 up && ip -n " + ns_b_ + " link set lo up");
    sh("ip -n " + ns_a_ + " link add txbpin0 type veth peer name txbpin1");
    sh(xa + " sysctl -qw net.ipv4.conf.txb0.route_localnet=1 net.ipv4.conf.txb0.rp_filter=0");
    sh(xb + " sysctl -qw net.ipv4.conf.txb1.route_localnet=1 net.ipv4.conf.txb1.rp_filter=0");

    ns_a_fd_ = open_ns(ns_a_);
    ns_b_fd_ = open_ns(ns_b_);
    in_b([&] {
        peer_mac_ = mac_of("txb1");
        peer_ifindex_ = static_cast<int>(if_nametoindex("txb1"));
        return 0;
    });
    enter(ns_a_fd_, "sender");
    tx_mac_ = mac_of("txb0");
    tx_ifindex_ = static_cast<int>(if_nametoindex("txb0"));
    if (!tx_ifindex_ || !peer_ifindex_) throw std::runtime_error("veth ifindex");
    sh("ip -n " + ns_a_ + " neigh replace 127.0.1.2 lladdr " + mac_str(peer_mac_) + " dev txb0");
    sh("ip -n " + ns_b_ + " neigh replace 127.0.1.1 lladdr " + mac_str(tx_mac_) + " dev txb1");
}

TxLab::~TxLab() {
    if (home_fd_ >= 0) {
        setns(home_fd_, CLONE_NEWNET);
        close(home_fd_);
    }
    if (ns_a_fd_ >= 0) close(ns_a_fd_);
    if (ns_b_fd_ >= 0) close(ns_b_fd_);
    std::system(("ip netns del " + ns_a_ + " 2>/dev/null").c_str());
    std::system(("ip netns del " + ns_b_ + " 2>/dev/null").c_str());
    g_ns[0][0] = g_ns[1][0] = 0;
}

std::vector<int> TxLab::bind_receivers(int count, uint16_t base_port) {
    return in_b([&] {
        std::vector<int> fds;
        for (int k = 0; k < count; k++) {
            int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
            sockaddr_in a{};
            a.sin_family = AF_INET;
            a.sin_port = htons(static_cast<uint16_t>(base_port + k));
            inet_pton(AF_INET, "127.0.1.2", &a.sin_addr);
            int big = 32 << 20;
            setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
            if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) < 0)
                throw std::runtime_error(std::string("bind receiver: ") + strerror(errno));
            fds.push_back(fd);
        }
        return fds;
    });
}

void TxLab::set_peer_gro(bool on) {
    in_b([&] {
        int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        ethtool_value v{};
        v.cmd = ETHTOOL_SGRO;
        v.data = on ? 1 : 0;
        ifreq ifr{};
        std::strncpy(ifr.ifr_name, "txb1", IFNAMSIZ - 1);
        ifr.ifr_data = reinterpret_cast<char*>(&v);
        int rc = ioctl(fd, SIOCETHTOOL, &ifr);
        int e = errno;
        close(fd);
        if (rc < 0) throw std::runtime_error(std::string("ETHTOOL_SGRO txb1: ") + strerror(e));
        return 0;
    });
}

void TxLab::set_peer_xdp(int prog_fd) {
    in_b([&] {
        int rc = prog_fd >= 0 ? bpf_xdp_attach(peer_ifindex_, prog_fd, XDP_FLAGS_DRV_MODE, nullptr)
                              : bpf_xdp_detach(peer_ifindex_, XDP_FLAGS_DRV_MODE, nullptr);
        if (rc < 0)
            throw std::runtime_error(std::string("XDP attach/detach on txb1: ") + strerror(-rc));
        return 0;
    });
}

void TxLab::pin_xdp(int prog_fd) {
    // The calling thread lives in ns a, where txbpin0 is.
    int ifindex = static_cast<int>(if_nametoindex("txbpin0"));
    if (!ifindex) throw std::runtime_error("txbpin0 not found");
    int rc = prog_fd >= 0 ? bpf_xdp_attach(ifindex, prog_fd, XDP_FLAGS_SKB_MODE, nullptr)
                          : bpf_xdp_detach(ifindex, XDP_FLAGS_SKB_MODE, nullptr);
    if (rc < 0) throw std::runtime_error(std::string("XDP (generic) on txbpin0: ") + strerror(-rc));
}

void TxLab::set_peer_tc(int prog_fd) {
    in_b([&] {
        LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = peer_ifindex_, .attach_point = BPF_TC_INGRESS);
        if (prog_fd < 0) {
            if (!peer_tc_) return 0;
            peer_tc_ = false;
            // Destroying the clsact qdisc removes its filters with it.
            hook.attach_point = static_cast<bpf_tc_attach_point>(BPF_TC_INGRESS | BPF_TC_EGRESS);
            bpf_tc_hook_destroy(&hook);
            return 0;
        }
        int rc = bpf_tc_hook_create(&hook);
        if (rc < 0 && rc != -EEXIST)
            throw std::runtime_error(std::string("clsact on txb1: ") + strerror(-rc));
        LIBBPF_OPTS(bpf_tc_opts, opts, .prog_fd = prog_fd);
        rc = bpf_tc_attach(&hook, &opts);
        if (rc < 0) throw std::runtime_error(std::string("tc attach on txb1: ") + strerror(-rc));
        peer_tc_ = true;
        return 0;
    });
}

}  // namespace txbench
