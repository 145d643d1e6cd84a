// A Google Benchmark reporter that keeps each run's CPU time per iteration, so a benchmark's
// main() can print its results next to a peer measured in the same run (ratios, not just ns).
#pragma once

#include <benchmark/benchmark.h>

#include <map>
#include <string>
#include <vector>

namespace sluice::bench_util {

class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      if (run.iterations > 0 && !run.error_occurred) {
        ns_[run.benchmark_name()] =
            run.cpu_accumulated_time * 1e9 / static_cast<double>(run.iterations);
      }
    }
  }
  /// CPU ns per iteration of benchmark `name`, or -1 if it did not run.
  double ns(const std::string& name) const {
    const auto it = ns_.find(name);
    return it == ns_.end() ? -1 : it->second;
  }

 private:
  std::map<std::string, double> ns_;
};

}  // namespace sluice::bench_util
