#include "transmit_datagrams.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>

#include <cstddef>
#include <cstring>
#include <stdexcept>

namespace txbench {
namespace {

static_assert(sizeof(ethhdr) + sizeof(iphdr) + sizeof(udphdr) == kHeaders);
constexpr size_t kIpOff = sizeof(ethhdr);
constexpr size_t kUdpOff = kIpOff + sizeof(iphdr);

uint32_t sum16(const uint8_t* p, size_t n, uint32_t acc) {
    for (size_t i = 0; i + 1 < n; i += 2) acc += static_cast<uint32_t>(p[i] << 8 | p[i + 1]);
    if (n & 1) acc += static_cast<uint32_t>(p[n - 1] << 8);
    return acc;
}

uint16_t fold(uint32_t acc) {
    while (acc >> 16) acc = (acc & 0xffff) + (acc >> 16);
    return static_cast<uint16_t>(~acc & 0xffff);
}

void put16(uint8_t* p, uint16_t v) {
    p[0] = static_cast<uint8_t>(v >> 8);
    p[1] = static_cast<uint8_t>(v);
}

// Fills data[0, frame_len) with headers for (p, dst_port) and the payload.
void build(uint8_t* f, const Path& p, uint16_t dst_port, const std::vector<uint8_t>& payload) {
    const size_t frame_len = kHeaders + payload.size();
    auto* eth = reinterpret_cast<ethhdr*>(f);
    std::memcpy(eth->h_dest, p.dst_mac.data(), ETH_ALEN);
    std::memcpy(eth->h_source, p.src_mac.data(), ETH_ALEN);
    eth->h_proto = htons(ETH_P_IP);

    uint8_t* ip = f + kIpOff;
    std::memset(ip, 0, sizeof(iphdr));
    ip[0] = 0x45;
    put16(ip + offsetof(iphdr, tot_len), static_cast<uint16_t>(frame_len - kIpOff));
    put16(ip + offsetof(iphdr, frag_off), 0x4000);  // DF: the sealer never fragments
    ip[offsetof(iphdr, ttl)] = 64;
    ip[offsetof(iphdr, protocol)] = IPPROTO_UDP;
    const uint32_t s = htonl(p.src_ip), d = htonl(p.dst_ip);
    std::memcpy(ip + offsetof(iphdr, saddr), &s, 4);
    std::memcpy(ip + offsetof(iphdr, daddr), &d, 4);
    put16(ip + offsetof(iphdr, check), fold(sum16(ip, sizeof(iphdr), 0)));

    uint8_t* udp = f + kUdpOff;
    const uint16_t udp_len = static_cast<uint16_t>(frame_len - kUdpOff);
    put16(udp + offsetof(udphdr, source), p.src_port);
    put16(udp + offsetof(udphdr, dest), dst_port);
    put16(udp + offsetof(udphdr, len), udp_len);
    put16(udp + offsetof(udphdr, check), 0);
    std::memcpy(udp + sizeof(udphdr), payload.data(), payload.size());
    // A real checksum (RFC 768 pseudo-header), as the sealer will write one,
    // so the receiver's UDP stack verifies what we built.
    uint32_t acc = sum16(ip + offsetof(iphdr, saddr), 8, 0) + IPPROTO_UDP + udp_len;
    uint16_t c = fold(sum16(udp, udp_len, acc));
    put16(udp + offsetof(udphdr, check), c ? c : 0xffff);
}

}  // namespace

std::vector<uint8_t> expected_payload(uint32_t leg, uint32_t gen, size_t frame_len) {
    if (frame_len < kHeaders + 8 || frame_len > TB_SLOT_DATA)
        throw std::invalid_argument("frame length out of range");
    std::vector<uint8_t> b(frame_len - kHeaders);
    uint32_t x = (leg + 1) * 2654435761u ^ (gen + 1) * 40503u;  // xorshift seed
    for (size_t i = 0; i < b.size(); i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        b[i] = static_cast<uint8_t>(x);
    }
    std::memcpy(b.data(), &leg, 4);
    std::memcpy(b.data() + 4, &gen, 4);
    return b;
}

void write_slot(tb_slot& slot, const Path& p, uint32_t leg, uint32_t gen, size_t frame_len) {
    build(slot.data, p, static_cast<uint16_t>(p.base_port + leg),
          expected_payload(leg, gen, frame_len));
    slot.len = static_cast<uint32_t>(frame_len);
}

std::vector<uint8_t> template_frame(const Path& p) {
    std::vector<uint8_t> f(64);
    build(f.data(), p, p.base_port, std::vector<uint8_t>(64 - kHeaders, 0));
    return f;
}

}  // namespace txbench
