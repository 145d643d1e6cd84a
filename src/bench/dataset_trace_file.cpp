#include "bench/dataset_file.h"
#include "bench/dataset_trace.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <optional>
#include <utility>
#include <vector>

namespace sluice::bench::dataset_detail {
namespace {

constexpr std::string_view kKind = "trace";
constexpr std::int64_t kNanosPerSecond = 1'000'000'000;
// Keeps every timestamp in [0, ~7.3e18] ns, so differences of two never overflow int64.
constexpr double kMaxSeconds = 4e9;
constexpr int kMinYear = 1970;
constexpr int kMaxYear = 2200;
constexpr std::uint64_t kMaxLength = 2147483647U;

Error line_error(const std::string& path, std::size_t line, const std::string& why) {
  return make_error(
      ErrorCode::kInvalidArgument,
      std::string(kKind) + " file '" + path + "' line " + std::to_string(line) + ": " + why,
      "path");
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) {
    s.remove_suffix(1);
  }
  return s;
}

// Parses exactly `width` decimal digits at `s[pos]`.
bool digits(std::string_view s, std::size_t pos, std::size_t width, int& out) {
  if (pos + width > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + width; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

bool is_leap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

// Days from 1970-01-01 to the given date (valid, year >= 1970).
std::int64_t days_since_epoch(int year, int month, int day) {
  static constexpr std::array<int, 12> kDaysBeforeMonth = {0,   31,  59,  90,  120, 151,
                                                           181, 212, 243, 273, 304, 334};
  const auto leaps_before = [](std::int64_t y) {
    return (y - 1) / 4 - (y - 1) / 100 + (y - 1) / 400;
  };
  std::int64_t days =
      365 * static_cast<std::int64_t>(year - 1970) + leaps_before(year) - leaps_before(1970);
  days += kDaysBeforeMonth[static_cast<std::size_t>(month - 1)] + (month > 2 && is_leap(year));
  return days + day - 1;
}

std::optional<std::int64_t> parse_datetime(std::string_view s) {
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (s.size() < 19 || !digits(s, 0, 4, year) || s[4] != '-' || !digits(s, 5, 2, month) ||
      s[7] != '-' || !digits(s, 8, 2, day) || (s[10] != ' ' && s[10] != 'T') ||
      !digits(s, 11, 2, hour) || s[13] != ':' || !digits(s, 14, 2, minute) || s[16] != ':' ||
      !digits(s, 17, 2, second)) {
    return std::nullopt;
  }
  static constexpr std::array<int, 12> kMonthDays = {31, 29, 31, 30, 31, 30,
                                                     31, 31, 30, 31, 30, 31};
  if (year < kMinYear || year > kMaxYear || month < 1 || month > 12 || day < 1 ||
      day > kMonthDays[static_cast<std::size_t>(month - 1)] ||
      (month == 2 && day == 29 && !is_leap(year)) || hour > 23 || minute > 59 || second > 59) {
    return std::nullopt;
  }
  std::int64_t nanos = 0;
  std::size_t i = 19;
  if (i < s.size() && s[i] == '.') {
    std::int64_t scale = kNanosPerSecond;
    const std::size_t first = ++i;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      if (scale > 1) {
        scale /= 10;
        nanos += (s[i] - '0') * scale;
      }
    }
    if (i == first) return std::nullopt;
  }
  if (i < s.size() && s[i] == 'Z') ++i;
  if (i != s.size()) return std::nullopt;
  const std::int64_t seconds =
      days_since_epoch(year, month, day) * 86400 + hour * 3600 + minute * 60 + second;
  return seconds * kNanosPerSecond + nanos;
}

std::optional<std::int64_t> seconds_to_nanos(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0 || seconds > kMaxSeconds) return std::nullopt;
  return std::llround(seconds * 1e9);
}

std::optional<std::uint32_t> parse_length(std::string_view s) {
  std::uint64_t value = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || value > kMaxLength) {
    return std::nullopt;
  }
  return static_cast<std::uint32_t>(value);
}

