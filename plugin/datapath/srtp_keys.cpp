#include "datapath/srtp_keys.h"

#include <openssl/evp.h>

#include <array>
#include <cstring>
#include <memory>
#include <stdexcept>

namespace swiftcall::datapath {

SrtpProfileInfo srtp_profile_info(uint16_t profile) {
    switch (profile) {
#define SC_PROFILE_INFO(name, id, openssl_name, key, salt, tag, aead) \
    case name:                                                        \
        return {profile, key, salt, tag, aead != 0};
        SC_SRTP_PROFILES(SC_PROFILE_INFO)
#undef SC_PROFILE_INFO
        default:
            throw std::invalid_argument("unsupported SRTP profile");
    }
}

bool srtp_profile_known(uint16_t profile) {
    switch (profile) {
#define SC_PROFILE_CASE(name, ...) case name:
        SC_SRTP_PROFILES(SC_PROFILE_CASE)
#undef SC_PROFILE_CASE
        return true;
    }
    return false;
}

std::vector<uint8_t> srtp_kdf(const SrtpMaster& m, uint8_t label, size_t len) {
    const auto info = srtp_profile_info(m.profile);
    if (m.key.size() != info.master_key_len || m.salt.size() != info.master_salt_len)
        throw std::invalid_argument("SRTP master key/salt size does not match the profile");
    // GCM's 96-bit master salt enters the 112-bit PRF input zero-padded
    // on the right, as libsrtp does.
    std::array<uint8_t, 16> iv{};
    std::memcpy(iv.data(), m.salt.data(), m.salt.size());
    iv[7] ^= label;
    std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                        EVP_CIPHER_CTX_free);
    const EVP_CIPHER* cipher = m.key.size() == 16 ? EVP_aes_128_ctr() : EVP_aes_256_ctr();
    std::vector<uint8_t> zeros(len, 0), out(len + 16);
    int n = 0;
    if (!ctx || EVP_EncryptInit_ex(ctx.get(), cipher, nullptr, m.key.data(), iv.data()) != 1 ||
        EVP_EncryptUpdate(ctx.get(), out.data(), &n, zeros.data(), static_cast<int>(len)) != 1)
        throw std::runtime_error("OpenSSL AES-CTR failed in SRTP KDF");
    out.resize(len);
    return out;
}

}  // namespace swiftcall::datapath
