#include "datapath/keystream.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <stdexcept>

namespace swiftcall::datapath {
namespace {

// AES-CTR of zeros is the keystream itself: one static zero source.
const uint8_t kZeros[16 + SC_KS_BYTES] = {};

}  // namespace

KeystreamMaker::KeystreamMaker(const SrtpMaster& m)
    : info_(srtp_profile_info(m.profile)), ctx_(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free) {
    const auto key = srtp_kdf(m, 0, info_.master_key_len);
    salt_ = srtp_kdf(m, 2, info_.master_salt_len);
    const EVP_CIPHER* c = key.size() == 16 ? EVP_aes_128_ctr() : EVP_aes_256_ctr();
    if (!ctx_ || EVP_EncryptInit_ex(ctx_.get(), c, nullptr, key.data(), nullptr) != 1)
        throw std::runtime_error("OpenSSL AES-CTR init failed");
}

// One CTR run from the IV: OpenSSL increments the whole 128-bit counter,
// SRTP only its low 16 (CM) or 32 (GCM) bits; with at most 89 blocks from a
// low half that starts at 0 (CM) or 1 (GCM) the two never differ.
void KeystreamMaker::fill(uint32_t ssrc, uint64_t index, sc_keystream& out, uint32_t len) {
    out.index = index & 0xffffffffffffULL;
    out.len = std::min<uint32_t>((len + 15) / 16 * 16, SC_KS_BYTES);
    std::array<uint8_t, 16> iv{};
    if (!info_.gcm) {
        // RFC 3711 §4.1.1: salt*2^16 ^ SSRC*2^64 ^ index*2^16.
        std::memcpy(iv.data(), salt_.data(), 14);
        for (int i = 0; i < 4; ++i) iv[4 + i] ^= uint8_t(ssrc >> (24 - 8 * i));
        for (int i = 0; i < 6; ++i) iv[8 + i] ^= uint8_t(out.index >> (40 - 8 * i));
    } else {
        // RFC 7714 §8.1: IV = (00 00 || SSRC || ROC || SEQ) ^ salt; J0 = IV || 1.
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
        iv[15] = 1;
    }
    int n = 0;
    if (EVP_EncryptInit_ex(ctx_.get(), nullptr, nullptr, nullptr, iv.data()) != 1)
        throw std::runtime_error("OpenSSL AES-CTR IV failed");
    bool ok;
    if (info_.gcm) {
        // E(K, J0) for the tag, then counters 2.. for the payload.
        ok = EVP_EncryptUpdate(ctx_.get(), out.ej0, &n, kZeros, 16) == 1 &&
             EVP_EncryptUpdate(ctx_.get(), out.ks, &n, kZeros, int(out.len)) == 1;
    } else {
        std::memset(out.ej0, 0, sizeof out.ej0);
        ok = EVP_EncryptUpdate(ctx_.get(), out.ks, &n, kZeros, int(out.len)) == 1;
    }
    if (!ok) throw std::runtime_error("OpenSSL AES-CTR failed");
}

}  // namespace swiftcall::datapath
