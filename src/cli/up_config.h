// The embedded default of `sluice up`: the gateway configuration in front of the simulated fleet,
// compiled into the binary (`sluice up --print-config` prints it).
#pragma once

#include "config/gateway_config.h"
#include "core/result.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::cli {

/// The YAML text, as printed by `sluice up --print-config`.
std::string_view up_config_yaml();

/// Parses the embedded YAML and points its endpoints at the running fleet: the endpoint written
/// with port kUpFirstPort + i becomes `host`:ports[i].
Result<config::GatewayConfig> up_config(const std::string& host,
                                        const std::vector<std::uint16_t>& ports);

inline constexpr std::uint16_t kUpFirstPort = 8000;

}  // namespace sluice::cli
