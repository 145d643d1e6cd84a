// shared-prefix: `groups` system prompts of `prefix_len` words, `prompts_per_group` questions
// each. The groups x prompts_per_group items are emitted in one seeded shuffle, the same order
// every lap. An item's question and output lengths repeat every lap; its question text is fresh
// every lap, so only the system prompts are ever shared between requests.

#include "bench/dataset_kinds.h"
#include "bench/dataset_words.h"
#include "core/hash.h"

#include <utility>

namespace sluice::bench::dataset_detail {
namespace {

constexpr std::uint64_t kLengthStream = 0x5350'4C;   // "SPL": per-item lengths
constexpr std::uint64_t kTextStream = 0x5350'54;     // "SPT": per-emission question text
constexpr std::uint64_t kSystemStream = 0x5350'53;   // "SPS": per-group system prompt
constexpr std::uint64_t kShuffleStream = 0x5350'4F;  // "SPO": emission order
// Bounds that keep the pre-generated state (order, system prompts) within a few hundred MB.
constexpr std::uint64_t kMaxItems = 10'000'000;
constexpr std::uint64_t kMaxSystemWords = 16'000'000;

class SharedPrefixDataset final : public Dataset {
 public:
  explicit SharedPrefixDataset(const DatasetOptions& options)
      : options_(options), words_(options.seed) {
    // Group system prompts get their own writer (different salt) so their opening words are
    // unrelated to the questions' opening words.
    const WordWriter system_words(options.seed ^ kSystemStream);
    systems_.reserve(options.groups);
    for (std::uint32_t g = 0; g < options.groups; ++g) {
      std::uint64_t rng = item_state(options.seed, kSystemStream, g);
      systems_.push_back(system_words.make(options.prefix_len, g, rng));
    }
    const std::uint64_t items =
        static_cast<std::uint64_t>(options.groups) * options.prompts_per_group;
    order_.resize(items);
    for (std::uint64_t i = 0; i < items; ++i) order_[i] = static_cast<std::uint32_t>(i);
    std::uint64_t rng = item_state(options.seed, kShuffleStream, 0);
    for (std::uint64_t i = items; i > 1; --i) {  // Fisher-Yates
      const std::uint64_t j = splitmix64(rng) % i;
      std::swap(order_[i - 1], order_[j]);
    }
  }

  Prompt next() override {
    const std::uint64_t position = position_++;
    const std::uint32_t item = order_[position % order_.size()];
    const std::uint32_t group = item / options_.prompts_per_group;
    std::uint64_t length_rng = item_state(options_.seed, kLengthStream, item);
    const std::uint32_t question_words = options_.input.sample(length_rng);
    const std::uint32_t max_tokens = options_.output.sample(length_rng);
    std::uint64_t text_rng = item_state(options_.seed, kTextStream, position);

    Prompt prompt;
    prompt.messages.reserve(2);
    prompt.messages.push_back(ChatMessage{"system", systems_[group]});
    prompt.messages.push_back(ChatMessage{"user", words_.make(question_words, position, text_rng)});
    prompt.input_tokens = options_.prefix_len + question_words;
    prompt.max_tokens = max_tokens;
    return prompt;
  }

  std::uint64_t size() const override { return order_.size(); }

  std::string describe() const override {
    return "shared-prefix: " + std::to_string(options_.groups) + " groups x " +
           std::to_string(options_.prompts_per_group) + " prompts, prefix " +
           std::to_string(options_.prefix_len) + " words, question " + options_.input.to_string() +
           " words, output " + options_.output.to_string() + " tokens";
  }

 private:
  DatasetOptions options_;
  WordWriter words_;
  std::vector<std::string> systems_;
  std::vector<std::uint32_t> order_;  // item = group * prompts_per_group + member
  std::uint64_t position_ = 0;
};

}  // namespace

Result<std::unique_ptr<Dataset>> make_shared_prefix(const DatasetOptions& options) {
  if (options.groups == 0 || options.prompts_per_group == 0 || options.prefix_len == 0) {
    return make_error(ErrorCode::kInvalidArgument,
                      "shared-prefix dataset needs groups, prompts_per_group and prefix_len >= 1",
                      "groups");
  }
  const std::uint64_t items =
      static_cast<std::uint64_t>(options.groups) * options.prompts_per_group;
  if (items > kMaxItems) {
    return make_error(ErrorCode::kInvalidArgument,
                      "shared-prefix dataset: groups x prompts_per_group = " +
                          std::to_string(items) + " exceeds " + std::to_string(kMaxItems),
                      "prompts_per_group");
  }
  const std::uint64_t system_words =
      static_cast<std::uint64_t>(options.groups) * options.prefix_len;
  if (system_words > kMaxSystemWords) {
    return make_error(
        ErrorCode::kInvalidArgument,
        "shared-prefix dataset: groups x prefix_len = " + std::to_string(system_words) +
            " words exceeds " + std::to_string(kMaxSystemWords),
        "prefix_len");
  }
  return std::unique_ptr<Dataset>(std::make_unique<SharedPrefixDataset>(options));
}

}  // namespace sluice::bench::dataset_detail
