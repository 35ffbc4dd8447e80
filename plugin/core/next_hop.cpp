#include "core/next_hop.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace swiftcall::core {
namespace {

struct Fd {
    int fd;
    explicit Fd(int f) : fd(f) {}
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    ~Fd() {
        if (fd >= 0) close(fd);
    }
};

std::string format(int family, const std::array<uint8_t, 16>& addr) {
    char text[INET6_ADDRSTRLEN] = {0};
    inet_ntop(family, addr.data(), text, sizeof(text));
    return text;
}

size_t addr_len(int family) { return family == AF_INET ? 4 : 16; }

// Asks the kernel which way it would send from local to remote (the same
// lookup as `ip route get <remote> from <local>`, policy rules included).
std::optional<RouteAnswer> ask_route(int family, const std::array<uint8_t, 16>& local,
                                     const std::array<uint8_t, 16>& remote, std::string* why_not) {
    auto fail = [&](const std::string& why) -> std::optional<RouteAnswer> {
        if (why_not) *why_not = why;
        return std::nullopt;
    };
    Fd sock(socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
    if (sock.fd < 0) return fail(std::string("netlink socket: ") + std::strerror(errno));
    // The answer comes at once; a bound keeps a wedged kernel from holding
    // the control thread.
    timeval tv{1, 0};
    setsockopt(sock.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));

    const size_t alen = addr_len(family);
    struct {
        nlmsghdr nh;
        rtmsg rt;
        uint8_t attrs[2 * RTA_SPACE(16)];
    } req{};
    req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(rtmsg));
    req.nh.nlmsg_type = RTM_GETROUTE;
    req.nh.nlmsg_flags = NLM_F_REQUEST;
    req.nh.nlmsg_seq = 1;
    req.rt.rtm_family = static_cast<unsigned char>(family);
    req.rt.rtm_dst_len = static_cast<unsigned char>(alen * 8);
    req.rt.rtm_src_len = static_cast<unsigned char>(alen * 8);
    auto put = [&](unsigned short type, const uint8_t* data) {
        auto* rta = reinterpret_cast<rtattr*>(reinterpret_cast<uint8_t*>(&req) +
                                              NLMSG_ALIGN(req.nh.nlmsg_len));
        rta->rta_type = type;
        rta->rta_len = static_cast<unsigned short>(RTA_LENGTH(alen));
        std::memcpy(RTA_DATA(rta), data, alen);
        req.nh.nlmsg_len = NLMSG_ALIGN(req.nh.nlmsg_len) + RTA_SPACE(alen);
    };
    put(RTA_DST, remote.data());
    put(RTA_SRC, local.data());

    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    if (sendto(sock.fd, &req, req.nh.nlmsg_len, 0, reinterpret_cast<sockaddr*>(&kernel),
               sizeof(kernel)) < 0)
        return fail(std::string("route lookup: ") + std::strerror(errno));
    uint8_t reply[4096];
    ssize_t n = recv(sock.fd, reply, sizeof(reply), 0);
    if (n < 0) return fail(std::string("route lookup: ") + std::strerror(errno));
    return parse_route_answer({reply, static_cast<size_t>(n)}, family, why_not);
}

}  // namespace

