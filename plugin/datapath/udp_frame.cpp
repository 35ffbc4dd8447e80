#include "datapath/udp_frame.h"

#include <cstring>

namespace swiftcall::datapath {
namespace {

constexpr size_t kEthernet = 14;
constexpr size_t kIpv4 = 20;
constexpr size_t kIpv6 = 40;
constexpr size_t kUdp = 8;
constexpr uint8_t kProtoUdp = 17;

void put16(uint8_t* p, uint16_t v) {
    p[0] = static_cast<uint8_t>(v >> 8);
    p[1] = static_cast<uint8_t>(v);
}

// One's-complement sum of big-endian 16-bit words (RFC 1071), unfolded.
uint64_t sum_words(const uint8_t* p, size_t n, uint64_t sum = 0) {
    for (; n >= 2; p += 2, n -= 2) sum += static_cast<uint64_t>(p[0]) << 8 | p[1];
    if (n) sum += static_cast<uint64_t>(p[0]) << 8;
    return sum;
}

uint16_t fold(uint64_t sum) {
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(~sum & 0xffff);
}

void write_ethernet(const UdpFramePath& path, uint8_t* eth, uint16_t ethertype) {
    std::memcpy(eth, path.dmac.data(), 6);
    std::memcpy(eth + 6, path.smac.data(), 6);
    put16(eth + 12, ethertype);
}

void write_ipv4(const UdpFramePath& path, uint8_t* ip, size_t udp_len) {
    ip[0] = 0x45;  // version 4, 5 words: no options
    ip[1] = 0;
    put16(ip + 2, static_cast<uint16_t>(kIpv4 + udp_len));
    put16(ip + 4, 0);       // id: unused, never fragmented (DF)
    put16(ip + 6, 0x4000);  // DF
    ip[8] = path.ttl;
    ip[9] = kProtoUdp;
    put16(ip + 10, 0);
    std::memcpy(ip + 12, path.saddr.data(), 4);
    std::memcpy(ip + 16, path.daddr.data(), 4);
    put16(ip + 10, fold(sum_words(ip, kIpv4)));
}

void write_ipv6(const UdpFramePath& path, uint8_t* ip, size_t udp_len) {
    ip[0] = 0x60;  // version 6, traffic class and flow label 0
    ip[1] = ip[2] = ip[3] = 0;
    put16(ip + 4, static_cast<uint16_t>(udp_len));
    ip[6] = kProtoUdp;
    ip[7] = path.ttl;
    std::memcpy(ip + 8, path.saddr.data(), 16);
    std::memcpy(ip + 24, path.daddr.data(), 16);
}

// RFC 8200 §8.1: over the pseudo-header, the UDP header and the payload; a
// result of 0 is sent as 0xffff.
uint16_t udp6_checksum(const UdpFramePath& path, const uint8_t* udp, size_t udp_len) {
    uint64_t sum = sum_words(path.saddr.data(), 16);
    sum = sum_words(path.daddr.data(), 16, sum);
    sum += udp_len;
    sum += kProtoUdp;
    sum = sum_words(udp, udp_len, sum);
    uint16_t c = fold(sum);
    return c ? c : 0xffff;
}

}  // namespace

size_t udp_frame_headers(uint8_t family) {
    if (family == SC_AF_INET) return kEthernet + kIpv4 + kUdp;
    if (family == SC_AF_INET6) return kEthernet + kIpv6 + kUdp;
    return 0;
}

size_t write_udp_frame(const UdpFramePath& path, std::span<uint8_t> frame, size_t payload_len) {
    const size_t headers = udp_frame_headers(path.family);
    if (!headers || payload_len > 0xffff - kIpv4 - kUdp || frame.size() < headers + payload_len)
        return 0;
    const size_t udp_len = kUdp + payload_len;
    uint8_t* eth = frame.data();
    uint8_t* ip = eth + kEthernet;
    uint8_t* udp = frame.data() + headers - kUdp;
    put16(udp, path.sport);
    put16(udp + 2, path.dport);
    put16(udp + 4, static_cast<uint16_t>(udp_len));
    put16(udp + 6, 0);
    if (path.family == SC_AF_INET) {
        write_ethernet(path, eth, 0x0800);
        write_ipv4(path, ip, udp_len);
    } else {
        write_ethernet(path, eth, 0x86dd);
        write_ipv6(path, ip, udp_len);
        put16(udp + 6, udp6_checksum(path, udp, udp_len));
    }
    return headers + payload_len;
}

}  // namespace swiftcall::datapath
