// Tokens of the CEL grammar (cel-spec langdef.md, "Syntax"): literals with their decoded values,
// identifiers, reserved words and punctuation, each with the line and column where it starts.
#pragma once

#include "core/result.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::cel {

/// 1-based line and column (in bytes) of a position in the expression text.
struct SourcePosition {
  std::uint32_t line = 1;
  std::uint32_t column = 1;
};

enum class TokenKind : std::uint8_t {
  kEnd,
  kIdentifier,
  kInt,   ///< decimal or 0x hex, without sign (the parser applies unary minus)
  kUint,  ///< with a u/U suffix
  kDouble,
  kString,  ///< decoded text (valid UTF-8)
  kBytes,   ///< decoded bytes
  kTrue,
  kFalse,
  kNull,
  kIn,
  kReserved,  ///< a reserved word that cannot be an identifier (`if`, `for`, ...)
  // Punctuation.
  kLeftParen,
  kRightParen,
  kLeftBracket,
  kRightBracket,
  kLeftBrace,
  kRightBrace,
  kDot,
  kComma,
  kColon,
  kQuestion,
  kQuestionDot,      ///< `.?` optional field selection
  kQuestionBracket,  ///< `[?` optional index or optional list/map element
  kPlus,
  kMinus,
  kStar,
  kSlash,
  kPercent,
  kBang,
  kLess,
  kLessEqual,
  kGreater,
  kGreaterEqual,
  kEqualEqual,
  kBangEqual,
  kAndAnd,
  kOrOr,
};

struct Token {
  TokenKind kind = TokenKind::kEnd;
  SourcePosition position;
  /// Identifier and reserved-word spelling, or the decoded string/bytes literal.
  std::string text;
  /// kInt: the magnitude (may be 2^63, valid only after a unary minus); kUint: the value.
  std::uint64_t integer = 0;
  double number = 0;
  /// kIdentifier written in backquotes (`content-type`): only valid as a field name.
  bool quoted = false;
};

/// Splits `source` into tokens, ending with kEnd. Errors (kInvalidArgument) name the line and
/// column: an unterminated string, a bad escape, an integer out of range, a stray character.
Result<std::vector<Token>> tokenize(std::string_view source);

/// Human-readable token names for error messages ("')'", "identifier", "end of input").
std::string_view token_name(TokenKind kind);

}  // namespace sluice::cel
