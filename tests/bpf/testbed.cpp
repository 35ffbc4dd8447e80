#include "testbed.h"

#include <arpa/inet.h>
#include <bpf/bpf.h>

#include <cstring>
#include <memory>
#include <stdexcept>

namespace sctest {

namespace {
dp::OpenOptions g_options;
}

void set_datapath_options(const dp::OpenOptions& o) { g_options = o; }

dp::KernelDatapath& datapath() {
    static std::unique_ptr<dp::KernelDatapath> d = [] {
        auto p = dp::KernelDatapath::open(g_options);
        dp::UdpTuple t;
        inet_pton(AF_INET, "127.0.1.2", t.saddr.data());
        inet_pton(AF_INET, "127.0.1.1", t.daddr.data());
        t.sport = kPubPort;
        t.dport = kJanusPort;
        p->add_flow(t, kPublisher);
        return p;
    }();
    return *d;
}

VethLab& lab() {
    static VethLab l;
    return l;
}

dp::SrtpMaster master(uint16_t profile, uint8_t seed) {
    const auto info = dp::srtp_profile_info(profile);
    dp::SrtpMaster m;
    m.profile = profile;
    for (size_t i = 0; i < info.master_key_len; ++i)
        m.key.push_back(uint8_t(seed * 31 + i * 7 + 1));
    for (size_t i = 0; i < info.master_salt_len; ++i)
        m.salt.push_back(uint8_t(seed * 17 + i * 13 + 5));
    return m;
}

uint32_t fresh_ssrc() {
    static uint32_t next = 0x5c000001;
    return next++;
}

uint32_t fresh_leg_id() {
    static uint32_t next = 1;
    return next++;
}

dp::LegParams leg_to(uint16_t port, uint16_t profile, uint8_t seed, uint32_t ssrc) {
    dp::LegParams l;
    l.ifindex = static_cast<uint32_t>(lab().host_ifindex());
    l.smac = lab().host_mac();
    l.dmac = lab().peer_mac();
    inet_pton(AF_INET, "127.0.1.1", l.tuple.saddr.data());
    inet_pton(AF_INET, "127.0.1.2", l.tuple.daddr.data());
    l.tuple.sport = kJanusPort;
    l.tuple.dport = port;
    l.ssrc = ssrc;
    l.index_delta = 1000;
    l.ts_delta = 0x10203040;
    l.ext_map[1] = 3;  // id 1 -> 3; id 2 unmapped -> padding
    l.out = master(profile, seed);
    return l;
}

std::vector<uint8_t> rtp_packet(const RtpSpec& s) {
    std::vector<uint8_t> p = {uint8_t(0x80 | (s.ext ? 0x10 : 0) | (s.padding ? 0x20 : 0)),
                              uint8_t((s.marker ? 0x80 : 0) | (s.pt & 0x7f)),
                              uint8_t(s.seq >> 8),
                              uint8_t(s.seq),
                              uint8_t(s.ts >> 24),
                              uint8_t(s.ts >> 16),
                              uint8_t(s.ts >> 8),
                              uint8_t(s.ts),
                              uint8_t(s.ssrc >> 24),
                              uint8_t(s.ssrc >> 16),
                              uint8_t(s.ssrc >> 8),
                              uint8_t(s.ssrc)};
    if (s.ext) {
        const uint8_t ext[] = {0xBE, 0xDE, 0x00, 0x02, 0x13, 0xa1,
                               0xa2, 0xa3, 0xa4, 0x21, 0xb1, 0xb2};
        for (uint8_t b : ext) p.push_back(b);
    }
    for (size_t i = 0; i < s.payload; ++i) p.push_back(uint8_t(i * 3 + s.seq));
    if (s.padding && s.payload) p.back() = 255;
    return p;
}

std::vector<uint8_t> frame(const std::vector<uint8_t>& udp_payload, uint16_t sport,
                           uint16_t dport) {
    std::vector<uint8_t> f(42 + udp_payload.size());
    std::memcpy(&f[0], lab().host_mac().data(), 6);
    std::memcpy(&f[6], lab().peer_mac().data(), 6);
    f[12] = 0x08;
    f[13] = 0x00;
    uint8_t* ip = &f[14];
    ip[0] = 0x45;
    const uint16_t tot = uint16_t(20 + 8 + udp_payload.size());
    ip[2] = uint8_t(tot >> 8);
    ip[3] = uint8_t(tot);
    ip[6] = 0x40;
    ip[8] = 64;
    ip[9] = 17;
    inet_pton(AF_INET, "127.0.1.2", ip + 12);
    inet_pton(AF_INET, "127.0.1.1", ip + 16);
    uint32_t sum = 0;
    for (int i = 0; i < 20; i += 2) sum += (ip[i] << 8) | ip[i + 1];
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    ip[10] = uint8_t(~sum >> 8);
    ip[11] = uint8_t(~sum);
    uint8_t* udp = &f[34];
    udp[0] = uint8_t(sport >> 8);
    udp[1] = uint8_t(sport);
    udp[2] = uint8_t(dport >> 8);
    udp[3] = uint8_t(dport);
    const uint16_t ul = uint16_t(8 + udp_payload.size());
    udp[4] = uint8_t(ul >> 8);
    udp[5] = uint8_t(ul);
    std::memcpy(&f[42], udp_payload.data(), udp_payload.size());
    return f;
}

RunResult test_run(const std::vector<uint8_t>& in, int repeat) {
    RunResult r;
    r.out.resize(in.size() + 256);
    LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in.data(), .data_out = r.out.data(),
                .data_size_in = static_cast<uint32_t>(in.size()),
                .data_size_out = static_cast<uint32_t>(r.out.size()), .repeat = repeat);
    if (bpf_prog_test_run_opts(datapath().program_fd(), &opts) != 0)
        throw std::runtime_error("BPF_PROG_TEST_RUN failed");
    r.verdict = static_cast<int>(opts.retval);
    r.out.resize(opts.data_size_out);
    return r;
}

