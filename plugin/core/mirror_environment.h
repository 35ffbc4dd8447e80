// What the kernel mirror asks of the world outside the room model: the
// Janus core's transport facts and knobs for a handle, the kernel's next
// hop, the sealed transmitter, and the log. JanusMirrorEnvironment
// (janus_mirror_environment.h) is the real one, over plugin/janus/ and
// libbpf; the unit tests drive KernelMirror through a fake
// (tests/unit/test_kernel_mirror.cpp), so its leg table and path reasons are
// checked without Janus, root or BPF.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/next_hop.h"
#include "fanout/sealed_leg_sender.h"
#include "janus/janus_bridge.h"
#include "janus/leg_transport.h"

struct janus_plugin_session;

namespace swiftcall::core {

class MirrorEnvironment {
  public:
    virtual ~MirrorEnvironment() = default;

    enum class LogLevel { err, warn, info, verb };
    virtual void log(LogLevel level, const std::string& line) = 0;

    // Checked once, when the mirror is made.
    virtual bool core_version_supported(std::string* why) = 0;
    // The sealed transmitter with `slots` ring slots; throws with the
    // kernel's reason when it cannot be loaded.
    virtual std::unique_ptr<fanout::SealedLegSender> open_sealed_sender(uint32_t slots) = 0;

    // janus_bridge.h, one call each (same threads, same lock rules).
    virtual std::optional<janus::LegTransport> read_leg_transport(janus_plugin_session* handle,
                                                                  std::string* why) = 0;
    // A subscription that lives as long as the returned object.
    struct Watch {
        virtual ~Watch() = default;
    };
    virtual std::unique_ptr<Watch> watch_selected_pair(janus_plugin_session* handle,
                                                       std::function<void()> on_change) = 0;
    virtual bool selected_pair_changed(janus_plugin_session* handle,
                                       const janus::SelectedPair& known,
                                       int64_t known_agent_created_us) = 0;
    virtual bool set_core_answers_nacks(janus_plugin_session* handle, int mindex, bool core_answers,
                                        std::string* why) = 0;
    virtual bool set_outbound_roc(janus_plugin_session* handle, uint32_t ssrc, uint32_t roc,
                                  std::string* why) = 0;
    virtual bool update_sender_report_basis(janus_plugin_session* handle, int mindex,
                                            uint32_t rtp_ts, int64_t wallclock_us,
                                            uint64_t add_packets, uint64_t add_bytes,
                                            std::string* why) = 0;

    // next_hop.h: the kernel's route and neighbour tables.
    virtual std::optional<NextHop> resolve_next_hop(int family,
                                                    const std::array<uint8_t, 16>& local,
                                                    const std::array<uint8_t, 16>& remote,
                                                    std::string* why) = 0;
};

}  // namespace swiftcall::core
