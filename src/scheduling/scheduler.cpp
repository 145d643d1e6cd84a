#include "scheduling/scheduler.h"

#include <algorithm>

namespace sluice::scheduling {
namespace {
// Endpoint ids index the cold-pick history; pools hold at most a few thousand endpoints.
constexpr std::size_t kMaxEndpointId = 1 << 16;
}  // namespace

std::vector<std::string> stage_names(const Profile& profile) {
  std::vector<std::string> names;
  for (const ProfileFilter& f : profile.filters) {
    names.push_back(f.name);
  }
  if (profile.uses_prefix()) {
    names.emplace_back("prefix-match");
  }
  for (const ProfileScorer& s : profile.scorers) {
    names.push_back(s.name);
  }
  names.push_back(profile.picker_name);
  return names;
}

Scheduler::Scheduler(std::shared_ptr<const Profile> profile, std::uint64_t seed)
    : profile_(std::move(profile)),
      uses_prefix_(profile_->uses_prefix()),
      picker_state_{seed, 0},
      prefix_(profile_->prefix.lru_capacity),
      plugin_names_(stage_names(*profile_)),
      plugin_nanos_(plugin_names_.size(), 0),
      uses_cold_history_(profile_->uses_cold_history()) {}

std::span<const std::uint64_t> Scheduler::hash_prompt(std::string_view model,
                                                      std::string_view text) {
  if (!uses_prefix_) {
    hashes_.clear();
    return {};
  }
  prompt_block_hashes(model, text, profile_->prefix.block_chars, profile_->prefix.max_blocks,
                      hashes_);
  return hashes_;
}

Result<Decision> Scheduler::pick(const SchedulingRequest& request,
                                 std::span<const EndpointView> endpoints,
                                 const std::function<bool(const EndpointView&)>* eligible) {
  const Profile& profile = *profile_;
  // Stage timing: `lap(i)` charges the time since the previous lap to stage i.
  std::uint64_t last = 0;
  if (clock_ != nullptr) {
    std::fill(plugin_nanos_.begin(), plugin_nanos_.end(), 0);
    last = clock_->now_ns();
  }
  const auto lap = [&](std::size_t stage) {
    if (clock_ != nullptr) {
      const std::uint64_t now = clock_->now_ns();
      plugin_nanos_[stage] = now - last;
      last = now;
    }
  };
  std::size_t stage = 0;
  candidates_.clear();
  for (const EndpointView& e : endpoints) {
    if (eligible == nullptr || (*eligible)(e)) candidates_.push_back(&e);
  }
  if (candidates_.empty()) {
    return make_error(ErrorCode::kUnavailable,
                      endpoints.empty() ? "no endpoints in the pool" : "no endpoint is eligible");
  }
  for (const ProfileFilter& f : profile.filters) {
    f.filter->filter(request, candidates_);
    lap(stage++);
    if (candidates_.empty()) {
      return make_error(ErrorCode::kUnavailable, "no endpoint available for model '" +
                                                     std::string(request.model) +
                                                     "' (all removed by filter '" + f.name + "')");
    }
  }

  const std::size_t n = candidates_.size();
  CycleState state;
  state.request = &request;
  if (uses_prefix_ && !request.prefix_hashes.empty()) {
    prefix_match_.resize(n);
    prefix_.longest_matches(request.prefix_hashes, candidates_, prefix_match_);
    state.prefix_match_blocks = prefix_match_;
  }
  bool cold =
      request.prefix_hashes.empty() || prefix_match_.empty() ||
      std::all_of(prefix_match_.begin(), prefix_match_.begin() + static_cast<std::ptrdiff_t>(n),
                  [](std::uint32_t b) { return b == 0; });
  if (uses_cold_history_) {
    cold_seq_.resize(n);
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t id = candidates_[i]->id;
      cold_seq_[i] = id < cold_seq_by_id_.size() ? cold_seq_by_id_[id] : 0;
    }
    state.cold_pick_seq = cold_seq_;
  }
  if (uses_prefix_) {
    lap(stage++);
  }

  totals_.assign(n, 0.0);
  scores_.resize(n);
  for (const ProfileScorer& s : profile.scorers) {
    if (s.weight == 0.0) {
      ++stage;
      continue;
    }
    s.scorer->score(state, candidates_, scores_);
    for (std::size_t i = 0; i < n; ++i) {
      totals_[i] += s.weight * scores_[i];
    }
    lap(stage++);
  }

  scored_.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    scored_[i] = ScoredEndpoint{candidates_[i], totals_[i]};
  }
  ranked_.clear();
  profile.picker->pick(scored_, picker_state_, ranked_);
  lap(stage);
  if (ranked_.empty()) {
    return make_error(ErrorCode::kInternal, "picker '" + profile.picker_name + "' chose nothing");
  }

  if (uses_cold_history_ && cold) {
    const std::uint32_t id = ranked_.front()->id;
    if (id >= cold_seq_by_id_.size()) {
      cold_seq_by_id_.resize(std::min<std::size_t>(id + 1, kMaxEndpointId));
    }
    if (id < cold_seq_by_id_.size()) {
      cold_seq_by_id_[id] = ++cold_picks_;
    }
  }
  Decision d;
  d.ranked = ranked_;
  if (!state.prefix_match_blocks.empty()) {
    const auto it = std::find(candidates_.begin(), candidates_.end(), ranked_.front());
    d.prefix_blocks_matched = prefix_match_[static_cast<std::size_t>(it - candidates_.begin())];
    prefix_.record(ranked_.front()->id, request.prefix_hashes);
  }
  return d;
}

}  // namespace sluice::scheduling
