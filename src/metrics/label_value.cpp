#include "metrics/label_value.h"

#include <simdjson.h>

namespace sluice::metrics {

void append_label_value(std::string& out, std::string_view value) {
  const bool valid = simdjson::validate_utf8(value.data(), value.size());
  for (const char c : value) {
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '"':
        out += "\\\"";
        break;
      case '\n':
        out += "\\n";
        break;
      default:
        out.push_back(!valid && static_cast<unsigned char>(c) >= 0x80 ? '?' : c);
    }
  }
}

}  // namespace sluice::metrics