// Appends a row after the ordering check; offsets are normalized at the end.
class RowSink {
 public:
  explicit RowSink(const std::string& path) : path_(path) {}

  Status add(std::size_t line, std::int64_t time_ns, std::uint32_t input, std::uint32_t output) {
    if (!rows_.empty() && time_ns < rows_.back().offset_ns) {
      return line_error(path_, line,
                        "timestamp is earlier than the previous row's (rows must be in "
                        "non-decreasing time order)");
    }
    rows_.push_back(TraceRow{time_ns, input, output});
    return Status{};
  }

  Result<std::vector<TraceRow>> finish() && {
    if (rows_.empty()) {
      return make_error(ErrorCode::kInvalidArgument,
                        std::string(kKind) + " file '" + path_ + "': no rows", "path");
    }
    const std::int64_t first = rows_.front().offset_ns;
    for (auto& row : rows_) row.offset_ns -= first;
    return std::move(rows_);
  }

 private:
  const std::string& path_;
  std::vector<TraceRow> rows_;
};

std::string quoted(std::string_view s) {
  constexpr std::size_t kMaxShown = 64;
  return "'" + std::string(s.substr(0, kMaxShown)) + (s.size() > kMaxShown ? "...'" : "'");
}

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Splits a CSV line on commas, trimming blanks and one pair of surrounding double quotes.
void split_csv(std::string_view line, std::vector<std::string_view>& fields) {
  fields.clear();
  for (;;) {
    const std::size_t comma = line.find(',');
    std::string_view field = trim(line.substr(0, comma));
    if (field.size() >= 2 && field.front() == '"' && field.back() == '"') {
      field = field.substr(1, field.size() - 2);
    }
    fields.push_back(field);
    if (comma == std::string_view::npos) return;
    line.remove_prefix(comma + 1);
  }
}

struct CsvColumns {
  std::size_t time = 0, input = 0, output = 0;
  std::size_t needed = 0;  // fields a row must have
};

constexpr std::size_t kMissing = static_cast<std::size_t>(-1);

Result<CsvColumns> parse_header(const std::string& path, std::size_t line,
                                const std::vector<std::string_view>& fields) {
  std::size_t time = kMissing, input = kMissing, output = kMissing;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const std::string name = lowercase(fields[i]);
    if (name == "timestamp") time = i;
    if (name == "contexttokens" || name == "input_length") input = i;
    if (name == "generatedtokens" || name == "output_length") output = i;
  }
  if (time == kMissing || input == kMissing || output == kMissing) {
    std::string missing;
    if (time == kMissing) missing += " timestamp";
    if (input == kMissing) missing += " input length";
    if (output == kMissing) missing += " output length";
    return line_error(path, line,
                      "header lacks the" + missing +
                          " column(s); expected TIMESTAMP,ContextTokens,GeneratedTokens or "
                          "timestamp,input_length,output_length");
  }
  CsvColumns columns{time, input, output, 0};
  columns.needed = std::max({time, input, output}) + 1;
  return columns;
}

Status parse_csv_row(const std::string& path, std::size_t line, const CsvColumns& columns,
                     const std::vector<std::string_view>& fields, RowSink& sink) {
  if (fields.size() < columns.needed) {
    return line_error(path, line,
                      "expected at least " + std::to_string(columns.needed) + " columns, found " +
                          std::to_string(fields.size()));
  }
  const auto time = parse_trace_time(fields[columns.time]);
  if (!time) {
    return line_error(path, line,
                      "invalid timestamp " + quoted(fields[columns.time]) +
                          " (expected seconds >= 0 or YYYY-MM-DD HH:MM:SS[.fraction])");
  }
  const auto input = parse_length(fields[columns.input]);
  if (!input) {
    return line_error(
        path, line,
        "invalid input length " + quoted(fields[columns.input]) + " (expected an integer >= 0)");
  }
  const auto output = parse_length(fields[columns.output]);
  if (!output) {
    return line_error(
        path, line,
        "invalid output length " + quoted(fields[columns.output]) + " (expected an integer >= 0)");
  }
  return sink.add(line, *time, *input, *output);
}

