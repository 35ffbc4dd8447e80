#include "core/next_hop.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

namespace swiftcall::core {
namespace {

struct Socket {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ~Socket() {
        if (fd >= 0) close(fd);
    }
};

std::string format(int family, const std::array<uint8_t, 16>& addr) {
    char text[INET6_ADDRSTRLEN] = {0};
    inet_ntop(family, addr.data(), text, sizeof(text));
    return text;
}

}  // namespace

std::string interface_of_address(int family, const std::array<uint8_t, 16>& local) {
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) != 0) return "";
    std::string name;
    for (ifaddrs* it = list; it != nullptr && name.empty(); it = it->ifa_next) {
        if (it->ifa_addr == nullptr || it->ifa_addr->sa_family != family) continue;
        if (family == AF_INET) {
            const auto* sin = reinterpret_cast<const sockaddr_in*>(it->ifa_addr);
            if (std::memcmp(&sin->sin_addr, local.data(), 4) == 0) name = it->ifa_name;
        } else {
            const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(it->ifa_addr);
            if (std::memcmp(&sin6->sin6_addr, local.data(), 16) == 0) name = it->ifa_name;
        }
    }
    freeifaddrs(list);
    return name;
}

std::optional<NextHop> resolve_next_hop(int family, const std::array<uint8_t, 16>& local,
                                        const std::array<uint8_t, 16>& remote,
                                        std::string* why_not) {
    auto fail = [&](const std::string& why) -> std::optional<NextHop> {
        if (why_not) *why_not = why;
        return std::nullopt;
    };
    if (family != AF_INET)
        return fail("IPv6 next-hop resolution is not implemented yet");
    NextHop hop;
    hop.ifname = interface_of_address(family, local);
    if (hop.ifname.empty()) return fail("no interface owns " + format(family, local));
    hop.ifindex = if_nametoindex(hop.ifname.c_str());
    if (hop.ifindex == 0) return fail("interface " + hop.ifname + " vanished");
    Socket sock;
    if (sock.fd < 0) return fail("socket() failed");
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, hop.ifname.c_str(), IFNAMSIZ - 1);
    if (ioctl(sock.fd, SIOCGIFHWADDR, &ifr) != 0) return fail("no MAC on " + hop.ifname);
    if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
        return fail(hop.ifname + " is not an Ethernet interface");
    std::memcpy(hop.smac.data(), ifr.ifr_hwaddr.sa_data, 6);
    // The peer's MAC: the ARP entry ICE's own packets created.
    arpreq arp{};
    auto* pa = reinterpret_cast<sockaddr_in*>(&arp.arp_pa);
    pa->sin_family = AF_INET;
    std::memcpy(&pa->sin_addr, remote.data(), 4);
    std::strncpy(arp.arp_dev, hop.ifname.c_str(), sizeof(arp.arp_dev) - 1);
    if (ioctl(sock.fd, SIOCGARP, &arp) != 0 || !(arp.arp_flags & ATF_COM))
        return fail("no neighbour entry for " + format(family, remote) + " on " + hop.ifname);
    std::memcpy(hop.dmac.data(), arp.arp_ha.sa_data, 6);
    return hop;
}

}  // namespace swiftcall::core
