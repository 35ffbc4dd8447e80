// How the Janus core renumbered a publisher's incoming RTP before the plugin
// saw it (janus_rtp_header_update() in ice.c, medium->rtp_ctx[0]): the kernel
// sees wire numbers, the plugin sees the core's, and a kernel leg's deltas
// must be expressed against the wire.
#include "handle_access.h"
#include "janus_bridge.h"

namespace swiftcall::janus {

std::optional<InboundRewrite> read_inbound_rewrite(janus_plugin_session* handle, int mindex,
                                                   std::string* why_not) {
    std::optional<InboundRewrite> out;
    std::string why;
    const bool ok = internal::with_locked_handle(handle, &why, [&](janus_ice_handle* h) {
        auto* m = internal::medium_at(h, mindex, why);
        if (m == nullptr) return;
        const janus_rtp_switching_context& ctx = m->rtp_ctx[0];
        if (ctx.last_ssrc == 0) {
            why = "no packet received yet";
            return;
        }
        // plugin seq = wire seq - base_seq + base_seq_prev + 1
        // plugin ts  = wire ts  - base_ts  + base_ts_prev
        InboundRewrite r;
        r.wire_ssrc = ctx.last_ssrc;
        r.seq_shift = static_cast<std::uint16_t>(ctx.base_seq_prev + 1 - ctx.base_seq);
        r.ts_shift = ctx.base_ts_prev - ctx.base_ts;
        out = r;
    });
    if (!ok || !out) {
        if (why_not) *why_not = why;
        return std::nullopt;
    }
    return out;
}

}  // namespace swiftcall::janus
