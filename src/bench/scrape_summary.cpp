#include "bench/scrape_summary.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <unordered_map>

namespace sluice::bench {
namespace {

using TypeMap = decltype(PromSnapshot::types);

/// What a series contributes to the summary.
enum class Role : std::uint8_t { kSkip, kCounter, kGauge, kHistogramSum, kHistogramCount };

/// increase() over the samples fed in time order.
struct CounterAcc {
  double last = 0;
  double increase = 0;
  bool seen = false;

  void add(double v) {
    if (seen) {
      increase += v >= last ? v - last : v;  // a drop means the counter restarted from 0
    }
    last = v;
    seen = true;
  }
};

struct GaugeAcc {
  double sum = 0;
  double max = -std::numeric_limits<double>::infinity();
  std::uint64_t count = 0;

  void add(double v) {
    sum += v;
    max = std::max(max, v);
    ++count;
  }
};

struct Histogram {
  std::string series;        ///< family name + labels of its _sum/_count series
  std::string count_series;  ///< empty until a _count sample was seen
  CounterAcc sum, count;
};

struct Series {
  std::string_view series;  ///< points into the first snapshot that had it
  Role role = Role::kSkip;
  std::uint32_t histogram = 0;  ///< index into histograms, for the two histogram roles
  CounterAcc counter;
  GaugeAcc gauge;
};

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string_view type_of(const TypeMap& types, std::string_view name) {
  const auto it = types.find(name);
  return it == types.end() ? std::string_view() : std::string_view(it->second);
}

/// True for `X_created` next to a counter, histogram or summary X (Python's prometheus_client
/// exposes these as gauges): a start timestamp, whose mean would only be noise.
bool is_created_series(const TypeMap& types, std::string_view name) {
  constexpr std::string_view kCreated = "_created";
  if (!ends_with(name, kCreated)) {
    return false;
  }
  const std::string_view base = name.substr(0, name.size() - kCreated.size());
  const std::string_view type = type_of(types, base);
  if (type == "counter" || type == "histogram" || type == "summary") {
    return true;
  }
  return type_of(types, std::string(base) + "_total") == "counter";
}

/// Decides a series' role from its metric name and the page's TYPE lines. For histogram parts,
/// `family` is set to the histogram's name.
Role classify(const TypeMap& types, std::string_view name, std::string_view& family) {
  const std::string_view own = type_of(types, name);
  if (own == "counter") {
    return Role::kCounter;
  }
  if (own == "histogram" || own == "summary") {
    return Role::kSkip;  // a summary's quantile samples (a histogram has no bare sample)
  }
  if (own.empty()) {
    // `foo_bucket`, `foo_sum`, ... of a family declared as `foo`.
    constexpr std::string_view kSuffixes[] = {"_bucket", "_sum", "_count", "_total", "_created"};
    for (const std::string_view suffix : kSuffixes) {
      if (!ends_with(name, suffix)) {
        continue;
      }
      const std::string_view base = name.substr(0, name.size() - suffix.size());
      const std::string_view type = type_of(types, base);
      if (type == "histogram" || type == "summary") {
        family = base;
        if (suffix == "_sum") {
          return Role::kHistogramSum;
        }
        if (suffix == "_count") {
          return Role::kHistogramCount;
        }
        if (suffix == "_bucket" || suffix == "_created") {
          return Role::kSkip;
        }
      } else if (type == "counter") {
        // OpenMetrics-style `# TYPE foo counter` with samples `foo_total` / `foo_created`.
        if (suffix == "_total") {
          return Role::kCounter;
        }
        if (suffix == "_created") {
          return Role::kSkip;
        }
      }
      break;  // the suffixes exclude each other
    }
  }
  if (is_created_series(types, name)) {
    return Role::kSkip;
  }
  if (own == "gauge") {
    return Role::kGauge;
  }
  return ends_with(name, "_total") ? Role::kCounter : Role::kGauge;  // untyped
}

class Summarizer {
 public:
  explicit Summarizer(std::size_t expected_series) {
    series_.reserve(expected_series);
    index_.reserve(expected_series);
  }

