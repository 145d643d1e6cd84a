// Prometheus text exposition (format 0.0.4) of a prometheus-cpp registry. Handles are created once,
// at construction, by the module that owns them; this file only renders a registry for `/metrics`.
#pragma once

#include <prometheus/registry.h>

#include <string>

namespace sluice::metrics {

/// Content-Type of the text exposition format.
inline constexpr const char* kTextContentType = "text/plain; version=0.0.4; charset=utf-8";

/// Renders every family of `registry` in the Prometheus text format.
std::string render_text(const prometheus::Registry& registry);

/// Sets a monotonically increasing counter to `total` (for counters whose source of truth is a
/// plain integer owned elsewhere, e.g. the simulator engine). Never moves the counter backwards.
void sync_counter(prometheus::Counter& counter, double total);

}  // namespace sluice::metrics
