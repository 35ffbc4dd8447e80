#include <arpa/inet.h>
#include <sys/socket.h>

#include "leg_transport.h"

namespace swiftcall::janus {

std::string Endpoint::to_string() const {
    char text[INET6_ADDRSTRLEN] = {0};
    if (family != AF_INET && family != AF_INET6) return "unknown";
    if (inet_ntop(family, addr.data(), text, sizeof text) == nullptr) return "unknown";
    if (family == AF_INET6) return "[" + std::string(text) + "]:" + std::to_string(port);
    return std::string(text) + ":" + std::to_string(port);
}

}  // namespace swiftcall::janus
