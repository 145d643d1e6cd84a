#include "bench/stage_plan.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <utility>

namespace sluice::bench {
namespace {

constexpr double kMaxStageDurationS = 7 * 24 * 3600.0;
constexpr double kMaxIntervalS = 3600.0;
constexpr double kMaxParsedDurationS = 1e9;  // far below the ~292 years a Duration can hold
constexpr double kMaxBurstiness = 1e6;
constexpr std::size_t kMaxNameLength = 128;

constexpr std::string_view kStageKeys =
    "name, rate, concurrency, arrival, burstiness, duration, num_requests, warmup";

bool parse_double(std::string_view s, double& out) {
  double v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) return false;
  out = v;
  return true;
}

std::string format_number(double v) {
  char buf[64];
  // Whole rates print as integers ("rate-10", not "rate-1e+01").
  const bool whole = v == std::floor(v) && v < 1e15;
  const auto res = whole ? std::to_chars(buf, buf + sizeof buf, static_cast<long long>(v))
                         : std::to_chars(buf, buf + sizeof buf, v);
  return std::string(buf, res.ptr);
}

std::string_view type_name(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Null:
      return "nothing";
    case YAML::NodeType::Sequence:
      return "a list";
    case YAML::NodeType::Map:
      return "a mapping";
    case YAML::NodeType::Scalar:
      return "a scalar";
    case YAML::NodeType::Undefined:
      break;
  }
  return "an undefined node";
}

// A stage as written, plus where its parts were, for errors found after the whole file is read.
struct RawStage {
  StageSpec spec;
  std::string path;  // "stages[2]" or "warmup"
  YAML::Mark mark, name_mark, arrival_mark, burstiness_mark;
  bool has_name = false, has_arrival = false, has_burstiness = false;
  bool has_duration = false, has_requests = false;
};

class PlanParser {
 public:
  PlanParser(std::string_view source, const StageSpec& defaults)
      : source_(source), defaults_(defaults) {}

  Result<StagePlan> parse(const YAML::Node& root);

  Error error_at(const YAML::Mark& mark, const std::string& field, std::string_view why) const {
    std::string msg(source_);
    if (!mark.is_null()) {
      msg += ':' + std::to_string(mark.line + 1) + ':' + std::to_string(mark.column + 1);
    }
    msg += ": ";
    if (!field.empty()) msg += field + ": ";
    msg += why;
    return make_error(ErrorCode::kInvalidArgument, std::move(msg), field);
  }

 private:
  Result<std::string_view> scalar(const YAML::Node& v, const std::string& field,
                                  std::string_view expected) const {
    if (!v.IsScalar()) {
      return error_at(v.Mark(), field,
                      "expected " + std::string(expected) + ", got " + std::string(type_name(v)));
    }
    return std::string_view(v.Scalar());
  }
  Result<double> number(const YAML::Node& v, const std::string& field, double lo_exclusive,
                        double hi) const;
  Result<std::uint64_t> integer(const YAML::Node& v, const std::string& field,
                                std::uint64_t hi) const;
  Result<Duration> duration(const YAML::Node& v, const std::string& field, bool allow_zero,
                            double max_s) const;
  Result<RawStage> stage(const YAML::Node& node, std::string path);
  Status resolve(RawStage& raw) const;

  std::string_view source_;
  const StageSpec& defaults_;
};

Result<double> PlanParser::number(const YAML::Node& v, const std::string& field,
                                  double lo_exclusive, double hi) const {
  auto text = scalar(v, field, "a number");
  if (!text) return text.error();
  double x = 0;
  if (!parse_double(*text, x) || !std::isfinite(x)) {
    return error_at(v.Mark(), field, "expected a finite number, got '" + std::string(*text) + "'");
  }
  if (!(x > lo_exclusive)) {
    return error_at(
        v.Mark(), field,
        "must be > " + format_number(lo_exclusive) + " (got " + std::string(*text) + ")");
  }
  if (x > hi) {
    return error_at(v.Mark(), field,
                    "must be at most " + format_number(hi) + " (got " + std::string(*text) + ")");
  }
  return x;
}