std::vector<Clone> capture_clones(int quiet_ms, size_t max) {
    std::vector<Clone> out;
    for (auto& f : lab().capture(std::chrono::milliseconds(quiet_ms), max)) {
        const auto& b = f.bytes;
        if (b.size() < 42 || b[12] != 0x08 || b[13] != 0x00 || b[23] != 17) continue;
        Clone c;
        uint32_t sum = 0;
        for (int i = 14; i < 34; i += 2) sum += (b[i] << 8) | b[i + 1];
        while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
        c.ip_checksum_ok = sum == 0xffff;
        c.dport = uint16_t((b[36] << 8) | b[37]);
        const size_t ulen = (b[38] << 8) | b[39];
        if (ulen < 8 || 34 + ulen > b.size()) continue;
        c.srtp.assign(b.begin() + 42, b.begin() + 34 + ulen);
        out.push_back(std::move(c));
    }
    return out;
}

std::vector<uint8_t> expected_plain(const std::vector<uint8_t>& rtp, const dp::LegParams& leg,
                                    uint64_t in_index) {
    auto e = rtp;
    if (leg.payload_type) e[1] = uint8_t((e[1] & 0x80) | (*leg.payload_type & 0x7f));
    const uint64_t out = (in_index + leg.index_delta) & 0xffffffffffffULL;
    e[2] = uint8_t(out >> 8);
    e[3] = uint8_t(out);
    uint32_t ts = (uint32_t(e[4]) << 24) | (e[5] << 16) | (e[6] << 8) | e[7];
    ts += leg.ts_delta;
    e[4] = uint8_t(ts >> 24);
    e[5] = uint8_t(ts >> 16);
    e[6] = uint8_t(ts >> 8);
    e[7] = uint8_t(ts);
    e[8] = uint8_t(leg.ssrc >> 24);
    e[9] = uint8_t(leg.ssrc >> 16);
    e[10] = uint8_t(leg.ssrc >> 8);
    e[11] = uint8_t(leg.ssrc);
    if (e[0] & 0x10) {  // the builder's fixed extension layout
        e[16] = uint8_t((leg.ext_map[1] << 4) | 3);
        if (!leg.ext_map[2]) e[21] = e[22] = e[23] = 0;
    }
    return e;
}

}  // namespace sctest
