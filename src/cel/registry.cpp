// The one place that assembles the built-in libraries.
#include "cel/functions.h"

namespace sluice::cel::detail {

void FunctionRegistry::add(std::string_view name, CallStyle style, Builtin fn) {
  (style == CallStyle::kGlobal ? global_ : member_)[std::string(name)].push_back(fn);
}

const Overloads* FunctionRegistry::find(std::string_view name, CallStyle style) const {
  const auto& table = style == CallStyle::kGlobal ? global_ : member_;
  const auto it = table.find(name);
  return it == table.end() ? nullptr : &it->second;
}

namespace {

constexpr std::string_view kNoOverload = "no such overload";

bool is_no_overload(const Value& v) {
  return v.is_error() && v.error_message().compare(0, kNoOverload.size(), kNoOverload) == 0;
}

}  // namespace

Value call_overloads(const Overloads& overloads, std::span<const Value> args) {
  Value result = overloads.front()(args);
  for (std::size_t i = 1; i < overloads.size() && is_no_overload(result); ++i) {
    result = overloads[i](args);
  }
  return result;
}

const FunctionRegistry& builtins() {
  static const FunctionRegistry registry = [] {
    FunctionRegistry r;
    register_standard(r);
    register_strings_ext(r);
    register_time(r);
    register_optionals(r);
    register_regex(r);
    register_quantity(r);
    register_semver(r);
    register_k8s_lists(r);
    register_k8s_sets(r);
    return r;
  }();
  return registry;
}

Value no_overload(std::string_view name, std::span<const Value> args) {
  std::string message(kNoOverload);
  message += ": ";
  message += name;
  message += '(';
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (i > 0) message += ", ";
    message += args[i].cel_type();
  }
  message += ')';
  return Value::error(std::move(message));
}

}  // namespace sluice::cel::detail
