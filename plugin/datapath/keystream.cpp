#include "datapath/keystream.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>

namespace swiftcall::datapath {

KeystreamMaker::KeystreamMaker(const SrtpMaster& m)
    : info_(srtp_profile_info(m.profile)), ctx_(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free) {
    const auto key = srtp_kdf(m, 0, info_.master_key_len);
    salt_ = srtp_kdf(m, 2, info_.master_salt_len);
    const EVP_CIPHER* c = key.size() == 16 ? EVP_aes_128_ecb() : EVP_aes_256_ecb();
    if (!ctx_ || EVP_EncryptInit_ex(ctx_.get(), c, nullptr, key.data(), nullptr) != 1 ||
        EVP_CIPHER_CTX_set_padding(ctx_.get(), 0) != 1)
        throw std::runtime_error("OpenSSL AES-ECB init failed");
}

// The counter blocks are SRTP's own: CM (RFC 3711 §4.1.1) counts in the low
// 16 bits of IV = salt*2^16 ^ SSRC*2^64 ^ index*2^16, from 0; GCM (RFC 7714
// §8.1) counts in the low 32 bits after IV = (00 00 || SSRC || ROC || SEQ)
// ^ salt: J0 = IV || 1 for the tag, IV || 2.. for the payload.
void KeystreamMaker::fill(uint32_t ssrc, uint64_t index, sc_keystream& out, uint32_t len) {
    out.index = index & 0xffffffffffffULL;
    out.len = std::min<uint32_t>((len + 15) / 16 * 16, SC_KS_BYTES);
    const uint32_t payload_blocks = out.len / 16;
    std::array<uint8_t, 16> iv{};
    uint32_t first_counter;
    if (!info_.gcm) {
        std::memcpy(iv.data(), salt_.data(), 14);
        for (int i = 0; i < 4; ++i) iv[4 + i] ^= uint8_t(ssrc >> (24 - 8 * i));
        for (int i = 0; i < 6; ++i) iv[8 + i] ^= uint8_t(out.index >> (40 - 8 * i));
        first_counter = 0;
    } else {
        const uint32_t roc = uint32_t(out.index >> 16);
        const uint16_t seq = uint16_t(out.index);
        const uint8_t fields[12] = {0,
                                    0,
                                    uint8_t(ssrc >> 24),
                                    uint8_t(ssrc >> 16),
                                    uint8_t(ssrc >> 8),
                                    uint8_t(ssrc),
                                    uint8_t(roc >> 24),
                                    uint8_t(roc >> 16),
                                    uint8_t(roc >> 8),
                                    uint8_t(roc),
                                    uint8_t(seq >> 8),
                                    uint8_t(seq)};
        for (int i = 0; i < 12; ++i) iv[i] = fields[i] ^ salt_[i];
        first_counter = 1;  // J0
    }
    // GCM: J0 then the payload counters; CM: the payload counters. At most
    // 89 blocks, so the counter never carries out of the bits SRTP counts
    // in (CM's 16, whose IV bits are zero; GCM's 32).
    const uint32_t blocks = payload_blocks + (info_.gcm ? 1 : 0);
    for (uint32_t b = 0; b < blocks; ++b) {
        uint8_t* block = counters_.data() + 16 * b;
        std::memcpy(block, iv.data(), 16);
        const uint32_t ctr = first_counter + b;
        if (!info_.gcm) {
            block[14] ^= uint8_t(ctr >> 8);
            block[15] ^= uint8_t(ctr);
        } else {
            block[12] = uint8_t(ctr >> 24);
            block[13] = uint8_t(ctr >> 16);
            block[14] = uint8_t(ctr >> 8);
            block[15] = uint8_t(ctr);
        }
    }
    int n = 0;
    bool ok;
    if (info_.gcm) {
        ok = EVP_EncryptUpdate(ctx_.get(), out.ej0, &n, counters_.data(), 16) == 1 &&
             EVP_EncryptUpdate(ctx_.get(), out.ks, &n, counters_.data() + 16, int(out.len)) == 1;
    } else {
        std::memset(out.ej0, 0, sizeof out.ej0);
        ok = EVP_EncryptUpdate(ctx_.get(), out.ks, &n, counters_.data(), int(out.len)) == 1;
    }
    if (!ok) throw std::runtime_error("OpenSSL AES-ECB failed");
}

}  // namespace swiftcall::datapath
