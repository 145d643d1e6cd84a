#include "cel/conformance_file.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace sluice::cel {
namespace {

namespace fs = std::filesystem;
using Expect = ConformanceTest::Expect;

ConformanceFile parse_ok(std::string_view text) {
  Result<ConformanceFile> file = parse_conformance_file(text, "t.textproto");
  EXPECT_TRUE(file.ok()) << (file.ok() ? "" : file.error().message);
  return file.ok() ? std::move(file).value() : ConformanceFile{};
}

std::string parse_error(std::string_view text) {
  Result<ConformanceFile> file = parse_conformance_file(text, "t.textproto");
  EXPECT_FALSE(file.ok());
  return file.ok() ? std::string() : file.error().message;
}

/// A file holding one test with the given fields (the test points into the file's tree).
ConformanceFile one_test_file(std::string_view test_body) {
  ConformanceFile file =
      parse_ok("section { name: 's' test { name: 't' " + std::string(test_body) + " } }");
  EXPECT_EQ(file.test_count(), 1u) << test_body;
  return file;
}

bool needs_messages(std::string_view test_body) {
  const ConformanceFile file = one_test_file(test_body);
  return file.test_count() == 1 && needs_message_types(file.sections[0].tests[0]);
}

constexpr std::string_view kSample = R"(
# proto-message: cel.expr.conformance.test.SimpleTestFile
name: "sample"
description: "A file with every SimpleTest field."
section {
  name: "first"
  description: "First section."
  test {
    name: "all_fields"
    description: "Every field."
    expr: "x + y"
    container: "cel.expr.conformance.proto3"
    locale: "de_DE"
    disable_macros: true
    disable_check: true
    check_only: false
    type_env { name: "x" ident { type { primitive: INT64 } } }
    type_env: { name: "y", ident: { type: { primitive: INT64 } } }
    bindings { key: "x" value { value { int64_value: 1 } } }
    bindings: { key: "y", value: { value: { int64_value: 2 } } }
    value: { int64_value: 3 }
  }
  test { name: "implicit_true" expr: "true" }
}
section {
  name: "matchers"
  test { name: "typed" expr: "1" typed_result { result { int64_value: 1 } } }
  test { name: "err" expr: "1/0" eval_error { errors { message: "divide by zero" } } }
  test { name: "any_err" expr: "x" any_eval_errors { errors { errors { message: "a" } } } }
  test { name: "unk" expr: "x" unknown { exprs: 1 } }
  test { name: "any_unk" expr: "x" any_unknowns { unknowns { exprs: 1 } } }
  test { name: "check" expr: "1" check_only: true }
}
)";

TEST(ConformanceFile, ReadsEveryFieldOfTheTypedLayers) {
  const ConformanceFile file = parse_ok(kSample);
  EXPECT_EQ(file.path, "t.textproto");
  EXPECT_EQ(file.name, "sample");
  EXPECT_EQ(file.description, "A file with every SimpleTest field.");
  ASSERT_EQ(file.sections.size(), 2u);
  EXPECT_EQ(file.test_count(), 8u);
  EXPECT_EQ(file.sections[0].name, "first");
  EXPECT_EQ(file.sections[0].description, "First section.");
  EXPECT_EQ(file.sections[1].description, "");

  const ConformanceTest& t = file.sections[0].tests[0];
  EXPECT_EQ(t.name, "all_fields");
  EXPECT_EQ(t.description, "Every field.");
  EXPECT_EQ(t.expr, "x + y");
  EXPECT_EQ(t.container, "cel.expr.conformance.proto3");
  EXPECT_EQ(t.locale, "de_DE");
  EXPECT_TRUE(t.disable_macros);
  EXPECT_TRUE(t.disable_check);
  EXPECT_FALSE(t.check_only);
  EXPECT_TRUE(t.has_type_env);
  ASSERT_EQ(t.type_env.size(), 2u);
  EXPECT_EQ(*t.type_env[1]->get_string("name"), "y");
  ASSERT_EQ(t.bindings.size(), 2u);
  EXPECT_EQ(t.bindings[0].first, "x");
  EXPECT_EQ(t.bindings[1].first, "y");
  const textproto::Message* y_value = *t.bindings[1].second->get_message("value");
  EXPECT_EQ(*y_value->get_int64("int64_value"), 2);
  EXPECT_EQ(t.expect, Expect::kValue);
  ASSERT_NE(t.expected, nullptr);
  EXPECT_EQ(*t.expected->get_int64("int64_value"), 3);
  ASSERT_NE(t.source, nullptr);
  EXPECT_EQ(*t.source->get_string("name"), "all_fields");
  EXPECT_EQ(t.position.line, 8u);
  EXPECT_EQ(t.position.column, 3u);
}

