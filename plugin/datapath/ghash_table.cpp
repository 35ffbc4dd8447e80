#include "datapath/ghash_table.h"

namespace swiftcall::datapath {
namespace {

struct Elem {
    uint64_t hi = 0, lo = 0;
};

// Multiplication by x in GCM's reflected bit order (SP 800-38D §6.3).
Elem times_x(Elem v) {
    const bool carry = v.lo & 1;
    v.lo = (v.lo >> 1) | (v.hi << 63);
    v.hi >>= 1;
    if (carry) v.hi ^= 0xe1ULL << 56;
    return v;
}

Elem gf_mul(Elem x, Elem y) {
    Elem z, v = y;
    for (int i = 0; i < 128; ++i) {
        const uint64_t bit = i < 64 ? (x.hi >> (63 - i)) & 1 : (x.lo >> (127 - i)) & 1;
        if (bit) {
            z.hi ^= v.hi;
            z.lo ^= v.lo;
        }
        v = times_x(v);
    }
    return z;
}

}  // namespace

void fill_ghash_table(const std::array<uint8_t, 16>& h, __u64 table[2][256][2]) {
    Elem hh;
    for (int i = 0; i < 8; ++i) hh.hi = (hh.hi << 8) | h[i];
    for (int i = 8; i < 16; ++i) hh.lo = (hh.lo << 8) | h[i];
    const Elem powers[2] = {hh, gf_mul(hh, hh)};
    for (int p = 0; p < 2; ++p)
        for (int b = 0; b < 256; ++b) {
            const Elem r = gf_mul(Elem{uint64_t(b) << 56, 0}, powers[p]);
            table[p][b][0] = r.hi;
            table[p][b][1] = r.lo;
        }
}

const std::array<uint64_t, 256>& ghash_reduction_table() {
    static const std::array<uint64_t, 256> table = [] {
        std::array<uint64_t, 256> t{};
        for (int b = 0; b < 256; ++b) {
            Elem v{0, uint64_t(b)};
            for (int i = 0; i < 8; ++i) v = times_x(v);
            t[b] = v.hi;
        }
        return t;
    }();
    return table;
}

}  // namespace swiftcall::datapath
