// Kubernetes' semver library (k8s.io/apiserver/pkg/cel/library/semverlib.go): semver(s),
// semver(s, normalize), isSemver(s), isSemver(s, normalize) and the Semver methods major(),
// minor(), patch(), isLessThan(), isGreaterThan() and compareTo().
//
// Parsing follows github.com/blang/semver/v4 `Parse`, which Kubernetes uses: exactly
// MAJOR.MINOR.PATCH as unsigned 64-bit numbers without leading zeros, then an optional
// `-pre.release` and `+build.meta` of [0-9A-Za-z-] identifiers (numeric pre-release identifiers
// without leading zeros). Normalization strips one leading `v`, leading zeros of the first three
// dot-separated parts and fills in a missing minor or patch with 0. Ordering is semver 2.0
// precedence; build metadata is ignored, also by `==`.
//
// isLessThan, isGreaterThan and compareTo are also Quantity methods: the registry tries each
// library's overload in turn, and these reject anything but two Semvers.
#include "cel/functions.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace sluice::cel::detail {
namespace {

constexpr std::string_view kSemverType = "kubernetes.Semver";
/// How much of a rejected input an error message quotes: inputs are untrusted and may be huge.
constexpr std::size_t kQuoteLimit = 64;

/// The parsed parts of a version; pre and build are views into the parsed text, without their
/// `-` / `+` and empty when absent.
struct Parsed {
  std::uint64_t major = 0;
  std::uint64_t minor = 0;
  std::uint64_t patch = 0;
  std::string_view pre;
  std::string_view build;
};

/// Why a text is not a version, as two fixed phrases: what is wrong ("major version") and how
/// ("has a leading zero"). No allocation, so that isSemver() stays cheap.
struct ParseError {
  std::string_view subject;
  std::string_view problem;
};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_ident_char(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-';
}
bool all_digits(std::string_view s) {
  for (const char c : s) {
    if (!is_digit(c)) return false;
  }
  return true;
}
bool all_ident_chars(std::string_view s) {
  for (const char c : s) {
    if (!is_ident_char(c)) return false;
  }
  return true;
}

/// Parses a decimal without sign into `out`; false on overflow. `s` is non-empty digits.
bool parse_u64(std::string_view s, std::uint64_t& out) {
  std::uint64_t v = 0;
  for (const char c : s) {
    if (__builtin_mul_overflow(v, 10U, &v) ||
        __builtin_add_overflow(v, static_cast<std::uint64_t>(c - '0'), &v)) {
      return false;
    }
  }
  out = v;
  return true;
}

/// A version number (major, minor or patch): digits, no leading zero, fits 64 bits.
std::optional<ParseError> parse_number(std::string_view s, std::string_view what,
                                       std::uint64_t& out) {
  if (s.empty()) return ParseError{what, "is empty"};
  if (!all_digits(s)) return ParseError{what, "has invalid characters"};
  if (s.size() > 1 && s[0] == '0') return ParseError{what, "has a leading zero"};
  if (!parse_u64(s, out)) return ParseError{what, "is out of range"};
  return std::nullopt;
}

/// Checks the dot-separated identifiers of a pre-release (`pre` true) or build metadata section.
std::optional<ParseError> check_identifiers(std::string_view s, bool pre) {
  const std::string_view what = pre ? "pre-release identifier" : "build metadata identifier";
  while (true) {
    const std::size_t dot = s.find('.');
    const std::string_view id = s.substr(0, dot);
    if (id.empty()) return ParseError{what, "is empty"};
    if (pre && all_digits(id)) {
      std::uint64_t ignored = 0;
      if (id.size() > 1 && id[0] == '0') return ParseError{what, "has a leading zero"};
      if (!parse_u64(id, ignored)) return ParseError{what, "is out of range"};
    } else if (!all_ident_chars(id)) {
      return ParseError{what, "has invalid characters"};
    }
    if (dot == std::string_view::npos) return std::nullopt;
    s.remove_prefix(dot + 1);
  }
}

/// blang/semver's strict Parse, without allocating: views in `out` point into `s`.
std::optional<ParseError> parse_strict(std::string_view s, Parsed& out) {
  if (s.empty()) return ParseError{"version", "is empty"};
  const std::size_t dot1 = s.find('.');
  const std::size_t dot2 = dot1 == std::string_view::npos ? dot1 : s.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos) return ParseError{"version", "is not major.minor.patch"};
  if (auto e = parse_number(s.substr(0, dot1), "major version", out.major)) return e;
  if (auto e = parse_number(s.substr(dot1 + 1, dot2 - dot1 - 1), "minor version", out.minor)) {
    return e;
  }
  std::string_view rest = s.substr(dot2 + 1);
  const std::size_t plus = rest.find('+');
  const bool has_build = plus != std::string_view::npos;
  if (has_build) {
    out.build = rest.substr(plus + 1);
    rest = rest.substr(0, plus);
  }
  const std::size_t dash = rest.find('-');
  const bool has_pre = dash != std::string_view::npos;
  if (has_pre) {
    out.pre = rest.substr(dash + 1);
    rest = rest.substr(0, dash);
  }
  if (auto e = parse_number(rest, "patch version", out.patch)) return e;
  if (has_pre) {
    if (auto e = check_identifiers(out.pre, true)) return e;
  }
  if (has_build) {
    if (auto e = check_identifiers(out.build, false)) return e;
  }
  return std::nullopt;
}