TEST(ConformanceFile, DefaultsWhenFieldsAreAbsent) {
  const ConformanceFile file = parse_ok(kSample);
  const ConformanceTest& t = file.sections[0].tests[1];
  EXPECT_EQ(t.name, "implicit_true");
  EXPECT_EQ(t.expect, Expect::kTrue);
  EXPECT_EQ(t.expected, nullptr);
  EXPECT_FALSE(t.disable_macros);
  EXPECT_FALSE(t.disable_check);
  EXPECT_FALSE(t.check_only);
  EXPECT_FALSE(t.has_type_env);
  EXPECT_TRUE(t.type_env.empty());
  EXPECT_TRUE(t.bindings.empty());
  EXPECT_TRUE(t.container.empty());
}

TEST(ConformanceFile, EveryResultMatcherKind) {
  const ConformanceFile file = parse_ok(kSample);
  const auto& tests = file.sections[1].tests;
  ASSERT_EQ(tests.size(), 6u);
  EXPECT_EQ(tests[0].expect, Expect::kTypedResult);
  EXPECT_TRUE(tests[0].expected->get_message("result").ok());
  EXPECT_EQ(tests[1].expect, Expect::kEvalError);
  const textproto::Message* error = *tests[1].expected->get_message("errors");
  EXPECT_EQ(*error->get_string("message"), "divide by zero");
  EXPECT_EQ(tests[2].expect, Expect::kAnyEvalErrors);
  EXPECT_EQ(tests[2].expected->count("errors"), 1u);
  EXPECT_EQ(tests[3].expect, Expect::kUnknown);
  EXPECT_EQ(*tests[3].expected->get_int64("exprs"), 1);
  EXPECT_EQ(tests[4].expect, Expect::kAnyUnknowns);
  EXPECT_EQ(tests[5].expect, Expect::kTrue);
  EXPECT_TRUE(tests[5].check_only);
}

TEST(ConformanceFile, BindingEntryDefaults) {
  const ConformanceFile file =
      one_test_file("bindings { key: 'k' } bindings { value { value {} } }");
  ASSERT_EQ(file.test_count(), 1u);
  const ConformanceTest& t = file.sections[0].tests[0];
  ASSERT_EQ(t.bindings.size(), 2u);
  EXPECT_EQ(t.bindings[0].first, "k");
  ASSERT_NE(t.bindings[0].second, nullptr);
  EXPECT_TRUE(t.bindings[0].second->empty());
  EXPECT_EQ(t.bindings[1].first, "");
  EXPECT_EQ(t.bindings[1].second->count("value"), 1u);
}

TEST(ConformanceFile, PointersStayValidAfterMoves) {
  ConformanceFile file = parse_ok(kSample);
  const textproto::Message* expected = file.sections[0].tests[0].expected;
  std::vector<ConformanceFile> files;
  files.push_back(std::move(file));
  files.emplace_back();  // may reallocate the vector
  const ConformanceTest& t = files[0].sections[0].tests[0];
  EXPECT_EQ(t.expected, expected);
  EXPECT_EQ(*t.expected->get_int64("int64_value"), 3);
  EXPECT_EQ(*t.type_env[0]->get_string("name"), "x");
}

