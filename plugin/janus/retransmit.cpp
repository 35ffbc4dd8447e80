// What answering NACKs (and sending Sender Reports) for kernel-served legs
// needs from the core.
//
// The core answers a subscriber's NACKs from its own retransmission buffer
// and strips them from the RTCP before the plugin sees it (ice.c,
// janus_rtcp_remove_nacks). That buffer holds only what went through
// relay_rtp, never what the kernel sent. So while the kernel serves a
// medium, the plugin turns the core's handling off for it (do_nacks) to
// receive the NACKs, and sends its answers -- SRTP it protected itself,
// byte-identical to the kernel's clone -- on the selected pair with
// nice_agent_send, the call the core itself sends with.
#include <nice/agent.h>
#include <srtp2/srtp.h>

#include "handle_access.h"
#include "janus_bridge.h"

namespace swiftcall::janus {

using internal::medium_at;

bool set_core_answers_nacks(janus_plugin_session* handle, int mindex, bool core_answers,
                            std::string* why_not) {
    std::string why;
    bool done = false;
    const bool ok = internal::with_locked_handle(handle, &why, [&](janus_ice_handle* h) {
        auto* m = medium_at(h, mindex, why);
        if (m == nullptr) return;
        // A plain gboolean the loop thread reads per RTCP packet; a stale
        // read costs one NACK handled by the other side, nothing worse.
        m->do_nacks = core_answers ? TRUE : FALSE;
        done = true;
    });
    if ((!ok || !done) && why_not) *why_not = why;
    return ok && done;
}

bool set_outbound_roc(janus_plugin_session* handle, std::uint32_t ssrc, std::uint32_t roc,
                      std::string* why_not) {
    std::string why;
    bool done = false;
    const bool ok = internal::with_locked_handle(handle, &why, [&](janus_ice_handle* h) {
        janus_dtls_srtp* dtls = h->pc ? h->pc->dtls : nullptr;
        if (dtls == nullptr || !dtls->srtp_valid || dtls->srtp_out == nullptr) {
            why = "no DTLS-SRTP context";
            return;
        }
        // The loop thread protects this stream only when the plugin relays
        // to it, and the caller holds that relay back until this returns.
        if (srtp_set_stream_roc(dtls->srtp_out, ssrc, roc) != srtp_err_status_ok) {
            why = "no outbound SRTP stream for the SSRC";
            return;
        }
        done = true;
    });
    if ((!ok || !done) && why_not) *why_not = why;
    return ok && done;
}

bool send_on_selected_pair(janus_plugin_session* handle, const std::uint8_t* data,
                           std::size_t length, std::string* why_not) {
    std::string why;
    NiceAgent* agent = nullptr;
    guint stream_id = 0, component_id = 0;
    internal::with_locked_handle(handle, &why, [&](janus_ice_handle* h) {
        if (h->pc == nullptr || h->agent == nullptr) {
            why = "no PeerConnection";
            return;
        }
        // Referenced so the send below needs no handle mutex: libnice takes
        // its own agent lock, and a closing PC only makes the send fail.
        agent = static_cast<NiceAgent*>(g_object_ref(h->agent));
        stream_id = h->pc->stream_id;
        component_id = h->pc->component_id;
    });
    if (agent == nullptr) {
        if (why_not) *why_not = why;
        return false;
    }
    const gint sent = nice_agent_send(agent, stream_id, component_id, static_cast<guint>(length),
                                      reinterpret_cast<const gchar*>(data));
    g_object_unref(agent);
    if (sent != static_cast<gint>(length)) {
        if (why_not)
            *why_not =
                "nice_agent_send sent " + std::to_string(sent) + " of " + std::to_string(length);
        return false;
    }
    return true;
}

bool update_sender_report_basis(janus_plugin_session* handle, int mindex, std::uint32_t rtp_ts,
                                std::int64_t wallclock_us, std::uint64_t add_packets,
                                std::uint64_t add_bytes, std::string* why_not) {
    std::string why;
    bool done = false;
    internal::with_locked_handle(handle, &why, [&](janus_ice_handle* h) {
        auto* m = medium_at(h, mindex, why);
        if (m == nullptr) return;
        // The core builds each SR from these (ice.c, janus_ice_outgoing_rtcp_handle):
        // RTP time extrapolated from (last_ntp_ts, last_rtp_ts), counts from
        // out_stats. It only updates them for what it sends itself; the
        // kernel's packets are added here. Word-sized stores: the loop thread
        // reading them for an SR sees either the old or the new value.
        if (wallclock_us > 0) {
            m->last_ntp_ts = wallclock_us;
            m->last_rtp_ts = rtp_ts;
        }
        m->out_stats.info[0].packets += static_cast<guint32>(add_packets);
        m->out_stats.info[0].bytes += add_bytes;
        done = true;
    });
    if (!done && why_not) *why_not = why;
    return done;
}

}  // namespace swiftcall::janus
