// Tree-walking evaluation of a parsed expression. Errors are values; `&&`, `||` and `?:` absorb
// them as cel-spec requires (an error on one side of `&&` loses to false on the other); every
// node and comprehension step is charged against the cost budget.
#include "cel/functions.h"
#include "cel/program.h"

#include <utility>
#include <vector>

namespace sluice::cel {

const Value* MapActivation::find(std::string_view name) const {
  const auto it = vars_.find(name);
  return it == vars_.end() ? nullptr : &it->second;
}

namespace {

class Evaluator {
 public:
  Evaluator(const Activation& vars, const EvalOptions& options, std::string_view container)
      : vars_(vars), options_(options), container_(container) {}

  Value eval(const Expr& e) {
    if (!charge(1)) return budget_error();
    switch (e.kind) {
      case ExprKind::kConstant:
        return constant(e.constant);
      case ExprKind::kIdent:
        return ident(e);
      case ExprKind::kSelect:
        return select(e);
      case ExprKind::kCall:
        return call(e);
      case ExprKind::kList:
        return list(e);
      case ExprKind::kMap:
        return map(e);
      case ExprKind::kStruct:
        return Value::error("message construction of '" + e.name + "' is not supported");
      case ExprKind::kComprehension:
        return comprehension(e);
    }
    return Value::error("unknown expression kind");
  }

 private:
  bool charge(std::uint64_t units) {
    cost_ += units;
    return cost_ <= options_.cost_limit;
  }
  Value budget_error() const {
    return Value::error("operation cancelled: actual cost limit exceeded (" +
                        std::to_string(options_.cost_limit) + ")");
  }

  static Value constant(const Constant& c) {
    switch (c.kind) {
      case Constant::Kind::kNull:
        return Value::null();
      case Constant::Kind::kBool:
        return Value::boolean(c.bool_value);
      case Constant::Kind::kInt:
        return Value::integer(c.int_value);
      case Constant::Kind::kUint:
        return Value::unsigned_integer(c.uint_value);
      case Constant::Kind::kDouble:
        return Value::floating(c.double_value);
      case Constant::Kind::kString:
        return Value::string(c.text);
      case Constant::Kind::kBytes:
        return Value::bytes(c.text);
    }
    return Value::null();
  }

  bool is_local(std::string_view name) const {
    for (const auto& [local, unused] : locals_) {
      if (local == name) return true;
    }
    return false;
  }

  const Value* lookup(std::string_view name) const {
    for (auto it = locals_.rbegin(); it != locals_.rend(); ++it) {
      if (it->first == name) return &it->second;
    }
    if (!name.empty() && name[0] == '.') return vars_.find(name.substr(1));  // root only
    // The most qualified candidate first: container.name, then each enclosing namespace.
    std::string_view scope = container_;
    while (!scope.empty()) {
      std::string candidate(scope);
      candidate += '.';
      candidate += name;
      if (const Value* v = vars_.find(candidate)) return v;
      const std::size_t dot = scope.rfind('.');
      scope = dot == std::string_view::npos ? std::string_view() : scope.substr(0, dot);
    }
    return vars_.find(name);
  }

  static Value type_constant(std::string_view name) {
    static constexpr std::string_view kTypes[] = {"int",       "uint",  "double",       "bool",
                                                  "string",    "bytes", "list",         "map",
                                                  "null_type", "type",  "optional_type"};
    for (std::string_view t : kTypes) {
      if (t == name) return Value::type(std::string(t));
    }
    return Value::null();
  }

  Value ident(const Expr& e) {
    if (const Value* v = lookup(e.name)) return *v;
    Value type = type_constant(e.name);
    if (type.kind() == ValueKind::kType) return type;
    return located(Value::error("undeclared reference to '" + e.name + "'"), e);
  }

  static Value located(Value error, const Expr& at) {
    return Value::located(std::move(error), at.position.line, at.position.column);
  }

  /// `a.b.c` whose root is not a variable may name a variable with dots in it.
  static bool dotted_name(const Expr& e, std::string& out) {
    if (e.kind == ExprKind::kIdent) {
      out = e.name;
      return true;
    }
    if (e.kind != ExprKind::kSelect || e.test_only || !dotted_name(*e.target, out)) return false;
    out += '.';
    out += e.name;
    return true;
  }

