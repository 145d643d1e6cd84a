// The cel-spec conformance runner (CTest label `conformance`): runs every test of the target files
// in ../shared/conformance/cel-spec in place, prints pass/fail/skip per file and section, and
// fails if a file's pass count drops below the number recorded in conformance_baseline.txt (next
// to this file). Tests that need protobuf message types are skipped and counted.
//
// The data directory: $SLUICE_CEL_SPEC_DIR, else the path CMake configured (the repository's
// ../shared/conformance/cel-spec). Without it the test is skipped with a message saying where it
// looked.
#include "cel/conformance_file.h"
#include "cel/program.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>

namespace sluice::cel {
namespace {

namespace fs = std::filesystem;

// The files issue #5 targets, in the order they are reported.
constexpr const char* kTargetFiles[] = {
    "basic",    "comparisons", "conversions", "fields",    "integer_math", "fp_math",
    "lists",    "logic",       "macros",      "macros2",   "namespace",    "parse",
    "plumbing", "string",      "string_ext",  "optionals", "timestamps"};

std::string data_dir() {
  if (const char* env = std::getenv("SLUICE_CEL_SPEC_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
#ifdef SLUICE_CEL_SPEC_DIR
  return SLUICE_CEL_SPEC_DIR;
#else
  return "";
#endif
}

/// A cel.expr.Value message -> Value. Empty for what the engine cannot represent (messages).
std::optional<Value> to_value(const textproto::Message& m);

std::optional<Value> to_value(const textproto::Message& m) {
  if (m.fields().empty()) return std::nullopt;
  const textproto::Field& f = m.fields().front();
  const std::string& kind = f.name;
  if (kind == "null_value") return Value::null();
  if (kind == "bool_value") {
    auto b = f.as_bool();
    return b ? std::optional<Value>(Value::boolean(*b)) : std::nullopt;
  }
  if (kind == "int64_value") {
    auto i = f.as_int64();
    return i ? std::optional<Value>(Value::integer(*i)) : std::nullopt;
  }
  if (kind == "uint64_value") {
    auto u = f.as_uint64();
    return u ? std::optional<Value>(Value::unsigned_integer(*u)) : std::nullopt;
  }
  if (kind == "double_value") {
    auto d = f.as_double();
    return d ? std::optional<Value>(Value::floating(*d)) : std::nullopt;
  }
  if (kind == "string_value") return Value::string(f.bytes);
  if (kind == "bytes_value") return Value::bytes(f.bytes);
  if (kind == "type_value") return Value::type(f.bytes);
  if (kind == "list_value") {
    ValueList elements;
    if (f.is_message()) {
      for (const textproto::Field* e : f.message().find_all("values")) {
        if (!e->is_message()) return std::nullopt;
        auto v = to_value(e->message());
        if (!v) return std::nullopt;
        elements.push_back(std::move(*v));
      }
    }
    return Value::list(std::move(elements));
  }
  if (kind == "map_value") {
    ValueMap entries;
    if (f.is_message()) {
      for (const textproto::Field* e : f.message().find_all("entries")) {
        if (!e->is_message()) return std::nullopt;
        auto key = e->message().get_message("key");
        auto value = e->message().get_message("value");
        if (!key || !value) return std::nullopt;
        auto k = to_value(**key);
        auto v = to_value(**value);
        if (!k || !v) return std::nullopt;
        entries.emplace_back(std::move(*k), std::move(*v));
      }
    }
    return Value::map(std::move(entries));
  }
  if (kind == "object_value" && f.is_message() && !f.message().empty()) {
    // google.protobuf.Timestamp and Duration are CEL values; other messages are not supported.
    const textproto::Field& any = f.message().fields().front();
    const bool timestamp = any.name == "[type.googleapis.com/google.protobuf.Timestamp]";
    const bool duration = any.name == "[type.googleapis.com/google.protobuf.Duration]";
    if (!any.is_message() || (!timestamp && !duration)) return std::nullopt;
    auto seconds = any.message().get_int64("seconds", 0);
    auto nanos = any.message().get_int64("nanos", 0);
    if (!seconds.ok() || !nanos.ok() || *nanos <= -1'000'000'000 || *nanos >= 1'000'000'000) {
      return std::nullopt;
    }
    const auto n = static_cast<std::int32_t>(*nanos);
    return timestamp ? Value::timestamp(Timestamp{*seconds, n})
                     : Value::duration(Duration{*seconds, n});
  }
  return std::nullopt;  // other object_values, enum_value, ...
}

/// Conformance equality: the same kind at every level (1 is not 1.0 here), NaN equals NaN.
bool same(const Value& a, const Value& b) {
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case ValueKind::kDouble:
      if (std::isnan(a.as_double()) && std::isnan(b.as_double())) return true;
      return a.as_double() == b.as_double();
    case ValueKind::kList: {
      const ValueList& x = a.as_list();
      const ValueList& y = b.as_list();
      if (x.size() != y.size()) return false;
      for (std::size_t i = 0; i < x.size(); ++i) {
        if (!same(x[i], y[i])) return false;
      }
      return true;
    }
    case ValueKind::kMap: {
      if (a.as_map().size() != b.as_map().size()) return false;
      for (const auto& [k, v] : a.as_map()) {
        const Value* other = b.map_find(k);
        if (other == nullptr || !same(v, *other)) return false;
      }
      return true;
    }
    default:
      return equals(a, b);
  }
}

enum class Outcome { kPass, kFail, kSkip };

struct Counts {
  int pass = 0;
  int fail = 0;
  int skip = 0;
};

Outcome run(const ConformanceTest& t, std::string& why) {
  if (needs_message_types(t)) {
    why = "needs protobuf messages";
    return Outcome::kSkip;
  }
  if (t.check_only || t.expect == ConformanceTest::Expect::kUnknown ||
      t.expect == ConformanceTest::Expect::kAnyUnknowns) {
    why = "type-check or unknowns test";
    return Outcome::kSkip;
  }
  MapActivation vars;
  for (const auto& [name, expr_value] : t.bindings) {
    auto inner = expr_value->get_message("value");
    std::optional<Value> v = inner ? to_value(**inner) : std::nullopt;
    if (!v) {
      why = "binding " + name + " cannot be represented";
      return Outcome::kSkip;
    }
    vars.set(name, std::move(*v));
  }
  ParseOptions options;
  options.enable_macros = !t.disable_macros;
  auto program = Program::compile(t.expr, options, t.container);
  const bool expects_error = t.expect == ConformanceTest::Expect::kEvalError ||
                             t.expect == ConformanceTest::Expect::kAnyEvalErrors;
  if (!program) {
    why = "parse: " + program.error().message;
    return expects_error ? Outcome::kPass : Outcome::kFail;
  }
  const Value result = program->evaluate(vars);
  if (expects_error) {
    if (result.is_error()) return Outcome::kPass;
    why = "expected an error, got " + to_literal(result);
    return Outcome::kFail;
  }
  std::optional<Value> expected;
  if (t.expect == ConformanceTest::Expect::kTrue) {
    expected = Value::boolean(true);
  } else {
    const textproto::Message* m = t.expected;
    if (t.expect == ConformanceTest::Expect::kTypedResult && m != nullptr) {
      auto r = m->get_message("result");
      m = r ? *r : nullptr;
    }
    if (m != nullptr) expected = to_value(*m);
    if (!expected) {
      why = "expected value cannot be represented";
      return Outcome::kSkip;
    }
  }
  if (same(result, *expected)) return Outcome::kPass;
  why = "got " + (result.is_error() ? "error: " + result.error_message() : to_literal(result)) +
        ", want " + to_literal(*expected);
  return Outcome::kFail;
}

std::map<std::string, int> read_baseline() {
  std::map<std::string, int> baseline;
  std::ifstream in(fs::path(__FILE__).parent_path() / "conformance_baseline.txt");
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string file;
    int passed = 0;
    if (fields >> file >> passed) baseline[file] = passed;
  }
  return baseline;
}

TEST(CelConformance, TargetFilesMeetTheRecordedPassCounts) {
  const std::string dir = data_dir();
  if (dir.empty() || !fs::is_directory(dir)) {
    GTEST_SKIP() << "cel-spec conformance data not found (looked in '" << dir
                 << "'; set SLUICE_CEL_SPEC_DIR)";
  }
  const bool verbose = std::getenv("SLUICE_CEL_CONFORMANCE_VERBOSE") != nullptr;
  const std::map<std::string, int> baseline = read_baseline();
  ASSERT_FALSE(baseline.empty()) << "tests/cel/conformance_baseline.txt is missing or empty";
  Counts total;
  std::printf("%-14s %6s %6s %6s\n", "file", "pass", "fail", "skip");
  // SLUICE_CEL_CONFORMANCE_FILE=string_ext runs one file (for work on one library).
  const char* only = std::getenv("SLUICE_CEL_CONFORMANCE_FILE");
  for (const char* name : kTargetFiles) {
    if (only != nullptr && *only != '\0' && std::string_view(only) != name) continue;
    const fs::path path = fs::path(dir) / (std::string(name) + ".textproto");
    auto file = load_conformance_file(path.string());
    ASSERT_TRUE(file.ok()) << path << ": " << file.error().message;
    Counts counts;
    for (const ConformanceSection& section : file->sections) {
      Counts in_section;
      for (const ConformanceTest& test : section.tests) {
        std::string why;
        const Outcome outcome = run(test, why);
        Counts& c = in_section;
        (outcome == Outcome::kPass ? c.pass : outcome == Outcome::kFail ? c.fail : c.skip)++;
        if (verbose && outcome != Outcome::kPass) {
          std::printf("  %s %s/%s/%s: %s\n    %s\n", outcome == Outcome::kFail ? "FAIL" : "skip",
                      name, section.name.c_str(), test.name.c_str(), test.expr.c_str(),
                      why.c_str());
        }
      }
      if (verbose) {
        std::printf("  %-12s %-30s %4d %4d %4d\n", name, section.name.c_str(), in_section.pass,
                    in_section.fail, in_section.skip);
      }
      counts.pass += in_section.pass;
      counts.fail += in_section.fail;
      counts.skip += in_section.skip;
    }
    std::printf("%-14s %6d %6d %6d\n", name, counts.pass, counts.fail, counts.skip);
    total.pass += counts.pass;
    total.fail += counts.fail;
    total.skip += counts.skip;
    const auto recorded = baseline.find(name);
    const int floor = recorded == baseline.end() ? 0 : recorded->second;
    EXPECT_GE(counts.pass, floor) << name << ": fewer tests pass than recorded";
  }
  std::printf("%-14s %6d %6d %6d\n", "total", total.pass, total.fail, total.skip);
}

}  // namespace
}  // namespace sluice::cel
