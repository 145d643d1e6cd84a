// The JSON body of one benchmark request, built from a dataset Prompt.
#pragma once

#include "bench/dataset.h"

#include <string>
#include <string_view>

namespace sluice::bench {

enum class ApiKind { kChat, kCompletions };

/// {"model", "messages" (chat) or "prompt" (completions: contents joined with "\n"), "max_tokens",
/// "ignore_eos": true[, "stream": true, "stream_options": {"include_usage": true}]}. Every string
/// is JSON-escaped.
std::string request_body(ApiKind api, bool stream, std::string_view model, const Prompt& prompt);

}  // namespace sluice::bench
