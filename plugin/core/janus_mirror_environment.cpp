#include "core/janus_mirror_environment.h"

#include "datapath/transmitter.h"
#include "fanout/sealed_sender.h"

extern "C" {
#include <debug.h>
}

namespace swiftcall::core {
namespace {

struct PairWatchHolder : MirrorEnvironment::Watch {
    explicit PairWatchHolder(janus::PairWatch w) : watch(std::move(w)) {}
    janus::PairWatch watch;
};

}  // namespace

void JanusMirrorEnvironment::log(LogLevel level, const std::string& line) {
    switch (level) {
        case LogLevel::err:
            JANUS_LOG(LOG_ERR, "[SwiftCall] %s\n", line.c_str());
            break;
        case LogLevel::warn:
            JANUS_LOG(LOG_WARN, "[SwiftCall] %s\n", line.c_str());
            break;
        case LogLevel::info:
            JANUS_LOG(LOG_INFO, "[SwiftCall] %s\n", line.c_str());
            break;
        case LogLevel::verb:
            JANUS_LOG(LOG_VERB, "[SwiftCall] %s\n", line.c_str());
            break;
    }
}

bool JanusMirrorEnvironment::core_version_supported(std::string* why) {
    return janus::janus_core_version_supported(why);
}

std::unique_ptr<fanout::SealedLegSender> JanusMirrorEnvironment::open_sealed_sender(
    uint32_t slots) {
    return std::make_unique<fanout::SealedSender>(datapath::Transmitter::open(slots));
}

std::optional<janus::LegTransport> JanusMirrorEnvironment::read_leg_transport(
    janus_plugin_session* handle, std::string* why) {
    return janus::read_leg_transport(handle, why);
}

std::unique_ptr<MirrorEnvironment::Watch> JanusMirrorEnvironment::watch_selected_pair(
    janus_plugin_session* handle, std::function<void()> on_change) {
    auto watch = janus::watch_selected_pair(
        handle, [on_change = std::move(on_change)](const janus::SelectedPair&) { on_change(); });
    if (!watch) return nullptr;
    return std::make_unique<PairWatchHolder>(std::move(*watch));
}

bool JanusMirrorEnvironment::selected_pair_changed(janus_plugin_session* handle,
                                                   const janus::SelectedPair& known,
                                                   int64_t known_agent_created_us) {
    return janus::selected_pair_changed(handle, known, known_agent_created_us);
}

bool JanusMirrorEnvironment::set_core_answers_nacks(janus_plugin_session* handle, int mindex,
                                                    bool core_answers, std::string* why) {
    return janus::set_core_answers_nacks(handle, mindex, core_answers, why);
}

bool JanusMirrorEnvironment::set_outbound_roc(janus_plugin_session* handle, uint32_t ssrc,
                                              uint32_t roc, std::string* why) {
    return janus::set_outbound_roc(handle, ssrc, roc, why);
}

bool JanusMirrorEnvironment::update_sender_report_basis(janus_plugin_session* handle, int mindex,
                                                        uint32_t rtp_ts, int64_t wallclock_us,
                                                        uint64_t add_packets, uint64_t add_bytes,
                                                        std::string* why) {
    return janus::update_sender_report_basis(handle, mindex, rtp_ts, wallclock_us, add_packets,
                                             add_bytes, why);
}

std::optional<NextHop> JanusMirrorEnvironment::resolve_next_hop(
    int family, const std::array<uint8_t, 16>& local, const std::array<uint8_t, 16>& remote,
    std::string* why) {
    return core::resolve_next_hop(family, local, remote, why);
}

}  // namespace swiftcall::core
