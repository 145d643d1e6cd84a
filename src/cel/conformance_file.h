// A typed view of cel-spec's conformance test data: text-format files of the message
// cel.expr.conformance.test.SimpleTestFile (cel-spec proto/cel/expr/conformance/test/simple.proto),
// as found in ../shared/conformance/cel-spec/*.textproto.
//
// Only the SimpleTestFile / SimpleTestSection / SimpleTest layers are typed. The values inside
// (cel.expr.Value, ExprValue, ErrorSet, Decl, ...) stay textproto::Message trees for the runner to
// interpret; the view points into the parsed tree, which the ConformanceFile owns. Unknown fields
// at the typed layers are errors, as protobuf's own text parser would report them, so that a new
// field in upstream data is noticed rather than silently ignored.
#pragma once

#include "cel/textproto.h"
#include "core/result.h"

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::cel {

/// One SimpleTest.
struct ConformanceTest {
  std::string name;
  std::string description;
  std::string expr;
  std::string container;  ///< for name resolution; empty means the root
  std::string locale;
  bool disable_macros = false;
  bool disable_check = false;
  bool check_only = false;
  /// Variable bindings in source order: name -> cel.expr.ExprValue message (`value`, `error` or
  /// `unknown`). A binding without a value points at an empty message (proto's default).
  std::vector<std::pair<std::string, const textproto::Message*>> bindings;

  /// Which result matcher the test uses (SimpleTest's `result_matcher` oneof).
  enum class Expect {
    kValue,          ///< `value`: expected is a cel.expr.Value
    kTypedResult,    ///< `typed_result`: expected is a TypedResult {result, deduced_type}
    kEvalError,      ///< `eval_error`: expected is a cel.expr.ErrorSet
    kAnyEvalErrors,  ///< `any_eval_errors`: expected is an ErrorSetMatcher {repeated errors}
    kUnknown,        ///< `unknown`: expected is a cel.expr.UnknownSet
    kAnyUnknowns,    ///< `any_unknowns`: expected is an UnknownSetMatcher {repeated unknowns}
    kTrue,           ///< no matcher: the result must be bool true; expected is nullptr
  };
  Expect expect = Expect::kTrue;
  const textproto::Message* expected = nullptr;

  /// The cel.expr.Decl messages of `type_env`, in source order.
  std::vector<const textproto::Message*> type_env;
  bool has_type_env = false;

  /// The whole SimpleTest message, for anything not typed above.
  const textproto::Message* source = nullptr;
  /// Where the test starts in its file (its `test` field name).
  textproto::Position position;
};

/// One SimpleTestSection.
struct ConformanceSection {
  std::string name;
  std::string description;
  std::vector<ConformanceTest> tests;
};

/// One SimpleTestFile, owning the parsed tree its tests point into. Move-only; moving keeps every
/// pointer valid because the tree lives on the heap.
struct ConformanceFile {
  std::string path;  ///< as given to load_conformance_file(), or the source name
  std::string name;
  std::string description;
  std::vector<ConformanceSection> sections;
  std::unique_ptr<const textproto::Message> tree;

  std::size_t test_count() const;
};

/// Reads and parses `path`. Errors are kInvalidArgument "path:line:column: message" (kIo when the
/// file cannot be read).
Result<ConformanceFile> load_conformance_file(const std::string& path);

/// Parses file contents; `source_name` prefixes error messages and becomes ConformanceFile::path.
Result<ConformanceFile> parse_conformance_file(std::string_view text, std::string source_name);

/// Whether a test needs protobuf message types (TestAllTypes, wrappers, Any, Struct, ...), which a
/// runner without a protobuf runtime skips and counts. A heuristic over the test's text: true when
/// its expr, any binding, its expected result or its type_env
///   - mentions `TestAllTypes`, `NestedMessage`, `NestedEnum`, `GlobalEnum`, `cel.expr.conformance`
///     or `google.protobuf.` (in a string, an identifier or a field name such as an Any type URL),
///     except `google.protobuf.Timestamp` and `google.protobuf.Duration`, which are CEL's built-in
///     timestamp and duration type names rather than messages; or
///   - contains an `object_value` field (a message value); or
///   - declares a message-typed identifier (type_env holds a `message_type` field).
/// The container alone does not count: a test may set it and still use no message.
bool needs_message_types(const ConformanceTest& test);

}  // namespace sluice::cel
