#include "leg_report.h"

#include <jansson.h>

#include <cstdlib>
#include <memory>

namespace swiftcall::janus {
namespace {

struct JsonDeleter {
    void operator()(json_t* j) const { json_decref(j); }
};
using JsonPtr = std::unique_ptr<json_t, JsonDeleter>;

void set(json_t* obj, const char* key, json_t* value) { json_object_set_new(obj, key, value); }

json_t* pair_json(const SelectedPair& pair) {
    json_t* ice = json_object();
    set(ice, "local_base", json_string(pair.local_base.to_string().c_str()));
    set(ice, "local", json_string(pair.local.to_string().c_str()));
    set(ice, "remote", json_string(pair.remote.to_string().c_str()));
    set(ice, "local_type", json_string(pair.local_type.c_str()));
    set(ice, "remote_type", json_string(pair.remote_type.c_str()));
    set(ice, "transport", json_string(pair.udp ? "udp" : "tcp"));
    return ice;
}

json_t* dtls_json(const LegTransport& leg) {
    json_t* dtls = json_object();
    set(dtls, "role", json_string(leg.dtls_client ? "client" : "server"));
    set(dtls, "srtp_profile", json_string(std::string(srtp_profile_name(leg.profile)).c_str()));
    // Lengths prove the keys were read without exposing them.
    set(dtls, "local_key_len", json_integer(static_cast<json_int_t>(leg.local_key.size())));
    set(dtls, "local_salt_len", json_integer(static_cast<json_int_t>(leg.local_salt.size())));
    set(dtls, "remote_key_len", json_integer(static_cast<json_int_t>(leg.remote_key.size())));
    set(dtls, "remote_salt_len", json_integer(static_cast<json_int_t>(leg.remote_salt.size())));
    set(dtls, "connected_us", json_integer(leg.dtls_connected_us));
    return dtls;
}

json_t* ssrc_array(const std::array<std::uint32_t, 3>& ssrcs) {
    json_t* arr = json_array();
    for (auto s : ssrcs) {
        if (s != 0) json_array_append_new(arr, json_integer(s));
    }
    return arr;
}

json_t* medium_json(const LegTransport::Medium& m) {
    json_t* j = json_object();
    set(j, "mindex", json_integer(m.mindex));
    set(j, "mid", json_string(m.mid.c_str()));
    set(j, "type", json_string(m.video ? "video" : "audio"));
    set(j, "send", json_boolean(m.send));
    set(j, "recv", json_boolean(m.recv));
    set(j, "local_ssrc", json_integer(m.local_ssrc));
    if (m.local_rtx_ssrc) set(j, "local_rtx_ssrc", json_integer(m.local_rtx_ssrc));
    set(j, "remote_ssrc", ssrc_array(m.remote_ssrc));
    set(j, "remote_rtx_ssrc", ssrc_array(m.remote_rtx_ssrc));
    set(j, "payload_type", json_integer(m.payload_type));
    if (m.rtx_payload_type >= 0) set(j, "rtx_payload_type", json_integer(m.rtx_payload_type));
    if (!m.codec.empty()) set(j, "codec", json_string(m.codec.c_str()));
    return j;
}

}  // namespace

std::string pair_ineligibility(const SelectedPair& pair) {
    if (pair.local_type == "relay") return "selected pair is TURN relay";
    if (!pair.udp) return "TCP candidate";
    return "";
}

std::string leg_report_json(const LegReport& report) {
    const LegTransport& leg = report.leg;
    JsonPtr root(json_object());
    set(root.get(), "handle_id", json_integer(static_cast<json_int_t>(leg.handle_id)));
    set(root.get(), "kernel_eligible", json_boolean(report.why_not.empty()));
    if (!report.why_not.empty()) set(root.get(), "why_not", json_string(report.why_not.c_str()));
    if (leg.agent_created_us)
        set(root.get(), "agent_created_us", json_integer(leg.agent_created_us));
    if (report.pair_known) set(root.get(), "ice", pair_json(leg.pair));
    if (report.dtls_known) set(root.get(), "dtls", dtls_json(leg));
    if (report.media_known) {
        json_t* media = json_array();
        for (const auto& m : leg.media) json_array_append_new(media, medium_json(m));
        set(root.get(), "media", media);
        json_t* ext = json_object();
        for (const auto& [uri, id] : leg.extension_ids) set(ext, uri.c_str(), json_integer(id));
        set(root.get(), "extensions", ext);
    }
    char* text = json_dumps(root.get(), JSON_COMPACT | JSON_PRESERVE_ORDER);
    std::string out = text ? text : "{}";
    free(text);
    return out;
}

}  // namespace swiftcall::janus
