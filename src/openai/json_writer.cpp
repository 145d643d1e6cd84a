#include "openai/json_writer.h"

#include <simdjson.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace sluice::openai {
namespace {

// Per byte: 0 = copy verbatim, otherwise the character after the backslash ('u' = \u00XX form).
constexpr std::array<char, 256> make_escape_table() {
  std::array<char, 256> table{};
  for (int c = 0; c < 0x20; ++c) {
    table[static_cast<std::size_t>(c)] = 'u';
  }
  table['\b'] = 'b';
  table['\f'] = 'f';
  table['\n'] = 'n';
  table['\r'] = 'r';
  table['\t'] = 't';
  table['"'] = '"';
  table['\\'] = '\\';
  return table;
}

constexpr std::array<char, 256> kEscape = make_escape_table();
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8
constexpr char kHex[] = "0123456789abcdef";

std::size_t escaped_byte_size(unsigned char c) {
  const char e = kEscape[c];
  if (e == 0) {
    return 1;
  }
  return e == 'u' ? 6 : 2;
}

void append_escaped_byte(std::string& out, unsigned char c) {
  const char e = kEscape[c];
  if (e == 0) {
    out.push_back(static_cast<char>(c));
  } else if (e == 'u') {
    const char buf[6] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
    out.append(buf, sizeof(buf));
  } else {
    const char buf[2] = {'\\', e};
    out.append(buf, sizeof(buf));
  }
}

// Length of the valid UTF-8 sequence starting at s[i] (1..4), or 0 if the bytes there do not form
// one (overlong forms, surrogates and code points above U+10FFFF count as invalid, as in RFC 3629).
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    return 1;
  }
  std::size_t len = 0;
  unsigned char lo = 0x80;
  unsigned char hi = 0xBF;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3;
    if (b0 == 0xE0) {
      lo = 0xA0;
    }
    if (b0 == 0xED) {
      hi = 0x9F;
    }
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4;
    if (b0 == 0xF0) {
      lo = 0x90;
    }
    if (b0 == 0xF4) {
      hi = 0x8F;
    }
  } else {
    return 0;
  }
  if (i + len > s.size()) {
    return 0;
  }
  const auto b1 = static_cast<unsigned char>(s[i + 1]);
  if (b1 < lo || b1 > hi) {
    return 0;
  }
  for (std::size_t k = 2; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if (b < 0x80 || b > 0xBF) {
      return 0;
    }
  }
  return len;
}

// True if every byte is below 0x80. Checked 8 bytes at a time because the short strings of a
// chunk (id, model, one token's text) are almost always ASCII and do not merit simdjson's
// dispatched UTF-8 validator.
bool is_ascii(std::string_view s) {
  std::uint64_t high = 0;
  std::size_t i = 0;
  for (; i + 8 <= s.size(); i += 8) {
    std::uint64_t word;
    std::memcpy(&word, s.data() + i, 8);
    high |= word;
  }
  for (; i < s.size(); ++i) {
    high |= static_cast<unsigned char>(s[i]);
  }
  return (high & 0x8080808080808080ULL) == 0;
}

bool is_valid_utf8(std::string_view s) {
  return is_ascii(s) || simdjson::validate_utf8(s.data(), s.size());
}

// Slow path for text that failed UTF-8 validation; `Sink` is either a size counter or an appender.
template <typename Sink>
void walk_invalid_utf8(std::string_view s, Sink&& sink) {
  std::size_t i = 0;
  while (i < s.size()) {
    const std::size_t len = utf8_sequence_length(s, i);
    if (len == 0) {
      sink.replacement();
      ++i;
    } else if (len == 1) {
      sink.byte(static_cast<unsigned char>(s[i]));
      ++i;
    } else {
      sink.bytes(s.substr(i, len));
      i += len;
    }
  }
}

}  // namespace

std::size_t json_string_size(std::string_view s) {
  std::size_t size = 2;
  if (is_valid_utf8(s)) {
    for (const char c : s) {
      size += escaped_byte_size(static_cast<unsigned char>(c));
    }
    return size;
  }
  struct Counter {
    std::size_t& n;
    void replacement() { n += kReplacement.size(); }
    void byte(unsigned char c) { n += escaped_byte_size(c); }
    void bytes(std::string_view b) { n += b.size(); }
  };
  walk_invalid_utf8(s, Counter{size});
  return size;
}

void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  if (is_valid_utf8(s)) {
    // Copy runs of bytes that need no escaping in one append.
    std::size_t run = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
      const auto c = static_cast<unsigned char>(s[i]);
      if (kEscape[c] != 0) {
        out.append(s.data() + run, i - run);
        append_escaped_byte(out, c);
        run = i + 1;
      }
    }
    out.append(s.data() + run, s.size() - run);
  } else {
    struct Appender {
      std::string& o;
      void replacement() { o.append(kReplacement); }
      void byte(unsigned char c) { append_escaped_byte(o, c); }
      void bytes(std::string_view b) { o.append(b); }
    };
    walk_invalid_utf8(s, Appender{out});
  }
  out.push_back('"');
}

void append_json_uint(std::string& out, std::uint64_t value) {
  char buf[kMaxIntegerChars];
  const auto result = std::to_chars(buf, buf + sizeof(buf), value);
  out.append(buf, result.ptr);
}

void append_json_int(std::string& out, std::int64_t value) {
  char buf[kMaxIntegerChars + 1];
  const auto result = std::to_chars(buf, buf + sizeof(buf), value);
  out.append(buf, result.ptr);
}

void append_json_number(std::string& out, double value) {
  if (!std::isfinite(value)) {
    out += "null";
    return;
  }
  char buf[32];
  const int n = std::snprintf(buf, sizeof(buf), "%.9g", value);
  out.append(buf, static_cast<std::size_t>(n));
}

}  // namespace sluice::openai
