// Internal to the text-format reader (textproto.cpp parses, textproto_fields.cpp reads typed
// values): the number grammar and error formatting both need.
#pragma once

#include "cel/textproto.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::cel::textproto::detail {

inline bool is_digit(char c) { return c >= '0' && c <= '9'; }
inline bool is_octal(char c) { return c >= '0' && c <= '7'; }
inline bool is_hex(char c) {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/// `word` equals the lower-case `lower`, ignoring ASCII case.
bool equals_lower(std::string_view word, std::string_view lower);

/// inf, infinity or nan in any case: the words text format reads as floats.
bool is_float_word(std::string_view word);

enum class NumberForm : std::uint8_t { kInvalid, kDecimal, kOctal, kHex, kFloat };

/// Classifies an unsigned number token by the text-format grammar: 0x hex, 0-prefixed octal,
/// decimal, or a float (`1.`, `.5`, `1e5`, `1.5E-3`, each with an optional f/F suffix, and `1f`).
NumberForm classify_number(std::string_view t);

/// "line:column: what" as an invalid-argument error.
Error error_at(Position position, std::string_view what);

/// `s` in single quotes, for messages.
std::string quoted(std::string_view s);

}  // namespace sluice::cel::textproto::detail
