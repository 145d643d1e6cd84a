// Engine: request intake, abort, adapters and snapshots, shared by both modes. The batched
// scheduler is in engine_batch.cpp, the fixed profile in engine_fixed.cpp.
#include "sim/engine.h"

#include "core/hash.h"

#include <algorithm>
#include <string>

namespace sluice::sim {
namespace {

using detail::SeqState;

// Keeps a misconfigured engine memory-safe; EngineConfig::validate() is what reports the problem.
EngineConfig sanitize(EngineConfig c) {
  c.block_size = std::clamp(c.block_size, 1, 1024);
  c.max_num_seqs = std::max(c.max_num_seqs, 1);
  c.max_num_batched_tokens = std::max(c.max_num_batched_tokens, 1);
  c.num_gpu_blocks = std::max(c.num_gpu_blocks, 0);
  c.max_loras = std::max(c.max_loras, 0);
  c.max_model_len = std::max(c.max_model_len, 2);
  return c;
}

// Seed of the base model's hash chain (adapters use a hash of their name).
constexpr std::uint64_t kBaseModelSeed = 0x73696D2D62617365ULL;
// Slots keep their vectors' capacity for reuse, but not after a very long prompt.
constexpr std::size_t kMaxKeptCapacity = 4096;

}  // namespace

Engine::Engine(EngineConfig config)
    : config_(sanitize(std::move(config))),
      fixed_(config_.profile.fixed),
      blocks_(config_.num_gpu_blocks),
      lora_(config_.max_loras),
      ids_(1024) {
  if (!fixed_) {
    running_.reserve(static_cast<std::size_t>(config_.max_num_seqs));
    scheduled_.reserve(static_cast<std::size_t>(config_.max_num_seqs));
  }
}

std::uint32_t Engine::blocks_for(std::uint64_t tokens) const {
  const auto bs = static_cast<std::uint64_t>(config_.block_size);
  return static_cast<std::uint32_t>((tokens + bs - 1) / bs);
}

Status Engine::validate(const SeqRequest& r) const {
  if (r.prompt_tokens.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "the prompt is empty", "prompt");
  }
  if (r.output_tokens == 0) {
    return make_error(ErrorCode::kInvalidArgument, "max_tokens must be at least 1", "max_tokens");
  }
  const std::uint64_t total = r.prompt_tokens.size() + std::uint64_t{r.output_tokens};
  if (total > static_cast<std::uint64_t>(config_.max_model_len)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "this model's maximum context length is " +
                          std::to_string(config_.max_model_len) +
                          " tokens, but the request needs " + std::to_string(total) + " (" +
                          std::to_string(r.prompt_tokens.size()) + " prompt + " +
                          std::to_string(r.output_tokens) +
                          " output tokens); shorten the prompt or lower max_tokens",
                      "max_tokens");
  }
  // The last generated token's KV is never computed, hence total - 1.
  if (!fixed_ && blocks_for(total - 1) > static_cast<std::uint64_t>(blocks_.num_blocks())) {
    return make_error(ErrorCode::kInvalidArgument,
                      "the request needs " + std::to_string(total - 1) +
                          " KV-cache tokens but the cache holds only " +
                          std::to_string(static_cast<std::uint64_t>(blocks_.num_blocks()) *
                                         static_cast<std::uint64_t>(config_.block_size)),
                      "max_tokens");
  }
  if (!lora_.known(r.adapter)) {
    return make_error(ErrorCode::kNotFound,
                      "LoRA adapter id " + std::to_string(r.adapter) + " is not registered",
                      "model");
  }
  if (ids_.find(r.id) >= 0) {
    return make_error(ErrorCode::kInvalidArgument,
                      "request id " + std::to_string(r.id) + " is already in flight", "id");
  }
  return {};
}

Status Engine::add(SeqRequest r, TimePoint now) {
  if (Status valid = validate(r); !valid.ok()) return valid;
  if (fixed_) {
    if (running_live_ >= config_.fixed_max_in_flight) {
      return make_error(ErrorCode::kRateLimited,
                        "too many requests in flight (" + std::to_string(running_live_) + ")");
    }
  } else if (waiting_ >= config_.max_waiting) {
    return make_error(ErrorCode::kRateLimited,
                      "the waiting queue is full (" + std::to_string(waiting_) + " requests)");
  }
  const std::int32_t slot = alloc_slot();
  Seq& s = seqs_[static_cast<std::size_t>(slot)];
  s.id = r.id;
  s.reason = r.reason_at_end;
  s.adapter = r.adapter;
  s.admitted_once = false;
  s.kv_tracked = true;
  s.prompt_len = static_cast<std::uint32_t>(r.prompt_tokens.size());
  s.output_target = r.output_tokens;
  s.generated = s.computed = s.registered = s.step_tokens = 0;
  s.stats = SeqStats{};
  s.stats.prompt_tokens = s.prompt_len;
  s.stats.arrival = now;
  if (config_.enable_prefix_caching) hash_prompt(s, r.prompt_tokens);
  ids_.insert(r.id, slot);
  if (fixed_) return add_fixed(slot, now);
  s.state = SeqState::kWaiting;
  waiting_push_back(slot);
  lora_.add_waiting(s.adapter);
  if (!in_flight_ && (!wake_at_ || now < *wake_at_)) wake_at_ = now;
  return {};
}

