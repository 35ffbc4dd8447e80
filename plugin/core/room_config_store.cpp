#include "core/room_config_store.h"

#include <cerrno>
#include <cinttypes>
#include <cstdio>
#include <cstring>

#include "core/plugin_config.h"

extern "C" {
#include <config.h>
#include <debug.h>
}

namespace swiftcall::core {
namespace {

std::string category_of(uint64_t room_id) { return "room-" + std::to_string(room_id); }

size_t category_count(janus_config* config) {
    GList* categories = janus_config_get_categories(config, nullptr);
    const size_t count = g_list_length(categories);
    g_list_free(categories);
    return count;
}

}  // namespace

RoomConfigStore::RoomConfigStore(std::string folder, std::string name)
    : folder_(std::move(folder)), name_(std::move(name)) {
    const std::string path = folder_ + "/" + name_ + ".jcfg";
    config_ = janus_config_parse(path.c_str());
    if (config_ == nullptr)
        JANUS_LOG(LOG_WARN,
                  "[SwiftCall] no %s: rooms cannot be made permanent (create, edit and destroy "
                  "with permanent: true answer 499)\n",
                  path.c_str());
}

RoomConfigStore::~RoomConfigStore() {
    if (config_) janus_config_destroy(config_);
}

bool RoomConfigStore::save(const room::RoomSettings& room) {
    std::lock_guard guard(mutex_);
    if (!config_) return false;
    const std::string category = category_of(room.id);
    janus_config_remove(config_, nullptr, category.c_str());
    auto* container =
        janus_config_get_create(config_, nullptr, janus_config_type_category, category.c_str());
    if (container == nullptr) return false;
    for (const auto& [key, value] : room_config_items(room))
        janus_config_add(config_, container, janus_config_item_create(key.c_str(), value.c_str()));
    return write_locked();
}

bool RoomConfigStore::remove(uint64_t room_id) {
    std::lock_guard guard(mutex_);
    if (!config_) return false;
    janus_config_remove(config_, nullptr, category_of(room_id).c_str());
    return write_locked();
}

bool RoomConfigStore::write_locked() {
    const std::string staging = name_ + ".saving";
    const std::string staged = folder_ + "/" + staging + ".jcfg";
    const std::string path = folder_ + "/" + name_ + ".jcfg";
    // janus_config_save returns 0 or a negative error, but it does not
    // check its writes (a full disk leaves a short file): read the staged
    // file back, every category there, before it replaces the jcfg.
    janus_config* check = nullptr;
    bool written = janus_config_save(config_, folder_.c_str(), staging.c_str()) == 0 &&
                   (check = janus_config_parse(staged.c_str())) != nullptr &&
                   category_count(check) == category_count(config_);
    if (check) janus_config_destroy(check);
    if (!written) {
        JANUS_LOG(LOG_ERR, "[SwiftCall] cannot write %s: the change is not permanent\n",
                  staged.c_str());
        std::remove(staged.c_str());
        return false;
    }
    if (std::rename(staged.c_str(), path.c_str()) != 0) {
        JANUS_LOG(LOG_ERR, "[SwiftCall] cannot replace %s: %s; the change is not permanent\n",
                  path.c_str(), std::strerror(errno));
        std::remove(staged.c_str());
        return false;
    }
    return true;
}

}  // namespace swiftcall::core
