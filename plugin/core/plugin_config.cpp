#include "core/plugin_config.h"

#include <algorithm>
#include <charconv>
#include <set>

#include "room/stock_room_options.h"

namespace swiftcall::core {
namespace {

const std::set<std::string> kAudioCodecs{"opus", "multiopus", "pcmu",  "pcma",
                                         "g722", "isac16",    "isac32"};
const std::set<std::string> kVideoCodecs{"vp8", "vp9", "h264", "av1", "h265"};

bool parse_bool(const std::string& option, const std::string& value) {
    if (value == "true" || value == "yes" || value == "1") return true;
    if (value == "false" || value == "no" || value == "0") return false;
    throw ConfigError("invalid value '" + value + "' for option '" + option +
                      "' (expected true or false)");
}

uint64_t parse_uint(const std::string& option, const std::string& value, uint64_t max) {
    uint64_t out = 0;
    auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), out);
    if (ec != std::errc() || ptr != value.data() + value.size() || out > max)
        throw ConfigError("invalid value '" + value + "' for option '" + option +
                          "' (expected an integer up to " + std::to_string(max) + ")");
    return out;
}

room::RoomSettings parse_room(const std::string& category, const ConfigSection& items,
                              std::vector<std::string>& warnings) {
    room::RoomSettings room;
    const std::string id_text = category.substr(5);
    room.id = parse_uint(category, id_text, (1ull << 53) - 1);
    if (room.id == 0) throw ConfigError("invalid room id in category '" + category + "'");
    for (const auto& [key, value] : items) {
        const std::string option = category + "." + key;
        if (key == "description")
            room.description = value;
        else if (key == "is_private")
            room.is_private = parse_bool(option, value);
        else if (key == "secret")
            room.secret = value;
        else if (key == "pin")
            room.pin = value;
        else if (key == "require_pvtid")
            room.require_pvtid = parse_bool(option, value);
        else if (key == "publishers")
            room.max_publishers = static_cast<int>(parse_uint(option, value, 1000));
        else if (key == "bitrate")
            room.bitrate = static_cast<uint32_t>(parse_uint(option, value, 1u << 31));
        else if (key == "fir_freq")
            room.fir_freq = static_cast<uint32_t>(parse_uint(option, value, 3600));
        else if (key == "audiocodec")
            room.audiocodecs = parse_codec_list(option, value, false);
        else if (key == "videocodec")
            room.videocodecs = parse_codec_list(option, value, true);
        else if (key == "notify_joining")
            room.notify_joining = parse_bool(option, value);
        else if (key == "record")
            room.record = parse_bool(option, value);
        else if (key == "rec_dir")
            room.rec_dir = value;
        else if (key == "lock_record")
            room.lock_record = parse_bool(option, value);
        else if (key == "audiolevel_event")
            room.audiolevel_event = parse_bool(option, value);
        else if (key == "audio_active_packets")
            room.audio_active_packets = static_cast<int>(parse_uint(option, value, 100000));
        else if (key == "audio_level_average")
            room.audio_level_average = static_cast<int>(parse_uint(option, value, 127));
        else if (auto unsupported = room::check_unimplemented_room_option(key, value)) {
            if (unsupported->severity == room::UnsupportedSeverity::refuse)
                throw ConfigError(category + "." + unsupported->message);
            warnings.push_back(category + "." + unsupported->message);
        } else if (room::is_unimplemented_room_option(key)) {
            // The value is what SwiftCall does anyway.
        } else if (key == "allowed") {
            // Not a stock jcfg option (its reader skips it too); tokens only
            // come from create and the allowed request.
            warnings.push_back(option +
                               ": not read from the jcfg (nor by the stock VideoRoom); "
                               "use create's allowed or the allowed request");
        } else {
            throw ConfigError("unknown option '" + option + "'");
        }
    }
    if (room.max_publishers < 1)
        throw ConfigError("option '" + category + ".publishers' must be at least 1");
    if (room.audio_active_packets < 1 || room.audio_level_average < 1)
        throw ConfigError("options '" + category +
                          ".audio_active_packets' and '.audio_level_average' must be at least 1");
    room.permanent = true;
    return room;
}

}  // namespace

const char* to_string(DatapathMode mode) {
    switch (mode) {
        case DatapathMode::automatic:
            return "auto";
        case DatapathMode::kernel:
            return "kernel";
        case DatapathMode::user:
            return "user";
    }
    return "auto";
}

