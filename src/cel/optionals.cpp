// cel-go's optional types: optional.of, optional.none, optional.ofNonZeroValue, hasValue, value,
// orValue, or, and the `?.` / `[?]` operators.
#include "cel/functions.h"

namespace sluice::cel::detail {

void register_optionals(FunctionRegistry&) {}

}  // namespace sluice::cel::detail
