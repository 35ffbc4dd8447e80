// Builds RTP packets byte by byte for tests.
#pragma once

#include <cstdint>
#include <vector>

struct RtpSpec {
    uint8_t pt = 96;
    bool marker = false;
    uint16_t seq = 1000;
    uint32_t ts = 90000;
    uint32_t ssrc = 0x11223344;
    std::vector<uint32_t> csrcs;
    std::vector<uint8_t> extension;  // one-byte elements, padded to words here
    std::vector<uint8_t> payload;
    uint8_t padding = 0;
};

inline std::vector<uint8_t> build_rtp(const RtpSpec& s) {
    std::vector<uint8_t> p;
    p.push_back(static_cast<uint8_t>(0x80 | (s.padding ? 0x20 : 0) | (s.extension.empty() ? 0 : 0x10) |
                                     s.csrcs.size()));
    p.push_back(static_cast<uint8_t>((s.marker ? 0x80 : 0) | s.pt));
    p.push_back(static_cast<uint8_t>(s.seq >> 8));
    p.push_back(static_cast<uint8_t>(s.seq));
    for (int i = 3; i >= 0; i--) p.push_back(static_cast<uint8_t>(s.ts >> (8 * i)));
    for (int i = 3; i >= 0; i--) p.push_back(static_cast<uint8_t>(s.ssrc >> (8 * i)));
    for (uint32_t c : s.csrcs)
        for (int i = 3; i >= 0; i--) p.push_back(static_cast<uint8_t>(c >> (8 * i)));
    if (!s.extension.empty()) {
        std::vector<uint8_t> ext = s.extension;
        while (ext.size() % 4) ext.push_back(0);
        p.push_back(0xBE);
        p.push_back(0xDE);
        p.push_back(static_cast<uint8_t>((ext.size() / 4) >> 8));
        p.push_back(static_cast<uint8_t>(ext.size() / 4));
        p.insert(p.end(), ext.begin(), ext.end());
    }
    p.insert(p.end(), s.payload.begin(), s.payload.end());
    if (s.padding) {
        for (int i = 0; i < s.padding - 1; i++) p.push_back(0);
        p.push_back(s.padding);
    }
    return p;
}
