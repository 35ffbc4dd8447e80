// One room: its settings and who is in it. Every field below `mutex` is
// guarded by it; the media path never takes it.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "room/participants.h"
#include "room/room_settings.h"

namespace swiftcall::room {

class Room {
public:
    explicit Room(RoomSettings settings) : settings_(std::move(settings)) {}

    RoomSettings settings() const {
        std::lock_guard guard(mutex);
        return settings_;
    }
    uint64_t id() const { return id_; }
    // Read-modify-write under the room's lock, so two concurrent requests
    // (say, two `allowed` adds) cannot lose each other's change. Returns the
    // settings as changed.
    template <typename Change>
    RoomSettings update_settings(Change change) {
        std::lock_guard guard(mutex);
        change(settings_);
        return settings_;
    }

    std::shared_ptr<Publisher> publisher(uint64_t id) const;
    std::shared_ptr<Publisher> publisher_by_private_id(uint32_t private_id) const;
    std::vector<std::shared_ptr<Publisher>> publishers() const;
    size_t active_publishers() const;
    // Subscribers that are still alive (expired entries are pruned).
    std::vector<std::shared_ptr<Subscriber>> subscribers();

    mutable std::mutex mutex;
    std::map<uint64_t, std::shared_ptr<Publisher>> participants;
    std::vector<std::weak_ptr<Subscriber>> subscriber_list;
    bool destroyed = false;

private:
    friend class RoomRegistry;
    RoomSettings settings_;
    uint64_t id_ = settings_.id;
};

}  // namespace swiftcall::room
