#include "fanout/udp_rtp_forwarder.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace swiftcall::fanout {
namespace {

std::runtime_error socket_error(const std::string& what) {
    return std::runtime_error(what + ": " + std::strerror(errno));
}

// The largest packet the fan-out forwards plus the largest SRTP tag.
constexpr size_t kMaxSealed = 1500 + 16;

}  // namespace

UdpRtpForwarder::UdpRtpForwarder(uint32_t id, bool video, RtpForwardTarget target)
    : RtpForwarder(id, video, std::move(target)) {
    const RtpForwardTarget& t = this->target();
    if (t.srtp) sealer_.emplace(*t.srtp);
    const bool v6 = t.family == SC_AF_INET6;
    fd_ = socket(v6 ? AF_INET6 : AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_UDP);
    if (fd_ < 0) throw socket_error("socket()");
    sockaddr_storage peer{};
    socklen_t len = 0;
    if (v6) {
        auto* a = reinterpret_cast<sockaddr_in6*>(&peer);
        a->sin6_family = AF_INET6;
        a->sin6_port = htons(t.port);
        std::memcpy(&a->sin6_addr, t.addr.data(), 16);
        len = sizeof(*a);
    } else {
        auto* a = reinterpret_cast<sockaddr_in*>(&peer);
        a->sin_family = AF_INET;
        a->sin_port = htons(t.port);
        std::memcpy(&a->sin_addr, t.addr.data(), 4);
        len = sizeof(*a);
    }
    sockaddr_storage local{};
    socklen_t local_len = sizeof(local);
    if (connect(fd_, reinterpret_cast<sockaddr*>(&peer), len) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&local), &local_len) != 0) {
        const auto error = socket_error("connect() to " + t.host);
        close(fd_);
        throw error;
    }
    tuple_.family = t.family;
    tuple_.daddr = t.addr;
    tuple_.dport = t.port;
    if (v6) {
        const auto* a = reinterpret_cast<const sockaddr_in6*>(&local);
        std::memcpy(tuple_.saddr.data(), &a->sin6_addr, 16);
        tuple_.sport = ntohs(a->sin6_port);
    } else {
        const auto* a = reinterpret_cast<const sockaddr_in*>(&local);
        std::memcpy(tuple_.saddr.data(), &a->sin_addr, 4);
        tuple_.sport = ntohs(a->sin_port);
    }
}

UdpRtpForwarder::~UdpRtpForwarder() {
    if (fd_ >= 0) close(fd_);
}

void UdpRtpForwarder::send(std::span<const uint8_t> rtp, uint64_t index) {
    uint8_t buffer[kMaxSealed];
    std::span<const uint8_t> out = rtp;
    if (sealer_) {
        const size_t n = sealer_->seal(rtp, index, buffer);
        if (!n) {
            errors.fetch_add(1, std::memory_order_relaxed);
            return;
        }
        out = std::span<const uint8_t>(buffer, n);
    }
    // Non-blocking: a full socket buffer drops the packet as a congested
    // link would (counted); it never stalls the publisher's media thread.
    // Errors from ICMP (nobody listening) are counted the same way.
    if (::send(fd_, out.data(), out.size(), MSG_DONTWAIT) < 0) {
        errors.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    packets.fetch_add(1, std::memory_order_relaxed);
    bytes.fetch_add(out.size(), std::memory_order_relaxed);
}

}  // namespace swiftcall::fanout
