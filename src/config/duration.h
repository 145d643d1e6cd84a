// Go-style duration strings as Kubernetes and llm-d YAML write them: "50ms", "2s", "1m30s", "1.5h".
#pragma once

#include "core/clock.h"
#include "core/result.h"

#include <string_view>

namespace sluice::config {

/// Parses a sequence of <decimal number><unit> with units ns, us (or µs), ms, s, m, h. "0" alone is
/// allowed. Negative durations and values over ~292 years are rejected (kInvalidArgument).
Result<Duration> parse_duration(std::string_view text);

}  // namespace sluice::config
