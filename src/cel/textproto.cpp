// The protobuf text-format parser: one pass over the text into a schema-less tree of fields,
// with every literal form and escape decoded and every error located at line:column.
#include "cel/textproto.h"

#include "cel/textproto_syntax.h"

#include <charconv>
#include <cmath>
#include <cstddef>
#include <limits>
#include <system_error>
#include <utility>

namespace sluice::cel::textproto {
using detail::classify_number;
using detail::error_at;
using detail::is_digit;
using detail::is_float_word;
using detail::is_hex;
using detail::is_octal;
using detail::NumberForm;
using detail::quoted;

namespace {

bool is_ident_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_ident_char(char c) { return is_ident_start(c) || is_digit(c); }

int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

std::string describe_char(char c) {
  if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7F) {
    return "a control or non-ASCII byte";
  }
  return quoted(std::string_view(&c, 1));
}

/// One pass over the text; positions are tracked as the cursor moves so every error can name one.
class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {
    if (text_.substr(0, 3) == "\xEF\xBB\xBF") pos_ = line_start_ = 3;  // a UTF-8 byte-order mark
  }

  Result<Message> parse_document() {
    Message root;
    if (Status status = parse_fields(root, '\0', Position{}, 0); !status.ok()) {
      return std::move(status).error();
    }
    return root;
  }

 private:
  char peek(std::size_t ahead = 0) const {
    return pos_ + ahead < text_.size() ? text_[pos_ + ahead] : '\0';
  }
  bool at_end() const { return pos_ >= text_.size(); }
  /// What the cursor is on, for "found ..." in errors.
  std::string found() const { return at_end() ? "end of input" : describe_char(peek()); }
  Position here() const {
    return Position{line_, static_cast<std::uint32_t>(pos_ - line_start_ + 1)};
  }

