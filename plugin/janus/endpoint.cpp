#include <arpa/inet.h>
#include <sys/socket.h>

#include "leg_transport.h"

namespace swiftcall::janus {

std::string Endpoint::to_string() const {
    char text[INET6_ADDRSTRLEN] = {0};
    if (family != AF_INET && family != AF_INET6) return "unknown";
    if (inet_ntop(family, addr.data(), text, sizeof text) == nullptr) return "unknown";
    // Appended piecewise: GCC 12 at -O3 reports a false -Wrestrict on
    // `"[" + std::string(...)` (GCC bug 105329), which -Werror would turn
    // into a failed Release build.
    std::string out;
    if (family == AF_INET6) out += '[';
    out += text;
    if (family == AF_INET6) out += ']';
    out += ':';
    out += std::to_string(port);
    return out;
}

}  // namespace swiftcall::janus
