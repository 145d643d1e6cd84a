#include "cel/lexer.h"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>

namespace sluice::cel {
namespace {

constexpr std::array<std::string_view, 18> kReservedWords = {
    "as",  "break", "const",   "continue",  "else",   "for", "function", "if",    "import",
    "let", "loop",  "package", "namespace", "return", "var", "void",     "while", "__proto__"};

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_hex(char c) { return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
bool is_ident_start(char c) { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool is_ident_char(char c) { return is_ident_start(c) || is_digit(c); }
int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

void append_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

class Lexer {
 public:
  explicit Lexer(std::string_view source) : src_(source) {}

  Result<std::vector<Token>> run() {
    std::vector<Token> tokens;
    for (;;) {
      if (Status skipped = skip_space(); !skipped) return skipped.error();
      Token token;
      token.position = position();
      if (at_ >= src_.size()) {
        tokens.push_back(std::move(token));
        return tokens;
      }
      if (Status read = next(token); !read) return read.error();
      tokens.push_back(std::move(token));
    }
  }

 private:
  SourcePosition position() const {
    return {line_, static_cast<std::uint32_t>(at_ - line_start_ + 1)};
  }

  Error error_at(SourcePosition p, const std::string& what) const {
    return make_error(ErrorCode::kInvalidArgument,
                      std::to_string(p.line) + ":" + std::to_string(p.column) + ": " + what);
  }

  char peek(std::size_t ahead = 0) const {
    return at_ + ahead < src_.size() ? src_[at_ + ahead] : '\0';
  }

  void advance() {
    if (src_[at_] == '\n') {
      ++line_;
      line_start_ = at_ + 1;
    }
    ++at_;
  }

  Status skip_space() {
    while (at_ < src_.size()) {
      const char c = src_[at_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f') {
        advance();
      } else if (c == '/' && peek(1) == '/') {
        while (at_ < src_.size() && src_[at_] != '\n') advance();
      } else {
        break;
      }
    }
    return {};
  }

  Status next(Token& token) {
    const char c = peek();
    if (is_digit(c) || (c == '.' && is_digit(peek(1)))) return number(token);
    if (c == '"' || c == '\'') return quoted(token, false, false);
    if ((c == 'r' || c == 'R') && (peek(1) == '"' || peek(1) == '\'')) {
      ++at_;
      return quoted(token, true, false);
    }
    if ((c == 'b' || c == 'B') && (peek(1) == '"' || peek(1) == '\'')) {
      ++at_;
      return quoted(token, false, true);
    }
    if ((c == 'b' || c == 'B') && (peek(1) == 'r' || peek(1) == 'R') &&
        (peek(2) == '"' || peek(2) == '\'')) {
      at_ += 2;
      return quoted(token, true, true);
    }
    if ((c == 'r' || c == 'R') && (peek(1) == 'b' || peek(1) == 'B') &&
        (peek(2) == '"' || peek(2) == '\'')) {
      at_ += 2;
      return quoted(token, true, true);
    }
    if (is_ident_start(c)) return identifier(token);
    if (c == '`') return quoted_identifier(token);
    return punctuation(token);
  }

  Status identifier(Token& token) {
    const std::size_t start = at_;
    while (at_ < src_.size() && is_ident_char(src_[at_])) ++at_;
    token.text = std::string(src_.substr(start, at_ - start));
    if (token.text == "true") {
      token.kind = TokenKind::kTrue;
    } else if (token.text == "false") {
      token.kind = TokenKind::kFalse;
    } else if (token.text == "null") {
      token.kind = TokenKind::kNull;
    } else if (token.text == "in") {
      token.kind = TokenKind::kIn;
    } else {
      token.kind = TokenKind::kIdentifier;
      for (std::string_view word : kReservedWords) {
        if (token.text == word) token.kind = TokenKind::kReserved;
      }
    }
    return {};
  }

  // `field-name` (cel-spec: backquoted identifiers select fields whose names are not identifiers).
  Status quoted_identifier(Token& token) {
    const SourcePosition start = position();
    ++at_;
    const std::size_t begin = at_;
    while (at_ < src_.size() && src_[at_] != '`' && src_[at_] != '\n') ++at_;
    if (at_ >= src_.size() || src_[at_] != '`') return error_at(start, "unterminated `identifier`");
    token.text = std::string(src_.substr(begin, at_ - begin));
    ++at_;
    if (token.text.empty()) return error_at(start, "empty `identifier`");
    for (char ch : token.text) {
      if (!is_ident_char(ch) && ch != '.' && ch != '-' && ch != '/' && ch != ' ') {
        return error_at(start, "invalid character in `identifier`");
      }
    }
    token.kind = TokenKind::kIdentifier;
    token.quoted = true;
    return {};
  }

  Status number(Token& token) {
    const SourcePosition start = position();
    const std::size_t begin = at_;
    if (peek() == '0' && (peek(1) == 'x' || peek(1) == 'X')) {
      at_ += 2;
      const std::size_t digits = at_;
      while (is_hex(peek())) ++at_;
      if (at_ == digits) return error_at(start, "hexadecimal literal without digits");
      std::uint64_t value = 0;
      for (std::size_t i = digits; i < at_; ++i) {
        if (value > (UINT64_MAX >> 4)) return error_at(start, "integer literal out of range");
        value = value * 16 + static_cast<std::uint64_t>(hex_value(src_[i]));
      }
      return integer_suffix(token, start, value);
    }
    while (is_digit(peek())) ++at_;
    bool is_double = false;
    if (peek() == '.' && is_digit(peek(1))) {
      is_double = true;
      ++at_;
      while (is_digit(peek())) ++at_;
    }
    if (peek() == 'e' || peek() == 'E') {
      std::size_t ahead = 1;
      if (peek(1) == '+' || peek(1) == '-') ahead = 2;
      if (is_digit(peek(ahead))) {
        is_double = true;
        at_ += ahead;
        while (is_digit(peek())) ++at_;
      }
    }
    const std::string_view text = src_.substr(begin, at_ - begin);
    if (is_double) {
      token.kind = TokenKind::kDouble;
      // strtod is locale-dependent only for the decimal point, and the C locale is ours.
      token.number = std::strtod(std::string(text).c_str(), nullptr);
      return {};
    }
    std::uint64_t value = 0;
    const auto parsed = std::from_chars(text.data(), text.data() + text.size(), value);
    if (parsed.ec != std::errc{}) return error_at(start, "integer literal out of range");
    return integer_suffix(token, start, value);
  }

  Status integer_suffix(Token& token, SourcePosition start, std::uint64_t value) {
    token.integer = value;
    if (peek() == 'u' || peek() == 'U') {
      ++at_;
      token.kind = TokenKind::kUint;
      return {};
    }
    // 2^63 is allowed here: only `-9223372036854775808` makes it a valid int.
    if (value > (std::uint64_t{1} << 63)) return error_at(start, "integer literal out of range");
    token.kind = TokenKind::kInt;
    return {};
  }

  Status quoted(Token& token, bool raw, bool bytes) {
    const SourcePosition start = position();
    const char quote = peek();
    const bool triple = peek(1) == quote && peek(2) == quote;
    at_ += triple ? 3 : 1;
    std::string out;
    for (;;) {
      if (at_ >= src_.size()) return error_at(start, "unterminated string literal");
      const char c = src_[at_];
      if (c == quote && (!triple || (peek(1) == quote && peek(2) == quote))) {
        at_ += triple ? 3 : 1;
        break;
      }
      if (!triple && (c == '\n' || c == '\r')) {
        return error_at(start, "line break in a single-quoted string literal");
      }
      if (c == '\\' && !raw) {
        if (Status escaped = escape(out, bytes); !escaped) return escaped;
        continue;
      }
      if (c == '\\' && raw && at_ + 1 < src_.size() && src_[at_ + 1] == quote && !triple) {
        // In a raw string, \" still does not end it (the backslash stays).
        out += c;
        out += quote;
        at_ += 2;
        continue;
      }
      out += c;
      advance();
    }
    token.kind = bytes ? TokenKind::kBytes : TokenKind::kString;
    token.text = std::move(out);
    return {};
  }

  Status escape(std::string& out, bool bytes) {
    const SourcePosition where = position();
    const char c = peek(1);
    at_ += 2;
    switch (c) {
      case '\\':
        out += '\\';
        return {};
      case '?':
        out += '?';
        return {};
      case '"':
        out += '"';
        return {};
      case '\'':
        out += '\'';
        return {};
      case '`':
        out += '`';
        return {};
      case 'a':
        out += '\a';
        return {};
      case 'b':
        out += '\b';
        return {};
      case 'f':
        out += '\f';
        return {};
      case 'n':
        out += '\n';
        return {};
      case 'r':
        out += '\r';
        return {};
      case 't':
        out += '\t';
        return {};
      case 'v':
        out += '\v';
        return {};
      case 'x':
      case 'X':
        return code_point(out, bytes, 2, where);
      case 'u':
        return bytes ? error_at(where, "\\u escape in a bytes literal")
                     : code_point(out, bytes, 4, where);
      case 'U':
        return bytes ? error_at(where, "\\U escape in a bytes literal")
                     : code_point(out, bytes, 8, where);
      default:
        break;
    }
    if (c >= '0' && c <= '3' && peek() >= '0' && peek() <= '7' && peek(1) >= '0' &&
        peek(1) <= '7') {
      const std::uint32_t value =
          static_cast<std::uint32_t>((c - '0') * 64 + (peek() - '0') * 8 + (peek(1) - '0'));
      at_ += 2;
      append_value(out, bytes, value);
      return {};
    }
    return error_at(where, "invalid escape sequence");
  }

  Status code_point(std::string& out, bool bytes, int digits, SourcePosition where) {
    std::uint32_t value = 0;
    for (int i = 0; i < digits; ++i) {
      if (!is_hex(peek())) return error_at(where, "invalid hexadecimal escape");
      value = value * 16 + static_cast<std::uint32_t>(hex_value(peek()));
      ++at_;
    }
    if (!bytes && (value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF))) {
      return error_at(where, "escape is not a valid Unicode code point");
    }
    append_value(out, bytes, value);
    return {};
  }

  // In bytes literals \x and octal escapes are single bytes; in strings they are code points.
  static void append_value(std::string& out, bool bytes, std::uint32_t value) {
    if (bytes) {
      out += static_cast<char>(value);
    } else {
      append_utf8(out, value);
    }
  }

  Status punctuation(Token& token) {
    const SourcePosition start = position();
    const char c = peek();
    const char n = peek(1);
    auto one = [&](TokenKind kind) {
      token.kind = kind;
      ++at_;
      return Status{};
    };
    auto two = [&](TokenKind kind) {
      token.kind = kind;
      at_ += 2;
      return Status{};
    };
    switch (c) {
      case '(':
        return one(TokenKind::kLeftParen);
      case ')':
        return one(TokenKind::kRightParen);
      case '[':
        return n == '?' ? two(TokenKind::kQuestionBracket) : one(TokenKind::kLeftBracket);
      case ']':
        return one(TokenKind::kRightBracket);
      case '{':
        return one(TokenKind::kLeftBrace);
      case '}':
        return one(TokenKind::kRightBrace);
      case '.':
        return n == '?' ? two(TokenKind::kQuestionDot) : one(TokenKind::kDot);
      case ',':
        return one(TokenKind::kComma);
      case ':':
        return one(TokenKind::kColon);
      case '?':
        return one(TokenKind::kQuestion);
      case '+':
        return one(TokenKind::kPlus);
      case '-':
        return one(TokenKind::kMinus);
      case '*':
        return one(TokenKind::kStar);
      case '/':
        return one(TokenKind::kSlash);
      case '%':
        return one(TokenKind::kPercent);
      case '!':
        return n == '=' ? two(TokenKind::kBangEqual) : one(TokenKind::kBang);
      case '<':
        return n == '=' ? two(TokenKind::kLessEqual) : one(TokenKind::kLess);
      case '>':
        return n == '=' ? two(TokenKind::kGreaterEqual) : one(TokenKind::kGreater);
      case '=':
        if (n == '=') return two(TokenKind::kEqualEqual);
        break;
      case '&':
        if (n == '&') return two(TokenKind::kAndAnd);
        break;
      case '|':
        if (n == '|') return two(TokenKind::kOrOr);
        break;
      default:
        break;
    }
    const unsigned char byte = static_cast<unsigned char>(c);
    return error_at(start, byte >= 0x20 && byte < 0x7F
                               ? std::string("unexpected character '") + c + "'"
                               : "unexpected byte 0x" + std::to_string(byte));
  }

  std::string_view src_;
  std::size_t at_ = 0;
  std::size_t line_start_ = 0;
  std::uint32_t line_ = 1;
};

}  // namespace

Result<std::vector<Token>> tokenize(std::string_view source) { return Lexer(source).run(); }

std::string_view token_name(TokenKind kind) {
  switch (kind) {
    case TokenKind::kEnd:
      return "end of input";
    case TokenKind::kIdentifier:
      return "identifier";
    case TokenKind::kInt:
      return "integer";
    case TokenKind::kUint:
      return "unsigned integer";
    case TokenKind::kDouble:
      return "double";
    case TokenKind::kString:
      return "string";
    case TokenKind::kBytes:
      return "bytes";
    case TokenKind::kTrue:
      return "'true'";
    case TokenKind::kFalse:
      return "'false'";
    case TokenKind::kNull:
      return "'null'";
    case TokenKind::kIn:
      return "'in'";
    case TokenKind::kReserved:
      return "reserved word";
    case TokenKind::kLeftParen:
      return "'('";
    case TokenKind::kRightParen:
      return "')'";
    case TokenKind::kLeftBracket:
      return "'['";
    case TokenKind::kRightBracket:
      return "']'";
    case TokenKind::kLeftBrace:
      return "'{'";
    case TokenKind::kRightBrace:
      return "'}'";
    case TokenKind::kDot:
      return "'.'";
    case TokenKind::kComma:
      return "','";
    case TokenKind::kColon:
      return "':'";
    case TokenKind::kQuestion:
      return "'?'";
    case TokenKind::kQuestionDot:
      return "'.?'";
    case TokenKind::kQuestionBracket:
      return "'[?'";
    case TokenKind::kPlus:
      return "'+'";
    case TokenKind::kMinus:
      return "'-'";
    case TokenKind::kStar:
      return "'*'";
    case TokenKind::kSlash:
      return "'/'";
    case TokenKind::kPercent:
      return "'%'";
    case TokenKind::kBang:
      return "'!'";
    case TokenKind::kLess:
      return "'<'";
    case TokenKind::kLessEqual:
      return "'<='";
    case TokenKind::kGreater:
      return "'>'";
    case TokenKind::kGreaterEqual:
      return "'>='";
    case TokenKind::kEqualEqual:
      return "'=='";
    case TokenKind::kBangEqual:
      return "'!='";
    case TokenKind::kAndAnd:
      return "'&&'";
    case TokenKind::kOrOr:
      return "'||'";
  }
  return "token";
}

}  // namespace sluice::cel
