#include "core/config_file.h"

#include <unistd.h>

extern "C" {
#include <config.h>
}

namespace swiftcall::core {

PluginConfig load_config_file(const std::string& path) {
    if (access(path.c_str(), F_OK) != 0) return PluginConfig{};
    janus_config* config = janus_config_parse(path.c_str());
    if (config == nullptr) throw ConfigError("cannot parse " + path);
    std::map<std::string, ConfigSection> categories;
    GList* cats = janus_config_get_categories(config, nullptr);
    for (GList* c = cats; c != nullptr; c = c->next) {
        auto* cat = static_cast<janus_config_category*>(c->data);
        if (cat->name == nullptr) continue;
        ConfigSection& section = categories[cat->name];
        GList* items = janus_config_get_items(config, cat);
        for (GList* i = items; i != nullptr; i = i->next) {
            auto* item = static_cast<janus_config_item*>(i->data);
            if (item->name && item->value) section[item->name] = item->value;
        }
        g_list_free(items);
    }
    g_list_free(cats);
    // Top-level items (outside any category) are not part of our format.
    GList* loose = janus_config_get_items(config, nullptr);
    const bool has_loose = loose != nullptr;
    g_list_free(loose);
    janus_config_destroy(config);
    if (has_loose) throw ConfigError("options outside a category in " + path);
    return parse_plugin_config(categories);
}

}  // namespace swiftcall::core
