// The only extern "C" surface of SwiftCall: Janus dlopen()s the plugin and
// calls create(); every callback in the table forwards to core::Plugin.
#include "core/plugin.h"
#include "version.h"

extern "C" {
#include <plugins/plugin.h>
}

namespace {

using swiftcall::core::Plugin;

janus_plugin* plugin_table();

int sc_init(janus_callbacks* callback, const char* config_path) {
    return Plugin::instance().init(callback, plugin_table(), config_path);
}
void sc_destroy() { Plugin::instance().destroy(); }
int sc_get_api_compatibility() { return JANUS_PLUGIN_API_VERSION; }
int sc_get_version() { return SWIFTCALL_VERSION; }
const char* sc_get_version_string() { return SWIFTCALL_VERSION_STRING; }
const char* sc_get_description() {
    return "SwiftCall: a VideoRoom-compatible SFU with kernel (eBPF) fan-out";
}
const char* sc_get_name() { return "SwiftCall SFU"; }
const char* sc_get_author() { return "SwiftCall developers"; }
const char* sc_get_package() { return Plugin::instance().package(); }
void sc_create_session(janus_plugin_session* handle, int* error) {
    Plugin::instance().create_session(handle, error);
}
janus_plugin_result* sc_handle_message(janus_plugin_session* handle, char* transaction,
                                       json_t* message, json_t* jsep) {
    return Plugin::instance().handle_message(handle, transaction, message, jsep);
}
json_t* sc_handle_admin_message(json_t* message) {
    return Plugin::instance().handle_admin_message(message);
}
void sc_setup_media(janus_plugin_session* handle) { Plugin::instance().setup_media(handle); }
void sc_incoming_rtp(janus_plugin_session* handle, janus_plugin_rtp* packet) {
    Plugin::instance().incoming_rtp(handle, packet);
}
void sc_incoming_rtcp(janus_plugin_session* handle, janus_plugin_rtcp* packet) {
    Plugin::instance().incoming_rtcp(handle, packet);
}
void sc_hangup_media(janus_plugin_session* handle) { Plugin::instance().hangup_media(handle); }
void sc_destroy_session(janus_plugin_session* handle, int* error) {
    Plugin::instance().destroy_session(handle, error);
}
json_t* sc_query_session(janus_plugin_session* handle) {
    return Plugin::instance().query_session(handle);
}

janus_plugin* plugin_table() {
    // Designated initializers in declaration order; callbacks we do not
    // implement (data channels, slow-link) stay null, which Janus allows.
    static janus_plugin table = {
        .init = sc_init,
        .destroy = sc_destroy,
        .get_api_compatibility = sc_get_api_compatibility,
        .get_version = sc_get_version,
        .get_version_string = sc_get_version_string,
        .get_description = sc_get_description,
        .get_name = sc_get_name,
        .get_author = sc_get_author,
        .get_package = sc_get_package,
        .create_session = sc_create_session,
        .handle_message = sc_handle_message,
        .handle_admin_message = sc_handle_admin_message,
        .setup_media = sc_setup_media,
        .incoming_rtp = sc_incoming_rtp,
        .incoming_rtcp = sc_incoming_rtcp,
        .incoming_data = nullptr,
        .data_ready = nullptr,
        .slow_link = nullptr,
        .hangup_media = sc_hangup_media,
        .destroy_session = sc_destroy_session,
        .query_session = sc_query_session,
    };
    return &table;
}

}  // namespace

extern "C" __attribute__((visibility("default"))) janus_plugin* create() {
    return plugin_table();
}
