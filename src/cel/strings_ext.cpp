// cel-go's strings extension library (ext.Strings, latest version): charAt, indexOf, lastIndexOf,
// lowerAscii, upperAscii, replace, split, substring, trim, join, strings.quote, format (in
// strings_format.cpp), reverse.
//
// Indexes count code points. Strings are expected to be UTF-8, but the functions take any bytes
// and treat them as Go's []rune conversion does: an invalid or truncated sequence is one code
// point, U+FFFD, one byte long. Functions that rebuild a string from code points (charAt,
// substring, lowerAscii, upperAscii, reverse, strings.quote) therefore write U+FFFD for such a
// byte; the others (replace, split, trim, join) copy bytes as cel-go does. Index errors carry
// cel-go's messages (`index out of range: 30`), and an offset at or past the end of the string
// is an error for indexOf and lastIndexOf, as cel-spec's conformance data requires.
#include "cel/functions.h"
#include "cel/strings_format.h"

#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <string>
#include <string_view>
#include <utility>

namespace sluice::cel::detail {
namespace {

// ---- UTF-8 -------------------------------------------------------------------------------------

struct Rune {
  char32_t code;
  std::uint32_t size;  ///< bytes consumed: 1 for an invalid byte
  bool valid;
};

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool in_range(char c, unsigned lo, unsigned hi) {
  const auto b = static_cast<unsigned char>(c);
  return b >= lo && b <= hi;
}

/// The code point at s[i] (i < s.size()), rejecting overlong forms, surrogates and values above
/// U+10FFFF the way Go's utf8.DecodeRuneInString does.
Rune decode(std::string_view s, std::size_t i) {
  const auto c0 = static_cast<unsigned char>(s[i]);
  if (c0 < 0x80) return {c0, 1, true};
  const std::size_t left = s.size() - i;
  if (c0 >= 0xC2 && c0 <= 0xDF) {
    if (left >= 2 && in_range(s[i + 1], 0x80, 0xBF)) {
      return {((c0 & 0x1Fu) << 6) | (static_cast<unsigned char>(s[i + 1]) & 0x3Fu), 2, true};
    }
  } else if (c0 >= 0xE0 && c0 <= 0xEF) {
    const unsigned lo = c0 == 0xE0 ? 0xA0 : 0x80;
    const unsigned hi = c0 == 0xED ? 0x9F : 0xBF;
    if (left >= 3 && in_range(s[i + 1], lo, hi) && in_range(s[i + 2], 0x80, 0xBF)) {
      return {((c0 & 0x0Fu) << 12) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 6) |
                  (static_cast<unsigned char>(s[i + 2]) & 0x3Fu),
              3, true};
    }
  } else if (c0 >= 0xF0 && c0 <= 0xF4) {
    const unsigned lo = c0 == 0xF0 ? 0x90 : 0x80;
    const unsigned hi = c0 == 0xF4 ? 0x8F : 0xBF;
    if (left >= 4 && in_range(s[i + 1], lo, hi) && in_range(s[i + 2], 0x80, 0xBF) &&
        in_range(s[i + 3], 0x80, 0xBF)) {
      return {((c0 & 0x07u) << 18) | ((static_cast<unsigned char>(s[i + 1]) & 0x3Fu) << 12) |
                  ((static_cast<unsigned char>(s[i + 2]) & 0x3Fu) << 6) |
                  (static_cast<unsigned char>(s[i + 3]) & 0x3Fu),
              4, true};
    }
  }
  return {0xFFFD, 1, false};
}

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    const Rune r = decode(s, i);
    if (!r.valid) return false;
    i += r.size;
  }
  return true;
}

std::int64_t rune_count(std::string_view s) {
  std::int64_t n = 0;
  for (std::size_t i = 0; i < s.size(); ++n) i += decode(s, i).size;
  return n;
}

/// The byte offset `count` code points after byte `from`, or npos if the string ends first
/// (ending exactly there gives s.size()).
std::size_t skip_runes(std::string_view s, std::size_t from, std::int64_t count) {
  std::size_t i = from;
  for (; count > 0; --count) {
    if (i >= s.size()) return std::string_view::npos;
    i += decode(s, i).size;
  }
  return i;
}

/// Appends `s`, each invalid byte replaced by U+FFFD (Go's string([]rune(s))).
void append_sanitized(std::string& out, std::string_view s) {
  std::size_t copied = 0;
  for (std::size_t i = 0; i < s.size();) {
    const Rune r = decode(s, i);
    if (!r.valid) {
      out.append(s.substr(copied, i - copied));
      out += kReplacement;
      copied = i + 1;
    }
    i += r.size;
  }
  out.append(s.substr(copied));
}

