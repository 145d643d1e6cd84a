// Tree-walking evaluation of a parsed expression. Errors are values; `&&`, `||` and `?:` absorb
// them as cel-spec requires (an error on one side of `&&` loses to false on the other); every
// node and comprehension step is charged against the cost budget.
#include "cel/functions.h"
#include "cel/plan.h"
#include "cel/program.h"

#include <deque>
#include <new>
#include <utility>
#include <vector>

namespace sluice::cel {

void MapActivation::set(std::string name, Value value) {
  qualified_names_ = qualified_names_ || name.find('.') != std::string::npos;
  vars_[std::move(name)] = std::move(value);
}

const Value* MapActivation::find(std::string_view name) const {
  const auto it = vars_.find(name);
  return it == vars_.end() ? nullptr : &it->second;
}

namespace {

/// A call's evaluated arguments: on the stack for the usual few (constructed one by one, since
/// zeroing a whole array of Values per call showed up in profiles), on the heap beyond.
class ArgumentBuffer {
 public:
  explicit ArgumentBuffer(std::size_t count) {
    if (count > kInline) heap_.reserve(count);
  }
  ~ArgumentBuffer() {
    for (std::size_t i = 0; i < inline_count_; ++i) inline_data()[i].~Value();
  }
  ArgumentBuffer(const ArgumentBuffer&) = delete;
  ArgumentBuffer& operator=(const ArgumentBuffer&) = delete;

  const Value& push(Value v) {
    if (heap_.capacity() > 0) return heap_.emplace_back(std::move(v));
    return *new (inline_data() + inline_count_++) Value(std::move(v));
  }
  std::span<const Value> values() const {
    if (heap_.capacity() > 0) return heap_;
    return {inline_data(), inline_count_};
  }

 private:
  static constexpr std::size_t kInline = 4;
  Value* inline_data() { return std::launder(reinterpret_cast<Value*>(storage_)); }
  const Value* inline_data() const {
    return std::launder(reinterpret_cast<const Value*>(storage_));
  }
  alignas(Value) unsigned char storage_[kInline * sizeof(Value)];
  std::size_t inline_count_ = 0;
  std::vector<Value> heap_;
};

class Evaluator {
 public:
  Evaluator(const detail::Plan& plan, const Activation& vars, const EvalOptions& options,
            std::string_view container)
      : plan_(plan), vars_(vars), options_(options), container_(container) {}