Status parse_jsonl_row(simdjson::ondemand::parser& parser, const simdjson::padded_string& file,
                       std::string_view text, const std::string& path, std::size_t line,
                       RowSink& sink) {
  const auto invalid = [&](const std::string& expected, simdjson::error_code code) {
    return line_error(path, line, json_problem(code, expected));
  };
  simdjson::ondemand::document doc;
  const auto offset = static_cast<std::size_t>(text.data() - file.data());
  if (const auto code = parser.iterate(padded_slice(file, offset, text.size())).get(doc)) {
    return invalid("invalid JSON", code);
  }
  simdjson::ondemand::object object;
  if (const auto code = doc.get_object().get(object)) return invalid("expected an object", code);

  std::optional<std::int64_t> time;
  simdjson::ondemand::value value;
  if (const auto code = object.find_field_unordered("timestamp").get(value)) {
    return invalid("missing \"timestamp\"", code);
  }
  simdjson::ondemand::json_type type{};
  if (const auto code = value.type().get(type)) return invalid("invalid \"timestamp\"", code);
  if (type == simdjson::ondemand::json_type::number) {
    double seconds = 0;
    if (const auto code = value.get_double().get(seconds)) {
      return invalid("invalid \"timestamp\"", code);
    }
    time = seconds_to_nanos(seconds);
  } else if (type == simdjson::ondemand::json_type::string) {
    std::string_view s;
    if (const auto code = value.get_string().get(s)) return invalid("invalid \"timestamp\"", code);
    time = parse_trace_time(s);
  }
  if (!time) {
    return line_error(path, line,
                      "invalid \"timestamp\" (expected seconds >= 0 or \"YYYY-MM-DD "
                      "HH:MM:SS[.fraction]\")");
  }
  std::uint32_t lengths[2] = {0, 0};
  const char* names[2] = {"input_length", "output_length"};
  for (int i = 0; i < 2; ++i) {
    std::uint64_t n = 0;
    if (const auto code = object.find_field_unordered(names[i]).get_uint64().get(n)) {
      return invalid(
          std::string("missing or invalid \"") + names[i] + "\" (expected an integer >= 0)", code);
    }
    if (n > kMaxLength) {
      return line_error(path, line, std::string("\"") + names[i] + "\" is too large");
    }
    lengths[i] = static_cast<std::uint32_t>(n);
  }
  return sink.add(line, *time, lengths[0], lengths[1]);
}

}  // namespace

std::optional<std::int64_t> parse_trace_time(std::string_view text) {
  text = trim(text);
  if (text.size() >= 19 && text[4] == '-') return parse_datetime(text);
  double seconds = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), seconds);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return seconds_to_nanos(seconds);
}

Result<std::vector<TraceRow>> load_trace_rows(const std::string& path) {
  auto file = read_dataset_file(path, kKind);
  if (!file.ok()) return std::move(file).error();
  std::string_view text(file->data(), file->size());
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 byte order mark

  enum class Format { kUnknown, kCsv, kJsonl } format = Format::kUnknown;
  CsvColumns columns;
  std::vector<std::string_view> fields;
  simdjson::ondemand::parser parser;
  RowSink sink(path);
  std::size_t line_number = 0;
  while (!text.empty()) {
    const std::size_t newline = text.find('\n');
    const std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    ++line_number;
    if (trim(line).empty()) continue;
    Status status;
    if (format == Format::kJsonl) {
      status = parse_jsonl_row(parser, *file, line, path, line_number, sink);
    } else if (format == Format::kCsv) {
      split_csv(line, fields);
      status = parse_csv_row(path, line_number, columns, fields, sink);
    } else if (trim(line).front() == '{') {
      format = Format::kJsonl;
      status = parse_jsonl_row(parser, *file, line, path, line_number, sink);
    } else {
      format = Format::kCsv;
      split_csv(line, fields);
      auto header = parse_header(path, line_number, fields);
      if (!header.ok()) return std::move(header).error();
      columns = *header;
    }
    if (!status.ok()) return std::move(status).error();
  }
  return std::move(sink).finish();
}

}  // namespace sluice::bench::dataset_detail
