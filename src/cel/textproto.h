// A schema-less reader for protobuf text format (protobuf.dev "Text Format Language
// Specification"), enough to read cel-spec's conformance data without protobuf message support.
//
// The result is a generic tree: a Message is an ordered list of Fields, and each Field holds either
// a scalar (a string, an identifier such as an enum name or `true`, or a number) or a nested
// Message. Without a schema the reader cannot know a field's type, so scalars keep their source
// token and are converted on request by the typed getters, which fail with a clear error when the
// token cannot be read as the asked type.
//
// Supported syntax: `name: scalar`, `name { ... }`, `name: { ... }`, `name < ... >`, repeated
// fields, list values `name: [a, b]` and `name [{...}, {...}]` (expanded into one Field per
// element, as protobuf does for repeated fields), optional `,`/`;` after a field, `#` comments,
// extension and Any names `[type.googleapis.com/pkg.Type]` (kept, brackets included, as the field
// name), single- and double-quoted strings with every text-format escape (\a \b \f \n \r \t \v
// \\ \' \" \?, octal \ooo, hex \xHH, \uXXXX and \UXXXXXXXX to UTF-8, surrogate pairs joined),
// adjacent string literals concatenated, numbers (decimal, 0x hex, 0 octal, floats with exponent
// and f suffix, a `-` sign, inf/infinity/nan). Errors are kInvalidArgument with the message
// "line:column: what is wrong".
//
// Parsing is one pass over the text; nesting deeper than kMaxDepth is rejected so that hostile
// input cannot exhaust the stack.
#pragma once

#include "core/result.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::cel::textproto {

/// 1-based line and column (in bytes) in the source text.
struct Position {
  std::uint32_t line = 1;
  std::uint32_t column = 1;
};

/// "line:column", the prefix of every error this reader reports.
std::string to_string(Position position);

/// What a field holds, as the source spelled it.
enum class Kind : std::uint8_t {
  kString,      ///< one or more adjacent quoted literals; decoded bytes in Field::bytes
  kIdentifier,  ///< a bare word: an enum name (NULL_VALUE), true/false, inf, nan
  kNumber,      ///< an integer or float token, with its `-` sign (`-inf`/`-nan` count as numbers)
  kMessage,     ///< a nested message; see Field::message()
};

/// Human-readable name of a kind ("string", "identifier", "number", "message") for errors.
std::string_view kind_name(Kind kind);

/// Nesting limit of messages and lists.
inline constexpr int kMaxDepth = 100;

class Message;

/// One `name: value` occurrence. Repeated fields are several Fields with the same name.
struct Field {
  std::string name;  ///< `expr`, or `[type.googleapis.com/google.protobuf.Int32Value]`
  Kind kind = Kind::kIdentifier;
  /// The value as written, for scalars: an identifier, a number with its sign (`-12.5e3`), or the
  /// string literal(s) with quotes and escapes (adjacent literals: the whole source span). Empty
  /// for messages.
  std::string raw;
  /// Decoded bytes of a kString value; any bytes, not necessarily valid UTF-8. Empty otherwise.
  std::string bytes;
  Position position;                ///< where the field name starts
  std::unique_ptr<Message> nested;  ///< set iff kind == kMessage

  bool is_message() const { return kind == Kind::kMessage; }
  /// The nested message. Precondition: is_message().
  const Message& message() const { return *nested; }

  // Typed getters. Each fails (kInvalidArgument, "line:column: field 'x' ...") when the value is
  // of another kind or does not fit the type.

  /// The decoded bytes of a string value (a view into this Field).
  Result<std::string_view> as_string() const;
  /// An identifier value as written, e.g. an enum name.
  Result<std::string_view> as_identifier() const;
  /// A decimal, hex or octal integer in [INT64_MIN, INT64_MAX].
  Result<std::int64_t> as_int64() const;
  /// A non-negative decimal, hex or octal integer in [0, UINT64_MAX].
  Result<std::uint64_t> as_uint64() const;
  /// Any number (integers convert; overflow gives +-inf), or inf/infinity/nan in any case.
  Result<double> as_double() const;
  /// true/True/t or false/False/f, or the numbers 1 and 0.
  Result<bool> as_bool() const;
  /// The nested message (a pointer into the tree).
  Result<const Message*> as_message() const;
};

/// An ordered list of fields: the top level of a text-format document or a `{ ... }` block.
class Message {
 public:
  Message() = default;
  explicit Message(Position position) : position_(position) {}

  const std::vector<Field>& fields() const { return fields_; }
  std::vector<Field>& mutable_fields() { return fields_; }
  /// Where the message starts: its opening brace, or 1:1 for a document.
  Position position() const { return position_; }
  bool empty() const { return fields_.empty(); }

  /// The first field named `name`, or nullptr.
  const Field* find(std::string_view name) const;
  /// Every field named `name`, in source order.
  std::vector<const Field*> find_all(std::string_view name) const;
  /// How many fields are named `name`.
  std::size_t count(std::string_view name) const;

  // Typed getters of the first field named `name`. Without a default, a missing field is
  // kNotFound; with a default, a missing field yields the default (proto3's implicit value). A
  // present field of the wrong kind is always an error.
  Result<std::string_view> get_string(std::string_view name) const;
  Result<std::string_view> get_string(std::string_view name, std::string_view fallback) const;
  Result<std::string_view> get_identifier(std::string_view name) const;
  Result<std::int64_t> get_int64(std::string_view name) const;
  Result<std::int64_t> get_int64(std::string_view name, std::int64_t fallback) const;
  Result<std::uint64_t> get_uint64(std::string_view name) const;
  Result<std::uint64_t> get_uint64(std::string_view name, std::uint64_t fallback) const;
  Result<double> get_double(std::string_view name) const;
  Result<double> get_double(std::string_view name, double fallback) const;
  Result<bool> get_bool(std::string_view name) const;
  Result<bool> get_bool(std::string_view name, bool fallback) const;
  Result<const Message*> get_message(std::string_view name) const;

 private:
  std::vector<Field> fields_;
  Position position_;
};

/// Parses a whole text-format document.
Result<Message> parse(std::string_view text);

}  // namespace sluice::cel::textproto
