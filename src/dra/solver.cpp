// Branch-and-bound over combinations: counting bounds first, then a depth-first search that picks
// each request's devices in a topology-friendly order, binds matchAttribute values on the first
// device, tracks counters, and drops branches whose partial score cannot beat the best so far.
#include "dra/solver.h"

#include <algorithm>
#include <numeric>
#include <utility>

namespace sluice::dra {
namespace {

std::uint32_t max_plus_one(const std::vector<std::uint32_t>& values) {
  std::uint32_t top = 0;
  for (std::uint32_t v : values) {
    if (v != kMissingValue) top = std::max(top, v + 1);
  }
  return top;
}

class Search {
 public:
  explicit Search(const SolverProblem& p) : p_(p) {}

  SolverResult run() {
    if (!prepare()) return std::move(result_);
    std::vector<std::vector<std::uint32_t>> chosen(p_.requests.size());
    chosen_ = &chosen;
    pick(0, 0, need_[0]);
    if (found_) {
      result_.outcome = SolverResult::Outcome::kAllocated;
      result_.devices = std::move(best_devices_);
      result_.devices.resize(p_.requests.size());
      for (auto& devices : result_.devices) std::sort(devices.begin(), devices.end());
      result_.score = best_score_;
    } else if (gave_up_) {
      result_.outcome = SolverResult::Outcome::kGaveUp;
      result_.reason = "search limit of " + std::to_string(p_.hard_limit) + " steps reached";
    } else {
      result_.outcome = SolverResult::Outcome::kInfeasible;
      result_.reason = "no combination of candidates satisfies the constraints and counters";
    }
    result_.steps = steps_;
    return std::move(result_);
  }

 private:
  /// How messages name item `i` of a kind: its label, or `prefix` and the index.
  std::string label(std::vector<std::string> SolverLabels::*kind, const char* prefix,
                    std::size_t i) const {
    if (p_.labels != nullptr && i < (p_.labels->*kind).size()) return (p_.labels->*kind)[i];
    return prefix + std::to_string(i);
  }

  bool in_use(std::uint32_t d) const { return d < p_.in_use.size() && p_.in_use[d]; }

  bool infeasible(std::string reason) {
    result_.outcome = SolverResult::Outcome::kInfeasible;
    result_.reason = std::move(reason);
    return false;
  }

  /// Candidate lists, counts, constraint tables and the counting bounds. False when a bound
  /// already proves the problem infeasible.
  bool prepare() {
    const std::size_t n = p_.device_count;
    levels_ = p_.topology.empty() ? 0 : p_.topology.front().size();
    for (const auto& keys : p_.topology) {
      if (p_.topology.size() < n || keys.size() != levels_) levels_ = 0;  // malformed: ignore
    }
    free_.resize(p_.requests.size());
    need_.resize(p_.requests.size() + 1, 0);
    std::uint64_t total_need = 0;
    std::vector<bool> any_free(n, false);
    for (std::size_t r = 0; r < p_.requests.size(); ++r) {
      const SolverRequest& req = p_.requests[r];
      std::vector<std::uint32_t>& free = free_[r];
      std::size_t busy = 0;
      for (std::uint32_t d : req.candidates) {
        if (d >= n) continue;
        if (in_use(d) && !req.admin_access) {
          ++busy;
          continue;
        }
        free.push_back(d);
      }
      std::sort(free.begin(), free.end());
      free.erase(std::unique(free.begin(), free.end()), free.end());
      auto name = [&] {
        const auto* names = p_.labels != nullptr ? &p_.labels->requests : nullptr;
        return names != nullptr && r < names->size() ? "request " + *(*names)[r]
                                                     : "request " + std::to_string(r);
      };
      if (req.all) {
        if (req.candidates.empty())
          return infeasible(name() + ": allocationMode All matches no device");
        if (busy > 0) {
          return infeasible(name() + ": allocationMode All, but " + std::to_string(busy) +
                            " matching devices are in use");
        }
        need_[r] = static_cast<std::uint32_t>(free.size());
      } else {
        need_[r] = req.count;
      }
      if (free.size() < need_[r]) {
        return infeasible(name() + ": " + std::to_string(free.size()) + " free candidates, needs " +
                          std::to_string(need_[r]));
      }
      total_need += need_[r];
      for (std::uint32_t d : free) any_free[d] = true;
    }
    const auto pool =
        static_cast<std::uint64_t>(std::count(any_free.begin(), any_free.end(), true));
    if (pool < total_need) {
      return infeasible("the requests need " + std::to_string(total_need) + " devices, only " +
                        std::to_string(pool) + " distinct candidates are free");
    }
    if (!check_counters()) return false;
    constraints_of_.resize(p_.requests.size());
    bound_.assign(p_.constraints.size(), kMissingValue);
    bound_uses_.assign(p_.constraints.size(), 0);
    feasible_value_.resize(p_.constraints.size());
    value_used_.resize(p_.constraints.size());
    for (std::size_t c = 0; c < p_.constraints.size(); ++c) {
      const SolverConstraint& con = p_.constraints[c];
      for (std::uint32_t r : con.requests) {
        if (r < p_.requests.size()) constraints_of_[r].push_back(static_cast<std::uint32_t>(c));
      }
      if (!check_constraint(c)) return false;
    }
    prepare_topology();
    order_candidates();
    return true;
  }

