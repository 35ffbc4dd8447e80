// libsrtp2 as the reference SRTP implementation: the publisher that protects
// test packets and the subscriber that must be able to unprotect every clone.
#pragma once

#include <srtp2/srtp.h>

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "datapath/srtp_keys.h"

namespace sctest {

inline void srtp_global_init() {
    static const bool ok = srtp_init() == srtp_err_status_ok;
    if (!ok) throw std::runtime_error("srtp_init failed");
}

// One libsrtp session for one SSRC, outbound or inbound.
class SrtpPeer {
  public:
    SrtpPeer(const swiftcall::datapath::SrtpMaster& m, uint32_t ssrc, bool inbound) {
        srtp_global_init();
        srtp_policy_t p{};
        switch (m.profile) {
            case SC_PROFILE_AES128_CM_SHA1_80:
                srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p.rtp);
                break;
            case SC_PROFILE_AES128_CM_SHA1_32:
                srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&p.rtp);
                break;
            case SC_PROFILE_AEAD_AES_128_GCM:
                srtp_crypto_policy_set_aes_gcm_128_16_auth(&p.rtp);
                break;
            case SC_PROFILE_AEAD_AES_256_GCM:
                srtp_crypto_policy_set_aes_gcm_256_16_auth(&p.rtp);
                break;
            default:
                throw std::invalid_argument("profile");
        }
        p.rtcp = p.rtp;
        p.ssrc.type = ssrc_specific;
        p.ssrc.value = ssrc;
        key_ = m.key;
        key_.insert(key_.end(), m.salt.begin(), m.salt.end());
        p.key = key_.data();
        p.window_size = 1024;
        p.allow_repeat_tx = 1;
        (void)inbound;
        if (srtp_create(&session_, &p) != srtp_err_status_ok)
            throw std::runtime_error("srtp_create failed");
    }
    ~SrtpPeer() { srtp_dealloc(session_); }
    SrtpPeer(const SrtpPeer&) = delete;
    SrtpPeer& operator=(const SrtpPeer&) = delete;

    std::vector<uint8_t> protect(std::vector<uint8_t> rtp) {
        int len = static_cast<int>(rtp.size());
        rtp.resize(rtp.size() + SRTP_MAX_TRAILER_LEN);
        if (srtp_protect(session_, rtp.data(), &len) != srtp_err_status_ok)
            throw std::runtime_error("srtp_protect failed");
        rtp.resize(static_cast<size_t>(len));
        return rtp;
    }
    // Protects len bytes of RTP at buf in place (room for
    // SRTP_MAX_TRAILER_LEN more); returns the SRTP length, or -1.
    int protect_in_place(uint8_t* buf, int len) {
        return srtp_protect(session_, buf, &len) == srtp_err_status_ok ? len : -1;
    }
    // The stream's rollover counter, before its first packet (RFC 3711 §3.3.1).
    void set_roc(uint32_t ssrc, uint32_t roc) {
        if (srtp_set_stream_roc(session_, ssrc, roc) != srtp_err_status_ok)
            throw std::runtime_error("srtp_set_stream_roc failed");
    }
    // Returns the status; on success srtp holds the plaintext RTP.
    srtp_err_status_t unprotect(std::vector<uint8_t>& srtp) {
        int len = static_cast<int>(srtp.size());
        auto st = srtp_unprotect(session_, srtp.data(), &len);
        if (st == srtp_err_status_ok) srtp.resize(static_cast<size_t>(len));
        return st;
    }

  private:
    srtp_t session_ = nullptr;
    std::vector<uint8_t> key_;
};

}  // namespace sctest