Result<std::uint64_t> PlanParser::integer(const YAML::Node& v, const std::string& field,
                                          std::uint64_t hi) const {
  auto text = scalar(v, field, "an integer");
  if (!text) return text.error();
  std::uint64_t x = 0;
  const auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), x);
  if (ec == std::errc::result_out_of_range) {
    return error_at(v.Mark(), field, "must be at most " + std::to_string(hi));
  }
  if (text->empty() || ec != std::errc() || ptr != text->data() + text->size()) {
    return error_at(v.Mark(), field, "expected an integer >= 1, got '" + std::string(*text) + "'");
  }
  if (x < 1 || x > hi) {
    return error_at(v.Mark(), field,
                    "must be in [1, " + std::to_string(hi) + "] (got " + std::string(*text) + ")");
  }
  return x;
}

Result<Duration> PlanParser::duration(const YAML::Node& v, const std::string& field,
                                      bool allow_zero, double max_s) const {
  auto text = scalar(v, field, "a duration");
  if (!text) return text.error();
  auto d = parse_duration(*text);
  if (!d) return error_at(v.Mark(), field, d.error().message);
  if (!allow_zero && d->count() <= 0) return error_at(v.Mark(), field, "must be > 0");
  if (to_seconds(*d) > max_s) {
    return error_at(v.Mark(), field, "must be at most " + format_number(max_s) + "s");
  }
  return *d;
}

Result<RawStage> PlanParser::stage(const YAML::Node& node, std::string path) {
  RawStage raw;
  raw.path = std::move(path);
  raw.mark = node.Mark();
  if (!node.IsMap()) {
    return error_at(node.Mark(), raw.path,
                    "expected a mapping such as {rate: 10, duration: 30s}, got " +
                        std::string(type_name(node)));
  }
  std::set<std::string, std::less<>> seen;
  StageSpec& s = raw.spec;
  for (auto it = node.begin(); it != node.end(); ++it) {
    const YAML::Node key = it->first;  // copies: the iterator hands out proxies
    const YAML::Node value = it->second;
    if (!key.IsScalar()) return error_at(key.Mark(), raw.path, "keys must be plain names");
    const std::string& k = key.Scalar();
    const std::string field = raw.path + "." + k;
    if (!seen.insert(k).second) return error_at(key.Mark(), field, "key given twice");
    if (k == "name") {
      auto name = scalar(value, field, "a string");
      if (!name) return name.error();
      const bool control = std::any_of(name->begin(), name->end(), [](char c) {
        return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
      });
      if (name->empty() || name->size() > kMaxNameLength || control) {
        return error_at(value.Mark(), field,
                        "must be 1 to 128 characters without control characters");
      }
      s.name = std::string(*name);
      raw.has_name = true;
      raw.name_mark = value.Mark();
    } else if (k == "rate") {
      auto r = number(value, field, 0, kMaxStageRate);
      if (!r) return r.error();
      s.rate = *r;
    } else if (k == "concurrency") {
      auto c = integer(value, field, static_cast<std::uint64_t>(kMaxStageConcurrency));
      if (!c) return c.error();
      s.concurrency = static_cast<int>(*c);
    } else if (k == "arrival") {
      auto text = scalar(value, field, "constant, poisson or gamma");
      if (!text) return text.error();
      auto kind = parse_arrival_kind(*text);
      if (!kind) return error_at(value.Mark(), field, kind.error().message);
      s.arrival = *kind;
      raw.has_arrival = true;
      raw.arrival_mark = value.Mark();
    } else if (k == "burstiness") {
      auto b = number(value, field, 0, kMaxBurstiness);
      if (!b) return b.error();
      s.burstiness = *b;
      raw.has_burstiness = true;
      raw.burstiness_mark = value.Mark();
    } else if (k == "duration") {
      auto d = duration(value, field, false, kMaxStageDurationS);
      if (!d) return d.error();
      s.duration = *d;
      raw.has_duration = true;
    } else if (k == "num_requests") {
      auto n = integer(value, field, kMaxStageRequests);
      if (!n) return n.error();
      s.num_requests = *n;
      raw.has_requests = true;
    } else if (k == "warmup") {
      auto text = scalar(value, field, "true or false");
      if (!text) return text.error();
      if (*text != "true" && *text != "false") {
        return error_at(value.Mark(), field,
                        "expected true or false, got '" + std::string(*text) + "'");
      }
      s.warmup = *text == "true";
    } else {
      return error_at(key.Mark(), field,
                      "unknown key '" + k + "' (expected one of: " + std::string(kStageKeys) + ")");
    }
  }
  return raw;
}