  /// Each request takes at least its count times the cheapest use of a counter among its
  /// candidates (a candidate that does not use the counter costs 0).
  bool check_counters() {
    std::vector<std::int64_t> least(p_.counter_available.size(), 0);
    for (std::size_t r = 0; r < p_.requests.size(); ++r) {
      for (std::size_t k = 0; k < least.size(); ++k) {
        std::int64_t cheapest = -1;
        for (std::uint32_t d : free_[r]) {
          std::int64_t amount = 0;
          if (d < p_.consumes.size()) {
            for (const CounterUse& use : p_.consumes[d]) {
              if (use.counter == k) amount += use.amount;
            }
          }
          cheapest = cheapest < 0 ? amount : std::min(cheapest, amount);
        }
        least[k] += std::max<std::int64_t>(cheapest, 0) * need_[r];
      }
    }
    for (std::size_t k = 0; k < least.size(); ++k) {
      if (least[k] > p_.counter_available[k]) {
        return infeasible(label(&SolverLabels::counters, "counter ", k) +
                          ": the requests need at least " + std::to_string(least[k]) + ", " +
                          std::to_string(p_.counter_available[k]) + " is available");
      }
    }
    return true;
  }

  std::uint32_t value(std::size_t c, std::uint32_t d) const {
    const auto& values = p_.constraints[c].value_of_device;
    return d < values.size() ? values[d] : kMissingValue;
  }

