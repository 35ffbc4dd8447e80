#include "datapath/srtp_sealer.h"

#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <array>
#include <cstring>
#include <stdexcept>

#include "media/rtp_packet.h"

namespace swiftcall::datapath {

namespace {

// RFC 3711 §4.3.1 key derivation labels for SRTP (not SRTCP).
constexpr uint8_t kLabelEncryption = 0x00;
constexpr uint8_t kLabelAuthentication = 0x01;
constexpr uint8_t kLabelSalt = 0x02;
constexpr size_t kHmacSha1KeyLen = 20;  // RFC 3711 §4.2.1: n_a = 160
constexpr size_t kSha1Len = 20;

struct CipherFree {
    void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
    void operator()(EVP_CIPHER* c) const { EVP_CIPHER_free(c); }
    void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
    void operator()(EVP_MAC* c) const { EVP_MAC_free(c); }
};

void fail_if(bool failed, const char* what) {
    if (failed) throw std::runtime_error(what);
}

}  // namespace

struct SrtpSealer::State {
    SrtpProfileInfo info{};
    std::array<uint8_t, 14> session_salt{};  // 14 (CM) or 12 (GCM) used
    // The cipher is fetched once; the context keeps the key schedule (and for
    // GCM the hash key H), so a packet only sets its IV.
    std::unique_ptr<EVP_CIPHER, CipherFree> cipher;
    std::unique_ptr<EVP_CIPHER_CTX, CipherFree> ctx;
    // AES-CM profiles: HMAC-SHA1 keyed once; EVP_MAC_init with no key
    // restarts from the stored inner/outer states (OpenSSL 3 HMAC).
    std::unique_ptr<EVP_MAC, CipherFree> mac;
    std::unique_ptr<EVP_MAC_CTX, CipherFree> mac_ctx;
};

SrtpSealer::SrtpSealer(const SrtpMaster& master) : state_(std::make_unique<State>()) {
    State& s = *state_;
    s.info = srtp_profile_info(master.profile);  // throws for an unknown one
    // srtp_kdf checks the key and salt sizes against the profile.
    const auto key = srtp_kdf(master, kLabelEncryption, s.info.master_key_len);
    const auto salt = srtp_kdf(master, kLabelSalt, s.info.master_salt_len);
    std::memcpy(s.session_salt.data(), salt.data(), salt.size());

    const char* name =
        s.info.gcm ? (s.info.master_key_len == 16 ? "AES-128-GCM" : "AES-256-GCM") : "AES-128-CTR";
    s.cipher.reset(EVP_CIPHER_fetch(nullptr, name, nullptr));
    s.ctx.reset(EVP_CIPHER_CTX_new());
    fail_if(!s.cipher || !s.ctx, "OpenSSL: no AES cipher for the SRTP sealer");
    fail_if(EVP_EncryptInit_ex2(s.ctx.get(), s.cipher.get(), key.data(), nullptr, nullptr) != 1,
            "OpenSSL: keying the SRTP sealer's cipher failed");
    if (s.info.gcm) return;

    const auto auth_key = srtp_kdf(master, kLabelAuthentication, kHmacSha1KeyLen);
    s.mac.reset(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
    fail_if(!s.mac, "OpenSSL: no HMAC for the SRTP sealer");
    s.mac_ctx.reset(EVP_MAC_CTX_new(s.mac.get()));
    fail_if(!s.mac_ctx, "OpenSSL: no HMAC context for the SRTP sealer");
    char digest[] = "SHA1";
    const OSSL_PARAM params[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
        OSSL_PARAM_construct_end(),
    };
    fail_if(EVP_MAC_init(s.mac_ctx.get(), auth_key.data(), auth_key.size(), params) != 1,
            "OpenSSL: keying the SRTP sealer's HMAC-SHA1 failed");
}

SrtpSealer::~SrtpSealer() = default;
SrtpSealer::SrtpSealer(SrtpSealer&&) noexcept = default;
SrtpSealer& SrtpSealer::operator=(SrtpSealer&&) noexcept = default;

uint16_t SrtpSealer::profile() const { return state_->info.profile; }
size_t SrtpSealer::tag_len() const { return state_->info.tag_len; }

size_t SrtpSealer::seal(std::span<const uint8_t> rtp, uint64_t index, std::span<uint8_t> out) {
    State& s = *state_;
    const auto view = media::RtpPacketView::parse(rtp);
    if (!view || view->sequence != uint16_t(index) || index > SC_SRTP_INDEX_MASK) return 0;
    const size_t total = rtp.size() + s.info.tag_len;
    if (out.size() < total) return 0;
    const bool in_place = out.data() == rtp.data();
    if (!in_place && out.data() < rtp.data() + rtp.size() && rtp.data() < out.data() + total)
        return 0;  // partial overlap: the cipher would read what it wrote

    const size_t hlen = view->header_size;
    const uint8_t* payload = rtp.data() + hlen;
    const int plen = static_cast<int>(rtp.size() - hlen);
    const uint32_t ssrc = view->ssrc;
    const uint32_t roc = uint32_t(index >> 16);
    if (!in_place) std::memcpy(out.data(), rtp.data(), hlen);
    int n = 0;

    if (s.info.gcm) {
        // RFC 7714 §8.1: IV = (0x0000 || SSRC || ROC || SEQ) XOR salt (96 bits).
        std::array<uint8_t, 12> iv{};
        media::write_u32(&iv[2], ssrc);
        media::write_u32(&iv[6], roc);
        media::write_u16(&iv[10], uint16_t(index));
        for (size_t i = 0; i < iv.size(); ++i) iv[i] ^= s.session_salt[i];
        // The header is the AAD (§8.2), the payload the plaintext.
        if (EVP_EncryptInit_ex2(s.ctx.get(), nullptr, nullptr, iv.data(), nullptr) != 1 ||
            EVP_EncryptUpdate(s.ctx.get(), nullptr, &n, out.data(), static_cast<int>(hlen)) != 1 ||
            EVP_EncryptUpdate(s.ctx.get(), out.data() + hlen, &n, payload, plen) != 1 ||
            EVP_EncryptFinal_ex(s.ctx.get(), out.data() + hlen + plen, &n) != 1 ||
            EVP_CIPHER_CTX_ctrl(s.ctx.get(), EVP_CTRL_GCM_GET_TAG, int(s.info.tag_len),
                                out.data() + rtp.size()) != 1)
            return 0;
        return total;
    }

    // RFC 3711 §4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16).
    std::array<uint8_t, 16> iv{};
    std::memcpy(iv.data(), s.session_salt.data(), 14);
    iv[4] ^= uint8_t(ssrc >> 24);
    iv[5] ^= uint8_t(ssrc >> 16);
    iv[6] ^= uint8_t(ssrc >> 8);
    iv[7] ^= uint8_t(ssrc);
    for (int i = 0; i < 6; ++i) iv[8 + i] ^= uint8_t(index >> (40 - 8 * i));
    if (EVP_EncryptInit_ex2(s.ctx.get(), nullptr, nullptr, iv.data(), nullptr) != 1 ||
        EVP_EncryptUpdate(s.ctx.get(), out.data() + hlen, &n, payload, plen) != 1)
        return 0;
    // §4.2: the tag is HMAC-SHA1 over the authenticated portion || ROC.
    std::array<uint8_t, 4> roc_be{};
    media::write_u32(roc_be.data(), roc);
    std::array<uint8_t, kSha1Len> mac{};
    size_t mac_len = 0;
    if (EVP_MAC_init(s.mac_ctx.get(), nullptr, 0, nullptr) != 1 ||
        EVP_MAC_update(s.mac_ctx.get(), out.data(), rtp.size()) != 1 ||
        EVP_MAC_update(s.mac_ctx.get(), roc_be.data(), roc_be.size()) != 1 ||
        EVP_MAC_final(s.mac_ctx.get(), mac.data(), &mac_len, mac.size()) != 1 ||
        mac_len != kSha1Len)
        return 0;
    std::memcpy(out.data() + rtp.size(), mac.data(), s.info.tag_len);
    return total;
}

}  // namespace swiftcall::datapath
