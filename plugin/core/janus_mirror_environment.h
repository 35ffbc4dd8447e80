// The kernel mirror's real environment: the Janus bridge, the kernel's
// route tables, the sealed transmitter (libbpf) and Janus's log.
#pragma once

#include "core/mirror_environment.h"

namespace swiftcall::core {

class JanusMirrorEnvironment : public MirrorEnvironment {
  public:
    void log(LogLevel level, const std::string& line) override;
    bool core_version_supported(std::string* why) override;
    std::unique_ptr<fanout::SealedLegSender> open_sealed_sender(uint32_t slots) override;
    std::optional<janus::LegTransport> read_leg_transport(janus_plugin_session* handle,
                                                          std::string* why) override;
    std::unique_ptr<Watch> watch_selected_pair(janus_plugin_session* handle,
                                               std::function<void()> on_change) override;
    bool selected_pair_changed(janus_plugin_session* handle, const janus::SelectedPair& known,
                               int64_t known_agent_created_us) override;
    bool set_core_answers_nacks(janus_plugin_session* handle, int mindex, bool core_answers,
                                std::string* why) override;
    bool set_outbound_roc(janus_plugin_session* handle, uint32_t ssrc, uint32_t roc,
                          std::string* why) override;
    bool update_sender_report_basis(janus_plugin_session* handle, int mindex, uint32_t rtp_ts,
                                    int64_t wallclock_us, uint64_t add_packets, uint64_t add_bytes,
                                    std::string* why) override;
    std::optional<NextHop> resolve_next_hop(int family, const std::array<uint8_t, 16>& local,
                                            const std::array<uint8_t, 16>& remote,
                                            std::string* why) override;
};

}  // namespace swiftcall::core