  /// matchAttribute: the values with enough devices for every request the constraint binds.
  /// distinctAttribute: enough distinct values overall.
  bool check_constraint(std::size_t c) {
    const SolverConstraint& con = p_.constraints[c];
    const std::uint32_t values = max_plus_one(con.value_of_device);
    auto name = [&] {
      return label(&SolverLabels::constraints,
                   con.distinct ? "distinctAttribute constraint " : "matchAttribute constraint ",
                   c);
    };
    std::uint64_t total_need = 0;
    for (std::uint32_t r : con.requests) total_need += r < need_.size() ? need_[r] : 0;
    if (total_need == 0) return true;  // binds no device
    if (con.distinct) {
      value_used_[c].assign(values, false);
      std::vector<bool> seen(values, false);
      for (std::uint32_t r : con.requests) {
        for (std::uint32_t d : free_[r]) {
          if (value(c, d) != kMissingValue) seen[value(c, d)] = true;
        }
      }
      const auto distinct = static_cast<std::uint64_t>(std::count(seen.begin(), seen.end(), true));
      if (distinct < total_need) {
        return infeasible(name() + ": " + std::to_string(total_need) +
                          " devices need distinct values, " + std::to_string(distinct) +
                          " values exist among the candidates");
      }
      return true;
    }
    // Per value: devices per request, and distinct devices over the constraint's requests.
    std::vector<bool>& ok = feasible_value_[c];
    ok.assign(values, true);
    std::vector<std::uint32_t> per_value(values);
    for (std::uint32_t r : con.requests) {
      std::fill(per_value.begin(), per_value.end(), 0);
      for (std::uint32_t d : free_[r]) {
        if (value(c, d) != kMissingValue) ++per_value[value(c, d)];
      }
      for (std::uint32_t v = 0; v < values; ++v) ok[v] = ok[v] && per_value[v] >= need_[r];
    }
    std::vector<bool> counted(p_.device_count, false);
    std::fill(per_value.begin(), per_value.end(), 0);
    for (std::uint32_t r : con.requests) {
      for (std::uint32_t d : free_[r]) {
        if (value(c, d) == kMissingValue || counted[d]) continue;
        counted[d] = true;
        ++per_value[value(c, d)];
      }
    }
    std::uint32_t best = 0;
    bool any = false;
    for (std::uint32_t v = 0; v < values; ++v) {
      ok[v] = ok[v] && per_value[v] >= total_need;
      any = any || ok[v];
      best = std::max(best, per_value[v]);
    }
    if (!any) {
      return infeasible(name() + ": no single value has enough devices (needs " +
                        std::to_string(total_need) + ", the largest group has " +
                        std::to_string(best) + ")");
    }
    return true;
  }

  void prepare_topology() {
    if (levels_ == 0) return;
    key_counts_.resize(levels_);
    distinct_.assign(levels_ + 1, 0);
    for (std::size_t level = 0; level < levels_; ++level) {
      std::uint32_t top = 0;
      for (const auto& keys : p_.topology) top = std::max(top, keys[level] + 1);
      key_counts_[level].assign(top, 0);
    }
    // Parents (the narrowest level) that devices in use already touch.
    touched_before_.assign(key_counts_[levels_ - 1].size(), false);
    for (std::uint32_t d = 0; d < p_.device_count && d < p_.topology.size(); ++d) {
      if (in_use(d)) touched_before_[p_.topology[d][levels_ - 1]] = true;
    }
  }

  /// Topology-compact orders find good solutions first, so the bound prunes early: devices sorted
  /// by their keys from the widest level down, parents already in use first within a group.
  void order_candidates() {
    if (levels_ == 0) return;
    for (auto& free : free_) {
      std::stable_sort(free.begin(), free.end(), [this](std::uint32_t a, std::uint32_t b) {
        const auto& ka = p_.topology[a];
        const auto& kb = p_.topology[b];
        for (std::size_t level = 0; level + 1 < levels_; ++level) {
          if (ka[level] != kb[level]) return ka[level] < kb[level];
        }
        const bool ta = touched_before_[ka[levels_ - 1]];
        const bool tb = touched_before_[kb[levels_ - 1]];
        if (ta != tb) return ta;
        return ka[levels_ - 1] < kb[levels_ - 1];
      });
    }
  }

  bool compatible(std::uint32_t r, std::uint32_t d) const {
    for (std::uint32_t c : constraints_of_[r]) {
      const std::uint32_t v = value(c, d);
      if (v == kMissingValue) return false;
      if (p_.constraints[c].distinct) {
        if (value_used_[c][v]) return false;
      } else if (bound_[c] == kMissingValue ? !feasible_value_[c][v] : bound_[c] != v) {
        return false;
      }
    }
    if (d < p_.consumes.size()) {
      for (const CounterUse& use : p_.consumes[d]) {
        if (use.counter >= counters_.size() || counters_[use.counter] < use.amount) return false;
      }
    }
    return true;
  }

