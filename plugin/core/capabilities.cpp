#include "core/capabilities.h"

#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace swiftcall::core {
namespace {

#ifndef CAP_PERFMON
#define CAP_PERFMON 38
#endif
#ifndef CAP_BPF
#define CAP_BPF 39
#endif

bool has_effective(const __user_cap_data_struct (&data)[2], int cap) {
    return data[cap / 32].effective & (1u << (cap % 32));
}

}  // namespace

std::string CapabilityReport::describe() const {
    if (missing.empty()) return "all present";
    std::string out = "missing ";
    for (size_t i = 0; i < missing.size(); i++) out += (i ? ", " : "") + missing[i];
    return out;
}

CapabilityReport check_datapath_capabilities() {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    CapabilityReport report;
    if (syscall(SYS_capget, &header, data) != 0) {
        report.missing = {"CAP_BPF", "CAP_NET_ADMIN", "CAP_PERFMON"};
        return report;
    }
    if (!has_effective(data, CAP_BPF)) report.missing.push_back("CAP_BPF");
    if (!has_effective(data, CAP_NET_ADMIN)) report.missing.push_back("CAP_NET_ADMIN");
    if (!has_effective(data, CAP_PERFMON)) report.missing.push_back("CAP_PERFMON");
    return report;
}

}  // namespace swiftcall::core