  Value eval(const Expr& e) {
    if (!charge(1)) return budget_error();
    const detail::NodeInfo& info = plan_[e.id];
    if (info.folded) return info.value;
    switch (e.kind) {
      case ExprKind::kConstant:
        return info.value;
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
  /// Elements of a list or map, 64-byte units of a string or bytes.
  static std::uint64_t size_cost(const Value& v) {
    switch (v.kind()) {
      case ValueKind::kList:
        return v.as_list().size();
      case ValueKind::kMap:
        return v.as_map().size();
      case ValueKind::kString:
      case ValueKind::kBytes:
        return v.as_string().size() / 64;
      default:
        return 0;
    }
  }
  Value budget_error() const {
    return Value::error("operation cancelled: actual cost limit exceeded (" +
                        std::to_string(options_.cost_limit) + ")");
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

  /// Like eval(), but returns a pointer to an existing value when the node only names one (a
  /// folded constant, a variable, or a field or element reached from those), so that reading
  /// `device.attributes["x"].name` copies nothing. Anything else is evaluated into `scratch`.
  const Value* ref(const Expr& e, Value& scratch) {
    const detail::NodeInfo& info = plan_[e.id];
    if (info.folded || e.kind == ExprKind::kIdent ||
        (e.kind == ExprKind::kSelect && !e.test_only) || info.op == detail::Operator::kIndex) {
      if (!charge(1)) {
        scratch = budget_error();
        return &scratch;
      }
      if (info.folded) return &info.value;
      if (e.kind == ExprKind::kIdent) {
        if (const Value* v = lookup(e.name)) return v;
        scratch = ident(e);
        return &scratch;
      }
      if (e.kind == ExprKind::kSelect) return select_ref(e, info, scratch);
      return index_ref(e, info, scratch);
    }
    scratch = eval(e);
    return &scratch;
  }

  /// `container` (from ref()) is about to be left: keep what `found` points into alive.
  static const Value* keep(const Value* found, const Value* container, const Value& holder,
                           Value& scratch) {
    if (container != &holder) return found;
    scratch = *found;  // the container is a temporary: copy the part we return
    return &scratch;
  }

  const Value* select_ref(const Expr& e, const detail::NodeInfo& info, Value& scratch) {
    if (!info.qualified.empty() && vars_.has_qualified_names()) {
      scratch = select(e);  // may name a dotted variable: the general path
      return &scratch;
    }
    Value holder;
    const Value* operand = ref(*e.target, holder);
    if (operand->kind() == ValueKind::kMap) {
      if (const Value* found = operand->map_find(info.value)) {
        return keep(found, operand, holder, scratch);
      }
    }
    scratch = select_on(e, info, *operand);
    return &scratch;
  }

  const Value* index_ref(const Expr& e, const detail::NodeInfo& info, Value& scratch) {
    Value container_holder;
    const Value* container = ref(*e.args[0], container_holder);
    if (container->is_error()) return keep(container, container, container_holder, scratch);
    Value key_holder;
    const Value* key = ref(*e.args[1], key_holder);
    if (key->is_error()) return keep(key, key, key_holder, scratch);
    if (container->kind() == ValueKind::kMap) {
      if (const Value* found = container->map_find(*key)) {
        return keep(found, container, container_holder, scratch);
      }
    }
    const Value args[] = {*container, *key};
    scratch = located(detail::call_overloads(*info.fns, std::span<const Value>(args, 2)), e);
    return &scratch;
  }

  /// `==`, `<`, ... on borrowed operands.
  Value relation(const Expr& e) {
    Value left_holder;
    const Value* left = ref(*e.args[0], left_holder);
    if (left->is_error()) return *left;
    Value right_holder;
    const Value* right = ref(*e.args[1], right_holder);
    if (right->is_error()) return *right;
    Value result = detail::relation(e.name, *left, *right);
    if (result.is_error()) return located(std::move(result), e);
    return result;
  }

  Value select(const Expr& e) {
    const detail::NodeInfo& info = plan_[e.id];
    // Unless its root is a loop variable (which shadows any namespace), `a.b.c` may name a
    // variable with dots in it.
    if (!info.qualified.empty() && vars_.has_qualified_names() &&
        !is_local(std::string_view(info.qualified).substr(0, info.qualified.find('.')))) {
      if (const Value* v = lookup(info.qualified)) return *v;
    }
    Value holder;
    return select_on(e, info, *ref(*e.target, holder));
  }

  Value select_on(const Expr& e, const detail::NodeInfo& info, const Value& operand) {
    if (operand.is_error()) return operand;
    if (operand.kind() == ValueKind::kOptional) {
      return detail::select_through_optional(operand, e.name, e.test_only);
    }
    if (operand.kind() == ValueKind::kMap) {
      const Value* found = operand.map_find(info.value);
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
    const detail::NodeInfo& info = plan_[e.id];
    if (info.op == detail::Operator::kIndex) {
      Value scratch;
      return *index_ref(e, info, scratch);
    }
    if (info.op == detail::Operator::kRelation) return relation(e);
    ArgumentBuffer args(e.args.size() + (e.target && !info.namespaced ? 1 : 0));
    if (e.target && !info.namespaced) {
      const Value& v = args.push(eval(*e.target));
      if (v.is_error()) return v;
    }
    for (const ExprPtr& arg : e.args) {
      const Value& v = args.push(eval(*arg));
      if (v.is_error()) return v;
    }
    const std::span<const Value> span = args.values();
    // A built-in may walk its arguments (`l + l`, `s.split(',')`, `sets.contains(a, b)`): charge
    // their size too, so that big values in a loop hit the budget before memory runs out.
    std::uint64_t work = 0;
    for (const Value& arg : span) work += size_cost(arg);
    if (!charge(work)) return budget_error();
    Value result = info.fns == nullptr ? detail::no_overload(name, span)
                                       : detail::call_overloads(*info.fns, span);
    if (result.is_error()) return located(std::move(result), e);
    return result;
  }

  Value comprehension(const Expr& e) {
    Value range = eval(*e.iter_range);
    if (range.is_error()) return range;
    if (range.kind() != ValueKind::kList && range.kind() != ValueKind::kMap) {
      return Value::error("expression of type '" + std::string(range.cel_type()) +
                          "' cannot be the range of a comprehension");
    }
    // An error as the initial value is kept, not returned: cel.bind() binds it, and only a body
    // that reads it fails.
    Value accu = eval(*e.accu_init);
    const std::size_t scope = locals_.size();
    locals_.emplace_back(e.accu_var, std::move(accu));
    // `range` holds its list or map alive for the whole loop, so elements are read in place.
    const bool is_list = range.kind() == ValueKind::kList;
    const std::size_t count = is_list ? range.as_list().size() : range.as_map().size();
    for (std::size_t i = 0; i < count; ++i) {
      if (!charge(1)) {
        locals_.resize(scope);
        return budget_error();
      }
      const std::size_t loop_scope = locals_.size();
      if (is_list) {
        const Value& element = range.as_list()[i];
        if (e.iter_var2.empty()) {
          locals_.emplace_back(e.iter_var, element);
        } else {
          locals_.emplace_back(e.iter_var, Value::integer(static_cast<std::int64_t>(i)));
          locals_.emplace_back(e.iter_var2, element);
        }
      } else {
        const auto& [key, value] = range.as_map()[i];
        locals_.emplace_back(e.iter_var, key);  // one variable: the key of a map
        if (!e.iter_var2.empty()) locals_.emplace_back(e.iter_var2, value);
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

  const detail::Plan& plan_;
  const Activation& vars_;
  EvalOptions options_;
  std::string_view container_;
  std::uint64_t cost_ = 0;
  /// Loop and accumulator variables, innermost last; names point into the expression tree. A
  /// deque, because ref() hands out pointers to these values while further evaluation (an inner
  /// comprehension) adds variables: growing a deque at its end never moves the others.
  std::deque<std::pair<std::string_view, Value>> locals_;
};

}  // namespace

Result<Program> Program::compile(std::string_view source, const ParseOptions& options,
                                 std::string container) {
  auto root = parse(source, options);
  if (!root) return std::move(root).error();
  auto plan = std::make_shared<const detail::Plan>(detail::make_plan(**root));
  return Program(std::move(*root), std::move(plan), std::move(container));
}

Value Program::evaluate(const Activation& vars, const EvalOptions& options) const {
  return Evaluator(*plan_, vars, options, container_).eval(*root_);
}

}  // namespace sluice::cel