void Engine::hash_prompt(Seq& s, const std::vector<std::uint32_t>& tokens) const {
  const auto bs = static_cast<std::size_t>(config_.block_size);
  const std::size_t full = tokens.size() / bs;
  s.hashes.clear();
  s.hashes.reserve(full);
  std::uint64_t h = s.adapter < 0 ? kBaseModelSeed : lora_.cache_seed(s.adapter);
  for (std::size_t i = 0; i < full; ++i) {
    h = hash64(tokens.data() + i * bs, bs * sizeof(std::uint32_t), h);
    s.hashes.push_back(h);
  }
}

void Engine::abort(std::uint64_t id) {
  const std::int32_t slot = ids_.find(id);
  if (slot < 0) return;
  ids_.erase(id);
  ++counters_.success_abort;
  Seq& s = seqs_[static_cast<std::size_t>(slot)];
  blocks_.release(s.blocks);
  if (s.state == SeqState::kWaiting) {
    waiting_unlink(slot);
    lora_.remove_waiting(s.adapter);
    release_slot(slot);
    return;
  }
  // Running.
  lora_.remove_running(s.adapter, tick_);
  --running_live_;
  if (fixed_) {
    release_slot(slot);  // its pending heap event goes stale with the generation bump
    return;
  }
  // The slot may be part of the step in flight: release it when the batch is compacted.
  s.state = SeqState::kAborted;
  running_dirty_ = true;
}

std::int32_t Engine::alloc_slot() {
  if (!free_slots_.empty()) {
    const std::int32_t slot = free_slots_.back();
    free_slots_.pop_back();
    return slot;
  }
  seqs_.emplace_back();
  return static_cast<std::int32_t>(seqs_.size() - 1);
}

void Engine::release_slot(std::int32_t slot) {
  Seq& s = seqs_[static_cast<std::size_t>(slot)];
  s.state = SeqState::kFree;
  ++s.generation;
  s.prev = s.next = -1;
  if (s.hashes.capacity() > kMaxKeptCapacity) std::vector<std::uint64_t>().swap(s.hashes);
  if (s.blocks.capacity() > kMaxKeptCapacity) std::vector<std::int32_t>().swap(s.blocks);
  s.hashes.clear();
  s.blocks.clear();
  free_slots_.push_back(slot);
}

void Engine::count_finish(FinishReason reason) {
  switch (reason) {
    case FinishReason::kStop:
      ++counters_.success_stop;
      break;
    case FinishReason::kLength:
      ++counters_.success_length;
      break;
    case FinishReason::kAbort:
      ++counters_.success_abort;
      break;
  }
}

void Engine::waiting_push_back(std::int32_t slot) {
  Seq& s = seqs_[static_cast<std::size_t>(slot)];
  s.prev = wait_tail_;
  s.next = -1;
  if (wait_tail_ >= 0) {
    seqs_[static_cast<std::size_t>(wait_tail_)].next = slot;
  } else {
    wait_head_ = slot;
  }
  wait_tail_ = slot;
  ++waiting_;
}

void Engine::waiting_push_front(std::int32_t slot) {
  Seq& s = seqs_[static_cast<std::size_t>(slot)];
  s.prev = -1;
  s.next = wait_head_;
  if (wait_head_ >= 0) {
    seqs_[static_cast<std::size_t>(wait_head_)].prev = slot;
  } else {
    wait_tail_ = slot;
  }
  wait_head_ = slot;
  ++waiting_;
}

void Engine::waiting_unlink(std::int32_t slot) {
  Seq& s = seqs_[static_cast<std::size_t>(slot)];
  if (s.prev >= 0) {
    seqs_[static_cast<std::size_t>(s.prev)].next = s.next;
  } else {
    wait_head_ = s.next;
  }
  if (s.next >= 0) {
    seqs_[static_cast<std::size_t>(s.next)].prev = s.prev;
  } else {
    wait_tail_ = s.prev;
  }
  s.prev = s.next = -1;
  --waiting_;
}

std::optional<TimePoint> Engine::advance(TimePoint now, EngineSink& sink, int max_steps) {
  if (in_advance_) return now;  // re-entered from a callback: not allowed, ask to be called again
  in_advance_ = true;
  std::optional<TimePoint> next =
      fixed_ ? advance_fixed(now, sink, max_steps) : advance_batched(now, sink, max_steps);
  in_advance_ = false;
  return next;
}

Result<int> Engine::register_adapter(std::string name) {
  return lora_.register_adapter(std::move(name));
}

Status Engine::unregister_adapter(std::string_view name) { return lora_.unregister_adapter(name); }

std::optional<int> Engine::adapter_id(std::string_view name) const { return lora_.id(name); }

std::vector<std::string> Engine::adapter_names() const { return lora_.names(); }

EngineState Engine::state() const {
  EngineState st;
  st.running = running_live_;
  st.waiting = waiting_;
  st.kv_cache_usage = blocks_.usage();
  st.running_adapters = lora_.running_names();
  st.waiting_adapters = lora_.waiting_names();
  return st;
}

std::size_t Engine::free_blocks() const { return static_cast<std::size_t>(blocks_.free_count()); }

}  // namespace sluice::sim
