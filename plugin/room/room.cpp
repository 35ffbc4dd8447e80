#include "room/room.h"

#include <algorithm>

namespace swiftcall::room {

std::shared_ptr<PublisherStream> Publisher::stream_by_mid(const std::string& mid) const {
    auto streams = streams_snapshot();
    if (!streams) return nullptr;
    for (const auto& s : *streams)
        if (s->media.mid == mid) return s;
    return nullptr;
}

std::shared_ptr<PublisherStream> Publisher::stream_by_mindex(int mindex) const {
    auto streams = streams_snapshot();
    if (!streams) return nullptr;
    for (const auto& s : *streams)
        if (s->media.mindex == mindex) return s;
    return nullptr;
}

bool PublisherStream::talking() const { return talk && talk->talking(); }

std::optional<bool> Publisher::talking() const {
    auto streams = streams_snapshot();
    if (!streams) return std::nullopt;
    std::optional<bool> talking;
    for (const auto& s : *streams) {
        if (s->media.kind != MediaKind::audio || s->audio_level_ext_id <= 0) continue;
        talking = talking.value_or(false) || s->talking();
    }
    return talking;
}

std::shared_ptr<Publisher> Room::publisher(uint64_t id) const {
    std::lock_guard guard(mutex);
    auto it = participants.find(id);
    return it == participants.end() ? nullptr : it->second;
}

std::shared_ptr<Publisher> Room::publisher_by_private_id(uint32_t private_id) const {
    std::lock_guard guard(mutex);
    for (const auto& [id, p] : participants)
        if (p->private_id == private_id) return p;
    return nullptr;
}

std::vector<std::shared_ptr<Publisher>> Room::publishers() const {
    std::lock_guard guard(mutex);
    std::vector<std::shared_ptr<Publisher>> out;
    for (const auto& [id, p] : participants) out.push_back(p);
    return out;
}

size_t Room::active_publishers() const {
    std::lock_guard guard(mutex);
    return static_cast<size_t>(std::count_if(participants.begin(), participants.end(),
                                             [](const auto& kv) { return kv.second->published(); }));
}

std::vector<std::shared_ptr<Subscriber>> Room::subscribers() {
    std::lock_guard guard(mutex);
    std::erase_if(subscriber_list, [](const std::weak_ptr<Subscriber>& w) { return w.expired(); });
    std::vector<std::shared_ptr<Subscriber>> out;
    for (const auto& weak : subscriber_list)
        if (auto s = weak.lock()) out.push_back(std::move(s));
    return out;
}

}  // namespace swiftcall::room