  void take(std::uint32_t r, std::uint32_t d, bool undo) {
    used_[d] = !undo;
    for (std::uint32_t c : constraints_of_[r]) {
      const std::uint32_t v = value(c, d);
      if (p_.constraints[c].distinct) {
        value_used_[c][v] = !undo;
      } else if (!undo) {
        bound_[c] = v;
        ++bound_uses_[c];
      } else if (--bound_uses_[c] == 0) {
        bound_[c] = kMissingValue;
      }
    }
    if (d < p_.consumes.size()) {
      for (const CounterUse& use : p_.consumes[d]) {
        counters_[use.counter] += undo ? use.amount : -use.amount;
      }
    }
    if (levels_ > 0) {
      for (std::size_t level = 0; level < levels_; ++level) {
        std::uint32_t& count = key_counts_[level][p_.topology[d][level]];
        if (undo ? --count == 0 : count++ == 0) {
          const bool newly_touched =
              level == levels_ - 1 && !touched_before_[p_.topology[d][level]];
          if (undo) {
            --distinct_[level];
            if (newly_touched) --distinct_[levels_];
          } else {
            ++distinct_[level];
            if (newly_touched) ++distinct_[levels_];
          }
        }
      }
    }
  }

  bool stop() const {
    if (steps_ >= p_.hard_limit) return true;
    return found_ && steps_ >= found_at_ + p_.improve_budget;
  }

  /// A branch whose partial score already reaches the best cannot improve on it: scores only
  /// grow as devices are added.
  bool cannot_improve() const { return found_ && !(distinct_ < best_score_); }

  void pick(std::uint32_t r, std::size_t from, std::uint32_t need) {
    if (need == 0) {
      if (r + 1 == p_.requests.size() || p_.requests.empty()) {
        record();
        return;
      }
      pick(r + 1, 0, need_[r + 1]);
      return;
    }
    const std::vector<std::uint32_t>& free = free_[r];
    for (std::size_t i = from; i + need <= free.size(); ++i) {
      if (stop()) {
        gave_up_ = gave_up_ || (!found_ && steps_ >= p_.hard_limit);
        return;
      }
      const std::uint32_t d = free[i];
      if (used_[d] || !compatible(r, d)) continue;
      ++steps_;
      take(r, d, false);
      (*chosen_)[r].push_back(d);
      if (!cannot_improve()) pick(r, i + 1, need - 1);
      (*chosen_)[r].pop_back();
      take(r, d, true);
    }
  }

  void record() {
    if (found_ && !(distinct_ < best_score_)) return;
    found_ = true;
    found_at_ = steps_;
    best_score_ = distinct_;
    best_devices_ = *chosen_;
  }

  const SolverProblem& p_;
  SolverResult result_;
  std::size_t levels_ = 0;
  std::vector<std::vector<std::uint32_t>> free_;  // per request, in search order
  std::vector<std::uint32_t> need_;               // per request (+1 sentinel)
  std::vector<std::vector<std::uint32_t>> constraints_of_;
  std::vector<std::uint32_t> bound_;       // per match constraint: its value, or kMissingValue
  std::vector<std::uint32_t> bound_uses_;  // devices holding the binding
  std::vector<std::vector<bool>> feasible_value_;
  std::vector<std::vector<bool>> value_used_;  // per distinct constraint
  std::vector<std::vector<std::uint32_t>> key_counts_;
  std::vector<bool> touched_before_;
  SolverScore distinct_;  // the partial score
  std::vector<bool> used_ = std::vector<bool>(p_.device_count, false);
  std::vector<std::int64_t> counters_ = p_.counter_available;
  std::vector<std::vector<std::uint32_t>>* chosen_ = nullptr;
  std::vector<std::vector<std::uint32_t>> best_devices_;
  SolverScore best_score_;
  bool found_ = false;
  bool gave_up_ = false;
  std::uint64_t found_at_ = 0;
  std::uint64_t steps_ = 0;
};

}  // namespace

SolverResult solve(const SolverProblem& problem) { return Search(problem).run(); }

}  // namespace sluice::dra
