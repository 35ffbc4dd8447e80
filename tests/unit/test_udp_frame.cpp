#include <arpa/inet.h>

#include <catch2/catch.hpp>
#include <numeric>
#include <vector>

#include "datapath/udp_frame.h"

using swiftcall::datapath::udp_frame_headers;
using swiftcall::datapath::UdpFramePath;
using swiftcall::datapath::write_udp_frame;

namespace {

// RFC 1071 over a byte range: 0xffff when the range holds its own checksum.
uint16_t ones_sum(const uint8_t* p, size_t n, uint32_t sum = 0) {
    for (size_t i = 0; i + 1 < n; i += 2) sum += static_cast<uint32_t>(p[i] << 8 | p[i + 1]);
    if (n & 1) sum += static_cast<uint32_t>(p[n - 1] << 8);
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(sum);
}

UdpFramePath path(uint8_t family) {
    UdpFramePath p;
    p.family = family;
    p.ttl = 17;
    p.smac = {0x02, 1, 2, 3, 4, 5};
    p.dmac = {0x02, 9, 8, 7, 6, 5};
    if (family == SC_AF_INET) {
        inet_pton(AF_INET, "127.0.1.1", p.saddr.data());
        inet_pton(AF_INET, "127.0.1.2", p.daddr.data());
    } else {
        inet_pton(AF_INET6, "fd00::1", p.saddr.data());
        inet_pton(AF_INET6, "fd00::2", p.daddr.data());
    }
    p.sport = 20001;
    p.dport = 40003;
    return p;
}

std::vector<uint8_t> frame_with_payload(size_t headers, size_t payload_len) {
    std::vector<uint8_t> f(headers + payload_len + 16, 0xee);
    std::iota(f.begin() + static_cast<long>(headers),
              f.begin() + static_cast<long>(headers + payload_len), uint8_t{1});
    return f;
}

}  // namespace

TEST_CASE("udp frame: IPv4 headers around the payload, header checksum valid") {
    const auto p = path(SC_AF_INET);
    REQUIRE(udp_frame_headers(SC_AF_INET) == 42);
    auto f = frame_with_payload(42, 101);
    const auto payload = std::vector<uint8_t>(f.begin() + 42, f.begin() + 143);
    REQUIRE(write_udp_frame(p, f, 101) == 143);
    CHECK(std::vector<uint8_t>(f.begin(), f.begin() + 6) ==
          std::vector<uint8_t>(p.dmac.begin(), p.dmac.end()));
    CHECK(std::vector<uint8_t>(f.begin() + 6, f.begin() + 12) ==
          std::vector<uint8_t>(p.smac.begin(), p.smac.end()));
    CHECK((f[12] == 0x08 && f[13] == 0x00));
    const uint8_t* ip = f.data() + 14;
    CHECK(ip[0] == 0x45);
    CHECK((ip[2] << 8 | ip[3]) == 20 + 8 + 101);
    CHECK(ip[8] == 17);
    CHECK(ip[9] == 17);  // UDP
    CHECK(ones_sum(ip, 20) == 0xffff);
    const uint8_t* udp = ip + 20;
    CHECK((udp[0] << 8 | udp[1]) == 20001);
    CHECK((udp[2] << 8 | udp[3]) == 40003);
    CHECK((udp[4] << 8 | udp[5]) == 8 + 101);
    CHECK((udp[6] == 0 && udp[7] == 0));  // no UDP checksum over IPv4
    CHECK(std::vector<uint8_t>(f.begin() + 42, f.begin() + 143) == payload);  // untouched
}

TEST_CASE("udp frame: IPv6 headers and the UDP checksum RFC 8200 requires") {
    const auto p = path(SC_AF_INET6);
    REQUIRE(udp_frame_headers(SC_AF_INET6) == 62);
    for (size_t len : {size_t{0}, size_t{1}, size_t{100}, size_t{1203}}) {
        auto f = frame_with_payload(62, len);
        REQUIRE(write_udp_frame(p, f, len) == 62 + len);
        CHECK((f[12] == 0x86 && f[13] == 0xdd));
        const uint8_t* ip = f.data() + 14;
        CHECK(ip[0] >> 4 == 6);
        CHECK(size_t(ip[4] << 8 | ip[5]) == 8 + len);
        CHECK(ip[6] == 17);
        CHECK(ip[7] == 17);
        // Pseudo-header + UDP header + payload, checksum included, sums to 0xffff.
        uint32_t pseudo = ones_sum(ip + 8, 32);
        pseudo += static_cast<uint32_t>(8 + len) + 17;
        CHECK(ones_sum(ip + 40, 8 + len, pseudo) == 0xffff);
        CHECK((ip[46] | ip[47]) != 0);  // 0 would mean "no checksum"
    }
}

TEST_CASE("udp frame: refuses what does not fit") {
    auto p = path(SC_AF_INET);
    std::vector<uint8_t> small(42 + 10);
    CHECK(write_udp_frame(p, small, 11) == 0);
    CHECK(write_udp_frame(p, small, 10) == 52);
    p.family = 99;
    CHECK(udp_frame_headers(99) == 0);
    CHECK(write_udp_frame(p, small, 10) == 0);
    p.family = SC_AF_INET;
    std::vector<uint8_t> huge(70000);
    CHECK(write_udp_frame(p, huge, 65536) == 0);
}
