#include "datapath/aes_tables.h"

#include <stdexcept>

namespace swiftcall::datapath {
namespace {

uint8_t xtime(uint8_t x) { return static_cast<uint8_t>((x << 1) ^ ((x & 0x80) ? 0x1b : 0)); }

uint8_t gmul(uint8_t a, uint8_t b) {
    uint8_t p = 0;
    while (b) {
        if (b & 1) p ^= a;
        a = xtime(a);
        b >>= 1;
    }
    return p;
}

uint32_t ror8(uint32_t x) { return (x >> 8) | (x << 24); }

AesTables build() {
    AesTables t{};
    for (int x = 0; x < 256; ++x) {
        uint8_t inv = 0;
        for (int y = 1; y < 256 && x; ++y)
            if (gmul(static_cast<uint8_t>(x), static_cast<uint8_t>(y)) == 1)
                inv = static_cast<uint8_t>(y);
        uint8_t s = inv;
        uint8_t r = inv;
        for (int i = 0; i < 4; ++i) {
            r = static_cast<uint8_t>((r << 1) | (r >> 7));
            s ^= r;
        }
        s ^= 0x63;
        t.sbox[x] = s;
        uint32_t w = (uint32_t{xtime(s)} << 24) | (uint32_t{s} << 16) | (uint32_t{s} << 8) |
                     uint32_t{static_cast<uint8_t>(xtime(s) ^ s)};
        t.te0[x] = w;
        t.te1[x] = ror8(w);
        t.te2[x] = ror8(ror8(w));
        t.te3[x] = ror8(ror8(ror8(w)));
    }
    return t;
}

uint32_t sub_word(uint32_t w) {
    const auto& s = aes_tables().sbox;
    return (s[w >> 24] << 24) | (s[(w >> 16) & 0xff] << 16) | (s[(w >> 8) & 0xff] << 8) |
           s[w & 0xff];
}

}  // namespace

const AesTables& aes_tables() {
    static const AesTables tables = build();
    return tables;
}

std::vector<uint32_t> aes_expand_key(std::span<const uint8_t> key) {
    if (key.size() != 16 && key.size() != 32) throw std::invalid_argument("AES key size");
    const size_t nk = key.size() / 4;
    const size_t total = key.size() == 16 ? 44 : 60;
    std::vector<uint32_t> w(total);
    for (size_t i = 0; i < nk; ++i)
        w[i] = (uint32_t{key[4 * i]} << 24) | (uint32_t{key[4 * i + 1]} << 16) |
               (uint32_t{key[4 * i + 2]} << 8) | key[4 * i + 3];
    uint8_t rcon = 1;
    for (size_t i = nk; i < total; ++i) {
        uint32_t t = w[i - 1];
        if (i % nk == 0) {
            t = sub_word((t << 8) | (t >> 24)) ^ (uint32_t{rcon} << 24);
            rcon = xtime(rcon);
        } else if (nk > 6 && i % nk == 4) {
            t = sub_word(t);
        }
        w[i] = w[i - nk] ^ t;
    }
    return w;
}

std::array<uint8_t, 16> aes_encrypt_block(const std::vector<uint32_t>& rk,
                                          std::span<const uint8_t, 16> in) {
    const auto& T = aes_tables();
    const size_t nr = rk.size() == 44 ? 10 : 14;
    uint32_t s[4];
    for (int i = 0; i < 4; ++i)
        s[i] = ((uint32_t{in[4 * i]} << 24) | (uint32_t{in[4 * i + 1]} << 16) |
                (uint32_t{in[4 * i + 2]} << 8) | in[4 * i + 3]) ^
               rk[i];
    for (size_t r = 1; r < nr; ++r) {
        uint32_t t[4];
        for (int i = 0; i < 4; ++i)
            t[i] = T.te0[s[i] >> 24] ^ T.te1[(s[(i + 1) % 4] >> 16) & 0xff] ^
                   T.te2[(s[(i + 2) % 4] >> 8) & 0xff] ^ T.te3[s[(i + 3) % 4] & 0xff] ^
                   rk[4 * r + i];
        for (int i = 0; i < 4; ++i) s[i] = t[i];
    }
    std::array<uint8_t, 16> out{};
    for (int i = 0; i < 4; ++i) {
        uint32_t o = (T.sbox[s[i] >> 24] << 24) ^ (T.sbox[(s[(i + 1) % 4] >> 16) & 0xff] << 16) ^
                     (T.sbox[(s[(i + 2) % 4] >> 8) & 0xff] << 8) ^ T.sbox[s[(i + 3) % 4] & 0xff] ^
                     rk[4 * nr + i];
        out[4 * i] = static_cast<uint8_t>(o >> 24);
        out[4 * i + 1] = static_cast<uint8_t>(o >> 16);
        out[4 * i + 2] = static_cast<uint8_t>(o >> 8);
        out[4 * i + 3] = static_cast<uint8_t>(o);
    }
    return out;
}

}  // namespace swiftcall::datapath
