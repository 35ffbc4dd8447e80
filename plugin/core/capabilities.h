// Which of the capabilities the kernel datapath needs this process has.
#pragma once

#include <string>
#include <vector>

namespace swiftcall::core {

struct CapabilityReport {
    std::vector<std::string> missing;  // e.g. {"CAP_BPF", "CAP_NET_ADMIN"}
    bool ok() const { return missing.empty(); }
    std::string describe() const;  // "all present" or "missing CAP_BPF, ..."
};

// Loading the transmit program needs CAP_BPF, its variable-offset reads of
// the mmap'd ring CAP_PERFMON, and a TC program that redirects
// CAP_NET_ADMIN (kernel >= 5.8).
CapabilityReport check_datapath_capabilities();

}  // namespace swiftcall::core
