// Private to src/bench/dataset*.cpp: one factory per dataset kind; make_dataset() dispatches.
// Each factory validates the options its kind uses.
#pragma once

#include "bench/dataset.h"

namespace sluice::bench::dataset_detail {

Result<std::unique_ptr<Dataset>> make_synthetic(const DatasetOptions& options);
Result<std::unique_ptr<Dataset>> make_shared_prefix(const DatasetOptions& options);
Result<std::unique_ptr<Dataset>> make_multi_turn(const DatasetOptions& options);
Result<std::unique_ptr<Dataset>> make_sharegpt(const DatasetOptions& options);
Result<std::unique_ptr<Dataset>> make_trace(const DatasetOptions& options);

}  // namespace sluice::bench::dataset_detail
