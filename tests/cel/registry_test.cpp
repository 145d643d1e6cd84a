// The registry of built-ins: several libraries may register the same name, and a call tries
// their overloads in registration order until one accepts the arguments.
#include "cel/functions.h"

#include <gtest/gtest.h>

#include <vector>

namespace sluice::cel::detail {
namespace {

Value only_ints(std::span<const Value> a) {
  if (a.size() != 1 || a[0].kind() != ValueKind::kInt) return no_overload("f", a);
  return Value::string("ints");
}
Value only_strings(std::span<const Value> a) {
  if (a.size() != 1 || a[0].kind() != ValueKind::kString) return no_overload("f", a);
  return Value::string("strings");
}
Value always_fails(std::span<const Value>) { return Value::error("division by zero"); }

std::string call(const FunctionRegistry& r, const Value& arg) {
  const Overloads* f = r.find("f", CallStyle::kMember);
  if (f == nullptr) return "unknown";
  const Value args[] = {arg};
  const Value v = call_overloads(*f, args);
  return v.is_error() ? v.error_message() : v.as_string();
}

TEST(CelRegistry, OverloadsOfOneNameAreTriedInOrder) {
  FunctionRegistry r;
  r.add("f", CallStyle::kMember, only_ints);
  r.add("f", CallStyle::kMember, only_strings);
  EXPECT_EQ(call(r, Value::integer(1)), "ints");
  EXPECT_EQ(call(r, Value::string("a")), "strings");
  EXPECT_EQ(call(r, Value::boolean(true)), "no such overload: f(bool)");
  EXPECT_EQ(r.find("f", CallStyle::kGlobal), nullptr) << "call styles are separate";
}

TEST(CelRegistry, AnErrorOtherThanNoOverloadEndsTheSearch) {
  FunctionRegistry r;
  r.add("f", CallStyle::kMember, always_fails);
  r.add("f", CallStyle::kMember, only_ints);
  EXPECT_EQ(call(r, Value::integer(1)), "division by zero");
}

TEST(CelRegistry, SharedNamesAcrossTheBuiltInLibraries) {
  // indexOf: strings extension and lists library; compareTo: quantity and semver.
  for (const char* name : {"indexOf", "lastIndexOf", "compareTo", "isLessThan"}) {
    const Overloads* f = builtins().find(name, CallStyle::kMember);
    ASSERT_NE(f, nullptr) << name;
    EXPECT_EQ(f->size(), 2u) << name;
  }
}

}  // namespace
}  // namespace sluice::cel::detail
