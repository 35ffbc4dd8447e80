// All rooms of the plugin, by numeric id.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <vector>

#include "room/room.h"

namespace swiftcall::room {

class RoomRegistry {
public:
    std::shared_ptr<Room> find(uint64_t id) const;
    // nullptr when the id is taken. id 0 picks a free random id.
    std::shared_ptr<Room> create(RoomSettings settings);
    std::shared_ptr<Room> remove(uint64_t id);
    std::vector<std::shared_ptr<Room>> all() const;
    // Random ids for publishers and private ids, never 0.
    uint64_t random_id();
    uint32_t random_private_id();

private:
    mutable std::mutex mutex_;
    std::map<uint64_t, std::shared_ptr<Room>> rooms_;
    std::mt19937_64 rng_{std::random_device{}()};
};

}  // namespace swiftcall::room