/// Kubernetes' normalizeAndParse, as text: drops one leading `v`, strips leading zeros from each
/// of the first three dot-separated parts (keeping one digit) and pads `1` / `1.2` with `.0`.
/// Fails when a shortened version carries pre-release or build metadata.
std::optional<ParseError> normalize(std::string_view s, std::string& out) {
  if (!s.empty() && s[0] == 'v') s.remove_prefix(1);
  const std::size_t size = s.size();
  std::array<std::string_view, 3> parts;
  std::size_t count = 0;
  while (count < 2) {
    const std::size_t dot = s.find('.');
    if (dot == std::string_view::npos) break;
    parts[count++] = s.substr(0, dot);
    s.remove_prefix(dot + 1);
  }
  parts[count++] = s;
  if (count < 3 && parts[count - 1].find_first_of("+-") != std::string_view::npos) {
    return ParseError{"version", "is shortened but has pre-release or build metadata"};
  }
  out.clear();
  out.reserve(size + 4);
  for (std::size_t i = 0; i < 3; ++i) {
    if (i > 0) out += '.';
    if (i >= count) {
      out += '0';
      continue;
    }
    std::string_view p = parts[i];
    if (p.size() > 1) {
      p.remove_prefix(std::min(p.find_first_not_of('0'), p.size()));
      if (p.empty() || !is_digit(p[0])) out += '0';
    }
    out += p;
  }
  return std::nullopt;
}

/// `"text"` cut to kQuoteLimit bytes, with bytes outside printable ASCII as \xNN, so that error
/// messages stay short and valid UTF-8 whatever the input.
std::string quote(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size() && i < kQuoteLimit; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c >= 0x7F || c == '"' || c == '\\') {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    } else {
      out += static_cast<char>(c);
    }
  }
  out += s.size() > kQuoteLimit ? "\"..." : "\"";
  return out;
}

