// Append-only JSON building blocks for response bodies. Bodies are written with plain appends (no
// DOM) because they are produced once per token on the streaming path.
//
// Strings are escaped the way Python's json/pydantic serializers escape them (the bytes vLLM puts
// on the wire): `"` and `\` are backslash-escaped, control characters below 0x20 use \b \f \n \r \t
// or \u00XX, and everything else, including non-ASCII UTF-8, is copied verbatim. Input that is not
// valid UTF-8 would make the body invalid JSON, so each byte of an invalid sequence is replaced by
// U+FFFD.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::openai {

/// Exact number of bytes append_json_string(out, s) appends (quotes included).
std::size_t json_string_size(std::string_view s);

/// Appends `s` as a quoted, escaped JSON string.
void append_json_string(std::string& out, std::string_view s);

/// Appends a decimal integer.
void append_json_uint(std::string& out, std::uint64_t value);
void append_json_int(std::string& out, std::int64_t value);

/// Appends a double with 9 significant digits ("%.9g"); NaN and infinities, which JSON cannot
/// carry, become null.
void append_json_number(std::string& out, double value);

/// Upper bound on the digits of any 64-bit integer, for size estimates.
inline constexpr std::size_t kMaxIntegerChars = 20;

}  // namespace sluice::openai
