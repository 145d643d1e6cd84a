// The simulated vLLM engine: a synchronous, clock-injected model of one model server's GPU. No
// sockets and no threads: the caller passes `now` and gets callbacks; the HTTP front
// (src/sim/server/) drives it with the real clock, tests drive it by hand. Token ids only.
//
// Batched profiles (vLLM V1 scheduler, recompute preemption):
// - Each step first schedules running sequences in admission order: one decode token each, or the
//   next chunk of an unfinished prefill. Then, unless that preempted anything, it admits waiting
//   requests first come first served while running < max_num_seqs and the step's token budget
//   (max_num_batched_tokens) lasts; a long prompt is prefilled in chunks over several steps.
// - A sequence's first token is produced at the end of the step that completes its prefill, then
//   one token per step. A step's duration is step_time() of what it computes (step_model.h), so
//   ITL grows with batch size and context, and TTFT includes queueing and chunking.
// - KV cache: num_gpu_blocks blocks of block_size tokens (block_pool.h); a sequence holds
//   ceil(computed tokens / block_size) blocks. Automatic prefix caching: full prompt blocks are
//   hashed as a chain (hash64 of the block's token ids seeded with the parent's hash; the first
//   block is seeded by the LoRA adapter). On admission the longest cached chain is reused, except
//   that the last prompt token is always computed. prefix_cache_queries/hits count prompt tokens
//   once per request, at its first admission.
// - Preemption: when a running sequence needs a block and none is free, the most recently admitted
//   running sequence is preempted (blocks freed, back to the FRONT of the waiting queue) and later
//   recomputes prompt + generated tokens, possibly hitting its own cached blocks.
// - LoRA (lora_slots.h): at most max_loras adapters resident; a request whose adapter cannot get a
//   slot waits while later requests for resident adapters (or the base model) pass it. Each load
//   adds lora_load_delay to the step.
// - Finishing frees the blocks (hashed ones stay cached in LRU order until evicted).
//
// Fixed profile: every request is admitted at once; first token at arrival + fixed_ttft, then one
// every fixed_itl (tokens at the same instant are reported together). KV blocks are allocated and
// prefix-cached while available, for the metrics only: they never delay or preempt anything.
//
// Bounded memory: waiting <= max_waiting (+ preempted sequences), running <= max_num_seqs,
// in-flight fixed-profile requests <= fixed_max_in_flight. Steady-state advance() does not
// allocate; its cost is O(running sequences) per step.
#pragma once