std::optional<RouteAnswer> parse_route_answer(std::span<const uint8_t> reply, int family,
                                              std::string* why_not) {
    auto fail = [&](const std::string& why) -> std::optional<RouteAnswer> {
        if (why_not) *why_not = why;
        return std::nullopt;
    };
    if (reply.size() < sizeof(nlmsghdr)) return fail("route lookup: short netlink reply");
    nlmsghdr nh;
    std::memcpy(&nh, reply.data(), sizeof(nh));
    if (nh.nlmsg_len < sizeof(nlmsghdr) || nh.nlmsg_len > reply.size())
        return fail("route lookup: truncated netlink reply");
    if (nh.nlmsg_type == NLMSG_ERROR) {
        nlmsgerr err{};
        if (nh.nlmsg_len < NLMSG_LENGTH(sizeof(err)))
            return fail("route lookup: truncated netlink error");
        std::memcpy(&err, reply.data() + NLMSG_HDRLEN, sizeof(err));
        return fail(std::string("no route: ") + std::strerror(-err.error));
    }
    if (nh.nlmsg_type != RTM_NEWROUTE || nh.nlmsg_len < NLMSG_LENGTH(sizeof(rtmsg)))
        return fail("route lookup: unexpected netlink reply");
    rtmsg rt;
    std::memcpy(&rt, reply.data() + NLMSG_HDRLEN, sizeof(rt));
    if (rt.rtm_type != RTN_UNICAST && rt.rtm_type != RTN_LOCAL)
        return fail("route to the peer is not unicast (type " + std::to_string(rt.rtm_type) + ")");
    RouteAnswer answer;
    const size_t alen = addr_len(family);
    size_t off = NLMSG_HDRLEN + NLMSG_ALIGN(sizeof(rtmsg));
    while (off + sizeof(rtattr) <= nh.nlmsg_len) {
        rtattr rta;
        std::memcpy(&rta, reply.data() + off, sizeof(rta));
        if (rta.rta_len < sizeof(rtattr) || off + rta.rta_len > nh.nlmsg_len)
            return fail("route lookup: malformed route attribute");
        const uint8_t* data = reply.data() + off + RTA_LENGTH(0);
        const size_t len = rta.rta_len - RTA_LENGTH(0);
        if (rta.rta_type == RTA_OIF && len >= 4) {
            std::memcpy(&answer.oif, data, 4);
        } else if (rta.rta_type == RTA_GATEWAY && len >= alen) {
            std::array<uint8_t, 16> gw{};
            std::memcpy(gw.data(), data, alen);
            answer.gateway = gw;
        }
        off += RTA_ALIGN(rta.rta_len);
    }
    if (answer.oif == 0) return fail("route to the peer has no output interface");
    return answer;
}

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
    if (family != AF_INET) return fail("IPv6 next-hop resolution is not implemented yet");
    if (interface_of_address(family, local).empty())
        return fail("no interface owns " + format(family, local));
    auto route = ask_route(family, local, remote, why_not);
    if (!route) return std::nullopt;
    NextHop hop;
    hop.ifindex = route->oif;
    char name[IF_NAMESIZE] = {0};
    if (if_indextoname(hop.ifindex, name) == nullptr)
        return fail("interface " + std::to_string(hop.ifindex) + " vanished");
    hop.ifname = name;
    hop.via_gateway = route->gateway.has_value();
    hop.neighbour = route->gateway.value_or(remote);
    Fd sock(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (sock.fd < 0) return fail("socket() failed");
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, hop.ifname.c_str(), IFNAMSIZ - 1);
    if (ioctl(sock.fd, SIOCGIFHWADDR, &ifr) != 0) return fail("no MAC on " + hop.ifname);
    if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
        return fail(hop.ifname + " is not an Ethernet interface");
    std::memcpy(hop.smac.data(), ifr.ifr_hwaddr.sa_data, 6);
    // The next hop's MAC: the ARP entry ICE's own packets created.
    arpreq arp{};
    auto* pa = reinterpret_cast<sockaddr_in*>(&arp.arp_pa);
    pa->sin_family = AF_INET;
    std::memcpy(&pa->sin_addr, hop.neighbour.data(), 4);
    std::strncpy(arp.arp_dev, hop.ifname.c_str(), sizeof(arp.arp_dev) - 1);
    if (ioctl(sock.fd, SIOCGARP, &arp) != 0 || !(arp.arp_flags & ATF_COM))
        return fail("no neighbour entry for " + format(family, hop.neighbour) +
                    (hop.via_gateway ? " (gateway to " + format(family, remote) + ")" : "") +
                    " on " + hop.ifname);
    std::memcpy(hop.dmac.data(), arp.arp_ha.sa_data, 6);
    return hop;
}

}  // namespace swiftcall::core
