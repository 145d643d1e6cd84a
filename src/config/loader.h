// Loading the gateway configuration: multi-document YAML text -> validated GatewayConfig.
//
// Documents are separated by `---`; empty documents and comments are ignored. Each document must
// carry a known apiVersion/kind pair (see docs/gateway.md "Configuration"); unknown kinds, unknown
// fields, wrong types, duplicates and dangling references are errors. An error's message starts
// with `file:line:col: <field path>:` and Error::field holds the field path, for example
// `InferencePool/llama.spec.targetPorts[0].number`. No exception escapes these functions.
#pragma once

#include "config/gateway_config.h"
#include "core/result.h"

#include <string>
#include <string_view>
#include <vector>

namespace sluice::config {

/// Reads and parses one file. A missing or unreadable file is ErrorCode::kNotFound / kIo.
Result<GatewayConfig> load_gateway_config(const std::string& path);

/// Several files form one configuration (cross-references may span files).
Result<GatewayConfig> load_gateway_config(const std::vector<std::string>& paths);

/// Parses `text`; `source_name` is used as the file name in error messages.
Result<GatewayConfig> parse_gateway_config(std::string_view text, const std::string& source_name);

/// Parses several named texts as one configuration: pairs of (source_name, text).
Result<GatewayConfig> parse_gateway_config(
    const std::vector<std::pair<std::string, std::string>>& sources);

}  // namespace sluice::config
