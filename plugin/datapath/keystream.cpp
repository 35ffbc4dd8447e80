#include "datapath/keystream.h"

#include <openssl/evp.h>

#include <array>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace swiftcall::datapath {
namespace {

void aes_ctr(const std::vector<uint8_t>& key, const std::array<uint8_t, 16>& iv, uint8_t* out,
             size_t len) {
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                        EVP_CIPHER_CTX_free);
    const EVP_CIPHER* c = key.size() == 16 ? EVP_aes_128_ctr() : EVP_aes_256_ctr();
    std::vector<uint8_t> zeros(len, 0);
    int n = 0;
    if (!ctx || EVP_EncryptInit_ex(ctx.get(), c, nullptr, key.data(), iv.data()) != 1 ||
        EVP_EncryptUpdate(ctx.get(), out, &n, zeros.data(), static_cast<int>(len)) != 1)
        throw std::runtime_error("OpenSSL AES-CTR failed");
}

}  // namespace

KeystreamMaker::KeystreamMaker(const SrtpMaster& m) : info_(srtp_profile_info(m.profile)) {
    key_ = srtp_kdf(m, 0, info_.master_key_len);
    salt_ = srtp_kdf(m, 2, info_.master_salt_len);
}

void KeystreamMaker::fill(uint32_t ssrc, uint64_t index, sc_keystream& out) const {
    std::memset(&out, 0, sizeof out);
    out.index = index & 0xffffffffffffULL;
    out.profile = info_.profile;
    std::array<uint8_t, 16> iv{};
    if (!info_.gcm) {
        // RFC 3711 §4.1.1: salt*2^16 ^ SSRC*2^64 ^ index*2^16.
        std::memcpy(iv.data(), salt_.data(), 14);
        for (int i = 0; i < 4; ++i) iv[4 + i] ^= uint8_t(ssrc >> (24 - 8 * i));
        for (int i = 0; i < 6; ++i) iv[8 + i] ^= uint8_t(out.index >> (40 - 8 * i));
        aes_ctr(key_, iv, out.ks, SC_KS_BYTES);
        return;
    }
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
    aes_ctr(key_, iv, out.ej0, 16);
    iv[15] = 2;
    aes_ctr(key_, iv, out.ks, SC_KS_BYTES);
}

}  // namespace swiftcall::datapath