Status PlanParser::resolve(RawStage& raw) const {
  StageSpec& s = raw.spec;
  if (s.rate.has_value() == (s.concurrency > 0)) {
    return error_at(raw.mark, raw.path,
                    s.rate ? "set either rate or concurrency, not both"
                           : "needs a load: rate (requests/s) or concurrency (requests in flight)");
  }
  if (!raw.has_duration && !raw.has_requests) {
    s.duration = defaults_.duration;
    s.num_requests = defaults_.num_requests;
  }
  if (s.duration.count() <= 0 && s.num_requests == 0) {
    return error_at(raw.mark, raw.path,
                    "needs duration or num_requests (neither is in the stage nor given as a "
                    "default on the command line)");
  }
  if (s.concurrency > 0) {
    if (raw.has_arrival) {
      return error_at(raw.arrival_mark, raw.path + ".arrival", "applies to rate stages only");
    }
    if (raw.has_burstiness) {
      return error_at(raw.burstiness_mark, raw.path + ".burstiness", "applies to rate stages only");
    }
  }
  if (!raw.has_arrival) s.arrival = defaults_.arrival;
  if (!raw.has_burstiness) s.burstiness = defaults_.burstiness;
  if (raw.has_burstiness && s.arrival != ArrivalKind::kGamma) {
    return error_at(raw.burstiness_mark, raw.path + ".burstiness",
                    "applies to arrival: gamma only (this stage's arrival is " +
                        std::string(arrival_kind_name(s.arrival)) + ")");
  }
  return {};
}

Result<StagePlan> PlanParser::parse(const YAML::Node& root) {
  if (root.IsNull()) {
    return error_at(root.Mark(), "", "empty stage plan: expected a mapping with a 'stages' list");
  }
  if (!root.IsMap()) {
    return error_at(root.Mark(), "",
                    "expected a mapping with a 'stages' list, got " + std::string(type_name(root)));
  }
  StagePlan plan;
  std::vector<RawStage> raws;
  std::optional<RawStage> warmup;
  bool has_stages = false;
  std::set<std::string, std::less<>> seen;
  for (auto it = root.begin(); it != root.end(); ++it) {
    const YAML::Node key = it->first;  // copies: the iterator hands out proxies
    const YAML::Node value = it->second;
    if (!key.IsScalar()) return error_at(key.Mark(), "", "keys must be plain names");
    const std::string& k = key.Scalar();
    if (!seen.insert(k).second) return error_at(key.Mark(), k, "key given twice");
    if (k == "interval") {
      auto d = duration(value, k, true, kMaxIntervalS);
      if (!d) return d.error();
      plan.interval = *d;
    } else if (k == "warmup") {
      auto w = stage(value, "warmup");
      if (!w) return w.error();
      warmup = std::move(w).value();
      warmup->spec.warmup = true;
      if (!warmup->has_name) warmup->spec.name = "warmup";
      warmup->has_name = true;
      warmup->name_mark = warmup->mark;
    } else if (k == "stages") {
      has_stages = true;
      if (!value.IsSequence()) {
        return error_at(value.Mark(), k,
                        "expected a list of stages, got " + std::string(type_name(value)));
      }
      if (value.size() == 0) return error_at(value.Mark(), k, "needs at least one stage");
      if (value.size() > kMaxStages) {
        return error_at(value.Mark(), k, "at most " + std::to_string(kMaxStages) + " stages");
      }
      for (std::size_t i = 0; i < value.size(); ++i) {
        auto s = stage(value[i], "stages[" + std::to_string(i) + "]");
        if (!s) return s.error();
        raws.push_back(std::move(s).value());
      }
    } else {
      return error_at(key.Mark(), k,
                      "unknown key '" + k + "' (expected interval, warmup or stages)");
    }
  }
  if (!has_stages) {
    return error_at(root.Mark(), "stages", "missing: the plan needs a 'stages' list");
  }
  if (warmup) raws.insert(raws.begin(), std::move(*warmup));

  // Explicit names first, so that a default name never takes a name written later in the file.
  std::set<std::string, std::less<>> names;
  for (RawStage& raw : raws) {
    if (auto st = resolve(raw); !st) return std::move(st).error();
    if (raw.has_name && !names.insert(raw.spec.name).second) {
      return error_at(raw.name_mark, raw.path + ".name",
                      "duplicate stage name '" + raw.spec.name + "'");
    }
  }
  for (RawStage& raw : raws) {
    if (!raw.has_name) {
      const std::string base = raw.spec.rate
                                   ? "rate-" + format_number(*raw.spec.rate)
                                   : "concurrency-" + std::to_string(raw.spec.concurrency);
      std::string name = base;
      for (int n = 2; names.count(name) != 0; ++n) name = base + "-" + std::to_string(n);
      names.insert(name);
      raw.spec.name = std::move(name);
    }
    plan.stages.push_back(std::move(raw.spec));
  }
  return plan;
}

}  // namespace

