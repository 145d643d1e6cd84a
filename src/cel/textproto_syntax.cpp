// The number grammar and error formatting shared by the text-format reader's two halves.
#include "cel/textproto_syntax.h"

namespace sluice::cel::textproto::detail {

bool equals_lower(std::string_view word, std::string_view lower) {
  if (word.size() != lower.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    char c = word[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != lower[i]) return false;
  }
  return true;
}

bool is_float_word(std::string_view word) {
  return equals_lower(word, "inf") || equals_lower(word, "infinity") || equals_lower(word, "nan");
}

NumberForm classify_number(std::string_view t) {
  if (t.size() > 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
    for (std::size_t i = 2; i < t.size(); ++i) {
      if (!is_hex(t[i])) return NumberForm::kInvalid;
    }
    return NumberForm::kHex;
  }
  std::size_t i = 0;
  std::size_t int_digits = 0;
  while (i < t.size() && is_digit(t[i])) ++i, ++int_digits;
  std::size_t frac_digits = 0;
  bool has_dot = false;
  bool has_exp = false;
  if (i < t.size() && t[i] == '.') {
    has_dot = true;
    ++i;
    while (i < t.size() && is_digit(t[i])) ++i, ++frac_digits;
  }
  if (int_digits + frac_digits == 0) return NumberForm::kInvalid;
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    has_exp = true;
    ++i;
    if (i < t.size() && (t[i] == '+' || t[i] == '-')) ++i;
    std::size_t exp_digits = 0;
    while (i < t.size() && is_digit(t[i])) ++i, ++exp_digits;
    if (exp_digits == 0) return NumberForm::kInvalid;
  }
  bool suffix = false;
  if (i < t.size() && (t[i] == 'f' || t[i] == 'F')) {
    suffix = true;
    ++i;
  }
  if (i != t.size()) return NumberForm::kInvalid;
  if (has_dot || has_exp || suffix) return NumberForm::kFloat;
  if (t.size() > 1 && t[0] == '0') {
    for (char c : t) {
      if (!is_octal(c)) return NumberForm::kInvalid;
    }
    return NumberForm::kOctal;
  }
  return NumberForm::kDecimal;
}

Error error_at(Position position, std::string_view what) {
  std::string message = to_string(position);
  message += ": ";
  message += what;
  return make_error(ErrorCode::kInvalidArgument, std::move(message));
}

std::string quoted(std::string_view s) {
  std::string out = "'";
  out += s;
  out += "'";
  return out;
}

}  // namespace sluice::cel::textproto::detail
