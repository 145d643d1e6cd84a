#include "metrics/exposition.h"

#include <prometheus/counter.h>
#include <prometheus/text_serializer.h>

#include <sstream>

namespace sluice::metrics {

std::string render_text(const prometheus::Registry& registry) {
  std::ostringstream out;
  prometheus::TextSerializer serializer;
  serializer.Serialize(out, registry.Collect());
  return std::move(out).str();
}

void sync_counter(prometheus::Counter& counter, double total) {
  const double delta = total - counter.Value();
  if (delta > 0) {
    counter.Increment(delta);
  }
}

}  // namespace sluice::metrics
