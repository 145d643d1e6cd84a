// CEL runtime values (cel-spec langdef "Values"): null, bool, int, uint, double, string, bytes,
// list, map, type, timestamp, duration, optional, and errors as values. Lists, maps and optionals
// are immutable and shared, so copying a Value never copies a container.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace sluice::cel {

class Value;
using ValueList = std::vector<Value>;
/// Map entries in insertion order; keys are bool, int, uint or string (see Value::map_find).
using ValueMap = std::vector<std::pair<Value, Value>>;

enum class ValueKind : std::uint8_t {
  kNull,
  kBool,
  kInt,
  kUint,
  kDouble,
  kString,
  kBytes,
  kList,
  kMap,
  kType,
  kTimestamp,
  kDuration,
  kOptional,
  kOpaque,  ///< an extension type: Kubernetes' Quantity, Semver, ...
  kError,
};

/// A runtime error carried as a value (division by zero, no such key, overflow, ...).
struct EvalError {
  std::string message;
  /// Where in the expression the error arose (1-based), 0 when unknown; the evaluator fills it
  /// in so that `sluice cel eval` can point at the failing call.
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

/// A type value, as `type(x)` returns and `int`, `list`, ... name: its CEL name ("int",
/// "list", "google.protobuf.Timestamp", ...).
struct TypeName {
  std::string name;
};

/// A value of an extension type (Kubernetes' `Quantity`, `Semver`, ...): immutable and shared.
/// Its functions are ordinary built-ins that downcast with `dynamic_cast`; the value itself only
/// knows its type, equality and literal form.
class OpaqueValue {
 public:
  virtual ~OpaqueValue() = default;
  /// The CEL type name (`kubernetes.Quantity`, ...), as `type(x)` reports it.
  virtual std::string_view type_name() const = 0;
  /// `==` between two values of the same type_name().
  virtual bool equals(const OpaqueValue& other) const = 0;
  /// The value as an expression that rebuilds it (`quantity("1Gi")`).
  virtual std::string literal() const = 0;
};

/// Nanoseconds since the Unix epoch (timestamps) or a signed span (durations), as CEL's range.
struct Timestamp {
  std::int64_t seconds = 0;
  std::int32_t nanos = 0;
};
struct Duration {
  std::int64_t seconds = 0;
  std::int32_t nanos = 0;  ///< same sign as seconds
};

class Value {
 public:
  Value() = default;  ///< null
  static Value null() { return Value(); }
  static Value boolean(bool b) { return Value(Data(std::in_place_index<1>, b)); }
  static Value integer(std::int64_t i) { return Value(Data(std::in_place_index<2>, i)); }
  static Value unsigned_integer(std::uint64_t u) { return Value(Data(std::in_place_index<3>, u)); }
  static Value floating(double d) { return Value(Data(std::in_place_index<4>, d)); }
  static Value string(std::string s) { return Value(Data(std::in_place_index<5>, std::move(s))); }
  static Value bytes(std::string b);
  static Value list(ValueList elements);
  static Value map(ValueMap entries);
  static Value type(std::string name);
  static Value timestamp(Timestamp t);
  static Value duration(Duration d);
  /// An optional holding `v`, or the empty optional.
  static Value optional_of(Value v);
  static Value optional_none();
  static Value opaque(std::shared_ptr<const OpaqueValue> v);
  static Value error(std::string message);
  /// `error` (an error value) located at line:column, unless it already has a location.
  static Value located(Value error, std::uint32_t line, std::uint32_t column);

  ValueKind kind() const { return static_cast<ValueKind>(data_.index()); }
  bool is_error() const { return kind() == ValueKind::kError; }

  bool as_bool() const { return std::get<1>(data_); }
  std::int64_t as_int() const { return std::get<2>(data_); }
  std::uint64_t as_uint() const { return std::get<3>(data_); }
  double as_double() const { return std::get<4>(data_); }
  /// The text of a string or the bytes of a bytes value.
  const std::string& as_string() const;
  const ValueList& as_list() const { return *std::get<7>(data_); }
  const ValueMap& as_map() const { return *std::get<8>(data_); }
  const std::string& type_name() const { return std::get<9>(data_).name; }
  const Timestamp& as_timestamp() const { return std::get<10>(data_); }
  const Duration& as_duration() const { return std::get<11>(data_); }
  /// The optional's value, or null if it is empty.
  const Value* optional_value() const { return std::get<12>(data_).get(); }
  const OpaqueValue& as_opaque() const { return *std::get<13>(data_); }
  const std::string& error_message() const { return std::get<14>(data_)->message; }
  const EvalError& as_error() const { return *std::get<14>(data_); }

  /// The entry of a map for `key`, with CEL's key semantics: numeric keys match across int, uint
  /// and double when the numbers are equal (`{1: x}[1u]`, `{1: x}[1.0]`). Null if absent.
  const Value* map_find(const Value& key) const;

  /// The CEL type name of this value: "int", "uint", "double", "string", "bytes", "bool",
  /// "null_type", "list", "map", "type", "google.protobuf.Timestamp",
  /// "google.protobuf.Duration", "optional_type", "error", or an opaque value's type name.
  std::string_view cel_type() const;

 private:
  struct Bytes {
    std::string data;
  };
  using Data =
      std::variant<std::monostate, bool, std::int64_t, std::uint64_t, double, std::string, Bytes,
                   std::shared_ptr<const ValueList>, std::shared_ptr<const ValueMap>, TypeName,
                   Timestamp, Duration, std::shared_ptr<const Value>,
                   std::shared_ptr<const OpaqueValue>, std::shared_ptr<const EvalError>>;
  explicit Value(Data data) : data_(std::move(data)) {}

  Data data_;
};

/// CEL equality (langdef "Equality"): numbers compare by value across int, uint and double (NaN is
/// unequal to everything; an integer meets a double as a double, as in cel-go); lists and maps
/// element-wise; values of different kinds are unequal. Errors are not values to compare: the
/// caller handles them first.
bool equals(const Value& a, const Value& b);

/// CEL ordering for `<`, `<=`, `>`, `>=`: -1, 0 or 1, across numeric kinds by value; strings by
/// code point, bytes by byte, bools false < true, timestamps and durations by time. Empty for
/// unordered pairs (different non-numeric kinds, lists, maps, NaN).
std::optional<int> compare(const Value& a, const Value& b);

/// `d` in printf's %g form with the fewest significant digits that read back as `d` ("1.5",
/// "1e+100", "0.1"); no suffix for integral values and no special spelling of inf or NaN.
std::string shortest_double(double d);

/// The value in CEL literal syntax, as `sluice cel eval` prints it: `true`, `42`, `1u`, `2.5`,
/// `"s"`, `b"\x00"`, `[1, 2]`, `{"a": 1}`, `null`, `int`, `optional.of(1)`, `optional.none()`,
/// `timestamp("2024-01-01T00:00:00Z")`, `duration("1.5s")`.
std::string to_literal(const Value& v);

}  // namespace sluice::cel
