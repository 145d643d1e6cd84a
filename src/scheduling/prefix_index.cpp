#include "scheduling/prefix_index.h"

#include <algorithm>

namespace sluice::scheduling {

PrefixIndex::PrefixIndex(std::size_t capacity_per_endpoint, std::size_t max_endpoints)
    : capacity_(std::max<std::size_t>(capacity_per_endpoint, 1)),
      max_endpoints_(std::max<std::size_t>(max_endpoints, 1)) {}

std::uint32_t PrefixIndex::find_node(std::uint64_t hash, std::uint32_t slot) const {
  const auto it = chain_of_.find(hash);
  if (it == chain_of_.end()) {
    return kNil;
  }
  for (std::uint32_t n = it->second; n != kNil; n = nodes_[n].chain_next) {
    if (nodes_[n].slot == slot) {
      return n;
    }
  }
  return kNil;
}

std::size_t PrefixIndex::longest_match(std::uint32_t endpoint,
                                       std::span<const std::uint64_t> hashes) const {
  const auto it = slot_of_.find(endpoint);
  if (it == slot_of_.end()) {
    return 0;
  }
  std::size_t matched = 0;
  while (matched < hashes.size() && find_node(hashes[matched], it->second) != kNil) {
    ++matched;
  }
  return matched;
}

void PrefixIndex::longest_matches(std::span<const std::uint64_t> hashes,
                                  std::span<const EndpointView* const> candidates,
                                  std::span<std::uint32_t> out) {
  std::fill(out.begin(), out.end(), 0u);
  if (hashes.empty() || slot_of_.empty()) {
    return;
  }
  ++gen_;
  if (match_.size() < slots_.size()) {
    match_.resize(slots_.size(), 0);
    match_gen_.resize(slots_.size(), 0);
  }
  // Block i extends the match of every endpoint whose match so far is exactly i; stop at the
  // first block that extends nobody.
  for (std::size_t i = 0; i < hashes.size(); ++i) {
    const auto it = chain_of_.find(hashes[i]);
    if (it == chain_of_.end()) {
      break;
    }
    bool advanced = false;
    for (std::uint32_t n = it->second; n != kNil; n = nodes_[n].chain_next) {
      const std::uint32_t s = nodes_[n].slot;
      const std::uint32_t current = match_gen_[s] == gen_ ? match_[s] : 0;
      if (current == i) {
        match_[s] = static_cast<std::uint32_t>(i + 1);
        match_gen_[s] = gen_;
        advanced = true;
      }
    }
    if (!advanced) {
      break;
    }
  }
  for (std::size_t c = 0; c < candidates.size(); ++c) {
    const auto it = slot_of_.find(candidates[c]->id);
    if (it != slot_of_.end() && match_gen_[it->second] == gen_) {
      out[c] = match_[it->second];
    }
  }
}

void PrefixIndex::record(std::uint32_t endpoint, std::span<const std::uint64_t> hashes) {
  if (hashes.empty()) {
    return;
  }
  const std::uint32_t slot = slot_for(endpoint);
  Slot& s = slots_[slot];
  s.last_used = ++clock_;
  // Reverse order so that block 0 is the most recently used when we finish.
  for (std::size_t i = hashes.size(); i-- > 0;) {
    const std::uint64_t h = hashes[i];
    std::uint32_t n = find_node(h, slot);
    if (n != kNil) {
      lru_unlink(n);
      lru_push_front(n);
      continue;
    }
    if (slots_[slot].size >= capacity_) {
      const std::uint32_t victim = slots_[slot].lru;
      lru_unlink(victim);
      chain_unlink(victim);
      free_node(victim);
    }
    n = new_node();
    nodes_[n].hash = h;
    nodes_[n].slot = slot;
    auto [it, inserted] = chain_of_.try_emplace(h, n);
    nodes_[n].chain_prev = kNil;
    nodes_[n].chain_next = inserted ? kNil : it->second;
    if (!inserted) {
      nodes_[it->second].chain_prev = n;
      it->second = n;
    }
    lru_push_front(n);
  }
}

void PrefixIndex::remove_endpoint(std::uint32_t endpoint) {
  const auto it = slot_of_.find(endpoint);
  if (it != slot_of_.end()) {
    drop_slot(it->second);
  }
}

std::size_t PrefixIndex::blocks(std::uint32_t endpoint) const {
  const auto it = slot_of_.find(endpoint);
  return it == slot_of_.end() ? 0 : slots_[it->second].size;
}

std::uint32_t PrefixIndex::slot_for(std::uint32_t endpoint) {
  if (const auto it = slot_of_.find(endpoint); it != slot_of_.end()) {
    return it->second;
  }
  if (slot_of_.size() >= max_endpoints_) {
    // Rare (pool churn beyond the bound): a linear scan for the stalest endpoint is fine.
    std::uint32_t stalest = kNil;
    for (const auto& [id, slot] : slot_of_) {
      if (stalest == kNil || slots_[slot].last_used < slots_[stalest].last_used) {
        stalest = slot;
      }
    }
    drop_slot(stalest);
  }
  std::uint32_t slot;
  if (!free_slots_.empty()) {
    slot = free_slots_.back();
    free_slots_.pop_back();
  } else {
    slot = static_cast<std::uint32_t>(slots_.size());
    slots_.emplace_back();
  }
  slots_[slot] = Slot{};
  slots_[slot].endpoint = endpoint;
  slot_of_.emplace(endpoint, slot);
  return slot;
}

void PrefixIndex::drop_slot(std::uint32_t slot) {
  std::uint32_t n = slots_[slot].mru;
  while (n != kNil) {
    const std::uint32_t next = nodes_[n].lru_next;
    chain_unlink(n);
    free_node(n);
    n = next;
  }
  slot_of_.erase(slots_[slot].endpoint);
  slots_[slot] = Slot{};
  if (slot < match_gen_.size()) {
    match_gen_[slot] = 0;
  }
  free_slots_.push_back(slot);
}

std::uint32_t PrefixIndex::new_node() {
  ++live_nodes_;
  if (!free_nodes_.empty()) {
    const std::uint32_t n = free_nodes_.back();
    free_nodes_.pop_back();
    return n;
  }
  nodes_.emplace_back();
  return static_cast<std::uint32_t>(nodes_.size() - 1);
}

void PrefixIndex::free_node(std::uint32_t n) {
  --live_nodes_;
  nodes_[n] = Node{};
  free_nodes_.push_back(n);
}

void PrefixIndex::lru_unlink(std::uint32_t n) {
  Node& node = nodes_[n];
  Slot& s = slots_[node.slot];
  if (node.lru_prev != kNil) {
    nodes_[node.lru_prev].lru_next = node.lru_next;
  } else {
    s.mru = node.lru_next;
  }
  if (node.lru_next != kNil) {
    nodes_[node.lru_next].lru_prev = node.lru_prev;
  } else {
    s.lru = node.lru_prev;
  }
  node.lru_prev = node.lru_next = kNil;
  --s.size;
}

void PrefixIndex::lru_push_front(std::uint32_t n) {
  Node& node = nodes_[n];
  Slot& s = slots_[node.slot];
  node.lru_prev = kNil;
  node.lru_next = s.mru;
  if (s.mru != kNil) {
    nodes_[s.mru].lru_prev = n;
  } else {
    s.lru = n;
  }
  s.mru = n;
  ++s.size;
}

void PrefixIndex::chain_unlink(std::uint32_t n) {
  Node& node = nodes_[n];
  if (node.chain_prev != kNil) {
    nodes_[node.chain_prev].chain_next = node.chain_next;
  } else if (node.chain_next != kNil) {
    chain_of_[node.hash] = node.chain_next;
  } else {
    chain_of_.erase(node.hash);
  }
  if (node.chain_next != kNil) {
    nodes_[node.chain_next].chain_prev = node.chain_prev;
  }
  node.chain_prev = node.chain_next = kNil;
}

}  // namespace sluice::scheduling