/// -1, 0 or 1 between two pre-release identifiers: numeric ones (no leading zeros, so a longer
/// one is larger) sort below alphanumeric ones, which compare by ASCII.
int compare_identifier(std::string_view a, std::string_view b) {
  const bool an = all_digits(a);
  const bool bn = all_digits(b);
  if (an != bn) return an ? -1 : 1;
  if (an && a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  const int c = a.compare(b);
  return c < 0 ? -1 : (c > 0 ? 1 : 0);
}

/// Semver precedence of two pre-release sections (empty means none: a release ranks higher).
int compare_pre(std::string_view a, std::string_view b) {
  if (a.empty() || b.empty()) {
    return a.empty() == b.empty() ? 0 : (a.empty() ? 1 : -1);
  }
  while (true) {
    const std::size_t da = a.find('.');
    const std::size_t db = b.find('.');
    if (const int c = compare_identifier(a.substr(0, da), b.substr(0, db)); c != 0) return c;
    if (da == std::string_view::npos || db == std::string_view::npos) {
      // Equal so far: the one with more identifiers ranks higher.
      return da == db ? 0 : (da == std::string_view::npos ? -1 : 1);
    }
    a.remove_prefix(da + 1);
    b.remove_prefix(db + 1);
  }
}

template <typename T>
int three_way(T a, T b) {
  return a < b ? -1 : (b < a ? 1 : 0);
}

class Semver final : public OpaqueValue {
 public:
  /// `text` parsed strictly into `parsed`, whose pre-release view starts at `pre_begin` of the
  /// text (an offset, since the views pointed into the string before it moved here).
  Semver(std::string text, const Parsed& parsed, std::size_t pre_begin)
      : text_(std::move(text)),
        major_(parsed.major),
        minor_(parsed.minor),
        patch_(parsed.patch),
        pre_begin_(pre_begin),
        pre_len_(parsed.pre.size()) {}

  std::string_view type_name() const override { return kSemverType; }
  bool equals(const OpaqueValue& other) const override {
    const auto* o = dynamic_cast<const Semver*>(&other);
    return o != nullptr && compare(*o) == 0;
  }
  std::string literal() const override {
    // A valid version holds only [0-9A-Za-z.+-]: nothing to escape.
    return "semver(\"" + text_ + "\")";
  }

  int compare(const Semver& o) const {
    if (major_ != o.major_) return three_way(major_, o.major_);
    if (minor_ != o.minor_) return three_way(minor_, o.minor_);
    if (patch_ != o.patch_) return three_way(patch_, o.patch_);
    return compare_pre(pre(), o.pre());
  }
  std::uint64_t major() const { return major_; }
  std::uint64_t minor() const { return minor_; }
  std::uint64_t patch() const { return patch_; }

 private:
  std::string_view pre() const { return std::string_view(text_).substr(pre_begin_, pre_len_); }

  std::string text_;
  std::uint64_t major_;
  std::uint64_t minor_;
  std::uint64_t patch_;
  std::size_t pre_begin_;
  std::size_t pre_len_;
};

const Semver* as_semver(const Value& v) {
  if (v.kind() != ValueKind::kOpaque || v.as_opaque().type_name() != kSemverType) return nullptr;
  return dynamic_cast<const Semver*>(&v.as_opaque());
}

/// The (string) or (string, bool) arguments of semver() and isSemver().
bool string_and_flag(std::span<const Value> a, bool& normalize_flag) {
  if (a.empty() || a.size() > 2 || a[0].kind() != ValueKind::kString) return false;
  if (a.size() == 2 && a[1].kind() != ValueKind::kBool) return false;
  normalize_flag = a.size() == 2 && a[1].as_bool();
  return true;
}

Value make_error(std::string_view input, const ParseError& e) {
  return Value::error("invalid semver " + quote(input) + ": " + std::string(e.subject) + " " +
                      std::string(e.problem));
}

std::size_t offset_in(std::string_view part, std::string_view whole) {
  return part.empty() ? 0 : static_cast<std::size_t>(part.data() - whole.data());
}

Value semver(std::span<const Value> a) {
  bool norm = false;
  if (!string_and_flag(a, norm)) return no_overload("semver", a);
  const std::string& input = a[0].as_string();
  Parsed parsed;
  if (!norm) {
    if (auto e = parse_strict(input, parsed)) return make_error(input, *e);
    return Value::opaque(
        std::make_shared<const Semver>(input, parsed, offset_in(parsed.pre, input)));
  }
  std::string normalized;
  if (auto e = normalize(input, normalized)) return make_error(input, *e);
  if (auto e = parse_strict(normalized, parsed)) return make_error(input, *e);
  const std::size_t pre_begin = offset_in(parsed.pre, normalized);
  return Value::opaque(std::make_shared<const Semver>(std::move(normalized), parsed, pre_begin));
}

Value is_semver(std::span<const Value> a) {
  bool norm = false;
  if (!string_and_flag(a, norm)) return no_overload("isSemver", a);
  Parsed parsed;
  if (!norm) return Value::boolean(!parse_strict(a[0].as_string(), parsed));
  std::string normalized;
  return Value::boolean(!normalize(a[0].as_string(), normalized) &&
                        !parse_strict(normalized, parsed));
}

/// A version number as a CEL int. Kubernetes converts the uint64 with a wrap-around; a number
/// above INT64_MAX is an error here instead of a negative version.
Value component(std::span<const Value> a, std::string_view name,
                std::uint64_t (Semver::*get)() const) {
  const Semver* v = a.size() == 1 ? as_semver(a[0]) : nullptr;
  if (v == nullptr) return no_overload(name, a);
  const std::uint64_t n = (v->*get)();
  if (n > static_cast<std::uint64_t>(INT64_MAX)) {
    return Value::error(std::string(name) + "(): version number out of int range");
  }
  return Value::integer(static_cast<std::int64_t>(n));
}

Value major(std::span<const Value> a) { return component(a, "major", &Semver::major); }
Value minor(std::span<const Value> a) { return component(a, "minor", &Semver::minor); }
Value patch(std::span<const Value> a) { return component(a, "patch", &Semver::patch); }

/// The comparison of two Semvers, or empty when the arguments are not (receiver, Semver).
std::optional<int> compare_args(std::span<const Value> a) {
  if (a.size() != 2) return std::nullopt;
  const Semver* x = as_semver(a[0]);
  const Semver* y = as_semver(a[1]);
  if (x == nullptr || y == nullptr) return std::nullopt;
  return x->compare(*y);
}

Value is_less_than(std::span<const Value> a) {
  if (const auto c = compare_args(a)) return Value::boolean(*c < 0);
  return no_overload("isLessThan", a);
}
Value is_greater_than(std::span<const Value> a) {
  if (const auto c = compare_args(a)) return Value::boolean(*c > 0);
  return no_overload("isGreaterThan", a);
}
Value compare_to(std::span<const Value> a) {
  if (const auto c = compare_args(a)) return Value::integer(*c);
  return no_overload("compareTo", a);
}

}  // namespace

void register_semver(FunctionRegistry& r) {
  r.add("semver", CallStyle::kGlobal, semver);
  r.add("isSemver", CallStyle::kGlobal, is_semver);
  r.add("major", CallStyle::kMember, major);
  r.add("minor", CallStyle::kMember, minor);
  r.add("patch", CallStyle::kMember, patch);
  r.add("isLessThan", CallStyle::kMember, is_less_than);
  r.add("isGreaterThan", CallStyle::kMember, is_greater_than);
  r.add("compareTo", CallStyle::kMember, compare_to);
}

}  // namespace sluice::cel::detail
