// A throw-away Janus plugin ("janus.plugin.scjbprobe") that exercises the
// bridge inside the real gateway: it answers any offer (echotest-style, no
// media relayed), watches the selected pair from the moment the agent
// exists, and answers {"request":"describe"} synchronously with
// describe_leg_json() plus -- this is a test plugin -- the raw SRTP keys in
// hex, so that run_probe.py can compare them with the peer's own DTLS export.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "janus/janus_bridge.h"

extern "C" {
#include <plugins/plugin.h>
#include <sdp-utils.h>
}

namespace {

using namespace swiftcall::janus;

janus_callbacks* gateway = nullptr;
janus_plugin* plugin_table();

struct ProbeSession {
    std::mutex lock;
    PairWatch watch;
    std::atomic<int> pair_changes{0};
    std::atomic<bool> media_up{false};
    SelectedPair last_signalled;
    // "hammer": a thread reading the leg back to back, racing the hangup.
    std::atomic<bool> hammer_stop{false};
    std::atomic<long> hammer_reads{0}, hammer_eligible{0}, hammer_ineligible{0};
    std::string hammer_last_why;  // under lock
};

// Reads the leg as fast as it can until the session goes: the reads must
// stay valid (or cleanly refuse) while Janus tears the PeerConnection down.
void hammer(janus_plugin_session* h, std::shared_ptr<ProbeSession> s) {
    while (!s->hammer_stop) {
        LegReport report = read_leg_report(h);
        (void)read_selected_pair(h);
        s->hammer_reads++;
        if (report.why_not.empty()) {
            s->hammer_eligible++;
        } else {
            s->hammer_ineligible++;
            std::lock_guard guard(s->lock);
            s->hammer_last_why = report.why_not;
        }
    }
    janus_refcount_decrease(&h->ref);
}

std::mutex sessions_lock;
std::map<janus_plugin_session*, std::shared_ptr<ProbeSession>> sessions;

std::shared_ptr<ProbeSession> find(janus_plugin_session* h) {
    std::lock_guard guard(sessions_lock);
    auto it = sessions.find(h);
    return it == sessions.end() ? nullptr : it->second;
}

std::string hex(const std::vector<std::uint8_t>& bytes) {
    std::string out;
    char buf[3];
    for (auto b : bytes) {
        std::snprintf(buf, sizeof buf, "%02x", b);
        out += buf;
    }
    return out;
}

void watch(janus_plugin_session* h, const std::shared_ptr<ProbeSession>& s) {
    std::string why;
    std::weak_ptr<ProbeSession> weak = s;
    auto w = watch_selected_pair(
        h,
        [weak](const SelectedPair& pair) {
            // Loop thread: record and return, as janus_bridge.h asks.
            if (auto s = weak.lock()) {
                std::lock_guard guard(s->lock);
                s->pair_changes++;
                s->last_signalled = pair;
                std::fprintf(stderr, "[scjbprobe] pair selected: %s -> %s (%s/%s)\n",
                             pair.local_base.to_string().c_str(), pair.remote.to_string().c_str(),
                             pair.local_type.c_str(), pair.remote_type.c_str());
            }
        },
        &why);
    PairWatch replaced;
    std::lock_guard guard(s->lock);
    if (w) {
        replaced = std::move(s->watch);
        s->watch = std::move(*w);
    } else {
        std::fprintf(stderr, "[scjbprobe] cannot watch the pair: %s\n", why.c_str());
    }
}

void answer_offer(janus_plugin_session* h, std::string transaction, std::string offer_sdp) {
    char error[200] = {0};
    janus_sdp* offer = janus_sdp_parse(offer_sdp.c_str(), error, sizeof error);
    if (offer == nullptr) {
        std::fprintf(stderr, "[scjbprobe] bad offer: %s\n", error);
        janus_refcount_decrease(&h->ref);
        return;
    }
    janus_sdp* answer = janus_sdp_generate_answer(offer);
    for (GList* t = offer->m_lines; t; t = t->next) {
        auto* m = static_cast<janus_sdp_mline*>(t->data);
        janus_sdp_generate_answer_mline(
            offer, answer, m, JANUS_SDP_OA_MLINE, m->type, JANUS_SDP_OA_ACCEPT_EXTMAP,
            JANUS_RTP_EXTMAP_MID, JANUS_SDP_OA_ACCEPT_EXTMAP, JANUS_RTP_EXTMAP_AUDIO_LEVEL,
            JANUS_SDP_OA_ACCEPT_EXTMAP, JANUS_RTP_EXTMAP_ABS_SEND_TIME, JANUS_SDP_OA_DONE);
    }
    char* sdp = janus_sdp_write(answer);
    janus_sdp_destroy(offer);
    janus_sdp_destroy(answer);
    json_t* jsep = json_pack("{ssss}", "type", "answer", "sdp", sdp);
    g_free(sdp);
    json_t* event = json_pack("{ss}", "result", "answered");
    gateway->push_event(h, plugin_table(), transaction.c_str(), event, jsep);
    json_decref(event);
    json_decref(jsep);
    // push_event made the core process our answer and create the ICE agent:
    // watching now catches libnice's first pair selection too.
    if (auto s = find(h)) watch(h, s);
    janus_refcount_decrease(&h->ref);
}

json_t* describe(janus_plugin_session* h) {
    auto s = find(h);
    json_t* out = json_object();
    std::string why;
    json_object_set_new(out, "core_supported", json_boolean(janus_core_version_supported(&why)));
    if (!why.empty()) json_object_set_new(out, "core_why", json_string(why.c_str()));
    json_object_set_new(out, "headers_version", json_integer(janus_headers_version()));
    json_error_t err;
    json_object_set_new(out, "leg", json_loads(describe_leg_json(h).c_str(), 0, &err));
    std::string why_not;
    auto leg = read_leg_transport(h, &why_not);
    if (leg) {
        json_object_set_new(out, "local_key", json_string(hex(leg->local_key).c_str()));
        json_object_set_new(out, "local_salt", json_string(hex(leg->local_salt).c_str()));
        json_object_set_new(out, "remote_key", json_string(hex(leg->remote_key).c_str()));
        json_object_set_new(out, "remote_salt", json_string(hex(leg->remote_salt).c_str()));
        json_object_set_new(
            out, "pair_changed",
            json_boolean(selected_pair_changed(h, leg->pair, leg->agent_created_us)));
        json_object_set_new(
            out, "pair_changed_vs_bogus",
            json_boolean(selected_pair_changed(h, SelectedPair{}, leg->agent_created_us)));
    } else {
        json_object_set_new(out, "why_not", json_string(why_not.c_str()));
    }
    if (s) {
        json_object_set_new(out, "pair_changes", json_integer(s->pair_changes.load()));
        json_object_set_new(out, "media_up", json_boolean(s->media_up.load()));
        json_object_set_new(out, "hammer_reads", json_integer(s->hammer_reads.load()));
        json_object_set_new(out, "hammer_eligible", json_integer(s->hammer_eligible.load()));
        json_object_set_new(out, "hammer_ineligible", json_integer(s->hammer_ineligible.load()));
        std::lock_guard guard(s->lock);
        json_object_set_new(out, "hammer_last_why", json_string(s->hammer_last_why.c_str()));
        json_object_set_new(out, "watch_active", json_boolean(s->watch.active()));
        if (s->pair_changes.load() > 0 && leg)
            json_object_set_new(out, "signalled_pair_matches",
                                json_boolean(s->last_signalled == leg->pair));
    }
    return out;
}

int probe_init(janus_callbacks* cb, const char*) {
    gateway = cb;
    std::string why;
    std::fprintf(stderr, "[scjbprobe] bridge %s%s\n",
                 janus_core_version_supported(&why) ? "enabled" : "disabled: ", why.c_str());
    return 0;
}
void probe_destroy() {}
int probe_api() { return JANUS_PLUGIN_API_VERSION; }
int probe_version() { return 1; }
const char* probe_version_string() { return "1"; }
const char* probe_description() { return "SwiftCall Janus bridge probe (tests only)"; }
const char* probe_name() { return "SwiftCall bridge probe"; }
const char* probe_author() { return "SwiftCall developers"; }
const char* probe_package() { return "janus.plugin.scjbprobe"; }

void probe_create_session(janus_plugin_session* h, int* error) {
    std::lock_guard guard(sessions_lock);
    sessions[h] = std::make_shared<ProbeSession>();
    *error = 0;
}

janus_plugin_result* probe_handle_message(janus_plugin_session* h, char* transaction,
                                          json_t* message, json_t* jsep) {
    const char* request = json_string_value(json_object_get(message, "request"));
    std::string tx = transaction ? transaction : "";
    janus_plugin_result* result = nullptr;
    if (request && std::string(request) == "describe") {
        result = janus_plugin_result_new(JANUS_PLUGIN_OK, nullptr, describe(h));
    } else if (request && std::string(request) == "hammer") {
        if (auto s = find(h)) {
            janus_refcount_increase(&h->ref);  // the thread's own, dropped when it ends
            std::thread(hammer, h, s).detach();
        }
        result = janus_plugin_result_new(JANUS_PLUGIN_OK, nullptr, json_object());
    } else if (const char* sdp = json_string_value(json_object_get(jsep, "sdp"))) {
        janus_refcount_increase(&h->ref);
        std::thread(answer_offer, h, tx, std::string(sdp)).detach();
        result = janus_plugin_result_new(JANUS_PLUGIN_OK_WAIT, "answering", nullptr);
    } else {
        result = janus_plugin_result_new(JANUS_PLUGIN_ERROR, "send an offer or describe", nullptr);
    }
    if (message) json_decref(message);
    if (jsep) json_decref(jsep);
    g_free(transaction);
    return result;
}

json_t* probe_admin(json_t*) { return nullptr; }

void probe_setup_media(janus_plugin_session* h) {
    if (auto s = find(h)) s->media_up = true;
    std::fprintf(stderr, "[scjbprobe] setup_media: %s\n", describe_leg_json(h).c_str());
}
void probe_incoming_rtp(janus_plugin_session*, janus_plugin_rtp*) {}
void probe_incoming_rtcp(janus_plugin_session*, janus_plugin_rtcp*) {}

void probe_hangup_media(janus_plugin_session* h) {
    auto s = find(h);
    if (!s) return;
    s->media_up = false;
    // Unsubscribe outside s->lock: it waits for a running callback, which takes s->lock.
    PairWatch old;
    {
        std::lock_guard guard(s->lock);
        old = std::move(s->watch);
    }
    old.unsubscribe();
}

void probe_destroy_session(janus_plugin_session* h, int* error) {
    if (auto s = find(h)) s->hammer_stop = true;
    probe_hangup_media(h);
    std::lock_guard guard(sessions_lock);
    sessions.erase(h);
    *error = 0;
}

// Janus calls this from handle_info with the handle mutex held: the bridge
// must not take it again, and nothing here may wait on the loop thread.
json_t* probe_query_session(janus_plugin_session* h) {
    json_error_t err;
    json_t* out = json_object();
    json_object_set_new(
        out, "leg", json_loads(describe_leg_json(h, HandleLock::held_by_janus).c_str(), 0, &err));
    return out;
}

janus_plugin* plugin_table() {
    static janus_plugin table = {
        .init = probe_init,
        .destroy = probe_destroy,
        .get_api_compatibility = probe_api,
        .get_version = probe_version,
        .get_version_string = probe_version_string,
        .get_description = probe_description,
        .get_name = probe_name,
        .get_author = probe_author,
        .get_package = probe_package,
        .create_session = probe_create_session,
        .handle_message = probe_handle_message,
        .handle_admin_message = probe_admin,
        .setup_media = probe_setup_media,
        .incoming_rtp = probe_incoming_rtp,
        .incoming_rtcp = probe_incoming_rtcp,
        .incoming_data = nullptr,
        .data_ready = nullptr,
        .slow_link = nullptr,
        .hangup_media = probe_hangup_media,
        .destroy_session = probe_destroy_session,
        .query_session = probe_query_session,
    };
    return &table;
}

}  // namespace

extern "C" __attribute__((visibility("default"))) janus_plugin* create() { return plugin_table(); }