/// Whether the code points of `needle` start at byte `at` of `s` (invalid bytes compare as
/// U+FFFD, as in cel-go).
bool runes_match_at(std::string_view s, std::size_t at, std::string_view needle) {
  std::size_t i = at;
  for (std::size_t j = 0; j < needle.size();) {
    if (i >= s.size()) return false;
    const Rune a = decode(s, i);
    const Rune b = decode(needle, j);
    if (a.code != b.code) return false;
    i += a.size;
    j += b.size;
  }
  return true;
}

/// Go's unicode.IsSpace: Latin-1 spaces and the other White_Space code points (no zero-width
/// spaces).
bool is_space(char32_t c) {
  constexpr char32_t kSpaces[] = {'\t', '\n',   '\v',   '\f',   '\r',   ' ',    0x85,
                                  0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000};
  return (c >= 0x2000 && c <= 0x200A) ||
         std::find(std::begin(kSpaces), std::end(kSpaces), c) != std::end(kSpaces);
}

// ---- the functions -------------------------------------------------------------------------

bool kinds(std::span<const Value> a, std::initializer_list<ValueKind> expected) {
  if (a.size() != expected.size()) return false;
  std::size_t i = 0;
  for (const ValueKind k : expected) {
    if (a[i++].kind() != k) return false;
  }
  return true;
}

constexpr auto kStr = ValueKind::kString;
constexpr auto kInt = ValueKind::kInt;

Value out_of_range(std::int64_t index) {
  return Value::error("index out of range: " + std::to_string(index));
}

Value too_large(std::string_view fn) {
  return Value::error(std::string(fn) + ": result exceeds " +
                      std::to_string(kMaxStringResultBytes) + " bytes");
}

Value char_at(std::span<const Value> a) {
  if (!kinds(a, {kStr, kInt})) return no_overload("charAt", a);
  const std::string_view s = a[0].as_string();
  const std::int64_t index = a[1].as_int();
  const std::size_t at = index < 0 ? std::string_view::npos : skip_runes(s, 0, index);
  if (at == std::string_view::npos) return out_of_range(index);
  if (at == s.size()) return Value::string("");
  const Rune r = decode(s, at);
  return Value::string(std::string(r.valid ? s.substr(at, r.size) : kReplacement));
}

/// The first match of `needle` at or after code point `offset` (byte `from`), as a code point
/// index, or -1.
std::int64_t find_forward(std::string_view s, std::string_view needle, std::size_t from,
                          std::int64_t offset) {
  const std::string_view rest = s.substr(from);
  if (valid_utf8(rest) && valid_utf8(needle)) {
    // In valid UTF-8 a byte match always starts on a code point boundary, so memchr-speed
    // byte search gives the code point answer.
    const std::size_t found = rest.find(needle);
    if (found == std::string_view::npos) return -1;
    return offset + rune_count(rest.substr(0, found));
  }
  for (std::size_t i = from; i < s.size(); ++offset) {
    if (runes_match_at(s, i, needle)) return offset;
    i += decode(s, i).size;
  }
  return -1;
}

Value index_of(std::span<const Value> a) {
  const bool with_offset = kinds(a, {kStr, kStr, kInt});
  if (!with_offset && !kinds(a, {kStr, kStr})) return no_overload("indexOf", a);
  const std::string_view s = a[0].as_string();
  const std::string_view needle = a[1].as_string();
  const std::int64_t offset = with_offset ? a[2].as_int() : 0;
  if (needle.empty()) return Value::integer(offset);
  if (!with_offset && s.empty()) return Value::integer(-1);
  const std::size_t from = offset < 0 ? std::string_view::npos : skip_runes(s, 0, offset);
  if (from == std::string_view::npos || from == s.size()) return out_of_range(offset);
  return Value::integer(find_forward(s, needle, from, offset));
}

Value last_index_of(std::span<const Value> a) {
  const bool with_offset = kinds(a, {kStr, kStr, kInt});
  if (!with_offset && !kinds(a, {kStr, kStr})) return no_overload("lastIndexOf", a);
  const std::string_view s = a[0].as_string();
  const std::string_view needle = a[1].as_string();
  const std::int64_t length = rune_count(s);
  if (!with_offset) {
    if (needle.empty()) return Value::integer(length);
    if (length == 0) return Value::integer(-1);
  }
  const std::int64_t offset = with_offset ? a[2].as_int() : length - 1;
  if (needle.empty()) return Value::integer(offset);
  if (offset < 0 || offset >= length) return out_of_range(offset);
  // The last code point a match may start at.
  const std::int64_t last_start = std::min(offset, length - rune_count(needle));
  if (last_start < 0) return Value::integer(-1);
  if (valid_utf8(s) && valid_utf8(needle)) {
    const std::size_t found = s.rfind(needle, skip_runes(s, 0, last_start));
    if (found == std::string_view::npos) return Value::integer(-1);
    return Value::integer(rune_count(s.substr(0, found)));
  }
  std::int64_t match = -1;
  std::size_t i = 0;
  for (std::int64_t at = 0; at <= last_start; ++at) {
    if (runes_match_at(s, i, needle)) match = at;
    i += decode(s, i).size;
  }
  return Value::integer(match);
}

