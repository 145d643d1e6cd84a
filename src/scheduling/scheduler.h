// The per-worker scheduling engine: runs one Profile over an endpoint snapshot and returns a
// ranked list (primary + fallbacks). Pure: no clock, no I/O, no locks.
//
// One Scheduler per worker thread. It owns everything that changes per pick (RNG and round-robin
// state, the approximate PrefixIndex, scratch buffers reused across picks), so picking allocates
// nothing once the buffers have grown, and never takes a lock. The Profile is immutable and shared.
#pragma once

#include "core/result.h"
#include "scheduling/profile.h"

#include <functional>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

namespace sluice::scheduling {

/// The outcome of one pick. `ranked` points into the Scheduler's scratch and into the endpoint
/// span passed to pick(): valid until the next pick() on this Scheduler.
struct Decision {
  std::span<const EndpointView* const> ranked;  ///< never empty; ranked[0] is the primary
  std::uint32_t prefix_blocks_matched = 0;      ///< blocks of the prompt cached on the primary
};

/// Optional instrumentation: a clock the Scheduler reads around each plugin. An interface so the
/// core stays clock-free (tests and micro-benchmarks run without one).
class PluginClock {
 public:
  virtual ~PluginClock() = default;
  virtual std::uint64_t now_ns() = 0;
};

/// The profile's stages in execution order: each filter, "prefix-match" (the prefix-index lookup)
/// when the profile scores prefixes, each scorer, then the picker.
std::vector<std::string> stage_names(const Profile& profile);

class Scheduler {
 public:
  explicit Scheduler(std::shared_ptr<const Profile> profile, std::uint64_t seed = 0x5C4ED01EULL);

  /// Hashes a prompt with the profile's prefix settings into scratch; the span stays valid until
  /// the next hash_prompt(). Pass it as SchedulingRequest::prefix_hashes.
  std::span<const std::uint64_t> hash_prompt(std::string_view model, std::string_view text);

  /// Filters, scores and picks. kUnavailable when no endpoint survives the filters; the message
  /// names the model and the filter that removed the last candidates. When the profile scores
  /// prefixes, the primary is recorded in the PrefixIndex (see record()).
  /// `eligible`, when given, narrows `endpoints` first (an EPP's subset hint): the endpoints it
  /// rejects are never candidates, without copying the rest.
  Result<Decision> pick(const SchedulingRequest& request, std::span<const EndpointView> endpoints,
                        const std::function<bool(const EndpointView&)>* eligible = nullptr);

  /// Records that `endpoint` received `hashes` (e.g. a fallback after the primary failed).
  void record(std::uint32_t endpoint, std::span<const std::uint64_t> hashes) {
    prefix_.record(endpoint, hashes);
  }

  /// With a clock set, every pick() measures each stage into plugin_nanos(): one slot per name of
  /// plugin_names(). Null turns measuring off (the default).
  void set_plugin_clock(PluginClock* clock) { clock_ = clock; }
  /// stage_names() of the profile.
  const std::vector<std::string>& plugin_names() const { return plugin_names_; }
  /// Nanoseconds each stage took in the last pick() (0 for stages that did not run).
  std::span<const std::uint64_t> plugin_nanos() const { return plugin_nanos_; }

  PrefixIndex& prefix_index() { return prefix_; }
  const Profile& profile() const { return *profile_; }

 private:
  std::shared_ptr<const Profile> profile_;
  bool uses_prefix_;
  PickerState picker_state_;
  PrefixIndex prefix_;
  PluginClock* clock_ = nullptr;
  std::vector<std::string> plugin_names_;
  std::vector<std::uint64_t> plugin_nanos_;
  // Scratch, reused across picks.
  std::vector<std::uint64_t> hashes_;
  std::vector<const EndpointView*> candidates_;
  std::vector<std::uint32_t> prefix_match_;
  // Cold-request history for no-hit-lru-scorer: last cold pick per endpoint id.
  bool uses_cold_history_ = false;
  std::uint64_t cold_picks_ = 0;
  std::vector<std::uint64_t> cold_seq_by_id_;
  std::vector<std::uint64_t> cold_seq_;
  std::vector<double> scores_;
  std::vector<double> totals_;
  std::vector<ScoredEndpoint> scored_;
  std::vector<const EndpointView*> ranked_;
};

}  // namespace sluice::scheduling