Result<Duration> parse_duration(std::string_view text) {
  auto bad = [&](std::string_view why) {
    return make_error(ErrorCode::kInvalidArgument,
                      "invalid duration '" + std::string(text) + "': " + std::string(why));
  };
  std::string_view s = text;
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  if (s.empty()) return bad("expected e.g. 30s, 500ms, 2m or a number of seconds");
  double bare = 0;
  if (parse_double(s, bare)) s = {};  // a bare number of seconds
  double total = bare;
  while (!s.empty()) {
    double value = 0;
    const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || ptr == s.data()) return bad("expected a number before each unit");
    s.remove_prefix(static_cast<std::size_t>(ptr - s.data()));
    std::size_t unit_len = 0;
    while (unit_len < s.size() && std::isalpha(static_cast<unsigned char>(s[unit_len]))) ++unit_len;
    const std::string_view unit = s.substr(0, unit_len);
    s.remove_prefix(unit_len);
    double scale = 0;
    if (unit == "h") scale = 3600;
    if (unit == "m") scale = 60;
    if (unit == "s") scale = 1;
    if (unit == "ms") scale = 1e-3;
    if (unit == "us") scale = 1e-6;
    if (scale == 0) return bad("unknown unit '" + std::string(unit) + "' (use h, m, s, ms or us)");
    if (value < 0 || std::signbit(value)) return bad("must not be negative");
    total += value * scale;
  }
  if (!std::isfinite(total)) return bad("must be finite");
  if (total < 0 || std::signbit(total)) return bad("must not be negative");
  if (total > kMaxParsedDurationS) return bad("too large");
  // Rounded, not truncated: 0.29 s is 290 ms, not 289.999999 ms.
  return Duration(std::llround(total * 1e9));
}

Result<StagePlan> parse_stage_plan_yaml(std::string_view yaml_text, const StageSpec& defaults,
                                        std::string_view source) {
  PlanParser parser(source, defaults);
  if (yaml_text.size() > kMaxStagePlanBytes) {
    return make_error(ErrorCode::kTooLarge, std::string(source) + ": stage plan larger than " +
                                                std::to_string(kMaxStagePlanBytes) + " bytes");
  }
  try {
    const std::vector<YAML::Node> docs = YAML::LoadAll(std::string(yaml_text));
    if (docs.empty()) return parser.parse(YAML::Node());
    if (docs.size() > 1) {
      return parser.error_at(docs[1].Mark(), "",
                             "expected one YAML document, found " + std::to_string(docs.size()));
    }
    return parser.parse(docs[0]);
  } catch (const YAML::ParserException& e) {
    return parser.error_at(e.mark, "", "invalid YAML: " + e.msg);
  } catch (const YAML::Exception& e) {
    return parser.error_at(e.mark, "", e.msg);
  } catch (const std::exception& e) {
    return parser.error_at(YAML::Mark::null_mark(), "", e.what());
  }
}

Result<StagePlan> load_stage_plan(const std::string& path, const StageSpec& defaults) {
  std::error_code ec;
  const auto status = std::filesystem::status(path, ec);
  if (!std::filesystem::exists(status)) {
    return make_error(ErrorCode::kNotFound, "stage file '" + path + "' not found");
  }
  if (!std::filesystem::is_regular_file(status)) {
    return make_error(ErrorCode::kIo, "stage file '" + path + "' is not a regular file");
  }
  std::ifstream in(path, std::ios::binary);
  std::string text(kMaxStagePlanBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  if (in.bad() || (!in && !in.eof())) {
    return make_error(ErrorCode::kIo, "cannot read stage file '" + path + "'");
  }
  text.resize(static_cast<std::size_t>(in.gcount()));
  return parse_stage_plan_yaml(text, defaults, path);
}

}  // namespace sluice::bench
