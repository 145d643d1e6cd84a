// The one place that assembles the built-in libraries.
#include "cel/functions.h"

namespace sluice::cel::detail {

void FunctionRegistry::add(std::string_view name, CallStyle style, Builtin fn) {
  (style == CallStyle::kGlobal ? global_ : member_)[std::string(name)] = fn;
}

Builtin FunctionRegistry::find(std::string_view name, CallStyle style) const {
  const auto& table = style == CallStyle::kGlobal ? global_ : member_;
  const auto it = table.find(name);
  return it == table.end() ? nullptr : it->second;
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
  std::string message = "no such overload: ";
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
