// The batched engine: vLLM V1-style continuous batching with chunked prefill, prefix caching,
// recompute preemption and LoRA slots. See engine.h for the semantics.
#include "sim/engine.h"

#include <algorithm>
#include <cassert>
#include <span>

namespace sluice::sim {

using detail::SeqState;

std::optional<TimePoint> Engine::advance_batched(TimePoint now, EngineSink& sink, int max_steps) {
  for (int done = 0;;) {
    if (!in_flight_) {
      if (waiting_ == 0 && running_live_ == 0) {
        wake_at_.reset();
        return std::nullopt;
      }
      // After an idle period the GPU starts when the first request arrived, even if the caller
      // advances late; never before the previous step ended.
      const TimePoint start = std::max(wake_at_.value_or(now), last_step_end_);
      if (start > now) return start;
      if (!start_step(start)) {
        // Everything waiting arrived after `start` (the caller is catching up on past steps):
        // idle until the first of them. (With nothing running, the head of the queue is always
        // admissible once it has arrived: add() rejects what can never fit.)
        if (wait_head_ < 0) return std::nullopt;
        const TimePoint first = seqs_[static_cast<std::size_t>(wait_head_)].stats.arrival;
        if (first <= start) return std::nullopt;  // unreachable; never spin
        wake_at_ = first;
        continue;
      }
    }
    if (step_end_ > now || done >= max_steps) return step_end_;
    complete_step(sink);
    ++done;
    if (running_live_ > 0 || waiting_ > 0) wake_at_ = last_step_end_;  // back to back
  }
}

bool Engine::start_step(TimePoint start) {
  wake_at_.reset();
  if (running_dirty_) compact_running();
  scheduled_.clear();
  shape_ = StepShape{};
  ++tick_;
  auto budget = static_cast<std::uint32_t>(config_.max_num_batched_tokens);
  // Like vLLM, a step that had to preempt does not admit anyone: memory is what is short.
  if (!schedule_running(budget)) admit_waiting(budget, start);
  if (scheduled_.empty()) {
    in_flight_ = false;
    return false;
  }
  step_waiting_ = waiting_;
  step_start_ = start;
  step_end_ = start + step_time(config_.profile, shape_);
  in_flight_ = true;
  return true;
}

bool Engine::schedule_running(std::uint32_t& budget) {
  bool preempted = false;
  for (std::size_t i = 0; i < running_.size() && budget > 0; ++i) {
    const std::int32_t slot = running_[i];
    Seq& s = seqs_[static_cast<std::size_t>(slot)];
    const std::uint32_t tokens = std::min(s.num_tokens() - s.computed, budget);
    const std::uint32_t have = static_cast<std::uint32_t>(s.blocks.size());
    const std::uint32_t want = blocks_for(std::uint64_t{s.computed} + tokens);
    const auto need = static_cast<std::int32_t>(want > have ? want - have : 0);
    bool preempted_self = false;
    while (need > 0 && !blocks_.allocate(need, s.blocks)) {
      // Out of blocks: the lowest-priority (most recently admitted) sequence makes room. The
      // victims are always behind `i`, so nothing already scheduled in this step is touched.
      const std::int32_t victim = running_.back();
      running_.pop_back();
      preempt(victim);
      preempted = true;
      if (victim == slot) {
        preempted_self = true;
        break;
      }
    }
    if (preempted_self) break;
    schedule(slot, tokens);
    budget -= tokens;
  }
  return preempted;
}

void Engine::admit_waiting(std::uint32_t& budget, TimePoint start) {
  const bool caching = config_.enable_prefix_caching;
  const auto bs = static_cast<std::uint32_t>(config_.block_size);
  const auto max_seqs = static_cast<std::size_t>(config_.max_num_seqs);
  std::int32_t cur = wait_head_;
  while (cur >= 0 && budget > 0 && running_live_ < max_seqs) {
    Seq& s = seqs_[static_cast<std::size_t>(cur)];
    const std::int32_t next = s.next;
    // Causality when advance() runs late: a request cannot join a step that started before it
    // arrived. Arrivals are in queue order, so nothing behind it arrived earlier.
    if (s.stats.arrival > start) break;
    const LoraSlots::Plan plan = lora_.plan(s.adapter);
    if (!plan.ok) {  // no slot for its adapter: let later requests pass (vLLM does the same)
      cur = next;
      continue;
    }
    const std::uint32_t total = s.num_tokens();
    prefix_scratch_.clear();
    std::int32_t free_hits = 0;
    if (caching) {
      // At least the last token is computed, so that there are logits to sample from.
      const std::size_t max_blocks = std::min<std::size_t>(s.hashes.size(), (total - 1) / bs);
      free_hits = blocks_.match_prefix(std::span(s.hashes.data(), max_blocks), prefix_scratch_);
    }
    const auto hit_tokens = static_cast<std::uint32_t>(prefix_scratch_.size()) * bs;
    const std::uint32_t tokens = std::min(total - hit_tokens, budget);
    const auto need = static_cast<std::int32_t>(blocks_for(std::uint64_t{hit_tokens} + tokens) -
                                                prefix_scratch_.size());
    if (need + free_hits > blocks_.free_count()) break;  // FCFS: wait for memory
    blocks_.acquire(prefix_scratch_, s.blocks);
    [[maybe_unused]] const bool allocated = blocks_.allocate(need, s.blocks);
    assert(allocated);
    s.computed = hit_tokens;
    s.registered = static_cast<std::uint32_t>(prefix_scratch_.size());
    if (!s.admitted_once) {
      s.admitted_once = true;
      s.stats.first_scheduled = start;
      s.stats.cached_prompt_tokens = hit_tokens;
      if (caching) {
        counters_.prefix_cache_queries += s.prompt_len;
        counters_.prefix_cache_hits += hit_tokens;
      }
    }
    s.stats.last_scheduled = start;
    lora_.remove_waiting(s.adapter);
    lora_.admit(s.adapter, plan, tick_);
    if (plan.load) ++shape_.lora_loads;
    waiting_unlink(cur);
    s.state = SeqState::kRunning;
    running_.push_back(cur);
    ++running_live_;
    schedule(cur, tokens);
    budget -= tokens;
    cur = next;
  }
}

void Engine::schedule(std::int32_t slot, std::uint32_t tokens) {
  Seq& s = seqs_[static_cast<std::size_t>(slot)];
  s.step_tokens = tokens;
  scheduled_.push_back(slot);
  const std::uint64_t context = std::uint64_t{s.computed} + tokens;
  if (s.generated > 0 && tokens == 1 && context == s.num_tokens()) {
    ++shape_.decode_seqs;
    shape_.decode_kv_tokens += context;
  } else {
    shape_.prefill_tokens += tokens;
    shape_.prefill_token_pairs += std::uint64_t{tokens} * context;
  }
}

void Engine::preempt(std::int32_t slot) {
  Seq& s = seqs_[static_cast<std::size_t>(slot)];
  blocks_.release(s.blocks);
  s.computed = 0;
  s.registered = 0;
  s.step_tokens = 0;
  s.state = SeqState::kWaiting;
  ++s.stats.preemptions;
  ++counters_.preemptions;
  --running_live_;
  lora_.remove_running(s.adapter, tick_);
  lora_.add_waiting(s.adapter);
  waiting_push_front(slot);
}

void Engine::complete_step(EngineSink& sink) {
  const TimePoint at = step_end_;
  last_step_end_ = at;
  ++counters_.steps;
  const StepInfo info{step_start_, at, shape_, running_live_, step_waiting_};
  const bool caching = config_.enable_prefix_caching;
  const auto bs = std::uint64_t{static_cast<std::uint32_t>(config_.block_size)};
  // Indexing (not iterators): callbacks may add() or abort(), which never touch scheduled_.
  for (std::size_t i = 0; i < scheduled_.size(); ++i) {
    const std::int32_t slot = scheduled_[i];
    Seq& s = seqs_[static_cast<std::size_t>(slot)];
    if (s.state != SeqState::kRunning) continue;  // aborted during the step
    s.computed += s.step_tokens;
    s.step_tokens = 0;
    if (caching) {
      // Full prompt blocks computed by this step become findable by later requests.
      while (s.registered < s.hashes.size() && (s.registered + 1) * bs <= s.computed) {
        blocks_.register_hash(s.blocks[s.registered], s.hashes[s.registered]);
        ++s.registered;
      }
    }
    if (s.computed == s.num_tokens()) emit_token(slot, at, sink);
  }
  in_flight_ = false;
  compact_running();
  sink.on_step(info);
}

void Engine::emit_token(std::int32_t slot, TimePoint at, EngineSink& sink) {
  Seq& s = seqs_[static_cast<std::size_t>(slot)];
  ++s.generated;
  ++counters_.generation_tokens;
  if (s.generated == 1) {
    s.stats.first_token = at;
    counters_.prompt_tokens += s.prompt_len;
  }
  s.stats.last_token = at;
  s.stats.output_tokens = s.generated;
  const std::uint64_t id = s.id;
  if (s.generated < s.output_target) {
    sink.on_tokens(id, 1, at);
    return;
  }
  s.stats.finished = at;
  s.state = SeqState::kDone;
  running_dirty_ = true;
  --running_live_;
  blocks_.release(s.blocks);
  lora_.remove_running(s.adapter, tick_);
  ids_.erase(id);
  count_finish(s.reason);
  // Copies: the callbacks may add() a request that reuses memory (never this slot, which is
  // released by compact_running(), but keep the callbacks independent of engine internals).
  const SeqStats stats = s.stats;
  const FinishReason reason = s.reason;
  sink.on_tokens(id, 1, at);
  sink.on_finished(id, reason, stats);
}

void Engine::compact_running() {
  std::size_t kept = 0;
  for (const std::int32_t slot : running_) {
    const SeqState st = seqs_[static_cast<std::size_t>(slot)].state;
    if (st == SeqState::kRunning) {
      running_[kept++] = slot;
    } else {
      release_slot(slot);  // kDone or kAborted
    }
  }
  running_.resize(kept);
  running_dirty_ = false;
}

}  // namespace sluice::sim
