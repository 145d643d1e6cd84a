#include "metrics/buckets.h"

namespace sluice::metrics {

const std::vector<double>& ttft_buckets() {
  static const std::vector<double> kBuckets = {0.001, 0.005, 0.01, 0.02,  0.04,  0.06,  0.08, 0.1,
                                               0.25,  0.5,   0.75, 1.0,   2.5,   5.0,   7.5,  10.0,
                                               20.0,  40.0,  80.0, 160.0, 640.0, 2560.0};
  return kBuckets;
}

const std::vector<double>& itl_buckets() {
  static const std::vector<double> kBuckets = {0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2,
                                               0.3,  0.4,   0.5,  0.75,  1.0, 2.5,  5.0,
                                               7.5,  10.0,  20.0, 40.0,  80.0};
  return kBuckets;
}

const std::vector<double>& request_latency_buckets() {
  static const std::vector<double> kBuckets = {0.3,  0.5,   0.8,   1.0,   1.5,   2.0,    2.5,
                                               5.0,  10.0,  15.0,  20.0,  30.0,  40.0,   50.0,
                                               60.0, 120.0, 240.0, 480.0, 960.0, 1920.0, 7680.0};
  return kBuckets;
}

const std::vector<double>& iteration_tokens_buckets() {
  static const std::vector<double> kBuckets = {1,   8,    16,   32,   64,   128,  256,
                                               512, 1024, 2048, 4096, 8192, 16384};
  return kBuckets;
}

const std::vector<double>& params_n_buckets() {
  static const std::vector<double> kBuckets = {1, 2, 5, 10, 20};
  return kBuckets;
}

std::vector<double> buckets_1_2_5(std::uint64_t max_value) {
  std::vector<double> out;
  for (std::uint64_t exponent = 1;; exponent *= 10) {
    for (std::uint64_t mantissa : {1, 2, 5}) {
      const std::uint64_t value = mantissa * exponent;
      if (value > max_value) {
        return out;
      }
      out.push_back(static_cast<double>(value));
    }
  }
}

}  // namespace sluice::metrics
