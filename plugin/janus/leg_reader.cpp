// Reads one leg's transport facts from the Janus handle behind a plugin
// session. Every pointer is followed under the handle mutex (handle_access.h)
// and cross-checked against a back pointer where Janus keeps one, so a
// header/binary layout mismatch reports itself instead of yielding garbage.
#include <openssl/crypto.h>
#include <openssl/srtp.h>

#include <algorithm>
#include <array>

#include "handle_access.h"
#include "janus_bridge.h"
#include "nice_pair.h"
#include "srtp_key_split.h"

namespace swiftcall::janus {
namespace {

using internal::handle_flag;

// First reason wins: it is the one an operator needs to act on.
void note(LegReport& report, std::string reason) {
    if (report.why_not.empty()) report.why_not = std::move(reason);
}

bool ice_connected(const janus_ice_peerconnection* pc) {
    return pc->state == NICE_COMPONENT_STATE_CONNECTED || pc->state == NICE_COMPONENT_STATE_READY;
}

void read_pair(janus_ice_handle* h, LegReport& report) {
    janus_ice_peerconnection* pc = h->pc;
    if (!ice_connected(pc)) {
        note(report,
             std::string("ICE not connected (state ") +
                 nice_component_state_to_string(static_cast<NiceComponentState>(pc->state)) + ")");
    }
    std::string why;
    auto pair = internal::selected_pair_locked(h, &why);
    if (!pair) {
        note(report, why);
        return;
    }
    report.leg.pair = *pair;
    report.pair_known = true;
    if (auto reason = pair_ineligibility(*pair); !reason.empty()) note(report, reason);
}

// SSL_export_keying_material only reads the session's master secret and the
// handshake randoms, fixed once the handshake is done (WebRTC's DTLS never
// renegotiates), so reading it beside the loop thread's SSL_read is safe.
void read_dtls(janus_ice_peerconnection* pc, LegReport& report) {
    janus_dtls_srtp* dtls = pc->dtls;
    if (dtls == nullptr || dtls->dtls_state != JANUS_DTLS_STATE_CONNECTED || !dtls->srtp_valid ||
        dtls->ssl == nullptr || g_atomic_int_get(&dtls->destroyed)) {
        note(report, "DTLS not up");
        return;
    }
    if (dtls->pc != pc || SSL_get_ex_data(dtls->ssl, 0) != dtls) {
        note(report, "janus_dtls_srtp layout check failed (pc/ssl)");
        return;
    }
    const SRTP_PROTECTION_PROFILE* selected = SSL_get_selected_srtp_profile(dtls->ssl);
    if (selected == nullptr) {
        note(report, "DTLS not up (no SRTP profile)");
        return;
    }
    auto profile = srtp_profile_from_id(selected->id);
    if (!profile) {
        note(report, std::string("unsupported SRTP profile ") +
                         (selected->name ? selected->name : std::to_string(selected->id)));
        return;
    }
    if (static_cast<unsigned long>(dtls->srtp_profile) != selected->id) {
        note(report, "janus_dtls_srtp layout check failed (srtp_profile)");
        return;
    }
    std::array<unsigned char, 2 * (32 + 14)> material{};
    const std::size_t length = srtp_keying_material_length(*profile);
    static constexpr char kLabel[] = "EXTRACTOR-dtls_srtp";  // RFC 5764 §4.2
    if (SSL_export_keying_material(dtls->ssl, material.data(), length, kLabel, sizeof kLabel - 1,
                                   nullptr, 0, 0) != 1) {
        note(report, "cannot export SRTP keying material");
        return;
    }
    const DtlsRole role =
        dtls->dtls_role == JANUS_DTLS_ROLE_CLIENT ? DtlsRole::client : DtlsRole::server;
    std::string why;
    auto keys = split_srtp_keying_material(*profile, {material.data(), length}, role, &why);
    OPENSSL_cleanse(material.data(), material.size());
    if (!keys) {
        note(report, why);
        return;
    }
    LegTransport& leg = report.leg;
    leg.profile = *profile;
    leg.dtls_client = role == DtlsRole::client;
    leg.dtls_connected_us = dtls->dtls_connected;
    leg.local_key = std::move(keys->local_key);
    leg.local_salt = std::move(keys->local_salt);
    leg.remote_key = std::move(keys->remote_key);
    leg.remote_salt = std::move(keys->remote_salt);
    report.dtls_known = true;
}

void read_extensions(const janus_ice_peerconnection* pc, LegTransport& leg) {
    const std::pair<const char*, int> ids[] = {
        {JANUS_RTP_EXTMAP_MID, pc->mid_ext_id},
        {JANUS_RTP_EXTMAP_RID, pc->rid_ext_id},
        {JANUS_RTP_EXTMAP_REPAIRED_RID, pc->ridrtx_ext_id},
        {JANUS_RTP_EXTMAP_AUDIO_LEVEL, pc->audiolevel_ext_id},
        {JANUS_RTP_EXTMAP_VIDEO_ORIENTATION, pc->videoorientation_ext_id},
        {JANUS_RTP_EXTMAP_PLAYOUT_DELAY, pc->playoutdelay_ext_id},
        {JANUS_RTP_EXTMAP_DEPENDENCY_DESC, pc->dependencydesc_ext_id},
        {JANUS_RTP_EXTMAP_ABS_SEND_TIME, pc->abs_send_time_ext_id},
        {JANUS_RTP_EXTMAP_TRANSPORT_WIDE_CC, pc->transport_wide_cc_ext_id},
    };
    for (const auto& [uri, id] : ids) {
        if (id > 0) leg.extension_ids[uri] = id;
    }
}

LegTransport::Medium medium_from(const janus_ice_peerconnection_medium* m) {
    LegTransport::Medium out;
    out.mindex = m->mindex;
    out.mid = m->mid ? m->mid : "";
    out.video = m->type == JANUS_MEDIA_VIDEO;
    out.send = m->send;
    out.recv = m->recv;
    out.local_ssrc = m->ssrc;
    out.local_rtx_ssrc = m->ssrc_rtx;
    for (int i = 0; i < 3; i++) {
        out.remote_ssrc[i] = m->ssrc_peer[i];
        out.remote_rtx_ssrc[i] = m->ssrc_peer_rtx[i];
    }
    out.payload_type = m->payload_type;
    out.rtx_payload_type = m->rtx_payload_type;
    out.codec = m->codec ? m->codec : "";
    return out;
}

// Iterates pc->media as janus_admin_peerconnection_summary does: under the
// handle mutex, which renegotiation also holds while it edits the table.
void read_media(janus_ice_peerconnection* pc, LegReport& report) {
    GHashTableIter iter;
    gpointer value = nullptr;
    g_hash_table_iter_init(&iter, pc->media);
    while (g_hash_table_iter_next(&iter, nullptr, &value)) {
        auto* m = static_cast<janus_ice_peerconnection_medium*>(value);
        if (m == nullptr || (m->type != JANUS_MEDIA_AUDIO && m->type != JANUS_MEDIA_VIDEO))
            continue;
        if (m->pc != pc) {
            note(report, "janus_ice_peerconnection_medium layout check failed (pc)");
            return;
        }
        report.leg.media.push_back(medium_from(m));
    }
    std::sort(report.leg.media.begin(), report.leg.media.end(),
              [](const auto& a, const auto& b) { return a.mindex < b.mindex; });
    read_extensions(pc, report.leg);
    report.media_known = true;
}

void read_locked(janus_ice_handle* h, LegReport& report) {
    report.leg.handle_id = h->handle_id;
    report.leg.agent_created_us = h->agent_created;
    if (h->pc == nullptr || h->agent == nullptr || !handle_flag(h, JANUS_ICE_HANDLE_WEBRTC_READY) ||
        handle_flag(h, JANUS_ICE_HANDLE_WEBRTC_ALERT)) {
        note(report, "no PeerConnection");
        return;
    }
    read_pair(h, report);
    if (!report.pair_known) return;
    read_dtls(h->pc, report);
    read_media(h->pc, report);
}

}  // namespace

LegReport read_leg_report(janus_plugin_session* handle, HandleLock lock) {
    LegReport report;
    std::string why;
    if (!internal::with_locked_handle(
            handle, &why, [&](janus_ice_handle* h) { read_locked(h, report); }, lock)) {
        note(report, why);
    }
    return report;
}

std::optional<LegTransport> read_leg_transport(janus_plugin_session* handle, std::string* why_not) {
    LegReport report = read_leg_report(handle);
    if (!report.why_not.empty()) {
        if (why_not) *why_not = report.why_not;
        return std::nullopt;
    }
    return std::move(report.leg);
}

std::string describe_leg_json(janus_plugin_session* handle, HandleLock lock) {
    return leg_report_json(read_leg_report(handle, lock));
}

std::optional<SelectedPair> read_selected_pair(janus_plugin_session* handle, std::string* why_not) {
    std::optional<SelectedPair> pair;
    internal::with_locked_handle(handle, why_not, [&](janus_ice_handle* h) {
        pair = internal::selected_pair_locked(h, why_not);
    });
    return pair;
}

bool selected_pair_changed(janus_plugin_session* handle, const SelectedPair& known,
                           std::int64_t known_agent_created_us) {
    bool changed = true;
    internal::with_locked_handle(handle, nullptr, [&](janus_ice_handle* h) {
        if (h->agent_created != known_agent_created_us) return;
        auto pair = internal::selected_pair_locked(h, nullptr);
        changed = !pair || !(*pair == known);
    });
    return changed;
}

}  // namespace swiftcall::janus
