// The fixed profile: constant TTFT and ITL per request, driven by a min-heap of token events.
// Nothing waits and nothing is batched; the KV cache is only bookkeeping for the metrics.
#include "sim/engine.h"

#include <algorithm>
#include <span>

namespace sluice::sim {

using detail::SeqState;

namespace {
// Min-heap order on (time, insertion order) for std::push_heap/pop_heap.
template <typename E>
bool later(const E& a, const E& b) {
  return a.at > b.at || (a.at == b.at && a.order > b.order);
}
}  // namespace

Status Engine::add_fixed(std::int32_t slot, TimePoint now) {
  Seq& s = seqs_[static_cast<std::size_t>(slot)];
  s.state = SeqState::kRunning;
  s.admitted_once = true;
  s.stats.first_scheduled = now;
  s.stats.last_scheduled = now;
  ++running_live_;
  lora_.add_running(s.adapter);

  // Hold the prompt's blocks when they are available, so that usage and prefix-cache metrics
  // behave plausibly; otherwise the request simply runs untracked.
  const auto bs = static_cast<std::uint32_t>(config_.block_size);
  prefix_scratch_.clear();
  std::int32_t free_hits = 0;
  if (config_.enable_prefix_caching) {
    const std::size_t max_blocks = std::min<std::size_t>(s.hashes.size(), (s.prompt_len - 1) / bs);
    free_hits = blocks_.match_prefix(std::span(s.hashes.data(), max_blocks), prefix_scratch_);
  }
  const auto need = static_cast<std::int32_t>(blocks_for(s.prompt_len) - prefix_scratch_.size());
  std::uint32_t hit_tokens = 0;
  if (need + free_hits <= blocks_.free_count()) {
    blocks_.acquire(prefix_scratch_, s.blocks);
    blocks_.allocate(need, s.blocks);
    s.registered = static_cast<std::uint32_t>(prefix_scratch_.size());
    hit_tokens = static_cast<std::uint32_t>(prefix_scratch_.size()) * bs;
  } else {
    s.kv_tracked = false;
  }
  s.computed = s.prompt_len;
  s.stats.cached_prompt_tokens = hit_tokens;
  if (config_.enable_prefix_caching) {
    counters_.prefix_cache_queries += s.prompt_len;
    counters_.prefix_cache_hits += hit_tokens;
  }
  push_event(now + config_.profile.fixed_ttft, slot);
  return {};
}

void Engine::push_event(TimePoint at, std::int32_t slot) {
  events_.push_back(
      Event{at, event_order_++, slot, seqs_[static_cast<std::size_t>(slot)].generation});
  std::push_heap(events_.begin(), events_.end(), later<Event>);
}

std::optional<TimePoint> Engine::advance_fixed(TimePoint now, EngineSink& sink, int max_steps) {
  const auto stale = [this](const Event& e) {
    const Seq& s = seqs_[static_cast<std::size_t>(e.slot)];
    return s.generation != e.generation || s.state != SeqState::kRunning;
  };
  const auto pop = [this] {
    std::pop_heap(events_.begin(), events_.end(), later<Event>);
    const Event e = events_.back();
    events_.pop_back();
    return e;
  };
  int instants = 0;
  while (!events_.empty()) {
    if (stale(events_.front())) {  // an aborted request's event
      pop();
      continue;
    }
    const TimePoint t = events_.front().at;
    if (t > now || instants >= max_steps) break;
    ++instants;
    ++counters_.steps;
    while (!events_.empty() && events_.front().at == t) {
      const Event e = pop();
      if (!stale(e)) fixed_emit(e.slot, t, now, sink);
    }
  }
  if (events_.empty()) return std::nullopt;
  return events_.front().at;
}

void Engine::fixed_emit(std::int32_t slot, TimePoint at, TimePoint now, EngineSink& sink) {
  Seq& s = seqs_[static_cast<std::size_t>(slot)];
  const Duration itl = config_.profile.fixed_itl;
  // With ITL 0 every remaining token falls on this instant: report them in one callback.
  const std::uint32_t count = itl.count() == 0 ? s.output_target - s.generated : 1;
  const bool first = s.generated == 0;
  s.generated += count;
  counters_.generation_tokens += count;
  if (first) {
    s.stats.first_token = at;
    counters_.prompt_tokens += s.prompt_len;
    if (s.kv_tracked && config_.enable_prefix_caching) {
      for (; s.registered < s.hashes.size(); ++s.registered) {
        blocks_.register_hash(s.blocks[s.registered], s.hashes[s.registered]);
      }
    }
  }
  s.stats.last_token = at;
  s.stats.output_tokens = s.generated;
  if (s.kv_tracked) {
    // KV of every token but the newest one, as in the batched engine.
    s.computed = s.num_tokens() - 1;
    const std::uint32_t want = blocks_for(s.computed);
    const auto have = static_cast<std::uint32_t>(s.blocks.size());
    if (want > have && !blocks_.allocate(static_cast<std::int32_t>(want - have), s.blocks)) {
      s.kv_tracked = false;  // keep what it holds, stop growing
    }
  }
  const std::uint64_t id = s.id;
  if (s.generated < s.output_target) {
    // Timer jitter (a wake-up a fraction of an ITL late) is absorbed: the next token keeps its
    // planned time, so ITL does not drift. A loop that stalled for a whole ITL or more (a busy
    // CPU) re-anchors the schedule at the actual emission instead of bursting every overdue token
    // at once, as a real server cannot catch up either.
    const bool stalled = itl.count() > 0 && now - at >= itl;
    push_event((stalled ? now : at) + itl, slot);
    sink.on_tokens(id, count, at);
    return;
  }
  s.stats.finished = at;
  blocks_.release(s.blocks);
  lora_.remove_running(s.adapter, tick_);
  ids_.erase(id);
  --running_live_;
  count_finish(s.reason);
  const SeqStats stats = s.stats;
  const FinishReason reason = s.reason;
  release_slot(slot);
  sink.on_tokens(id, count, at);
  sink.on_finished(id, reason, stats);
}

}  // namespace sluice::sim