  void add_snapshot(const PromSnapshot& snapshot) {
    slots_.resize(snapshot.samples.size());
    for (std::size_t i = 0; i < snapshot.samples.size(); ++i) {
      const PromSample& sample = snapshot.samples[i];
      slots_[i] = slot_of(sample, snapshot, i);
      if (!std::isfinite(sample.value)) {
        continue;
      }
      Series& s = series_[slots_[i]];
      switch (s.role) {
        case Role::kCounter:
          s.counter.add(sample.value);
          break;
        case Role::kGauge:
          s.gauge.add(sample.value);
          break;
        case Role::kHistogramSum:
          histograms_[s.histogram].sum.add(sample.value);
          break;
        case Role::kHistogramCount:
          histograms_[s.histogram].count.add(sample.value);
          break;
        case Role::kSkip:
          break;
      }
    }
    previous_ = &snapshot;
    previous_slots_.swap(slots_);
  }

  std::vector<ScrapedMetric> rows(std::string_view target, bool with_intervals) const {
    std::vector<ScrapedMetric> out;
    out.reserve(series_.size());
    const auto row = [&](std::string_view series, const char* kind, double value, double max) {
      out.push_back(ScrapedMetric{std::string(target), std::string(series), kind, value, max});
    };
    for (const Series& s : series_) {
      if (s.role == Role::kGauge && s.gauge.count > 0) {
        row(s.series, "gauge", s.gauge.sum / static_cast<double>(s.gauge.count), s.gauge.max);
      } else if (s.role == Role::kCounter && with_intervals && s.counter.seen) {
        row(s.series, "counter", s.counter.increase, s.counter.increase);
      }
    }
    if (with_intervals) {
      for (const Histogram& h : histograms_) {
        if (!h.count.seen) {
          continue;
        }
        const double observations = h.count.increase;
        const double mean = observations > 0 ? h.sum.increase / observations : 0.0;
        row(h.series, "histogram_mean", mean, mean);
        row(h.count_series, "counter", observations, observations);
      }
    }
    std::sort(out.begin(), out.end(), [](const ScrapedMetric& a, const ScrapedMetric& b) {
      return a.series != b.series ? a.series < b.series : a.kind < b.kind;
    });
    return out;
  }

 private:
  std::uint32_t slot_of(const PromSample& sample, const PromSnapshot& snapshot, std::size_t i) {
    // Pages of one server list the same series, and snapshots are sorted by series, so the
    // previous page's slot at the same position is almost always right: no hashing needed.
    if (previous_ != nullptr && i < previous_slots_.size() &&
        previous_->samples[i].series == sample.series) {
      return previous_slots_[i];
    }
    const auto [it, inserted] =
        index_.try_emplace(sample.series, static_cast<std::uint32_t>(series_.size()));
    if (inserted) {
      series_.push_back(make_series(sample, snapshot));
    }
    return it->second;
  }

  Series make_series(const PromSample& sample, const PromSnapshot& snapshot) {
    Series s;
    s.series = sample.series;
    std::string_view family;
    s.role = classify(snapshot.types, sample.name, family);
    if (s.role == Role::kHistogramSum || s.role == Role::kHistogramCount) {
      std::string key(family);
      key += std::string_view(sample.series).substr(sample.name.size());  // the labels
      const auto [it, inserted] = histogram_index_.try_emplace(
          std::move(key), static_cast<std::uint32_t>(histograms_.size()));
      if (inserted) {
        histograms_.push_back(Histogram{it->first, {}, {}, {}});
      }
      s.histogram = it->second;
      if (s.role == Role::kHistogramCount) {
        histograms_[s.histogram].count_series = sample.series;
      }
    }
    return s;
  }

  std::vector<Series> series_;
  std::unordered_map<std::string_view, std::uint32_t> index_;
  std::vector<Histogram> histograms_;
  std::unordered_map<std::string, std::uint32_t> histogram_index_;
  const PromSnapshot* previous_ = nullptr;
  std::vector<std::uint32_t> previous_slots_, slots_;
};

}  // namespace

std::vector<ScrapedMetric> summarize_scrapes(
    std::string_view target, const std::vector<PromSnapshot>& samples_in_time_order) {
  if (samples_in_time_order.empty()) {
    return {};
  }
  Summarizer summarizer(samples_in_time_order.front().samples.size());
  for (const PromSnapshot& snapshot : samples_in_time_order) {
    summarizer.add_snapshot(snapshot);
  }
  return summarizer.rows(target, samples_in_time_order.size() >= 2);
}

}  // namespace sluice::bench
