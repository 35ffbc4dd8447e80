#include "room/room_registry.h"

namespace swiftcall::room {

std::shared_ptr<Room> RoomRegistry::find(uint64_t id) const {
    std::lock_guard guard(mutex_);
    auto it = rooms_.find(id);
    return it == rooms_.end() ? nullptr : it->second;
}

std::shared_ptr<Room> RoomRegistry::create(RoomSettings settings) {
    std::lock_guard guard(mutex_);
    if (settings.id == 0) {
        do {
            // Keep ids within 2^53 so JavaScript clients read them exactly.
            settings.id = (rng_() & ((1ull << 53) - 1));
        } while (settings.id == 0 || rooms_.count(settings.id));
    }
    if (rooms_.count(settings.id)) return nullptr;
    auto room = std::make_shared<Room>(std::move(settings));
    rooms_[room->id()] = room;
    return room;
}

std::shared_ptr<Room> RoomRegistry::remove(uint64_t id) {
    std::lock_guard guard(mutex_);
    auto it = rooms_.find(id);
    if (it == rooms_.end()) return nullptr;
    auto room = it->second;
    rooms_.erase(it);
    return room;
}

std::vector<std::shared_ptr<Room>> RoomRegistry::all() const {
    std::lock_guard guard(mutex_);
    std::vector<std::shared_ptr<Room>> out;
    for (const auto& [id, room] : rooms_) out.push_back(room);
    return out;
}

uint64_t RoomRegistry::random_id() {
    std::lock_guard guard(mutex_);
    uint64_t id = 0;
    while (id == 0) id = rng_() & ((1ull << 53) - 1);
    return id;
}

uint32_t RoomRegistry::random_private_id() {
    std::lock_guard guard(mutex_);
    uint32_t id = 0;
    while (id == 0) id = static_cast<uint32_t>(rng_());
    return id;
}

}  // namespace swiftcall::room