  Value select(const Expr& e) {
    if (!e.test_only) {
      // Unless its root is a loop variable (which shadows any namespace), `a.b.c` may name a
      // variable with dots in it.
      std::string qualified;
      if (dotted_name(e, qualified) && !is_local(qualified.substr(0, qualified.find('.')))) {
        if (const Value* v = lookup(qualified)) return *v;
      }
    }
    Value operand = eval(*e.target);
    if (operand.is_error()) return operand;
    if (operand.kind() == ValueKind::kOptional) {
      return detail::select_through_optional(operand, e.name, e.test_only);
    }
    if (operand.kind() == ValueKind::kMap) {
      const Value* found = operand.map_find(Value::string(e.name));
      if (e.test_only) return Value::boolean(found != nullptr);
      if (found == nullptr) return located(Value::error("no such key: " + e.name), e);
      return *found;
    }
    return located(Value::error("type '" + std::string(operand.cel_type()) +
                                "' does not support field selection"),
                   e);
  }

  Value list(const Expr& e) {
    ValueList elements;
    elements.reserve(e.args.size());
    for (std::size_t i = 0; i < e.args.size(); ++i) {
      Value v = eval(*e.args[i]);
      if (v.is_error()) return v;
      bool optional = false;
      for (std::uint32_t index : e.optional_indices) optional = optional || index == i;
      if (optional) {
        if (v.kind() != ValueKind::kOptional)
          return Value::error("no such overload: optional list element");
        if (v.optional_value() == nullptr) continue;
        elements.push_back(*v.optional_value());
        continue;
      }
      elements.push_back(std::move(v));
    }
    return Value::list(std::move(elements));
  }

  Value map(const Expr& e) {
    ValueMap entries;
    entries.reserve(e.entries.size());
    for (const Entry& entry : e.entries) {
      Value key = eval(*entry.key);
      if (key.is_error()) return key;
      const ValueKind k = key.kind();
      if (k != ValueKind::kBool && k != ValueKind::kInt && k != ValueKind::kUint &&
          k != ValueKind::kString) {
        return Value::error("unsupported key type: " + std::string(key.cel_type()));
      }
      Value value = eval(*entry.value);
      if (value.is_error()) return value;
      if (entry.optional) {
        if (value.kind() != ValueKind::kOptional)
          return Value::error("no such overload: optional map entry");
        if (value.optional_value() == nullptr) continue;
        Value inner = *value.optional_value();  // copied first: it lives inside `value`
        value = std::move(inner);
      }
      for (const auto& [existing, unused] : entries) {
        if (equals(existing, key)) return Value::error("Failed with repeated key");
      }
      entries.emplace_back(std::move(key), std::move(value));
    }
    return Value::map(std::move(entries));
  }

  Value logical(const Expr& e, bool is_and) {
    // Both sides may be evaluated; a decisive value (false for &&, true for ||) on either side
    // wins over an error or a non-bool on the other.
    const bool decisive = !is_and;
    Value left = eval(*e.args[0]);
    if (left.kind() == ValueKind::kBool && left.as_bool() == decisive) return left;
    Value right = eval(*e.args[1]);
    if (right.kind() == ValueKind::kBool && right.as_bool() == decisive) return right;
    if (left.is_error()) return left;
    if (right.is_error()) return right;
    if (left.kind() != ValueKind::kBool || right.kind() != ValueKind::kBool) {
      return Value::error(std::string("no matching overload for '") + (is_and ? "_&&_" : "_||_") +
                          "'");
    }
    return Value::boolean(!decisive);
  }

