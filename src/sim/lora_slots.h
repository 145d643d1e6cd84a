// LoRA adapters known to a simulated server and the GPU slots they occupy (vLLM's --max-loras).
//
// An adapter is registered by name (like vLLM's --lora-modules or /v1/load_lora_adapter) and gets a
// never-reused id. At most max_loras adapters are resident at once. Admitting a request for a
// non-resident adapter takes a free slot or evicts the least recently used resident adapter that
// has no running sequences; the engine charges Profile::lora_load_delay for each such load. If no
// slot can be freed the request is not admitted (the engine lets other requests pass it).
//
// The base model is adapter id -1 everywhere and never needs a slot.
#pragma once

#include "core/result.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace sluice::sim {

class LoraSlots {
 public:
  explicit LoraSlots(int max_loras);

  /// kInvalidArgument if the name is empty or exists, or LoRA is disabled (max_loras == 0).
  Result<int> register_adapter(std::string name);
  /// kNotFound if unknown; kUnavailable while waiting or running requests use it.
  Status unregister_adapter(std::string_view name);
  std::optional<int> id(std::string_view name) const;
  bool known(int id) const;
  /// Registered names, sorted.
  std::vector<std::string> names() const;
  /// Seed for the prefix-cache hash chain of requests for this adapter: a hash of its name, so
  /// that adapters never share cached blocks with each other or the base model, and an adapter
  /// reloaded under the same name finds its old blocks (vLLM keys block hashes by LoRA name too).
  std::uint64_t cache_seed(int id) const;

  /// Whether a request for `id` could be admitted now, and what that would cost.
  struct Plan {
    bool ok = true;
    bool load = false;  ///< the adapter must be loaded into a slot
    int evict = -1;     ///< resident adapter to evict first, or -1
  };
  Plan plan(int id) const;
  /// Commits a Plan from plan() (loads/evicts) and counts one more running sequence for `id`.
  void admit(int id, const Plan& plan, std::uint64_t tick);
  /// Counts a running sequence without slot accounting (the fixed profile ignores slots).
  void add_running(int id);
  void remove_running(int id, std::uint64_t tick);
  void add_waiting(int id);
  void remove_waiting(int id);

  /// Names of adapters with running / waiting requests, sorted (vllm:lora_requests_info).
  std::vector<std::string> running_names() const;
  std::vector<std::string> waiting_names() const;
  bool resident(int id) const;
  std::size_t resident_count() const { return resident_.size(); }
  int max_loras() const { return max_loras_; }
  /// Adapter loads into a slot since construction.
  std::uint64_t loads() const { return loads_; }

 private:
  struct Adapter {
    std::string name;
    std::uint64_t seed = 0;
    int running = 0;
    int waiting = 0;
    bool resident = false;
    std::uint64_t last_used = 0;  // engine step tick, for LRU eviction
  };
  Adapter* find(int id);
  const Adapter* find(int id) const;

  int max_loras_;
  int next_id_ = 0;
  std::uint64_t loads_ = 0;
  std::unordered_map<int, Adapter> by_id_;
  std::map<std::string, int, std::less<>> by_name_;
  std::vector<int> resident_;
};

}  // namespace sluice::sim
