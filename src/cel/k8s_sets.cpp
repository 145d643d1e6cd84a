// Kubernetes' sets library: sets.contains, sets.equivalent, sets.intersects.
#include "cel/functions.h"

namespace sluice::cel::detail {

void register_k8s_sets(FunctionRegistry&) {}

}  // namespace sluice::cel::detail