template <bool kUpper>
Value ascii_case(std::span<const Value> a) {
  if (!kinds(a, {kStr})) return no_overload(kUpper ? "upperAscii" : "lowerAscii", a);
  const std::string& in = a[0].as_string();
  // ASCII text (almost every selector's attribute) needs no decoding.
  const bool ascii = std::all_of(in.begin(), in.end(),
                                 [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  std::string out;
  if (ascii) {
    out = in;
  } else {
    append_sanitized(out, in);
  }
  for (char& c : out) {
    if (kUpper && c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (!kUpper && c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return Value::string(std::move(out));
}

/// Go's strings.Replace: at most `limit` non-overlapping matches left to right (all when
/// negative); an empty `from` matches before every code point and at the end.
Value replace(std::span<const Value> a) {
  const bool with_limit = kinds(a, {kStr, kStr, kStr, kInt});
  if (!with_limit && !kinds(a, {kStr, kStr, kStr})) return no_overload("replace", a);
  const std::string_view s = a[0].as_string();
  const std::string_view from = a[1].as_string();
  const std::string_view to = a[2].as_string();
  std::int64_t limit = with_limit ? a[3].as_int() : -1;
  if (limit == 0 || from == to) return a[0];
  std::int64_t matches = 0;
  if (from.empty()) {
    matches = rune_count(s) + 1;
  } else {
    for (std::size_t p = s.find(from); p != std::string_view::npos;
         p = s.find(from, p + from.size())) {
      ++matches;
    }
  }
  if (matches == 0) return a[0];
  if (limit < 0 || limit > matches) limit = matches;
  const auto n = static_cast<std::uint64_t>(limit);
  const std::uint64_t kept = s.size() - n * from.size();  // matches never overlap
  std::uint64_t added = 0;
  if (__builtin_mul_overflow(n, to.size(), &added) || added > kMaxStringResultBytes ||
      kept + added > kMaxStringResultBytes) {
    return too_large("replace");
  }
  std::string out;
  out.reserve(kept + added);
  std::size_t start = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    std::size_t match = start;
    if (from.empty()) {
      if (i > 0) match += decode(s, start).size;
    } else {
      match = s.find(from, start);
    }
    out.append(s.substr(start, match - start));
    out.append(to);
    start = match + from.size();
  }
  out.append(s.substr(start));
  return Value::string(std::move(out));
}

/// Go's strings.SplitN: a limit of 0 gives [], a negative one splits everywhere, a positive one
/// gives at most that many parts, the last holding the rest; an empty separator splits between
/// code points.
Value split(std::span<const Value> a) {
  const bool with_limit = kinds(a, {kStr, kStr, kInt});
  if (!with_limit && !kinds(a, {kStr, kStr})) return no_overload("split", a);
  const std::string_view s = a[0].as_string();
  const std::string_view sep = a[1].as_string();
  const std::int64_t limit = with_limit ? a[2].as_int() : -1;
  ValueList parts;
  if (limit == 0 || (sep.empty() && s.empty())) return Value::list(std::move(parts));
  const auto room = [&] {
    return limit < 0 || static_cast<std::int64_t>(parts.size()) + 1 < limit;
  };
  std::size_t start = 0;
  if (sep.empty()) {
    while (room() && start < s.size()) {
      const std::size_t size = decode(s, start).size;
      parts.push_back(Value::string(std::string(s.substr(start, size))));
      start += size;
    }
    if (start < s.size()) parts.push_back(Value::string(std::string(s.substr(start))));
    return Value::list(std::move(parts));
  }
  while (room()) {
    const std::size_t found = s.find(sep, start);
    if (found == std::string_view::npos) break;
    parts.push_back(Value::string(std::string(s.substr(start, found - start))));
    start = found + sep.size();
  }
  parts.push_back(Value::string(std::string(s.substr(start))));
  return Value::list(std::move(parts));
}

Value substring(std::span<const Value> a) {
  const bool with_end = kinds(a, {kStr, kInt, kInt});
  if (!with_end && !kinds(a, {kStr, kInt})) return no_overload("substring", a);
  const std::string_view s = a[0].as_string();
  const std::int64_t begin = a[1].as_int();
  if (with_end && begin > a[2].as_int()) {
    return Value::error("invalid substring range. start: " + std::to_string(begin) +
                        ", end: " + std::to_string(a[2].as_int()));
  }
  const std::size_t first = begin < 0 ? std::string_view::npos : skip_runes(s, 0, begin);
  if (first == std::string_view::npos) return out_of_range(begin);
  std::size_t last = s.size();
  if (with_end) {
    last = skip_runes(s, first, a[2].as_int() - begin);
    if (last == std::string_view::npos) return out_of_range(a[2].as_int());
  }
  std::string out;
  append_sanitized(out, s.substr(first, last - first));
  return Value::string(std::move(out));
}

Value trim(std::span<const Value> a) {
  if (!kinds(a, {kStr})) return no_overload("trim", a);
  const std::string_view s = a[0].as_string();
  std::size_t begin = 0;
  while (begin < s.size()) {
    const Rune r = decode(s, begin);
    if (!is_space(r.code)) break;
    begin += r.size;
  }
  std::size_t end = begin;  // just past the last code point that is not a space
  for (std::size_t i = begin; i < s.size();) {
    const Rune r = decode(s, i);
    i += r.size;
    if (!is_space(r.code)) end = i;
  }
  if (begin == 0 && end == s.size()) return a[0];
  return Value::string(std::string(s.substr(begin, end - begin)));
}

Value join(std::span<const Value> a) {
  const bool with_sep = kinds(a, {ValueKind::kList, kStr});
  if (!with_sep && !kinds(a, {ValueKind::kList})) return no_overload("join", a);
  const ValueList& list = a[0].as_list();
  const std::string_view sep = with_sep ? std::string_view(a[1].as_string()) : std::string_view();
  std::size_t total = 0;
  for (const Value& e : list) {
    if (e.kind() != kStr) return Value::error("join: invalid input: " + to_literal(e));
    total += e.as_string().size() + sep.size();
    if (total > kMaxStringResultBytes + sep.size()) return too_large("join");
  }
  std::string out;
  out.reserve(total);
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (i > 0) out.append(sep);
    out.append(list[i].as_string());
  }
  return Value::string(std::move(out));
}

/// The characters strings.quote escapes (cel-go's list: other control characters pass through).
constexpr std::pair<char32_t, std::string_view> kQuoteEscapes[] = {
    {'\a', "\\a"}, {'\b', "\\b"}, {'\f', "\\f"},  {'\n', "\\n"}, {'\r', "\\r"},
    {'\t', "\\t"}, {'\v', "\\v"}, {'\\', "\\\\"}, {'"', "\\\""}};

Value quote(std::span<const Value> a) {
  if (!kinds(a, {kStr})) return no_overload("strings.quote", a);
  const std::string_view s = a[0].as_string();
  std::string out;
  out.reserve(s.size() + 2);
  out += '"';
  for (std::size_t i = 0; i < s.size();) {
    const Rune r = decode(s, i);
    const auto escape = std::find_if(std::begin(kQuoteEscapes), std::end(kQuoteEscapes),
                                     [&](const auto& e) { return e.first == r.code; });
    if (escape != std::end(kQuoteEscapes)) {
      out += escape->second;
    } else {
      out.append(r.valid ? s.substr(i, r.size) : kReplacement);
    }
    i += r.size;
  }
  out += '"';
  return Value::string(std::move(out));
}

Value reverse(std::span<const Value> a) {
  if (!kinds(a, {kStr})) return no_overload("reverse", a);
  const std::string_view s = a[0].as_string();
  // Sized first so the code points can be written back to front without a temporary.
  std::size_t size = 0;
  for (std::size_t i = 0; i < s.size();) {
    const Rune r = decode(s, i);
    size += r.valid ? r.size : kReplacement.size();
    i += r.size;
  }
  std::string out(size, '\0');
  std::size_t end = size;
  for (std::size_t i = 0; i < s.size();) {
    const Rune r = decode(s, i);
    const std::string_view bytes = r.valid ? s.substr(i, r.size) : kReplacement;
    end -= bytes.size();
    std::copy(bytes.begin(), bytes.end(), out.begin() + static_cast<std::ptrdiff_t>(end));
    i += r.size;
  }
  return Value::string(std::move(out));
}

}  // namespace

void register_strings_ext(FunctionRegistry& r) {
  r.add("charAt", CallStyle::kMember, &char_at);
  r.add("indexOf", CallStyle::kMember, &index_of);
  r.add("lastIndexOf", CallStyle::kMember, &last_index_of);
  r.add("lowerAscii", CallStyle::kMember, &ascii_case<false>);
  r.add("upperAscii", CallStyle::kMember, &ascii_case<true>);
  r.add("replace", CallStyle::kMember, &replace);
  r.add("split", CallStyle::kMember, &split);
  r.add("substring", CallStyle::kMember, &substring);
  r.add("trim", CallStyle::kMember, &trim);
  r.add("join", CallStyle::kMember, &join);
  r.add("strings.quote", CallStyle::kGlobal, &quote);
  r.add("format", CallStyle::kMember, &string_format);
  r.add("reverse", CallStyle::kMember, &reverse);
}

}  // namespace sluice::cel::detail