TEST(ConformanceFile, ErrorsNameTheFileLineAndColumn) {
  EXPECT_EQ(parse_error("name: 'x'\nsection { test { name: 'a' expr: 17 } }"),
            "t.textproto:2:28: field 'expr' is a number (17), expected a string");
  EXPECT_EQ(parse_error("section {\n  test { name: 'a' exprr: 'x' }\n}"),
            "t.textproto:2:20: unknown field 'exprr' in a test");
  EXPECT_EQ(parse_error("sections { }"), "t.textproto:1:1: unknown field 'sections' in the file");
  EXPECT_EQ(parse_error("section { tests { } }"),
            "t.textproto:1:11: unknown field 'tests' in a section");
  EXPECT_EQ(parse_error("section { test { name: 'a' value {} eval_error {} } }"),
            "t.textproto:1:37: test has more than one result matcher ('value' and 'eval_error')");
  EXPECT_EQ(parse_error("section { test { name: 'a' name: 'b' } }"),
            "t.textproto:1:28: field 'name' of a test is given more than once");
  EXPECT_EQ(parse_error("section { test { expr: '1' } }"), "t.textproto:1:11: test has no name");
  EXPECT_EQ(parse_error("section { test { name: 'a' disable_check: maybe } }"),
            "t.textproto:1:28: field 'disable_check' is an identifier (maybe), expected a bool "
            "(true, false, 1 or 0)");
  EXPECT_EQ(parse_error("section { test { name: 'a' bindings { key: 'x' val {} } } }"),
            "t.textproto:1:48: unknown field 'val' in a bindings entry");
  EXPECT_EQ(parse_error("section { test: 'x' }"),
            "t.textproto:1:11: field 'test' is a string ('x'), expected a message");
  EXPECT_EQ(parse_error("section { test { name: 'a' value: 1 } }"),
            "t.textproto:1:28: field 'value' is a number (1), expected a message");
  // Syntax errors from the reader get the file name too.
  EXPECT_EQ(parse_error("name: 'x"), "t.textproto:1:7: unterminated string literal");
}

TEST(ConformanceFile, LoadReportsUnreadableFiles) {
  Result<ConformanceFile> missing = load_conformance_file("/nonexistent/dir/x.textproto");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kIo);
  EXPECT_NE(missing.error().message.find("/nonexistent/dir/x.textproto"), std::string::npos);
  Result<ConformanceFile> directory = load_conformance_file(fs::temp_directory_path().string());
  ASSERT_FALSE(directory.ok());
  EXPECT_EQ(directory.error().code, ErrorCode::kIo);
}

TEST(ConformanceFile, NeedsMessageTypesHeuristic) {
  EXPECT_FALSE(needs_messages("expr: '1 + 1' value { int64_value: 2 }"));
  EXPECT_FALSE(needs_messages(
      "expr: '1' container: 'cel.expr.conformance.proto3' value { int64_value: 1 }"));
  EXPECT_TRUE(needs_messages("expr: 'TestAllTypes{}.single_int64'"));
  EXPECT_TRUE(needs_messages("expr: 'x.NestedEnum.BAR'"));
  EXPECT_TRUE(needs_messages("expr: 'GlobalEnum.GAZ == 2'"));
  EXPECT_TRUE(needs_messages("expr: 'a.NestedMessage{}'"));
  EXPECT_TRUE(needs_messages("expr: 'cel.expr.conformance.proto2.X'"));
  EXPECT_TRUE(needs_messages("expr: 'google.protobuf.Int32Value{value: 1}'"));
  EXPECT_TRUE(needs_messages("expr: 'dyn(google.protobuf.Value{}) == null'"));
  // CEL's own timestamp and duration types are spelled like messages but are built in...
  EXPECT_FALSE(needs_messages(
      "expr: 'google.protobuf.Timestamp == type(timestamp(\"2009-02-13T23:31:30Z\"))'"
      " value { bool_value: true }"));
  EXPECT_FALSE(needs_messages(
      "expr: 'type(duration(\"1s\"))' value { type_value: 'google.protobuf.Duration' }"));
  // ...unless built as messages.
  EXPECT_TRUE(needs_messages("expr: 'google.protobuf.Duration {seconds: 1}'"));
  // A message value anywhere in the expected result or the bindings, except the two well-known
  // types CEL has as values (timestamp and duration).
  EXPECT_FALSE(needs_messages(
      "expr: 'x' value { object_value { [type.googleapis.com/google.protobuf.Duration] {} } }"));
  EXPECT_TRUE(needs_messages(
      "expr: 'x' value { object_value { [type.googleapis.com/google.protobuf.Int32Value] {} } }"));
  EXPECT_TRUE(
      needs_messages("expr: 'x' bindings { key: 'x' value { value { list_value { values { "
                     "object_value {} } } } } }"));
  EXPECT_TRUE(
      needs_messages("expr: 'x' value { enum_value { type: "
                     "'cel.expr.conformance.proto3.GlobalEnum' value: 1 } }"));
  // A message-typed declaration, except of timestamp and duration.
  EXPECT_FALSE(
      needs_messages("expr: 'x' type_env { name: 'x' ident { type { message_type: "
                     "'google.protobuf.Duration' } } }"));
  EXPECT_TRUE(
      needs_messages("expr: 'x' type_env { name: 'x' ident { type { message_type: "
                     "'google.protobuf.Any' } } }"));
  EXPECT_FALSE(
      needs_messages("expr: 'x' type_env { name: 'x' ident { type { primitive: INT64 } } } "
                     "bindings { key: 'x' value { value { int64_value: 1 } } }"));
  // An error message that names a well-known type in passing is not a message use.
  EXPECT_FALSE(needs_messages(
      "expr: 'x' eval_error { errors { message: 'was given google.protobuf.Duration' } }"));
}

