#include <dlfcn.h>

#include <mutex>
#include <string>

#include "core_symbols.h"
#include "janus_bridge.h"

#ifndef SWIFTCALL_JANUS_HEADERS_VERSION
#error "SWIFTCALL_JANUS_HEADERS_VERSION (janus_version of the headers) must be defined by CMake"
#endif
#ifndef SWIFTCALL_JANUS_HEADERS_VERSION_STRING
#error "SWIFTCALL_JANUS_HEADERS_VERSION_STRING must be defined by CMake"
#endif

namespace swiftcall::janus {
namespace internal {

const CoreSymbols& core_symbols() {
    static CoreSymbols symbols;
    static std::once_flag once;
    std::call_once(once, [] {
        // RTLD_DEFAULT: the janus executable exports these (--export-dynamic).
        symbols.version = static_cast<const int*>(dlsym(RTLD_DEFAULT, "janus_version"));
        symbols.version_string =
            static_cast<const char* const*>(dlsym(RTLD_DEFAULT, "janus_version_string"));
        symbols.session_is_alive = reinterpret_cast<int (*)(janus_plugin_session*)>(
            dlsym(RTLD_DEFAULT, "janus_plugin_session_is_alive"));
    });
    return symbols;
}

}  // namespace internal

int janus_headers_version() { return SWIFTCALL_JANUS_HEADERS_VERSION; }

bool janus_core_version_supported(std::string* why) {
    static bool supported = false;
    static std::string reason;
    static std::once_flag once;
    std::call_once(once, [] {
        const auto& sym = internal::core_symbols();
        const std::string built = std::string("Janus ") + SWIFTCALL_JANUS_HEADERS_VERSION_STRING +
                                  " (" + std::to_string(SWIFTCALL_JANUS_HEADERS_VERSION) + ")";
        if (sym.version == nullptr) {
            reason = "Janus core does not export janus_version; built against " + built;
        } else if (*sym.version != SWIFTCALL_JANUS_HEADERS_VERSION) {
            const char* running =
                sym.version_string && *sym.version_string ? *sym.version_string : "?";
            reason = std::string("Janus core version mismatch: running ") + running + " (" +
                     std::to_string(*sym.version) + "), built against " + built;
        } else if (sym.session_is_alive == nullptr) {
            reason = "Janus core does not export janus_plugin_session_is_alive";
        } else {
            supported = true;
        }
    });
    if (!supported && why) *why = reason;
    return supported;
}

}  // namespace swiftcall::janus
