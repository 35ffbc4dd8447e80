// Symbols of the running Janus core that the bridge needs, looked up at run
// time (dlsym) rather than linked, so that a core without them (another
// version, a build without --export-dynamic) disables the bridge instead of
// failing to load the whole plugin.
#pragma once

struct janus_plugin_session;

namespace swiftcall::janus::internal {

struct CoreSymbols {
    const int* version = nullptr;                              // janus_version (1102 for 1.1.2)
    const char* const* version_string = nullptr;               // janus_version_string
    int (*session_is_alive)(janus_plugin_session*) = nullptr;  // janus_plugin_session_is_alive
};

// Resolved once; members stay null when the core lacks them.
const CoreSymbols& core_symbols();

}  // namespace swiftcall::janus::internal
