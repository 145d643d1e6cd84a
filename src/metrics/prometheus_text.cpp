#include "metrics/prometheus_text.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <limits>

namespace sluice::metrics {
namespace {

constexpr std::array<std::string_view, 5> kTypeNames{"counter", "gauge", "histogram", "summary",
                                                     "untyped"};

bool is_blank(char c) { return c == ' ' || c == '\t'; }
bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_metric_start(char c) { return is_alpha(c) || c == '_' || c == ':'; }
bool is_metric_char(char c) { return is_metric_start(c) || is_digit(c); }
bool is_label_start(char c) { return is_alpha(c) || c == '_'; }
bool is_label_char(char c) { return is_label_start(c) || is_digit(c); }

Error line_error(std::size_t line_no, std::string_view what) {
  std::string message = "line " + std::to_string(line_no) + ": ";
  message += what;
  return make_error(ErrorCode::kInvalidArgument, std::move(message));
}

/// A read position inside one line (already stripped of surrounding blanks and the CR).
struct Cursor {
  std::string_view s;
  std::size_t pos = 0;

  bool done() const { return pos >= s.size(); }
  char peek() const { return s[pos]; }
  void skip_blanks() {
    while (pos < s.size() && is_blank(s[pos])) {
      ++pos;
    }
  }
  /// Up to the next blank or the end.
  std::string_view token() {
    const std::size_t start = pos;
    while (pos < s.size() && !is_blank(s[pos])) {
      ++pos;
    }
    return s.substr(start, pos - start);
  }
  /// The longest prefix made of [start][char]* characters; empty if none.
  template <typename Start, typename Char>
  std::string_view identifier(Start start_ok, Char char_ok) {
    const std::size_t start = pos;
    if (pos < s.size() && start_ok(s[pos])) {
      ++pos;
      while (pos < s.size() && char_ok(s[pos])) {
        ++pos;
      }
    }
    return s.substr(start, pos - start);
  }
};

bool valid_metric_name(std::string_view name) {
  if (name.empty() || !is_metric_start(name.front())) {
    return false;
  }
  return std::all_of(name.begin() + 1, name.end(), is_metric_char);
}

char to_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

/// ASCII case-insensitive equality; `b` is lower case.
bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (to_lower(a[i]) != b[i]) {
      return false;
    }
  }
  return true;
}

/// Go's strconv.ParseFloat as Prometheus uses it: decimal or exponent notation with an optional
/// sign, and NaN / Inf / Infinity in any case.
bool parse_value(std::string_view token, double& out) {
  bool negative = false;
  if (!token.empty() && (token.front() == '+' || token.front() == '-')) {
    negative = token.front() == '-';
    token.remove_prefix(1);
  }
  if (token.empty() || token.front() == '+' || token.front() == '-') {
    return false;
  }
  if (iequals(token, "nan")) {
    out = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (iequals(token, "inf") || iequals(token, "infinity")) {
    out = negative ? -std::numeric_limits<double>::infinity()
                   : std::numeric_limits<double>::infinity();
    return true;
  }
  // from_chars would also take "nan(...)"; only digits, '.', and an exponent are numbers here.
  if (!is_digit(token.front()) && token.front() != '.') {
    return false;
  }
  double v = 0;
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), v);
  if (ec != std::errc() || end != token.data() + token.size()) {
    return false;
  }
  out = negative ? -v : v;
  return true;
}

bool parse_timestamp(std::string_view token, std::int64_t& out) {
  if (!token.empty() && token.front() == '+') {
    token.remove_prefix(1);
    if (!token.empty() && token.front() == '-') {
      return false;
    }
  }
  const auto [end, ec] = std::from_chars(token.data(), token.data() + token.size(), out);
  return !token.empty() && ec == std::errc() && end == token.data() + token.size();
}

/// `# HELP name text`, `# TYPE name type`, or any other comment (ignored). As in Prometheus'
/// parser, a bare `# HELP` / `# TYPE` without a name is just a comment.
bool wanted(std::span<const std::string_view> only, std::string_view name) {
  return only.empty() || std::find(only.begin(), only.end(), name) != only.end();
}

