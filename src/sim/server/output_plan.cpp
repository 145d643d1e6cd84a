#include "sim/server/output_plan.h"

#include "core/hash.h"
#include "openai/text_generator.h"

#include <algorithm>

namespace sluice::sim {
namespace {

constexpr std::uint32_t kMinNaturalLength = 16;
constexpr std::uint32_t kMaxNaturalLength = 512;

std::uint64_t request_seed(const openai::CompletionRequest& request,
                           std::span<const std::uint32_t> prompt_tokens,
                           std::uint64_t global_seed) {
  if (request.seed) {
    const std::int64_t s = *request.seed;
    return hash64(&s, sizeof(s), global_seed);
  }
  return hash64(prompt_tokens.data(), prompt_tokens.size_bytes(), global_seed);
}

// Earliest position where any stop string starts, searching only the region that the newest token
// could have completed (so the whole scan stays linear in the answer length).
std::size_t find_stop(const std::string& text, std::size_t new_from,
                      const std::vector<std::string>& stops) {
  std::size_t best = std::string::npos;
  for (const auto& stop : stops) {
    if (stop.empty()) {
      continue;
    }
    const std::size_t from = new_from >= stop.size() ? new_from - stop.size() + 1 : 0;
    const std::size_t at = text.find(stop, from);
    best = std::min(best, at);
  }
  return best;
}

}  // namespace

std::string_view OutputPlan::text_of(std::uint32_t from, std::uint32_t to) const {
  const std::uint32_t begin = from == 0 ? 0 : token_ends[from - 1];
  const std::uint32_t end = to == 0 ? 0 : token_ends[to - 1];
  return std::string_view(text).substr(begin, end - begin);
}

OutputPlan plan_output(const openai::CompletionRequest& request,
                       std::span<const std::uint32_t> prompt_tokens, std::uint32_t max_new_tokens,
                       std::uint64_t global_seed) {
  std::uint64_t seed = request_seed(request, prompt_tokens, global_seed);
  OutputPlan plan;
  std::uint32_t count = max_new_tokens;
  plan.reason = FinishReason::kLength;
  if (request.max_tokens) {
    count = std::min(*request.max_tokens, max_new_tokens);
  } else if (!request.ignore_eos) {
    std::uint64_t rng = seed;
    const std::uint32_t natural =
        kMinNaturalLength +
        static_cast<std::uint32_t>(splitmix64(rng) % (kMaxNaturalLength - kMinNaturalLength + 1));
    if (natural < count) {
      count = natural;
      plan.reason = FinishReason::kStop;
    }
  }
  count = std::max<std::uint32_t>(count, 1);
  plan.token_ends.reserve(count);
  plan.text.reserve(count * 5);
  openai::TextGenerator generator(seed);
  for (std::uint32_t i = 0; i < count; ++i) {
    const std::size_t before = plan.text.size();
    plan.text.append(generator.next());
    if (!request.stop.empty()) {
      const std::size_t stop_at = find_stop(plan.text, before, request.stop);
      if (stop_at != std::string::npos) {
        plan.text.resize(stop_at);
        for (auto& end : plan.token_ends) {
          end = std::min<std::uint32_t>(end, static_cast<std::uint32_t>(stop_at));
        }
        plan.token_ends.push_back(static_cast<std::uint32_t>(stop_at));
        plan.reason = FinishReason::kStop;
        return plan;
      }
    }
    plan.token_ends.push_back(static_cast<std::uint32_t>(plan.text.size()));
  }
  return plan;
}

}  // namespace sluice::sim