std::vector<std::string> parse_codec_list(const std::string& option, const std::string& value,
                                          bool video) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= value.size()) {
        size_t end = value.find(',', start);
        if (end == std::string::npos) end = value.size();
        std::string codec = value.substr(start, end - start);
        codec.erase(std::remove_if(codec.begin(), codec.end(), ::isspace), codec.end());
        std::transform(codec.begin(), codec.end(), codec.begin(), ::tolower);
        if (!codec.empty()) {
            const auto& known = video ? kVideoCodecs : kAudioCodecs;
            if (!known.count(codec))
                throw ConfigError("unknown codec '" + codec + "' in option '" + option + "'");
            out.push_back(codec);
        }
        start = end + 1;
    }
    if (out.empty()) throw ConfigError("option '" + option + "' lists no codec");
    if (out.size() > 5) throw ConfigError("option '" + option + "' lists more than 5 codecs");
    return out;
}

std::vector<std::pair<std::string, std::string>> room_config_items(const room::RoomSettings& room) {
    std::vector<std::pair<std::string, std::string>> items;
    auto join = [](const std::vector<std::string>& codecs) {
        std::string out;
        for (const auto& c : codecs) out += (out.empty() ? "" : ",") + c;
        return out;
    };
    items.emplace_back("description", room.description);
    if (room.is_private) items.emplace_back("is_private", "yes");
    if (room.require_pvtid) items.emplace_back("require_pvtid", "yes");
    items.emplace_back("bitrate", std::to_string(room.bitrate));
    items.emplace_back("publishers", std::to_string(room.max_publishers));
    if (room.fir_freq) items.emplace_back("fir_freq", std::to_string(room.fir_freq));
    items.emplace_back("audiocodec", join(room.audiocodecs));
    items.emplace_back("videocodec", join(room.videocodecs));
    if (!room.secret.empty()) items.emplace_back("secret", room.secret);
    if (!room.pin.empty()) items.emplace_back("pin", room.pin);
    if (room.notify_joining) items.emplace_back("notify_joining", "yes");
    // As stock's create/edit write them.
    if (room.record) items.emplace_back("record", "yes");
    if (!room.rec_dir.empty()) items.emplace_back("rec_dir", room.rec_dir);
    if (room.lock_record) items.emplace_back("lock_record", "yes");
    if (room.audiolevel_event) {
        items.emplace_back("audiolevel_event", "yes");
        items.emplace_back("audio_active_packets", std::to_string(room.audio_active_packets));
        items.emplace_back("audio_level_average", std::to_string(room.audio_level_average));
    }
    return items;
}

PluginConfig parse_plugin_config(const std::map<std::string, ConfigSection>& categories) {
    PluginConfig config;
    for (const auto& [name, items] : categories) {
        if (name == "general") {
            for (const auto& [key, value] : items) {
                const std::string option = "general." + key;
                if (key == "videoroom_compat")
                    config.videoroom_compat = parse_bool(option, value);
                else if (key == "admin_key")
                    config.admin_key = value;
                else if (key == "lock_rtp_forward")
                    config.lock_rtp_forward = parse_bool(option, value);
                else if (key == "events")
                    config.notify_events = parse_bool(option, value);
                else if (key == "datapath") {
                    if (value == "auto")
                        config.datapath = DatapathMode::automatic;
                    else if (value == "kernel")
                        config.datapath = DatapathMode::kernel;
                    else if (value == "user")
                        config.datapath = DatapathMode::user;
                    else
                        throw ConfigError("invalid value '" + value + "' for option '" + option +
                                          "' (expected auto, kernel or user)");
                } else if (key == "keystream_legs") {
                    // Sized the removed ingress transmitter's keystream rings.
                    config.warnings.push_back(option + " = " + value +
                                              ": not supported any more (it applied to the "
                                              "ingress transmitter, which was removed); ignored");
                } else if (key == "transmitter") {
                    if (value == "ingress")
                        config.warnings.push_back(
                            option +
                            " = ingress: not supported any more (the ingress "
                            "transmitter was removed); kernel legs use the sealed one");
                    else if (value != "sealed")
                        throw ConfigError("invalid value '" + value + "' for option '" + option +
                                          "' (expected sealed)");
                } else if (key == "tx_ring_slots") {
                    config.tx_ring_slots =
                        static_cast<uint32_t>(parse_uint(option, value, kMaxTxRingSlots));
                    if (config.tx_ring_slots == 0)
                        throw ConfigError("invalid value '0' for option '" + option +
                                          "' (expected 1 to " + std::to_string(kMaxTxRingSlots) +
                                          ")");
                } else if (key == "string_ids") {
                    if (parse_bool(option, value))
                        throw ConfigError("option '" + option + "': string ids are not supported");
                } else {
                    throw ConfigError("unknown option '" + option + "'");
                }
            }
        } else if (name.rfind("room-", 0) == 0) {
            config.rooms.push_back(parse_room(name, items, config.warnings));
        } else {
            throw ConfigError("unknown category '" + name + "'");
        }
    }
    return config;
}

}  // namespace swiftcall::core
