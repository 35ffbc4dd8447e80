// See leg_rewrite.h. The checks and the extension walk are the first
// (ingress) design's BPF parse, kept so that a leg declines exactly what
// it declined: the e2e and bpf tests were written against it.
#include "datapath/leg_rewrite.h"

#include <srtp2/srtp.h>

#include <algorithm>
#include <memory>

namespace swiftcall::datapath {

namespace {

// Plaintext up to SC_MAX_SRTP - 4 bytes: sealed with the longest tag (16,
// GCM) it is at most 1412 bytes, which fits every slot (SC_TX_SLOT_DATA
// with IPv6 headers) and a 1500-byte MTU.
constexpr size_t kMaxPlainRtp = SC_MAX_SRTP - 4;

uint16_t load16(const uint8_t* p) { return uint16_t((p[0] << 8) | p[1]); }

uint32_t load32(const uint8_t* p) {
    return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | p[3];
}

void store16(uint8_t* p, uint16_t v) {
    p[0] = uint8_t(v >> 8);
    p[1] = uint8_t(v);
}

void store32(uint8_t* p, uint32_t v) {
    for (int i = 0; i < 4; ++i) p[i] = uint8_t(v >> (24 - 8 * i));
}

uint64_t out_index(uint64_t in_index, const LegParams& leg) {
    return (in_index + leg.index_delta) & SC_SRTP_INDEX_MASK;
}

// Where the extension block is; ext_len 0 when there is none.
struct RtpLayout {
    size_t ext_off = 0;  // first element byte, after the 4-byte block header
    size_t ext_len = 0;
    uint16_t ext_profile = 0;
};

// What a leg takes; nullopt for what it leaves to Janus's relay.
std::optional<RtpLayout> accepted_layout(std::span<const uint8_t> p) {
    if (p.size() < 12 || p.size() > kMaxPlainRtp) return std::nullopt;
    // RFC 7983 demux: version 2 only; never RTCP (second byte 192..223,
    // RFC 5761 §4).
    if (p[0] < 128 || p[0] >= 192 || (p[1] >= 192 && p[1] <= 223)) return std::nullopt;
    RtpLayout l;
    size_t hdr = 12 + size_t(p[0] & 15) * 4;
    if (hdr > p.size()) return std::nullopt;
    if (p[0] & 0x10) {
        if (hdr + 4 > p.size()) return std::nullopt;
        l.ext_profile = load16(&p[hdr]);
        l.ext_len = size_t(load16(&p[hdr + 2])) * 4;
        l.ext_off = hdr + 4;
        hdr += 4 + l.ext_len;
        // Longer blocks are declined rather than relabelled in part (the
        // bound was the BPF verifier's; WebRTC's blocks are far shorter).
        if (hdr > p.size() || l.ext_len > SC_MAX_EXT_BYTES) return std::nullopt;
    }
    // The padding count (RFC 3550 §5.1) must lie inside the payload.
    if (p[0] & 0x20) {
        const size_t payload = p.size() - hdr;
        if (payload == 0 || p.back() == 0 || p.back() > payload) return std::nullopt;
    }
    return l;
}

// RFC 8285 §4.2 one-byte elements: id 0
// is one padding byte, id 15 ends the walk with the rest untouched; an id
// mapped to 0, or to 15 and up (no such one-byte id), is zeroed with its data.
void rewrite_one_byte_ids(std::span<uint8_t> ext, const std::array<uint8_t, SC_EXT_IDS>& map) {
    size_t i = 0;
    while (i < ext.size()) {
        const uint8_t id = ext[i] >> 4, len = ext[i] & 15;
        if (id == 0) {
            ++i;
            continue;
        }
        if (id == 15) return;
        const uint8_t out = map[id];
        const size_t end = std::min(ext.size(), i + 2 + len);  // id byte + len + 1 data bytes
        if (out == 0 || out >= 15)
            std::fill(ext.begin() + i, ext.begin() + end, uint8_t{0});
        else
            ext[i] = uint8_t((out << 4) | len);
        i = end;
    }
}

// RFC 8285 §4.3 two-byte elements: id 0 is one padding byte; ids below
// SC_EXT_IDS are mapped, every other element is zeroed, length octet included.
void rewrite_two_byte_ids(std::span<uint8_t> ext, const std::array<uint8_t, SC_EXT_IDS>& map) {
    size_t i = 0;
    while (i < ext.size()) {
        const uint8_t id = ext[i];
        if (id == 0) {
            ++i;
            continue;
        }
        const uint8_t out = id < SC_EXT_IDS ? map[id] : 0;
        ext[i] = out;
        if (i + 1 == ext.size()) return;
        const size_t end = std::min(ext.size(), i + 2 + ext[i + 1]);
        if (out == 0) std::fill(ext.begin() + i + 1, ext.begin() + end, uint8_t{0});
        i = end;
    }
}

// srtp_t without its pointer, for unique_ptr.
struct SessionFree {
    void operator()(srtp_ctx_t* s) const { srtp_dealloc(s); }
};
using Session = std::unique_ptr<srtp_ctx_t, SessionFree>;

bool set_crypto_policy(uint16_t profile, srtp_crypto_policy_t& p) {
    switch (profile) {
        case SC_PROFILE_AES128_CM_SHA1_80:
            srtp_crypto_policy_set_aes_cm_128_hmac_sha1_80(&p);
            return true;
        case SC_PROFILE_AES128_CM_SHA1_32:
            srtp_crypto_policy_set_aes_cm_128_hmac_sha1_32(&p);
            return true;
        case SC_PROFILE_AEAD_AES_128_GCM:
            srtp_crypto_policy_set_aes_gcm_128_16_auth(&p);
            return true;
        case SC_PROFILE_AEAD_AES_256_GCM:
            srtp_crypto_policy_set_aes_gcm_256_16_auth(&p);
            return true;
    }
    return false;
}

// One outbound libsrtp stream for the leg's SSRC and master key.
Session outbound_session(const SrtpMaster& m, uint32_t ssrc) {
    srtp_policy_t p{};
    if (!set_crypto_policy(m.profile, p.rtp)) return nullptr;
    const auto info = srtp_profile_info(m.profile);
    // libsrtp reads key || salt at the lengths the profile implies.
    if (m.key.size() != info.master_key_len || m.salt.size() != info.master_salt_len)
        return nullptr;
    p.rtcp = p.rtp;
    p.ssrc.type = ssrc_specific;
    p.ssrc.value = ssrc;
    std::vector<uint8_t> key = m.key;
    key.insert(key.end(), m.salt.begin(), m.salt.end());
    p.key = key.data();
    // Producing an index again is the point of this file. A fresh stream has
    // seen no index, so today this only guards a future cached session.
    p.allow_repeat_tx = 1;
    srtp_t s = nullptr;
    if (srtp_create(&s, &p) != srtp_err_status_ok) return nullptr;
    return Session(s);
}

}  // namespace

bool label_for_leg(std::span<uint8_t> rtp, const LegParams& leg) {
    const auto layout = accepted_layout(rtp);
    if (!layout) return false;
    if (leg.payload_type) rtp[1] = uint8_t((rtp[1] & 0x80) | (*leg.payload_type & 0x7f));
    store32(&rtp[8], leg.ssrc);
    // Blocks of any other profile stay as they are.
    const auto ext = rtp.subspan(layout->ext_off, layout->ext_len);
    if (layout->ext_profile == 0xBEDE)
        rewrite_one_byte_ids(ext, leg.ext_map);
    else if ((layout->ext_profile & 0xfff0) == 0x1000)
        rewrite_two_byte_ids(ext, leg.ext_map);
    return true;
}

bool rewrite_in_place(std::span<uint8_t> rtp, uint64_t in_index, const LegParams& leg) {
    if (rtp.size() < 12) return false;
    store16(&rtp[2], uint16_t(out_index(in_index, leg)));
    store32(&rtp[4], load32(&rtp[4]) + leg.ts_delta);
    return label_for_leg(rtp, leg);
}

std::optional<std::vector<uint8_t>> rewrite_for_leg(std::span<const uint8_t> plaintext_rtp,
                                                    uint64_t in_index, const LegParams& leg) {
    std::vector<uint8_t> out(plaintext_rtp.begin(), plaintext_rtp.end());
    if (!rewrite_in_place(out, in_index, leg)) return std::nullopt;
    return out;
}

std::optional<std::vector<uint8_t>> protect_for_leg(std::span<const uint8_t> plaintext_rtp,
                                                    uint64_t in_index, const LegParams& leg) {
    auto rtp = rewrite_for_leg(plaintext_rtp, in_index, leg);
    if (!rtp) return std::nullopt;
    // A session per call: NACKs are rare next to the packet rate and a session
    // costs one key derivation, while a cached one would hold replay state
    // (an index far behind its window is refused) and need a lock.
    const Session s = outbound_session(leg.out, leg.ssrc);
    if (!s) return std::nullopt;
    // A fresh stream would take ROC 0; the index's ROC goes in first (0 is a
    // no-op: libsrtp treats a pending ROC of 0 as none).
    const uint64_t index = out_index(in_index, leg);
    if (srtp_set_stream_roc(s.get(), leg.ssrc, uint32_t(index >> 16)) != srtp_err_status_ok)
        return std::nullopt;
    int len = static_cast<int>(rtp->size());
    rtp->resize(rtp->size() + SRTP_MAX_TRAILER_LEN);
    if (srtp_protect(s.get(), rtp->data(), &len) != srtp_err_status_ok) return std::nullopt;
    rtp->resize(static_cast<size_t>(len));
    return rtp;
}

}  // namespace swiftcall::datapath
