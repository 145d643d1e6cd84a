// trace: replays (arrival, input length, output length) rows from a file (formats in
// dataset_trace.h). Each prompt is one user message of input_length words (at least 1) with
// max_tokens = output_length (at least 1) and `arrival` = the row's offset from the first row.
// After the last row the trace starts over, shifted by one lap period = span + mean gap
// (span = last - first offset, mean gap = span / (rows - 1)) so the gap between laps looks like
// an ordinary gap; a trace whose rows all share one timestamp (e.g. a single row) repeats every
// second rather than in an endless burst. The text is fresh on every lap.

#include "bench/dataset_trace.h"

#include "bench/dataset_kinds.h"
#include "bench/dataset_words.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <utility>

namespace sluice::bench::dataset_detail {
namespace {

constexpr std::uint64_t kTextStream = 0x545254;  // "TRT"
constexpr std::int64_t kFlatPeriodNs = 1'000'000'000;
constexpr std::int64_t kMaxNs = std::numeric_limits<std::int64_t>::max();

class TraceDataset final : public Dataset {
 public:
  TraceDataset(const DatasetOptions& options, std::vector<TraceRow> rows)
      : path_(options.path), seed_(options.seed), words_(options.seed), rows_(std::move(rows)) {
    const std::int64_t span = rows_.back().offset_ns;
    if (span > 0) {
      const auto mean_gap = span / static_cast<std::int64_t>(rows_.size() - 1);
      period_ns_ = span > kMaxNs - mean_gap ? kMaxNs : span + mean_gap;
    }
  }

  Prompt next() override {
    const std::uint64_t position = position_++;
    const std::uint64_t lap = position / rows_.size();
    const TraceRow& row = rows_[position % rows_.size()];
    const std::uint32_t words = std::max<std::uint32_t>(1, row.input_length);
    std::uint64_t rng = item_state(seed_, kTextStream, position);
    Prompt prompt = user_prompt(words_.make(words, position, rng), words,
                                std::max<std::uint32_t>(1, row.output_length));
    // Saturates instead of overflowing after absurdly many laps.
    const auto max_laps = static_cast<std::uint64_t>((kMaxNs - row.offset_ns) / period_ns_);
    const std::int64_t arrival =
        lap > max_laps ? kMaxNs : row.offset_ns + static_cast<std::int64_t>(lap) * period_ns_;
    prompt.arrival = Duration(arrival);
    return prompt;
  }

  std::uint64_t size() const override { return rows_.size(); }
  bool has_arrivals() const override { return true; }

  std::string describe() const override {
    char span[32];
    const auto end =
        std::to_chars(span, span + sizeof span, to_seconds(Duration(rows_.back().offset_ns)),
                      std::chars_format::fixed, 3)
            .ptr;
    return "trace: " + path_ + ", " + std::to_string(rows_.size()) + " rows over " +
           std::string(span, end) + " s";
  }

 private:
  std::string path_;
  std::uint64_t seed_;
  WordWriter words_;
  std::vector<TraceRow> rows_;
  std::int64_t period_ns_ = kFlatPeriodNs;
  std::uint64_t position_ = 0;
};

}  // namespace

Result<std::unique_ptr<Dataset>> make_trace(const DatasetOptions& options) {
  auto rows = load_trace_rows(options.path);
  if (!rows.ok()) return std::move(rows).error();
  return std::unique_ptr<Dataset>(std::make_unique<TraceDataset>(options, std::move(rows).value()));
}

}  // namespace sluice::bench::dataset_detail