// ---- the real data -----------------------------------------------------------------------------

/// ../shared/conformance/cel-spec, found by walking up from this source file (the build sets no
/// path for it), or empty when the checkout has no shared directory next to it.
fs::path find_conformance_dir() {
  const fs::path relative = fs::path("shared") / "conformance" / "cel-spec";
  std::error_code ec;
  for (fs::path dir = fs::absolute(fs::path(__FILE__), ec).parent_path(); !dir.empty();
       dir = dir.parent_path()) {
    for (const fs::path& candidate : {dir / relative, dir / ".." / relative}) {
      if (fs::is_directory(candidate, ec)) return candidate.lexically_normal();
    }
    if (dir == dir.root_path()) break;
  }
  return {};
}

TEST(ConformanceData, EveryFileParses) {
  const fs::path dir = find_conformance_dir();
  if (dir.empty()) GTEST_SKIP() << "shared/conformance/cel-spec not found above " << __FILE__;
  std::map<std::string, ConformanceFile> files;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".textproto") continue;
    Result<ConformanceFile> file = load_conformance_file(entry.path().string());
    ASSERT_TRUE(file.ok()) << file.error().message;
    EXPECT_EQ(file->name, entry.path().stem().string()) << entry.path();
    EXPECT_GT(file->test_count(), 0u) << entry.path();
    for (const ConformanceSection& section : file->sections) {
      EXPECT_FALSE(section.name.empty()) << entry.path();
      for (const ConformanceTest& test : section.tests) {
        EXPECT_FALSE(test.expr.empty()) << entry.path() << " " << test.name;
      }
    }
    files.emplace(entry.path().stem().string(), std::move(file).value());
  }
  ASSERT_GE(files.size(), 18u);

  // Counted independently with grep -cE '^\s*test\s*:?\s*[{<]' (and sections likewise).
  const std::map<std::string, std::pair<std::size_t, std::size_t>> expected_counts{
      {"basic", {43, 5}},  {"logic", {30, 4}},        {"string", {51, 7}},
      {"fields", {60, 5}}, {"plumbing", {5, 4}},      {"comparisons", {406, 10}},
      {"parse", {219, 9}}, {"string_ext", {216, 15}}, {"timestamps", {78, 11}},
  };
  for (const auto& [name, counts] : expected_counts) {
    ASSERT_EQ(files.count(name), 1u) << name;
    EXPECT_EQ(files.at(name).test_count(), counts.first) << name;
    EXPECT_EQ(files.at(name).sections.size(), counts.second) << name;
  }
  std::size_t total = 0;
  for (const auto& entry : files) total += entry.second.test_count();
  EXPECT_EQ(total, 1750u);  // grep -cE '^\s*test\s*:?\s*[{<]' summed over the 18 files
}

const ConformanceTest* find_test(const ConformanceFile& file, std::string_view name) {
  for (const ConformanceSection& section : file.sections) {
    for (const ConformanceTest& test : section.tests) {
      if (test.name == name) return &test;
    }
  }
  return nullptr;
}

