#include "bench/dataset.h"

#include "bench/dataset_kinds.h"

namespace sluice::bench {

Result<std::unique_ptr<Dataset>> make_dataset(const DatasetOptions& options) {
  using namespace dataset_detail;
  if (options.kind == "synthetic") return make_synthetic(options);
  if (options.kind == "shared-prefix") return make_shared_prefix(options);
  if (options.kind == "multi-turn") return make_multi_turn(options);
  if (options.kind == "sharegpt") return make_sharegpt(options);
  if (options.kind == "trace") return make_trace(options);
  return make_error(ErrorCode::kInvalidArgument,
                    "unknown dataset kind '" + options.kind +
                        "' (expected synthetic, shared-prefix, multi-turn, sharegpt or trace)",
                    "kind");
}

}  // namespace sluice::bench
