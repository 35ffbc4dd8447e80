// Reads janus.plugin.swiftcall.jcfg with Janus's own config parser.
#pragma once

#include <string>

#include "core/plugin_config.h"

namespace swiftcall::core {

// Throws ConfigError. A missing file yields the defaults (no rooms).
PluginConfig load_config_file(const std::string& path);

}  // namespace swiftcall::core