#include "core/clock.h"
#include "core/result.h"
#include "sim/block_pool.h"
#include "sim/engine_config.h"
#include "sim/engine_types.h"
#include "sim/index_map.h"
#include "sim/lora_slots.h"
#include "sim/sequence.h"

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::sim {

class Engine {
 public:
  /// The config should pass EngineConfig::validate(); out-of-range values are clamped to keep the
  /// engine safe, and requests that could never fit are rejected by add().
  explicit Engine(EngineConfig config);
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  const EngineConfig& config() const { return config_; }

  /// Queues a request (arrival = now). Errors:
  /// - kInvalidArgument: empty prompt, output_tokens == 0, prompt + output > max_model_len, the
  ///   sequence can never fit in the KV cache, or the id is already live;
  /// - kNotFound: the adapter id is not registered;
  /// - kRateLimited: the waiting queue is full (fixed profile: fixed_max_in_flight reached).
  Status add(SeqRequest request, TimePoint now);

  /// The client went away: frees the sequence's blocks at once. on_finished is NOT called; the
  /// request counts in success_abort (vLLM's request_success_total{finished_reason="abort"}).
  /// Unknown or finished ids are ignored.
  void abort(std::uint64_t id);

  /// Advances simulated time to `now`: completes every step ending at or before `now` (emitting
  /// on_tokens / on_finished / on_step for each), starting the next step back to back when there is
  /// work, for at most max_steps steps. A step after an idle period starts when the first request
  /// arrived (add()'s time), not when advance() is called. Returns when the engine next needs
  /// advance() (the end of the step in flight), or nullopt when idle. A returned time <= now means
  /// "call again soon" (max_steps reached, e.g. zero-duration steps): yield to I/O first.
  std::optional<TimePoint> advance(TimePoint now, EngineSink& sink, int max_steps = 64);

  /// LoRA adapters known to the server (like vLLM's loaded adapters); the GPU slots (max_loras)
  /// are managed inside. register: kInvalidArgument if the name exists or LoRA is disabled.
  Result<int> register_adapter(std::string name);
  /// kNotFound if unknown; kUnavailable while requests use it.
  Status unregister_adapter(std::string_view name);
  std::optional<int> adapter_id(std::string_view name) const;
  std::vector<std::string> adapter_names() const;

  const EngineCounters& counters() const { return counters_; }
  EngineState state() const;
  /// Free KV blocks (refcount 0, cached or not): they return after finish/abort.
  std::size_t free_blocks() const;
  /// Blocks findable by prefix hash (tests and debugging).
  std::size_t cached_blocks() const { return blocks_.cached_count(); }
  /// Cached blocks evicted to make room so far.
  std::uint64_t cache_evictions() const { return blocks_.evictions(); }
  /// Adapter loads into GPU slots so far.
  std::uint64_t lora_loads() const { return lora_.loads(); }

 private:
  using Seq = detail::Seq;

  Status validate(const SeqRequest& request) const;
  std::int32_t alloc_slot();
  void release_slot(std::int32_t slot);
  void hash_prompt(Seq& seq, const std::vector<std::uint32_t>& tokens) const;
  std::uint32_t blocks_for(std::uint64_t tokens) const;
  void count_finish(FinishReason reason);

  void waiting_push_back(std::int32_t slot);
  void waiting_push_front(std::int32_t slot);
  void waiting_unlink(std::int32_t slot);

  // Batched profiles (engine_batch.cpp).
  std::optional<TimePoint> advance_batched(TimePoint now, EngineSink& sink, int max_steps);
  bool start_step(TimePoint start);
  bool schedule_running(std::uint32_t& budget);
  void admit_waiting(std::uint32_t& budget, TimePoint start);
  void schedule(std::int32_t slot, std::uint32_t tokens);
  void preempt(std::int32_t slot);
  void complete_step(EngineSink& sink);
  void emit_token(std::int32_t slot, TimePoint at, EngineSink& sink);
  void compact_running();

  // Fixed profile (engine_fixed.cpp).
  Status add_fixed(std::int32_t slot, TimePoint now);
  std::optional<TimePoint> advance_fixed(TimePoint now, EngineSink& sink, int max_steps);
  void fixed_emit(std::int32_t slot, TimePoint at, TimePoint now, EngineSink& sink);
  void push_event(TimePoint at, std::int32_t slot);

  EngineConfig config_;
  bool fixed_;
  BlockPool blocks_;
  LoraSlots lora_;
  EngineCounters counters_;

  std::deque<Seq> seqs_;  // deque: references stay valid when add() grows it from a callback
  std::vector<std::int32_t> free_slots_;
  IndexMap ids_;  // request id -> slot, for live requests

  std::int32_t wait_head_ = -1, wait_tail_ = -1;
  std::size_t waiting_ = 0;
  std::vector<std::int32_t> running_;  // admission order; may hold kDone/kAborted until compacted
  std::size_t running_live_ = 0;
  bool running_dirty_ = false;

  // The step in flight.
  bool in_flight_ = false;
  bool in_advance_ = false;
  TimePoint step_start_{}, step_end_{}, last_step_end_{};
  std::optional<TimePoint> wake_at_;  // first add() while idle
  StepShape shape_;
  std::size_t step_waiting_ = 0;
  std::uint64_t tick_ = 0;
  std::vector<std::int32_t> scheduled_;
  std::vector<std::int32_t> prefix_scratch_;

  // Fixed profile: min-heap of next token events.
  struct Event {
    TimePoint at;
    std::uint64_t order;  // FIFO among equal times, for determinism
    std::int32_t slot;
    std::uint32_t generation;
  };
  std::vector<Event> events_;
  std::uint64_t event_order_ = 0;
};

}  // namespace sluice::sim