  Value call(const Expr& e) {
    const std::string& name = e.name;
    if (!e.target) {
      if (name == "_&&_" && e.args.size() == 2) return logical(e, true);
      if (name == "_||_" && e.args.size() == 2) return logical(e, false);
      if (name == "_?_:_" && e.args.size() == 3) {
        Value condition = eval(*e.args[0]);
        if (condition.is_error()) return condition;
        if (condition.kind() != ValueKind::kBool) {
          return Value::error("no matching overload for '_?_:_'");
        }
        return eval(*e.args[condition.as_bool() ? 1 : 2]);
      }
      if (name == "@not_strictly_false" && e.args.size() == 1) {
        Value v = eval(*e.args[0]);
        return Value::boolean(!(v.kind() == ValueKind::kBool && !v.as_bool()));
      }
    }
    detail::Builtin fn = nullptr;
    bool pass_target = e.target != nullptr;
    if (e.target) {
      fn = namespaced_function(e);
      if (fn != nullptr) {
        pass_target = false;
      } else {
        fn = detail::builtins().find(name, detail::CallStyle::kMember);
      }
    } else {
      fn = detail::builtins().find(name, detail::CallStyle::kGlobal);
    }
    std::vector<Value> args;
    args.reserve(e.args.size() + 1);
    if (pass_target) {
      args.push_back(eval(*e.target));
      if (args.back().is_error()) return args.back();
    }
    for (const ExprPtr& arg : e.args) {
      args.push_back(eval(*arg));
      if (args.back().is_error()) return args.back();
    }
    Value result = fn == nullptr ? detail::no_overload(name, args) : fn(args);
    if (result.is_error()) return located(std::move(result), e);
    return result;
  }

  /// `sets.contains(a, b)`, `optional.of(x)`: a member call whose target is a dotted name that is
  /// not a variable is a call of the namespaced global function, if there is one.
  detail::Builtin namespaced_function(const Expr& e) const {
    std::string qualified;
    if (!dotted_name(*e.target, qualified) || is_local(qualified.substr(0, qualified.find('.'))) ||
        lookup(qualified) != nullptr) {
      return nullptr;
    }
    qualified += '.';
    qualified += e.name;
    return detail::builtins().find(qualified, detail::CallStyle::kGlobal);
  }

  Value comprehension(const Expr& e) {
    Value range = eval(*e.iter_range);
    if (range.is_error()) return range;
    // An error as the initial value is kept, not returned: cel.bind() binds it, and only a body
    // that reads it fails.
    Value accu = eval(*e.accu_init);
    const bool two_vars = !e.iter_var2.empty();
    std::vector<std::pair<Value, Value>> items;  // (index or key, element or value)
    if (range.kind() == ValueKind::kList) {
      const ValueList& list = range.as_list();
      for (std::size_t i = 0; i < list.size(); ++i) {
        items.emplace_back(Value::integer(static_cast<std::int64_t>(i)), list[i]);
      }
    } else if (range.kind() == ValueKind::kMap) {
      for (const auto& [key, value] : range.as_map()) items.emplace_back(key, value);
    } else {
      return Value::error("expression of type '" + std::string(range.cel_type()) +
                          "' cannot be the range of a comprehension");
    }
    const std::size_t scope = locals_.size();
    locals_.emplace_back(e.accu_var, std::move(accu));
    for (auto& [first, second] : items) {
      if (!charge(1)) {
        locals_.resize(scope);
        return budget_error();
      }
      const std::size_t loop_scope = locals_.size();
      if (two_vars) {
        locals_.emplace_back(e.iter_var, first);
        locals_.emplace_back(e.iter_var2, second);
      } else {
        // One variable: the element of a list, the key of a map.
        locals_.emplace_back(e.iter_var, range.kind() == ValueKind::kList ? second : first);
      }
      Value condition = eval(*e.loop_condition);
      if (condition.kind() == ValueKind::kBool && !condition.as_bool()) {
        locals_.resize(loop_scope);
        break;
      }
      Value step = eval(*e.loop_step);
      locals_.resize(loop_scope);
      locals_[scope].second = std::move(step);
    }
    Value result = eval(*e.result);
    locals_.resize(scope);
    return result;
  }

  const Activation& vars_;
  EvalOptions options_;
  std::string_view container_;
  std::uint64_t cost_ = 0;
  std::vector<std::pair<std::string, Value>> locals_;
};

}  // namespace

Result<Program> Program::compile(std::string_view source, const ParseOptions& options,
                                 std::string container) {
  auto root = parse(source, options);
  if (!root) return std::move(root).error();
  return Program(std::move(*root), std::move(container));
}

Value Program::evaluate(const Activation& vars, const EvalOptions& options) const {
  return Evaluator(vars, options, container_).eval(*root_);
}

}  // namespace sluice::cel
