// Helpers shared by the dataset tests: fixture paths, temporary files, building a dataset.
#pragma once

#include "bench/dataset.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

namespace sluice::bench::test {

/// tests/bench/data/<name>.
inline std::string fixture(const char* name) {
  return (std::filesystem::path(__FILE__).parent_path() / "data" / name).string();
}

/// Writes `contents` to a file in the test temp directory and returns its path.
inline std::string write_temp(const std::string& name, const std::string& contents) {
  const auto path = std::filesystem::path(::testing::TempDir()) / ("sluice_dataset_" + name);
  std::ofstream(path, std::ios::binary) << contents;
  return path.string();
}

/// Options of a file-backed dataset (`sharegpt` or `trace`).
inline DatasetOptions file_dataset(const char* kind, std::string path, std::uint64_t seed = 1) {
  DatasetOptions options;
  options.kind = kind;
  options.path = std::move(path);
  options.seed = seed;
  return options;
}

/// make_dataset that must succeed (a failed expectation and null otherwise).
inline std::unique_ptr<Dataset> must_make(const DatasetOptions& options) {
  auto dataset = make_dataset(options);
  EXPECT_TRUE(dataset.ok()) << (dataset.ok() ? "" : dataset.error().message);
  return dataset.ok() ? std::move(dataset).value() : nullptr;
}

}  // namespace sluice::bench::test
