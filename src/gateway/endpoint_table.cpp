#include "gateway/endpoint_table.h"

#include <algorithm>
#include <unordered_set>

namespace sluice::gateway {

EndpointTable::EndpointTable(std::vector<EndpointInfo> endpoints) {
  for (std::size_t i = 0; i < endpoints.size(); ++i) {
    auto endpoint = std::make_unique<Endpoint>();
    endpoint->info = std::move(endpoints[i]);
    for (const openai::ModelCard& card : endpoint->info.models) {
      by_model_[card.id].push_back(i);
    }
    endpoints_.push_back(std::move(endpoint));
  }
}

void EndpointTable::rank(std::string_view model, TimePoint now,
                         std::vector<std::size_t>& out) const {
  out.clear();
  auto it = by_model_.find(std::string(model));
  if (it == by_model_.end()) {
    return;
  }
  const std::vector<std::size_t>& serving = it->second;
  // Rotate the start so equal loads take turns.
  const std::size_t start = rotation_.fetch_add(1, std::memory_order_relaxed) % serving.size();
  for (std::size_t k = 0; k < serving.size(); ++k) {
    out.push_back(serving[(start + k) % serving.size()]);
  }
  std::stable_sort(out.begin(), out.end(), [&](std::size_t a, std::size_t b) {
    const bool ea = ejected(a, now);
    const bool eb = ejected(b, now);
    if (ea != eb) {
      return !ea;
    }
    return in_flight(a) < in_flight(b);
  });
}

void EndpointTable::request_started(std::size_t index) {
  endpoints_[index]->in_flight.fetch_add(1, std::memory_order_relaxed);
}

void EndpointTable::request_finished(std::size_t index, bool ok, TimePoint now) {
  Endpoint& e = *endpoints_[index];
  e.in_flight.fetch_sub(1, std::memory_order_relaxed);
  if (ok) {
    e.consecutive_failures.store(0, std::memory_order_relaxed);
    return;
  }
  if (e.consecutive_failures.fetch_add(1, std::memory_order_relaxed) + 1 >= kEjectAfterFailures) {
    e.ejected_until.store((now + kEjectionTime).time_since_epoch().count(),
                          std::memory_order_relaxed);
    e.consecutive_failures.store(0, std::memory_order_relaxed);
  }
}

std::int64_t EndpointTable::in_flight(std::size_t index) const {
  return endpoints_[index]->in_flight.load(std::memory_order_relaxed);
}

bool EndpointTable::ejected(std::size_t index, TimePoint now) const {
  return now.time_since_epoch().count() <
         endpoints_[index]->ejected_until.load(std::memory_order_relaxed);
}

std::vector<openai::ModelCard> EndpointTable::models() const {
  std::vector<openai::ModelCard> cards;
  std::unordered_set<std::string> seen;
  for (const auto& endpoint : endpoints_) {
    for (const openai::ModelCard& card : endpoint->info.models) {
      if (seen.insert(card.id).second) {
        cards.push_back(card);
      }
    }
  }
  return cards;
}

}  // namespace sluice::gateway
