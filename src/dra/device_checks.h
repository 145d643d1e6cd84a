// The per-device checks of allocation that are not CEL: taints against tolerations, capacity
// requests, and shared-counter amounts in exact integer units. Each failing check can say why,
// in words, for `sluice dra explain`.
#pragma once

#include "dra/model.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace sluice::dra {

/// The first taint with effect NoSchedule or NoExecute that no toleration covers, or null.
const DeviceTaint* untolerated_taint(const Device& device,
                                     const std::vector<DeviceToleration>& tolerations);

/// "key=value:NoSchedule".
std::string taint_text(const DeviceTaint& taint);

/// capacity.requests: each named capacity must exist and be at least the request. Empty when
/// they fit, else the first that does not ("capacity memory is 40Gi, the request is 80Gi").
std::string capacity_gap(const Device& device, const std::map<std::string, Quantity>& requests);

/// A quantity in thousandths, rounded up (consumption) or down (capacity).
std::int64_t milli_units(const Quantity& q, bool round_up);

/// milli_units() back as a quantity ("40Gi", "7", "1500m").
std::string milli_text(std::int64_t milli);

}  // namespace sluice::dra