  /// Skips whitespace and `#` comments, counting lines.
  void skip_space() {
    while (!at_end()) {
      const char c = text_[pos_];
      if (c == '\n') {
        ++pos_;
        ++line_;
        line_start_ = pos_;
      } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
        ++pos_;
      } else if (c == '#') {
        while (!at_end() && text_[pos_] != '\n') ++pos_;
      } else {
        return;
      }
    }
  }

  /// Fields up to `close` (a '}' or '>'), or to the end of input when `close` is '\0'.
  Status parse_fields(Message& message, char close, Position opened, int depth) {
    for (;;) {
      skip_space();
      if (at_end()) {
        if (close == '\0') return {};
        return error_at(here(), "expected " + quoted(std::string_view(&close, 1)) +
                                    " to close the message opened at " + to_string(opened) +
                                    ", found end of input");
      }
      if (close != '\0' && peek() == close) {
        ++pos_;
        return {};
      }
      if (Status status = parse_field(message, depth); !status.ok()) return status;
      skip_space();
      if (peek() == ',' || peek() == ';') ++pos_;
    }
  }

  Status parse_field(Message& message, int depth) {
    const Position position = here();
    Result<std::string> name = parse_field_name();
    if (!name.ok()) return std::move(name).error();
    skip_space();
    bool colon = false;
    if (peek() == ':') {
      colon = true;
      ++pos_;
      skip_space();
    }
    const char c = peek();
    if (c == '[') return parse_list(message, *name, colon, depth);
    Field field;
    field.name = std::move(name).value();
    field.position = position;
    if (c == '{' || c == '<') {
      if (Status status = parse_message_value(field, depth); !status.ok()) return status;
    } else if (!colon) {
      return error_at(here(), "expected ':', '{' or '<' after field name " + quoted(field.name) +
                                  ", found " + found());
    } else if (Status status = parse_scalar(field); !status.ok()) {
      return status;
    }
    message.mutable_fields().push_back(std::move(field));
    return {};
  }

  /// An identifier, or an extension / Any type name in brackets (kept with its brackets and
  /// without the whitespace the text may have between its parts).
  Result<std::string> parse_field_name() {
    const char c = peek();
    if (is_ident_start(c)) return std::string(read_identifier());
    if (c != '[') return error_at(here(), "expected a field name, found " + found());
    const Position open = here();
    std::string name = "[";
    ++pos_;
    for (;;) {
      skip_space();
      const char d = peek();
      if (at_end()) return error_at(open, "unterminated '[' in field name");
      if (d == ']') {
        ++pos_;
        break;
      }
      if (!is_ident_char(d) && d != '.' && d != '/' && d != '-') {
        return error_at(here(), "unexpected " + describe_char(d) + " in bracketed field name");
      }
      name.push_back(d);
      ++pos_;
    }
    if (name.size() == 1) return error_at(open, "empty bracketed field name");
    name.push_back(']');
    return name;
  }

  std::string_view read_identifier() {
    const std::size_t start = pos_;
    while (!at_end() && is_ident_char(text_[pos_])) ++pos_;
    return text_.substr(start, pos_ - start);
  }

  Status parse_message_value(Field& field, int depth) {
    if (depth + 1 > kMaxDepth) {
      return error_at(here(), "messages nested deeper than " + std::to_string(kMaxDepth));
    }
    const Position opened = here();
    const char close = peek() == '{' ? '}' : '>';
    ++pos_;
    field.kind = Kind::kMessage;
    field.nested = std::make_unique<Message>(opened);
    return parse_fields(*field.nested, close, opened, depth + 1);
  }

  /// `name: [a, b]` or `name [{...}, {...}]`: one Field per element, positioned at the element.
  Status parse_list(Message& message, const std::string& name, bool colon, int depth) {
    const Position opened = here();
    ++pos_;
    skip_space();
    if (peek() == ']') {
      ++pos_;
      return {};
    }
    for (;;) {
      skip_space();
      Field field;
      field.name = name;
      field.position = here();
      const char c = peek();
      if (c == '{' || c == '<') {
        if (Status status = parse_message_value(field, depth); !status.ok()) return status;
      } else if (!colon) {
        return error_at(here(), "a list after " + quoted(name) +
                                    " without ':' can only hold messages, found " + found());
      } else if (Status status = parse_scalar(field); !status.ok()) {
        return status;
      }
      message.mutable_fields().push_back(std::move(field));
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == ']') {
        ++pos_;
        return {};
      }
      if (at_end()) return error_at(here(), "unterminated list opened at " + to_string(opened));
      return error_at(here(),
                      "expected ',' or ']' in the list of " + quoted(name) + ", found " + found());
    }
  }

  Status parse_scalar(Field& field) {
    const char c = peek();
    if (c == '"' || c == '\'') return parse_strings(field);
    if (c == '-') {
      const Position sign = here();
      ++pos_;
      skip_space();
      const char d = peek();
      std::string_view token;
      if (is_ident_start(d)) {
        token = read_identifier();
        if (!is_float_word(token)) {
          return error_at(sign,
                          "'-' must be followed by a number, inf or nan, found " + quoted(token));
        }
      } else if (is_digit(d) || (d == '.' && is_digit(peek(1)))) {
        Result<std::string_view> number = read_number();
        if (!number.ok()) return std::move(number).error();
        token = *number;
      } else {
        return error_at(sign, "'-' must be followed by a number, found " + found());
      }
      field.kind = Kind::kNumber;
      field.raw = "-";
      field.raw += token;
      return {};
    }
    if (is_digit(c) || (c == '.' && is_digit(peek(1)))) {
      Result<std::string_view> number = read_number();
      if (!number.ok()) return std::move(number).error();
      field.kind = Kind::kNumber;
      field.raw = *number;
      return {};
    }
    if (is_ident_start(c)) {
      field.kind = Kind::kIdentifier;
      field.raw = read_identifier();
      return {};
    }
    return error_at(here(),
                    "expected a value for field " + quoted(field.name) + ", found " + found());
  }

  /// A number token: the longest run of characters a number can contain (so `12ab` is one bad
  /// token rather than a number followed by a name), then checked against the grammar.
  Result<std::string_view> read_number() {
    const Position start_position = here();
    const std::size_t start = pos_;
    const bool hex = peek() == '0' && (peek(1) == 'x' || peek(1) == 'X');
    while (!at_end()) {
      const char c = text_[pos_];
      if (is_ident_char(c) || c == '.') {
        ++pos_;
      } else if ((c == '+' || c == '-') && !hex && pos_ > start &&
                 (text_[pos_ - 1] == 'e' || text_[pos_ - 1] == 'E')) {
        ++pos_;
      } else {
        break;
      }
    }
    const std::string_view token = text_.substr(start, pos_ - start);
    if (classify_number(token) == NumberForm::kInvalid) {
      return error_at(start_position, "invalid number " + quoted(token));
    }
    return token;
  }

  /// One or more adjacent string literals, concatenated.
  Status parse_strings(Field& field) {
    const std::size_t start = pos_;
    std::size_t end = pos_;
    field.kind = Kind::kString;
    while (peek() == '"' || peek() == '\'') {
      if (Status status = parse_string_literal(field.bytes); !status.ok()) return status;
      end = pos_;
      skip_space();
    }
    field.raw = text_.substr(start, end - start);
    return {};
  }

  Status parse_string_literal(std::string& out) {
    const Position opened = here();
    const char quote = text_[pos_++];
    for (;;) {
      if (at_end() || peek() == '\n') return error_at(opened, "unterminated string literal");
      const char c = text_[pos_];
      if (c == quote) {
        ++pos_;
        return {};
      }
      if (c != '\\') {
        out.push_back(c);
        ++pos_;
        continue;
      }
      if (Status status = parse_escape(out); !status.ok()) return status;
    }
  }

  Status parse_escape(std::string& out) {
    const Position escape = here();
    ++pos_;  // the backslash
    if (at_end()) return error_at(escape, "unterminated string literal");
    const char c = text_[pos_++];
    static constexpr std::string_view kEscaped = "abfnrtv\\'\"?";
    static constexpr std::string_view kMeaning = "\a\b\f\n\r\t\v\\'\"?";
    if (const std::size_t simple = kEscaped.find(c); simple != std::string_view::npos) {
      out.push_back(kMeaning[simple]);
      return {};
    }
    switch (c) {
      case 'x':
      case 'X': {
        unsigned value = 0;
        int digits = 0;
        while (digits < 2 && is_hex(peek())) {
          value = value * 16 + static_cast<unsigned>(hex_value(text_[pos_++]));
          ++digits;
        }
        if (digits == 0) return error_at(escape, "\\x must be followed by hex digits");
        out.push_back(static_cast<char>(value));
        return {};
      }
      case 'u':
      case 'U':
        return parse_unicode_escape(out, escape, c == 'u' ? 4 : 8);
      default:
        break;
    }
    if (is_octal(c)) {
      unsigned value = static_cast<unsigned>(c - '0');
      for (int digits = 1; digits < 3 && is_octal(peek()); ++digits) {
        value = value * 8 + static_cast<unsigned>(text_[pos_++] - '0');
      }
      if (value > 0xFF) return error_at(escape, "octal escape is larger than \\377");
      out.push_back(static_cast<char>(value));
      return {};
    }
    return error_at(escape, "unknown escape sequence after '\\': " + describe_char(c));
  }

  Result<std::uint32_t> read_hex_digits(Position escape, int count) {
    std::uint32_t value = 0;
    for (int i = 0; i < count; ++i) {
      if (!is_hex(peek())) {
        return error_at(escape, "expected " + std::to_string(count) + " hex digits in escape");
      }
      value = value * 16 + static_cast<std::uint32_t>(hex_value(text_[pos_++]));
    }
    return value;
  }

  Status parse_unicode_escape(std::string& out, Position escape, int digits) {
    Result<std::uint32_t> cp = read_hex_digits(escape, digits);
    if (!cp.ok()) return std::move(cp).error();
    std::uint32_t code_point = *cp;
    if (code_point >= 0xD800 && code_point <= 0xDBFF) {
      // A UTF-16 high surrogate is only meaningful with a following \u low surrogate.
      if (peek() != '\\' || peek(1) != 'u') {
        return error_at(escape, "high surrogate without a following \\u low surrogate");
      }
      const Position low_escape = here();
      pos_ += 2;
      Result<std::uint32_t> low = read_hex_digits(low_escape, 4);
      if (!low.ok()) return std::move(low).error();
      if (*low < 0xDC00 || *low > 0xDFFF) {
        return error_at(low_escape, "expected a low surrogate after a high surrogate");
      }
      code_point = 0x10000 + ((code_point - 0xD800) << 10) + (*low - 0xDC00);
    } else if (code_point >= 0xDC00 && code_point <= 0xDFFF) {
      return error_at(escape, "low surrogate without a preceding high surrogate");
    } else if (code_point > 0x10FFFF) {
      return error_at(escape, "code point is beyond U+10FFFF");
    }
    append_utf8(out, code_point);
    return {};
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::uint32_t line_ = 1;
  std::size_t line_start_ = 0;
};

}  // namespace

std::string to_string(Position position) {
  return std::to_string(position.line) + ":" + std::to_string(position.column);
}

std::string_view kind_name(Kind kind) {
  switch (kind) {
    case Kind::kString:
      return "string";
    case Kind::kIdentifier:
      return "identifier";
    case Kind::kNumber:
      return "number";
    case Kind::kMessage:
      return "message";
  }
  return "unknown";
}

Result<Message> parse(std::string_view text) { return Parser(text).parse_document(); }

}  // namespace sluice::cel::textproto
