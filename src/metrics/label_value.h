// Label values in the Prometheus text format, shared by every module that renders its own page.
#pragma once

#include <string>
#include <string_view>

namespace sluice::metrics {

/// Appends `value` escaped for a label value (backslash, quote, newline; invalid UTF-8 bytes
/// become '?', since a page with invalid UTF-8 is rejected whole).
void append_label_value(std::string& out, std::string_view value);

}  // namespace sluice::metrics
