// Kubernetes' lists library: isSorted, sum, min, max, indexOf, lastIndexOf.
#include "cel/functions.h"

namespace sluice::cel::detail {

void register_k8s_lists(FunctionRegistry&) {}

}  // namespace sluice::cel::detail
