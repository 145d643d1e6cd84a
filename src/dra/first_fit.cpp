// Upstream-style depth-first first fit: requests in order, and for each device slot every free
// device in index order (so the same set is reached in every order: permutations, as before
// Kubernetes 1.36), constraints and counters checked as devices are added, first solution wins.
#include "dra/first_fit.h"

#include <algorithm>

namespace sluice::dra {
namespace {

class FirstFit {
 public:
  explicit FirstFit(const SolverProblem& p) : p_(p) {}

  SolverResult run() {
    chosen_.resize(p_.requests.size());
    bound_.assign(p_.constraints.size(), kMissingValue);
    uses_.assign(p_.constraints.size(), 0);
    for (std::size_t r = 0; r < p_.requests.size(); ++r) {
      const SolverRequest& req = p_.requests[r];
      if (!req.all) continue;
      for (std::uint32_t d : req.candidates) {
        if (in_use(d) && !req.admin_access) return infeasible("allocationMode All: device in use");
      }
      if (req.candidates.empty()) return infeasible("allocationMode All matches no device");
    }
    const bool found = slot(0, 0);
    SolverResult result;
    result.steps = steps_;
    if (found) {
      result.outcome = SolverResult::Outcome::kAllocated;
      result.devices = chosen_;
      for (auto& devices : result.devices) std::sort(devices.begin(), devices.end());
      result.score = score(result.devices);
    } else if (steps_ >= p_.hard_limit) {
      result.outcome = SolverResult::Outcome::kGaveUp;
      result.reason = "search limit of " + std::to_string(p_.hard_limit) + " steps reached";
    } else {
      result.outcome = SolverResult::Outcome::kInfeasible;
      result.reason = "no allocation found";
    }
    return result;
  }

  /// The solver's score of an allocation (distinct keys per topology level, newly used parents).
  SolverScore score(const std::vector<std::vector<std::uint32_t>>& devices) const {
    const std::size_t levels = p_.topology.empty() ? 0 : p_.topology.front().size();
    if (levels == 0 || p_.topology.size() < p_.device_count) return {};
    SolverScore s(levels + 1, 0);
    for (std::size_t level = 0; level < levels; ++level) {
      std::vector<std::uint32_t> keys;
      for (const auto& request : devices) {
        for (std::uint32_t d : request) keys.push_back(p_.topology[d][level]);
      }
      std::sort(keys.begin(), keys.end());
      keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
      s[level] = static_cast<std::uint32_t>(keys.size());
      if (level + 1 == levels) {
        for (std::uint32_t key : keys) {
          bool touched = false;
          for (std::uint32_t d = 0; d < p_.device_count; ++d) {
            touched = touched || (in_use(d) && p_.topology[d][level] == key);
          }
          s[levels] += touched ? 0 : 1;
        }
      }
    }
    return s;
  }

 private:
  bool in_use(std::uint32_t d) const { return d < p_.in_use.size() && p_.in_use[d]; }

  SolverResult infeasible(std::string reason) const {
    SolverResult r;
    r.reason = std::move(reason);
    return r;
  }

  std::uint32_t need(std::size_t r) const {
    const SolverRequest& req = p_.requests[r];
    return req.all ? static_cast<std::uint32_t>(req.candidates.size()) : req.count;
  }

  bool fits(std::size_t r, std::uint32_t d) const {
    if (std::find(taken_.begin(), taken_.end(), d) != taken_.end()) return false;
    if (in_use(d) && !p_.requests[r].admin_access) return false;
    for (std::size_t c = 0; c < p_.constraints.size(); ++c) {
      const SolverConstraint& con = p_.constraints[c];
      if (std::find(con.requests.begin(), con.requests.end(), r) == con.requests.end()) continue;
      const std::uint32_t v =
          d < con.value_of_device.size() ? con.value_of_device[d] : kMissingValue;
      if (v == kMissingValue) return false;
      if (con.distinct) {
        for (std::size_t q = 0; q < chosen_.size(); ++q) {
          if (std::find(con.requests.begin(), con.requests.end(), q) == con.requests.end())
            continue;
          for (std::uint32_t e : chosen_[q]) {
            if (con.value_of_device[e] == v) return false;
          }
        }
      } else if (bound_[c] != kMissingValue && bound_[c] != v) {
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

  void apply(std::size_t r, std::uint32_t d, bool undo) {
    if (undo) {
      taken_.pop_back();
      chosen_[r].pop_back();
    } else {
      taken_.push_back(d);
      chosen_[r].push_back(d);
    }
    for (std::size_t c = 0; c < p_.constraints.size(); ++c) {
      const SolverConstraint& con = p_.constraints[c];
      if (con.distinct ||
          std::find(con.requests.begin(), con.requests.end(), r) == con.requests.end()) {
        continue;
      }
      if (!undo && uses_[c]++ == 0) bound_[c] = con.value_of_device[d];
      if (undo && --uses_[c] == 0) bound_[c] = kMissingValue;
    }
    if (d < p_.consumes.size()) {
      for (const CounterUse& use : p_.consumes[d]) {
        counters_[use.counter] += undo ? use.amount : -use.amount;
      }
    }
  }

  /// Device slot `index` of request `r`: try every device, recurse, first success wins.
  bool slot(std::size_t r, std::uint32_t index) {
    if (r == p_.requests.size()) return true;
    if (index == need(r)) return slot(r + 1, 0);
    const SolverRequest& req = p_.requests[r];
    std::vector<std::uint32_t> candidates = req.candidates;
    std::sort(candidates.begin(), candidates.end());
    for (std::uint32_t d : candidates) {
      if (steps_ >= p_.hard_limit) return false;
      if (d >= p_.device_count || !fits(r, d)) continue;
      ++steps_;
      apply(r, d, false);
      if (slot(r, index + 1)) return true;
      apply(r, d, true);
    }
    return false;
  }

  const SolverProblem& p_;
  std::vector<std::vector<std::uint32_t>> chosen_;
  std::vector<std::uint32_t> taken_;
  std::vector<std::uint32_t> bound_;
  std::vector<std::uint32_t> uses_;
  std::vector<std::int64_t> counters_ = p_.counter_available;
  std::uint64_t steps_ = 0;
};

}  // namespace

SolverResult first_fit(const SolverProblem& problem) { return FirstFit(problem).run(); }

}  // namespace sluice::dra
