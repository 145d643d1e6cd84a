// Logging: a thin layer over spdlog so that every module logs the same way and the level is set
// once from the CLI (`--log-level`). Logs go to stderr; stdout is reserved for command output.
#pragma once

#include <spdlog/spdlog.h>

#include <string_view>

namespace sluice::log {

/// Sets the global level from "trace|debug|info|warn|error|off". Returns false if unknown.
bool set_level(std::string_view level);

using spdlog::debug;
using spdlog::error;
using spdlog::info;
using spdlog::trace;
using spdlog::warn;

}  // namespace sluice::log
