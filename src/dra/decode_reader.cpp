#include "dra/decode_reader.h"

#include <algorithm>
#include <charconv>
#include <limits>
#include <set>

namespace sluice::dra::decode_detail {
namespace {

bool is_lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

std::string join_path(const std::string& base, std::string_view key) {
  if (base.empty()) return std::string(key);
  std::string out = base;
  out += '.';
  out += key;
  return out;
}

bool is_numeric_identifier(std::string_view s) {
  if (s.empty()) return false;
  if (!std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) return false;
  return s.size() == 1 || s[0] != '0';
}

// Dot-separated identifiers of [0-9A-Za-z-]; numeric ones without leading zeros if `strict`.
bool is_semver_identifiers(std::string_view s, bool strict_numeric) {
  if (s.empty()) return false;
  std::size_t start = 0;
  while (true) {
    auto dot = s.find('.', start);
    auto part = s.substr(start, dot == std::string_view::npos ? s.size() - start : dot - start);
    if (part.empty()) return false;
    bool all_digits = true;
    for (char c : part) {
      bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
      bool digit = c >= '0' && c <= '9';
      if (!alpha && !digit) return false;
      all_digits = all_digits && digit;
    }
    if (strict_numeric && all_digits && !is_numeric_identifier(part)) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

}  // namespace

Reader::Reader(YAML::Node node, std::string path, const ObjectContext* ctx, YAML::Mark fallback)
    // yaml-cpp answers a missing key with an invalid "zombie" node that throws on most uses; a
    // plain null node behaves.
    : node_(node.IsDefined() ? std::move(node) : YAML::Node()),
      path_(std::move(path)),
      ctx_(ctx),
      fallback_(fallback) {}

YAML::Mark Reader::mark() const {
  YAML::Mark m = node_.Mark();
  if (m.is_null() || m.line < 0) return fallback_;
  return m;
}

void Reader::fail(std::string_view what) const {
  YAML::Mark m = mark();
  std::string msg = ctx_->source;
  if (!m.is_null() && m.line >= 0) {
    msg += ':' + std::to_string(m.line + 1) + ':' + std::to_string(m.column + 1);
  }
  msg += ": ";
  msg += ctx_->object;
  msg += ": ";
  if (!path_.empty()) msg += path_ + ": ";
  msg += what;
  throw DecodeError(msg, path_);
}

void Reader::expect_any_map() const {
  if (is_null()) return;
  if (!node_.IsMap()) fail("must be a mapping");
  std::set<std::string, std::less<>> seen;
  for (const auto& kv : node_) {
    if (!kv.first.IsScalar()) fail("keys must be strings");
    const auto& key = kv.first.Scalar();
    if (!seen.insert(key).second) fail("duplicate field \"" + key + "\"");
  }
}

void Reader::expect_map(std::initializer_list<std::string_view> allowed) const {
  expect_any_map();
  if (is_null()) return;
  for (const auto& kv : node_) {
    const auto& key = kv.first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      Reader(kv.second, join_path(path_, key), ctx_, mark()).fail("unknown field");
    }
  }
}

void Reader::expect_sequence(std::size_t max) const {
  if (is_null()) return;
  if (!node_.IsSequence()) fail("must be a list");
  if (node_.size() > max) fail("must have at most " + std::to_string(max) + " items");
}

bool Reader::has(std::string_view key) const {
  if (!node_.IsMap()) return false;
  auto c = node_[std::string(key)];
  return c.IsDefined() && !c.IsNull();
}

Reader Reader::child(std::string_view key) const {
  // Copy-construct: assigning yaml-cpp's "zombie" node for a missing key throws.
  const YAML::Node c = node_.IsMap() ? node_[std::string(key)] : YAML::Node();
  return Reader(c, join_path(path_, key), ctx_, mark());
}

Reader Reader::at(std::size_t i) const {
  return Reader(node_[i], path_ + "[" + std::to_string(i) + "]", ctx_, mark());
}

std::string Reader::as_string() const {
  if (is_null()) return {};
  if (!node_.IsScalar()) fail("must be a string");
  return node_.Scalar();
}

std::int64_t Reader::as_int(std::int64_t min, std::int64_t max) const {
  if (!node_.IsScalar()) fail("must be an integer");
  const std::string& s = node_.Scalar();
  std::int64_t v = 0;
  const char* begin = s.data();
  if (!s.empty() && s[0] == '+') ++begin;
  auto [ptr, ec] = std::from_chars(begin, s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || begin == s.data() + s.size()) {
    fail("must be an integer, got \"" + s + "\"");
  }
  if (v < min) fail("must be >= " + std::to_string(min));
  if (v > max) fail("must be <= " + std::to_string(max));
  return v;
}

bool Reader::as_bool() const {
  if (node_.IsScalar()) {
    if (node_.Scalar() == "true") return true;
    if (node_.Scalar() == "false") return false;
  }
  fail("must be true or false");
}

cel::Quantity Reader::as_quantity() const {
  if (!node_.IsScalar()) fail("must be a quantity");
  auto q = cel::Quantity::parse(node_.Scalar());
  if (!q.ok()) fail("invalid quantity \"" + node_.Scalar() + "\": " + q.error().message);
  return std::move(q).value();
}

namespace {
/// Whether `node` has at most `budget` nodes, counting each alias use again (as the emitter
/// would expand it), without walking more than `budget` of them.
bool within_node_budget(const YAML::Node& node, std::size_t& budget) {
  if (budget == 0) return false;
  --budget;
  if (node.IsSequence()) {
    for (const auto& child : node) {
      if (!within_node_budget(child, budget)) return false;
    }
  } else if (node.IsMap()) {
    for (const auto& kv : node) {
      if (!within_node_budget(kv.first, budget) || !within_node_budget(kv.second, budget)) {
        return false;
      }
    }
  }
  return true;
}
}  // namespace

std::string Reader::as_flow_text() const {
  if (is_null()) return {};
  std::size_t budget = 10 * 1024;  // Kubernetes caps parameters at 10Ki bytes
  if (!within_node_budget(node_, budget)) fail("must be at most 10Ki");
  YAML::Emitter out;
  out.SetMapFormat(YAML::Flow);
  out.SetSeqFormat(YAML::Flow);
  out << node_;
  return out.c_str();
}

std::string Reader::required_string(std::string_view key) const {
  Reader c = child(key);
  if (c.is_null() || c.as_string().empty()) c.fail("required");
  return c.as_string();
}

std::optional<std::string> Reader::optional_string(std::string_view key) const {
  if (!has(key)) return std::nullopt;
  return child(key).as_string();
}

std::optional<bool> Reader::optional_bool(std::string_view key) const {
  if (!has(key)) return std::nullopt;
  return child(key).as_bool();
}

std::vector<std::string> Reader::string_list(std::string_view key, std::size_t max) const {
  std::vector<std::string> out;
  for_each_item(key, max, [&](const Reader& r) { out.push_back(r.as_string()); });
  return out;
}

std::map<std::string, std::string> Reader::string_map() const {
  std::map<std::string, std::string> out;
  for_each_entry(std::numeric_limits<std::size_t>::max(),
                 [&](const std::string& k, const Reader& r) { out.emplace(k, r.as_string()); });
  return out;
}

void Reader::for_each_item(std::string_view key, std::size_t max,
                           const std::function<void(const Reader&)>& f) const {
  Reader list = child(key);
  list.expect_sequence(max);
  for (std::size_t i = 0; i < list.size(); ++i) f(list.at(i));
}

void Reader::for_each_entry(std::size_t max,
                            const std::function<void(const std::string&, const Reader&)>& f) const {
  expect_any_map();
  if (is_null()) return;
  if (node_.size() > max) fail("must have at most " + std::to_string(max) + " entries");
  for (const auto& kv : node_) {
    const std::string& key = kv.first.Scalar();
    f(key, Reader(kv.second, join_path(path_, key), ctx_, mark()));
  }
}

bool is_dns_label(std::string_view s) {
  if (s.empty() || s.size() > 63) return false;
  if (!is_lower_alnum(s.front()) || !is_lower_alnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return is_lower_alnum(c) || c == '-'; });
}

bool is_dns_subdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  std::size_t start = 0;
  while (true) {
    auto dot = s.find('.', start);
    auto part = s.substr(start, dot == std::string_view::npos ? s.size() - start : dot - start);
    if (!is_dns_label(part)) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

bool is_c_identifier(std::string_view s) {
  if (s.empty() || s.size() > 32) return false;
  auto first = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!first(s[0])) return false;
  return std::all_of(s.begin(), s.end(),
                     [&](char c) { return first(c) || (c >= '0' && c <= '9'); });
}

bool is_qualified_name(std::string_view s) {
  auto slash = s.find('/');
  if (slash == std::string_view::npos) return is_c_identifier(s);
  auto domain = s.substr(0, slash);
  return domain.size() <= 63 && is_dns_subdomain(domain) && is_c_identifier(s.substr(slash + 1));
}

bool is_label_key(std::string_view s) {
  auto slash = s.find('/');
  auto name = s;
  if (slash != std::string_view::npos) {
    if (!is_dns_subdomain(s.substr(0, slash))) return false;
    name = s.substr(slash + 1);
  }
  auto alnum = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
  };
  if (name.empty() || name.size() > 63 || !alnum(name.front()) || !alnum(name.back())) return false;
  return std::all_of(name.begin(), name.end(),
                     [&](char c) { return alnum(c) || c == '-' || c == '_' || c == '.'; });
}

bool is_semver(std::string_view s) {
  if (s.size() > 64) return false;
  auto plus = s.find('+');
  if (plus != std::string_view::npos) {
    if (!is_semver_identifiers(s.substr(plus + 1), false)) return false;
    s = s.substr(0, plus);
  }
  auto dash = s.find('-');
  if (dash != std::string_view::npos) {
    if (!is_semver_identifiers(s.substr(dash + 1), true)) return false;
    s = s.substr(0, dash);
  }
  int parts = 0;
  std::size_t start = 0;
  while (true) {
    auto dot = s.find('.', start);
    auto part = s.substr(start, dot == std::string_view::npos ? s.size() - start : dot - start);
    if (!is_numeric_identifier(part)) return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts == 3;
}

}  // namespace sluice::dra::decode_detail