Status parse_comment(Cursor c, std::size_t line_no, std::span<const std::string_view> only,
                     PromSnapshot& snapshot) {
  ++c.pos;  // '#'
  c.skip_blanks();
  const std::string_view keyword = c.token();
  const bool is_type = keyword == "TYPE";
  if (!is_type && keyword != "HELP") {
    return {};
  }
  c.skip_blanks();
  if (c.done()) {
    return {};
  }
  const std::string_view name = c.token();
  if (!valid_metric_name(name)) {
    return line_error(line_no, "invalid metric name '" + std::string(name) + "' in # " +
                                   std::string(keyword) + " line");
  }
  if (!is_type) {
    return {};  // the docstring is not needed for summaries
  }
  c.skip_blanks();
  const std::string_view type = c.token();
  c.skip_blanks();
  if (!c.done()) {
    return line_error(line_no, "unexpected text after the type in # TYPE line");
  }
  for (const std::string_view known : kTypeNames) {
    if (iequals(type, known)) {
      if (wanted(only, name))
        snapshot.types.insert_or_assign(std::string(name), std::string(known));
      return {};
    }
  }
  return line_error(line_no, "unknown metric type '" + std::string(type) +
                                 "' (want counter, gauge, histogram, summary or untyped)");
}

struct LabelRef {
  std::string_view name;
  std::string_view value;  ///< as exposed, escapes included
};

/// The position of the '"' that ends a label value starting at `start`, or npos. A quote is
/// escaped exactly when an odd run of backslashes precedes it, so memchr can do the scanning.
std::size_t closing_quote(std::string_view s, std::size_t start) {
  std::size_t from = start;
  while (from < s.size()) {
    const void* hit = std::memchr(s.data() + from, '"', s.size() - from);
    if (hit == nullptr) {
      return std::string_view::npos;
    }
    const std::size_t quote = static_cast<std::size_t>(static_cast<const char*>(hit) - s.data());
    std::size_t backslashes = 0;
    while (quote - backslashes > start && s[quote - backslashes - 1] == '\\') {
      ++backslashes;
    }
    if (backslashes % 2 == 0) {
      return quote;
    }
    from = quote + 1;
  }
  return std::string_view::npos;
}

/// `{a="x", b="y",}` starting at '{'. Fills `labels` (unsorted).
Status parse_labels(Cursor& c, std::size_t line_no, std::vector<LabelRef>& labels) {
  ++c.pos;  // '{'
  while (true) {
    c.skip_blanks();
    if (c.done()) {
      return line_error(line_no, "unterminated label list, expected '}'");
    }
    if (c.peek() == '}') {
      ++c.pos;
      return {};
    }
    const std::string_view name = c.identifier(is_label_start, is_label_char);
    if (name.empty()) {
      return line_error(line_no, "invalid label name at column " + std::to_string(c.pos + 1));
    }
    c.skip_blanks();
    if (c.done() || c.peek() != '=') {
      return line_error(line_no, "expected '=' after label name '" + std::string(name) + "'");
    }
    ++c.pos;
    c.skip_blanks();
    if (c.done() || c.peek() != '"') {
      return line_error(line_no,
                        "expected '\"' to open the value of label '" + std::string(name) + "'");
    }
    ++c.pos;
    const std::size_t start = c.pos;
    const std::size_t close = closing_quote(c.s, start);
    if (close == std::string_view::npos) {
      return line_error(line_no, "unterminated value of label '" + std::string(name) + "'");
    }
    labels.push_back({name, c.s.substr(start, close - start)});
    c.pos = close;
    ++c.pos;  // closing '"'
    c.skip_blanks();
    if (c.done()) {
      return line_error(line_no, "unterminated label list, expected '}'");
    }
    if (c.peek() == ',') {
      ++c.pos;
    } else if (c.peek() != '}') {
      return line_error(line_no,
                        "expected ',' or '}' after the value of label '" + std::string(name) + "'");
    }
  }
}

