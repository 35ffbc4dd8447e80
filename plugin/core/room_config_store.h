// Permanent rooms: the plugin's jcfg, kept parsed for the plugin's life as
// the stock VideoRoom keeps its own, so that create / edit / destroy with
// "permanent": true write the room back (category "room-<id>").
//
// Janus's writer (janus_config_save) truncates and rewrites the file in
// place and drops its comments, as it does for the stock VideoRoom. Ours
// writes a sibling file and renames it over the jcfg, so a crash mid-write
// leaves the old file, never half a file.
#pragma once

#include <cstdint>
#include <mutex>
#include <string>

#include "room/room_settings.h"

struct janus_config;

namespace swiftcall::core {

class RoomConfigStore {
  public:
    // folder: Janus's configs folder; name: the jcfg without ".jcfg".
    RoomConfigStore(std::string folder, std::string name);
    ~RoomConfigStore();
    RoomConfigStore(const RoomConfigStore&) = delete;
    RoomConfigStore& operator=(const RoomConfigStore&) = delete;

    // False when the jcfg did not exist or parse at start: stock then
    // refuses permanent requests ("No configuration file").
    bool available() const { return config_ != nullptr; }
    // Replaces the room's category and writes the file. False (and a log
    // line) when the file cannot be written; the room itself stays.
    bool save(const room::RoomSettings& room);
    bool remove(uint64_t room_id);

  private:
    bool write_locked();

    std::string folder_;
    std::string name_;
    std::mutex mutex_;
    janus_config* config_ = nullptr;
};

}  // namespace swiftcall::core
