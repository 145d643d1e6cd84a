#include "bench/driver/stage_tally.h"

#include <algorithm>

namespace sluice::bench {
namespace {

template <typename Map, typename Value>
Value& slot(Map& map, std::string_view key, Value initial) {
  auto it = map.find(key);
  if (it == map.end()) {
    it = map.emplace(std::string(key), initial).first;
  }
  return it->second;
}

}  // namespace

void StageTally::sent(TimePoint at) {
  ++sends_;
  first_send_ = std::min(first_send_, at);
  last_send_ = std::max(last_send_, at);
}

void StageTally::count_model(std::string_view model, bool ok) {
  auto& counts = slot(per_model_, model, std::pair<std::uint64_t, std::uint64_t>{0, 0});
  ++(ok ? counts.first : counts.second);
}

void StageTally::finished(TimePoint end, std::string_view model, std::string_view error,
                          const RequestMetrics* metrics, bool slo_met) {
  last_end_ = std::max(last_end_, end);
  count_model(model, error.empty());
  if (!error.empty()) {
    ++failed_;
    ++slot(errors_, error, std::uint64_t{0});
    return;
  }
  ++completed_;
  good_ += slo_met ? 1 : 0;
  completions_.push_back(end);
  const RequestMetrics& m = *metrics;
  if (m.ttft) {
    ttft_.push_back(*m.ttft);
    recent_ttft_.push_back(*m.ttft);
  }
  if (m.tpot) tpot_.push_back(*m.tpot);
  if (m.ntpot) ntpot_.push_back(*m.ntpot);
  e2e_.push_back(m.e2e);
  schedule_delay_.push_back(m.schedule_delay);
  itl_.insert(itl_.end(), m.itl_per_chunk.begin(), m.itl_per_chunk.end());
  itl_per_token_.insert(itl_per_token_.end(), m.itl_per_token.begin(), m.itl_per_token.end());
}

void StageTally::tokens(std::uint64_t input, std::uint64_t output, bool usage_missing,
                        bool mismatch) {
  input_tokens_ += input;
  output_tokens_ += output;
  usage_missing_ += usage_missing ? 1 : 0;
  mismatches_ += mismatch ? 1 : 0;
}

void StageTally::dropped(std::string_view error, std::string_view model) {
  ++failed_;
  ++slot(errors_, error, std::uint64_t{0});
  count_model(model, false);
}

std::optional<double> StageTally::take_recent_ttft_p50() {
  if (recent_ttft_.empty()) {
    return std::nullopt;
  }
  auto mid = recent_ttft_.begin() + static_cast<std::ptrdiff_t>(recent_ttft_.size() / 2);
  std::nth_element(recent_ttft_.begin(), mid, recent_ttft_.end());
  const double p50 = *mid;
  recent_ttft_.clear();
  return p50;
}

void StageTally::fill(StageReport& report) const {
  report.completed = completed_;
  report.failed = failed_;
  report.errors.clear();
  for (const auto& [type, count] : errors_) {
    report.errors.emplace(type, count);
  }
  report.per_model.clear();
  for (const auto& [model, counts] : per_model_) {
    report.per_model.emplace(model, counts);
  }
  report.input_tokens = input_tokens_;
  report.output_tokens = output_tokens_;
  report.usage_missing = usage_missing_;
  report.token_mismatches = mismatches_;

  report.ttft_values = ttft_;
  std::sort(report.ttft_values.begin(), report.ttft_values.end());
  report.ttft = summarize(report.ttft_values);
  report.itl = summarize(itl_);
  report.itl_per_token = summarize(itl_per_token_);
  report.tpot = summarize(tpot_);
  report.ntpot = summarize(ntpot_);
  report.e2e = summarize(e2e_);
  report.schedule_delay = summarize(schedule_delay_);

  report.completion_offsets_s.clear();
  report.completion_offsets_s.reserve(completions_.size());
  for (const TimePoint end : completions_) {
    report.completion_offsets_s.push_back(to_seconds(end - first_send_));
  }
  if (sends_ > 0) {
    const double sending = to_seconds(last_send_ - first_send_);
    report.achieved_rate = sending > 0 ? static_cast<double>(sends_ - 1) / sending : 0;
    report.duration_s = last_end_ > first_send_ ? to_seconds(last_end_ - first_send_) : 0;
  }
  if (report.duration_s > 0) {
    report.requests_per_s = static_cast<double>(completed_) / report.duration_s;
    report.input_tokens_per_s = static_cast<double>(input_tokens_) / report.duration_s;
    report.output_tokens_per_s = static_cast<double>(output_tokens_) / report.duration_s;
    report.goodput_requests_per_s = static_cast<double>(good_) / report.duration_s;
  }
}

}  // namespace sluice::bench
