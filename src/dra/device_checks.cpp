#include "dra/device_checks.h"

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace sluice::dra {

namespace {

bool tolerates(const DeviceToleration& t, const DeviceTaint& taint) {
  if (t.effect && *t.effect != taint.effect) return false;
  if (t.key.empty()) return t.op == TolerationOperator::kExists;
  if (t.key != taint.key) return false;
  return t.op == TolerationOperator::kExists || t.value == taint.value;
}

}  // namespace

/// The first taint with effect NoSchedule or NoExecute that no toleration covers, or null.
const DeviceTaint* untolerated_taint(const Device& device,
                                     const std::vector<DeviceToleration>& tolerations) {
  for (const DeviceTaint& taint : device.taints) {
    if (taint.effect == TaintEffect::kNone) continue;
    const bool ok =
        std::any_of(tolerations.begin(), tolerations.end(),
                    [&taint](const DeviceToleration& t) { return tolerates(t, taint); });
    if (!ok) return &taint;
  }
  return nullptr;
}

std::string taint_text(const DeviceTaint& taint) {
  const char* effect = taint.effect == TaintEffect::kNoExecute ? "NoExecute" : "NoSchedule";
  return taint.key + (taint.value.empty() ? "" : "=" + taint.value) + ":" + effect;
}

/// capacity.requests: each named capacity must exist and be at least the request. Empty when
/// they fit, else the first that does not.
std::string capacity_gap(const Device& device, const std::map<std::string, Quantity>& requests) {
  for (const auto& [name, want] : requests) {
    const auto it = device.capacity.find(name);
    if (it == device.capacity.end()) return "no capacity " + name;
    if (it->second.value.compare(want) < 0) {
      return "capacity " + name + " is " + it->second.value.to_string() + ", the request is " +
             want.to_string();
    }
  }
  return {};
}

/// A quantity in thousandths, rounded up (consumption) or down (capacity).
std::int64_t milli_units(const Quantity& q, bool round_up) {
  if (auto scaled = q.mul(1000); scaled.ok()) {
    if (auto exact = scaled->as_int64()) return *exact;
  }
  const double v = q.as_double() * 1000;
  const double r = round_up ? std::ceil(v) : std::floor(v);
  return r >= 9.2e18 ? INT64_MAX : static_cast<std::int64_t>(r);
}

/// milli_units() back as a quantity ("40Gi", "7", "1500m").
std::string milli_text(std::int64_t milli) {
  if (milli % 1000 != 0) return std::to_string(milli) + "m";
  const std::int64_t units = milli / 1000;
  const bool binary = units != 0 && units % 1024 == 0;
  return Quantity::from_int(
             units, binary ? cel::QuantityFormat::kBinarySI : cel::QuantityFormat::kDecimalSI)
      .to_string();
}

}  // namespace sluice::dra
