#include "config/yaml_reader.h"

#include "config/duration.h"

#include <charconv>
#include <cmath>
#include <set>

namespace sluice::config::detail {
namespace {

std::string join_path(const std::string& path, std::string_view key) {
  if (path.empty()) return std::string(key);
  return path + "." + std::string(key);
}

}  // namespace

SourceLocation location_of(const YAML::Node& node, const std::string& file,
                           const SourceLocation& fallback) {
  if (!node) return fallback;
  const YAML::Mark mark = node.Mark();
  if (mark.line < 0) return fallback;
  return SourceLocation{file, mark.line + 1, mark.column + 1};
}

SourceLocation YamlReader::location() const { return location_of(node_, *file_, fallback_); }

void YamlReader::fail(const std::string& what) const { throw ConfigError(location(), path_, what); }

void YamlReader::expect_map(std::initializer_list<std::string_view> allowed) const {
  if (is_null()) fail("is required");
  if (!node_.IsMap()) fail("must be a mapping");
  std::set<std::string, std::less<>> seen;
  for (const auto& kv : node_) {
    const YAML::Node& key = kv.first;
    const SourceLocation where = location_of(key, *file_, location());
    if (!key.IsScalar()) throw ConfigError(where, path_, "keys must be strings");
    const std::string& name = key.Scalar();
    const std::string field = join_path(path_, name);
    if (!seen.insert(name).second) throw ConfigError(where, field, "duplicate field");
    bool known = false;
    for (std::string_view a : allowed) known = known || a == name;
    if (!known) {
      std::string list;
      for (std::string_view a : allowed) {
        if (!list.empty()) list += ", ";
        list += a;
      }
      throw ConfigError(where, field, "unknown field (expected one of: " + list + ")");
    }
  }
}

void YamlReader::expect_sequence() const {
  if (!node_.IsSequence()) fail("must be a list");
}

bool YamlReader::has(std::string_view key) const {
  if (!node_.IsMap()) return false;
  const YAML::Node child = node_[std::string(key)];
  return child && !child.IsNull();
}

YamlReader YamlReader::child(std::string_view key) const {
  return YamlReader(node_.IsMap() ? node_[std::string(key)] : YAML::Node(), join_path(path_, key),
                    file_, location());
}

YamlReader YamlReader::at(std::size_t i) const {
  return YamlReader(node_[i], path_ + "[" + std::to_string(i) + "]", file_, location());
}

std::string YamlReader::as_string() const {
  if (is_null()) fail("is required");
  if (!node_.IsScalar()) fail("must be a string");
  return node_.Scalar();
}

std::int64_t YamlReader::as_int(std::int64_t min, std::int64_t max) const {
  if (is_null()) fail("is required");
  if (!node_.IsScalar() || node_.Tag() == "!") fail("must be an integer");
  const std::string& s = node_.Scalar();
  std::int64_t v = 0;
  const char* first = s.data();
  const char* last = s.data() + s.size();
  if (first != last && *first == '+') ++first;
  const auto [ptr, ec] = std::from_chars(first, last, v);
  if (ec != std::errc() || ptr != last || first == last) {
    fail("must be an integer, got \"" + s + "\"");
  }
  if (v < min || v > max) {
    fail("must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " + s);
  }
  return v;
}

double YamlReader::as_number(double min, double max) const {
  if (is_null()) fail("is required");
  if (!node_.IsScalar() || node_.Tag() == "!") fail("must be a number");
  const std::string& s = node_.Scalar();
  double v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || s.empty() || !std::isfinite(v)) {
    fail("must be a number, got \"" + s + "\"");
  }
  if (v < min || v > max)
    fail("must be between " + std::to_string(min) + " and " + std::to_string(max) + ", got " + s);
  return v;
}

bool YamlReader::as_bool() const {
  if (is_null()) fail("is required");
  if (node_.IsScalar() && node_.Tag() != "!") {
    if (node_.Scalar() == "true") return true;
    if (node_.Scalar() == "false") return false;
  }
  fail("must be true or false");
}

Duration YamlReader::as_duration() const {
  const std::string s = as_string();
  Result<Duration> d = parse_duration(s);
  if (!d) fail(d.error().message);
  return *d;
}

std::string YamlReader::required_string(std::string_view key) const {
  const YamlReader c = child(key);
  const std::string s = c.as_string();
  if (s.empty()) c.fail("must not be empty");
  return s;
}

std::optional<std::string> YamlReader::optional_string(std::string_view key) const {
  if (!has(key)) return std::nullopt;
  return child(key).as_string();
}

std::optional<std::int64_t> YamlReader::optional_int(std::string_view key, std::int64_t min,
                                                     std::int64_t max) const {
  if (!has(key)) return std::nullopt;
  return child(key).as_int(min, max);
}

std::map<std::string, std::string> YamlReader::string_map() const {
  std::map<std::string, std::string> out;
  if (is_null()) return out;
  if (!node_.IsMap()) fail("must be a mapping of strings");
  for (const auto& kv : node_) {
    const SourceLocation where = location_of(kv.first, *file_, location());
    if (!kv.first.IsScalar()) throw ConfigError(where, path_, "keys must be strings");
    const std::string field = join_path(path_, kv.first.Scalar());
    if (!kv.second.IsScalar()) {
      throw ConfigError(location_of(kv.second, *file_, where), field, "must be a string");
    }
    if (!out.emplace(kv.first.Scalar(), kv.second.Scalar()).second) {
      throw ConfigError(where, field, "duplicate key");
    }
  }
  return out;
}

}  // namespace sluice::config::detail