TEST(ConformanceData, PlumbingAndBasicContents) {
  const fs::path dir = find_conformance_dir();
  if (dir.empty()) GTEST_SKIP() << "shared/conformance/cel-spec not found above " << __FILE__;
  Result<ConformanceFile> plumbing = load_conformance_file((dir / "plumbing.textproto").string());
  ASSERT_TRUE(plumbing.ok()) << plumbing.error().message;
  const ConformanceTest* min = find_test(*plumbing, "min_program");
  ASSERT_NE(min, nullptr);
  EXPECT_EQ(min->expr, "17");
  EXPECT_EQ(min->expect, Expect::kValue);
  EXPECT_EQ(*min->expected->get_int64("int64_value"), 17);
  const ConformanceTest* error = find_test(*plumbing, "error_result");
  ASSERT_NE(error, nullptr);
  EXPECT_EQ(error->expect, Expect::kEvalError);
  EXPECT_EQ(*(*error->expected->get_message("errors"))->get_string("message"), "foo");
  const ConformanceTest* skip = find_test(*plumbing, "skip_check");
  ASSERT_NE(skip, nullptr);
  EXPECT_TRUE(skip->disable_check);
  EXPECT_EQ(skip->expr, "[17, 'pancakes']");
  const ConformanceTest* arg = find_test(*plumbing, "one_ignored_value_arg");
  ASSERT_NE(arg, nullptr);
  ASSERT_EQ(arg->bindings.size(), 1u);
  EXPECT_EQ(arg->bindings[0].first, "x");
  for (const ConformanceSection& section : plumbing->sections) {
    for (const ConformanceTest& test : section.tests) EXPECT_FALSE(needs_message_types(test));
  }

  Result<ConformanceFile> basic = load_conformance_file((dir / "basic.textproto").string());
  ASSERT_TRUE(basic.ok()) << basic.error().message;
  const ConformanceTest* bytes = find_test(*basic, "self_eval_bytes_invalid_utf8");
  ASSERT_NE(bytes, nullptr);
  EXPECT_EQ(bytes->expr, "b'\\000\\xff'");
  EXPECT_EQ(*bytes->expected->get_string("bytes_value"), std::string("\x00\xff", 2));
  const ConformanceTest* unicode = find_test(*basic, "self_eval_unicode_escape_eight");
  ASSERT_NE(unicode, nullptr);
  EXPECT_EQ(unicode->expr, "\"\\U0001f431\"");
  EXPECT_EQ(*unicode->expected->get_string("string_value"), "\xf0\x9f\x90\xb1");
}

TEST(ConformanceData, MessageTypeHeuristicOnRealFiles) {
  const fs::path dir = find_conformance_dir();
  if (dir.empty()) GTEST_SKIP() << "shared/conformance/cel-spec not found above " << __FILE__;
  Result<ConformanceFile> timestamps =
      load_conformance_file((dir / "timestamps.textproto").string());
  ASSERT_TRUE(timestamps.ok()) << timestamps.error().message;
  const ConformanceTest* to_type = find_test(*timestamps, "toType_timestamp");
  ASSERT_NE(to_type, nullptr);
  EXPECT_FALSE(needs_message_types(*to_type));
  const ConformanceTest* millis = find_test(*timestamps, "get_milliseconds");
  ASSERT_NE(millis, nullptr);
  EXPECT_FALSE(needs_message_types(*millis));  // binds a duration, spelled as its message

  Result<ConformanceFile> dynamic = load_conformance_file((dir / "dynamic.textproto").string());
  ASSERT_TRUE(dynamic.ok()) << dynamic.error().message;
  std::size_t needing = 0;
  for (const ConformanceSection& section : dynamic->sections) {
    needing += static_cast<std::size_t>(
        std::count_if(section.tests.begin(), section.tests.end(),
                      [](const ConformanceTest& t) { return needs_message_types(t); }));
  }
  EXPECT_GT(needing, dynamic->test_count() / 2);  // the wrapper and Any file is mostly messages
}

}  // namespace
}  // namespace sluice::cel
