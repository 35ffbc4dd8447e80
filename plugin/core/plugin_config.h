// janus.plugin.swiftcall.jcfg, as data: validated once at start, with an
// error that names the offending option.
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "room/room_settings.h"

namespace swiftcall::core {

enum class DatapathMode { automatic, kernel, user };

// tx_ring_slots: default and bound, SC_TX_SLOTS_DEFAULT and SC_TX_SLOTS_MAX
// of the kernel ABI (checked in kernel_mirror.cpp).
inline constexpr uint32_t kDefaultTxRingSlots = 4096;
inline constexpr uint32_t kMaxTxRingSlots = 65536;

const char* to_string(DatapathMode mode);

struct PluginConfig {
    // Register as janus.plugin.videoroom so unmodified VideoRoom clients and
    // the stock demos work (the stock VideoRoom plugin must then be disabled).
    bool videoroom_compat = false;
    std::string admin_key;  // required by "create" when set
    // With admin_key: rtp_forward, stop_rtp_forward need it too (stock).
    bool lock_rtp_forward = false;
    DatapathMode datapath = DatapathMode::automatic;
    bool notify_events = true;                     // send events to Janus event handlers
    uint32_t tx_ring_slots = kDefaultTxRingSlots;  // sealed frames in flight, 1544 B each
    std::vector<room::RoomSettings> rooms;
    // Options taken but not acted on, one "<category>.key = value: why" each;
    // the plugin logs them at load (never silently ignored).
    std::vector<std::string> warnings;
};

class ConfigError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

using ConfigSection = std::map<std::string, std::string>;
// Categories by name ("general", "room-1234", ...) to their items.
PluginConfig parse_plugin_config(const std::map<std::string, ConfigSection>& categories);

// A room as the items of its jcfg category ("room-<id>"), for permanent
// rooms: what parse_plugin_config reads back into the same settings. As
// stock, only options that differ from the defaults are written (and the
// description always); booleans are "yes"; the token list is not saved
// (stock's jcfg has none).
std::vector<std::pair<std::string, std::string>> room_config_items(const room::RoomSettings& room);

// "opus,pcmu" -> {"opus","pcmu"}; throws ConfigError for unknown codecs.
std::vector<std::string> parse_codec_list(const std::string& option, const std::string& value,
                                          bool video);

}  // namespace swiftcall::core
