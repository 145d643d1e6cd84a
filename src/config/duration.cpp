#include "config/duration.h"

#include <cmath>
#include <string>

namespace sluice::config {
namespace {

// Nanoseconds per unit. Two-letter units come first so that "ms" is not read as "m" then "s".
struct Unit {
  std::string_view name;
  double nanos;
};
constexpr Unit kUnits[] = {{"ns", 1.0}, {"us", 1e3}, {"\xC2\xB5s", 1e3}, {"ms", 1e6},
                           {"s", 1e9},  {"m", 60e9}, {"h", 3600e9}};

Error bad(std::string_view text, std::string_view why) {
  return make_error(ErrorCode::kInvalidArgument, "invalid duration \"" + std::string(text) +
                                                     "\": " + std::string(why) +
                                                     " (examples: 50ms, 2s, 1m30s)");
}

}  // namespace

Result<Duration> parse_duration(std::string_view text) {
  if (text == "0") return Duration::zero();
  if (text.empty()) return bad(text, "empty");
  double total = 0.0;
  std::size_t i = 0;
  while (i < text.size()) {
    const std::size_t start = i;
    bool digits = false;
    bool dot = false;
    while (i < text.size() && ((text[i] >= '0' && text[i] <= '9') || (text[i] == '.' && !dot))) {
      if (text[i] == '.') {
        dot = true;
      } else {
        digits = true;
      }
      ++i;
    }
    if (!digits) return bad(text, "expected a number");
    // std::stod needs a terminated string; the slice is short.
    const double value = std::stod(std::string(text.substr(start, i - start)));
    const Unit* unit = nullptr;
    for (const Unit& u : kUnits) {
      if (text.substr(i, u.name.size()) == u.name) {
        unit = &u;
        break;
      }
    }
    if (unit == nullptr) return bad(text, "missing or unknown unit");
    i += unit->name.size();
    total += value * unit->nanos;
  }
  if (!std::isfinite(total) || total > 9.2e18) return bad(text, "too large");
  return Duration(static_cast<Duration::rep>(std::llround(total)));
}

}  // namespace sluice::config
