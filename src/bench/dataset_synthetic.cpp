// synthetic: one user message of `input` words per request, max_tokens from `output`.

#include "bench/dataset_kinds.h"
#include "bench/dataset_words.h"

namespace sluice::bench::dataset_detail {
namespace {

constexpr std::uint64_t kStream = 0x53594E;  // "SYN"

class SyntheticDataset final : public Dataset {
 public:
  explicit SyntheticDataset(const DatasetOptions& options)
      : input_(options.input), output_(options.output), seed_(options.seed), words_(seed_) {}

  Prompt next() override {
    const std::uint64_t index = index_++;
    std::uint64_t rng = item_state(seed_, kStream, index);
    const std::uint32_t words = input_.sample(rng);
    const std::uint32_t max_tokens = output_.sample(rng);
    return user_prompt(words_.make(words, index, rng), words, max_tokens);
  }

  std::uint64_t size() const override { return 0; }

  std::string describe() const override {
    return "synthetic: input " + input_.to_string() + " words, output " + output_.to_string() +
           " tokens";
  }

 private:
  LengthDistribution input_;
  LengthDistribution output_;
  std::uint64_t seed_;
  WordWriter words_;
  std::uint64_t index_ = 0;
};

}  // namespace

Result<std::unique_ptr<Dataset>> make_synthetic(const DatasetOptions& options) {
  return std::unique_ptr<Dataset>(std::make_unique<SyntheticDataset>(options));
}

}  // namespace sluice::bench::dataset_detail
