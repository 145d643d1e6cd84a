#include "sim/lora_slots.h"

#include "core/hash.h"

#include <algorithm>

namespace sluice::sim {

LoraSlots::LoraSlots(int max_loras) : max_loras_(max_loras < 0 ? 0 : max_loras) {}

Result<int> LoraSlots::register_adapter(std::string name) {
  if (max_loras_ == 0) {
    return make_error(ErrorCode::kInvalidArgument,
                      "LoRA is disabled on this server (max_loras is 0)", "lora_name");
  }
  if (name.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "LoRA adapter name is empty", "lora_name");
  }
  if (by_name_.contains(name)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "LoRA adapter '" + name + "' is already registered", "lora_name");
  }
  const int id = next_id_++;
  Adapter a;
  a.seed = hash64(name, 0x4C6F5241ULL);  // "LoRA"
  a.name = name;
  by_name_.emplace(std::move(name), id);
  by_id_.emplace(id, std::move(a));
  return id;
}

Status LoraSlots::unregister_adapter(std::string_view name) {
  const auto it = by_name_.find(name);
  if (it == by_name_.end()) {
    return make_error(ErrorCode::kNotFound,
                      "LoRA adapter '" + std::string(name) + "' is not registered", "lora_name");
  }
  const int id = it->second;
  const Adapter& a = by_id_.at(id);
  if (a.running > 0 || a.waiting > 0) {
    return make_error(ErrorCode::kUnavailable,
                      "LoRA adapter '" + std::string(name) + "' is in use by " +
                          std::to_string(a.running + a.waiting) + " requests",
                      "lora_name");
  }
  std::erase(resident_, id);
  by_id_.erase(id);
  by_name_.erase(it);
  return {};
}

std::optional<int> LoraSlots::id(std::string_view name) const {
  const auto it = by_name_.find(name);
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

bool LoraSlots::known(int id) const { return id < 0 || by_id_.contains(id); }

std::vector<std::string> LoraSlots::names() const {
  std::vector<std::string> out;
  out.reserve(by_name_.size());
  for (const auto& [name, id] : by_name_) out.push_back(name);
  return out;
}

std::uint64_t LoraSlots::cache_seed(int id) const {
  const Adapter* a = find(id);
  return a == nullptr ? 0 : a->seed;
}

LoraSlots::Plan LoraSlots::plan(int id) const {
  Plan p;
  const Adapter* a = find(id);
  if (a == nullptr || a->resident) return p;
  p.load = true;
  if (static_cast<int>(resident_.size()) < max_loras_) return p;
  std::uint64_t oldest = 0;
  for (const int r : resident_) {
    const Adapter& candidate = by_id_.at(r);
    if (candidate.running > 0) continue;
    if (p.evict < 0 || candidate.last_used < oldest) {
      p.evict = r;
      oldest = candidate.last_used;
    }
  }
  p.ok = p.evict >= 0;
  return p;
}

void LoraSlots::admit(int id, const Plan& plan, std::uint64_t tick) {
  Adapter* a = find(id);
  if (a == nullptr) return;
  if (plan.evict >= 0) {
    by_id_.at(plan.evict).resident = false;
    std::erase(resident_, plan.evict);
  }
  if (plan.load) {
    a->resident = true;
    resident_.push_back(id);
    ++loads_;
  }
  ++a->running;
  a->last_used = tick;
}

void LoraSlots::add_running(int id) {
  if (Adapter* a = find(id)) ++a->running;
}

void LoraSlots::remove_running(int id, std::uint64_t tick) {
  if (Adapter* a = find(id)) {
    --a->running;
    a->last_used = tick;
  }
}

void LoraSlots::add_waiting(int id) {
  if (Adapter* a = find(id)) ++a->waiting;
}

void LoraSlots::remove_waiting(int id) {
  if (Adapter* a = find(id)) --a->waiting;
}

std::vector<std::string> LoraSlots::running_names() const {
  std::vector<std::string> out;
  for (const auto& [name, id] : by_name_) {
    if (by_id_.at(id).running > 0) out.push_back(name);
  }
  return out;
}

std::vector<std::string> LoraSlots::waiting_names() const {
  std::vector<std::string> out;
  for (const auto& [name, id] : by_name_) {
    if (by_id_.at(id).waiting > 0) out.push_back(name);
  }
  return out;
}

bool LoraSlots::resident(int id) const {
  const Adapter* a = find(id);
  return a != nullptr && a->resident;
}

LoraSlots::Adapter* LoraSlots::find(int id) {
  if (id < 0) return nullptr;
  const auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &it->second;
}

const LoraSlots::Adapter* LoraSlots::find(int id) const {
  if (id < 0) return nullptr;
  const auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &it->second;
}

}  // namespace sluice::sim