/// `name{labels} value [timestamp]`.
/// Checks one sample line; fills `out` (and sets `kept`) only when its metric is wanted.
Status parse_sample(Cursor c, std::size_t line_no, std::span<const std::string_view> only,
                    std::vector<LabelRef>& labels, PromSample& out, bool& kept) {
  const std::string_view name = c.identifier(is_metric_start, is_metric_char);
  if (name.empty()) {
    return line_error(line_no, "expected a metric name");
  }
  c.skip_blanks();
  labels.clear();
  if (!c.done() && c.peek() == '{') {
    if (Status st = parse_labels(c, line_no, labels); !st.ok()) {
      return st;
    }
    c.skip_blanks();
  } else if (c.pos == name.size() && !c.done()) {
    return line_error(line_no, "invalid character '" + std::string(1, c.peek()) +
                                   "' after metric name '" + std::string(name) + "'");
  }
  if (c.done()) {
    return line_error(line_no, "missing value for '" + std::string(name) + "'");
  }
  const std::string_view value = c.token();
  if (!parse_value(value, out.value)) {
    return line_error(line_no, "invalid value '" + std::string(value) + "'");
  }
  c.skip_blanks();
  out.timestamp_ms.reset();
  if (!c.done()) {
    const std::string_view ts = c.token();
    std::int64_t ms = 0;
    if (!parse_timestamp(ts, ms)) {
      return line_error(line_no, "invalid timestamp '" + std::string(ts) + "'");
    }
    out.timestamp_ms = ms;
    c.skip_blanks();
    if (!c.done()) {
      return line_error(line_no, "unexpected text after the timestamp");
    }
  }

  // Exporters usually sort labels already; sorting a handful of views is cheap either way.
  const auto by_name = [](const LabelRef& a, const LabelRef& b) { return a.name < b.name; };
  if (!std::is_sorted(labels.begin(), labels.end(), by_name)) {
    std::sort(labels.begin(), labels.end(), by_name);
  }
  std::size_t size = name.size() + 2;
  for (std::size_t i = 0; i < labels.size(); ++i) {
    if (i > 0 && labels[i].name == labels[i - 1].name) {
      return line_error(line_no, "duplicate label '" + std::string(labels[i].name) + "'");
    }
    size += labels[i].name.size() + labels[i].value.size() + 4;
  }
  kept = wanted(only, name);
  if (!kept) return {};  // checked, not stored: no allocation for the samples nobody reads
  out.name.assign(name);
  out.series.clear();
  out.series.reserve(size);
  out.series += name;
  if (!labels.empty()) {
    out.series += '{';
    for (std::size_t i = 0; i < labels.size(); ++i) {
      if (i > 0) {
        out.series += ',';
      }
      out.series += labels[i].name;
      out.series += "=\"";
      out.series += labels[i].value;
      out.series += '"';
    }
    out.series += '}';
  }
  return {};
}

/// Sorts by series keeping the first of equal series. Pages are often sorted already; otherwise
/// an index permutation is sorted so that every sample is moved only once.
void sort_and_dedupe(std::vector<PromSample>& samples) {
  const auto before = [](const PromSample& a, const PromSample& b) { return a.series < b.series; };
  if (!std::is_sorted(samples.begin(), samples.end(), before)) {
    std::vector<std::uint32_t> order(samples.size());
    for (std::uint32_t i = 0; i < order.size(); ++i) {
      order[i] = i;
    }
    std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
      const int cmp = samples[a].series.compare(samples[b].series);
      return cmp != 0 ? cmp < 0 : a < b;  // ties by position: the first occurrence wins
    });
    std::vector<PromSample> sorted;
    sorted.reserve(samples.size());
    for (const std::uint32_t i : order) {
      sorted.push_back(std::move(samples[i]));
    }
    samples.swap(sorted);
  }
  samples.erase(
      std::unique(samples.begin(), samples.end(),
                  [](const PromSample& a, const PromSample& b) { return a.series == b.series; }),
      samples.end());
}

}  // namespace

const PromSample* PromSnapshot::find(std::string_view series) const {
  const auto it =
      std::lower_bound(samples.begin(), samples.end(), series,
                       [](const PromSample& s, std::string_view key) { return s.series < key; });
  return it != samples.end() && it->series == series ? &*it : nullptr;
}

Result<PromSnapshot> parse_prometheus_text(std::string_view text,
                                           std::span<const std::string_view> only) {
  PromSnapshot snapshot;
  // One sample per line at most; reserving avoids regrowth copies on pages of thousands of lines.
  if (only.empty()) {
    snapshot.samples.reserve(static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) +
                             1);
  }
  std::vector<LabelRef> labels;
  std::size_t line_no = 0;
  std::size_t pos = 0;
  while (pos < text.size()) {
    std::size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) {
      end = text.size();  // a missing final newline is tolerated
    }
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    while (!line.empty() && (is_blank(line.back()) || line.back() == '\r')) {
      line.remove_suffix(1);
    }
    while (!line.empty() && is_blank(line.front())) {
      line.remove_prefix(1);
    }
    if (line.empty()) {
      continue;
    }
    Cursor cursor{line, 0};
    if (line.front() == '#') {
      if (Status st = parse_comment(cursor, line_no, only, snapshot); !st.ok()) {
        return std::move(st).error();
      }
      continue;
    }
    PromSample sample;
    bool kept = false;
    if (Status st = parse_sample(cursor, line_no, only, labels, sample, kept); !st.ok()) {
      return std::move(st).error();
    }
    if (kept) snapshot.samples.push_back(std::move(sample));
  }

  sort_and_dedupe(snapshot.samples);
  return snapshot;
}

}  // namespace sluice::metrics
