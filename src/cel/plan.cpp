// The compile-time pass over a parsed expression: resolve functions, fold constants, prepare keys.
#include "cel/plan.h"

#include <algorithm>

namespace sluice::cel::detail {
namespace {

Value constant_value(const Constant& c) {
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

/// `a.b.c` as one name, if the expression is a chain of plain selections on an identifier.
bool dotted_name(const Expr& e, std::string& out) {
  if (e.kind == ExprKind::kIdent) {
    out = e.name;
    return true;
  }
  if (e.kind != ExprKind::kSelect || e.test_only || !e.target || !dotted_name(*e.target, out)) {
    return false;
  }
  out += '.';
  out += e.name;
  return true;
}

std::uint32_t max_id(const Expr& e) {
  std::uint32_t id = e.id;
  for_each_child(e, [&id](const Expr& child) { id = std::max(id, max_id(child)); });
  return id;
}

class Planner {
 public:
  explicit Planner(Plan& plan) : plan_(plan) {}

  void visit(const Expr& e) {
    NodeInfo& info = plan_[e.id];
    for_each_child(e, [this](const Expr& child) { visit(child); });
    switch (e.kind) {
      case ExprKind::kConstant:
        info.value = constant_value(e.constant);
        info.folded = true;
        break;
      case ExprKind::kSelect:
        info.value = Value::string(e.name);
        if (!e.test_only) dotted_name(e, info.qualified);
        // The two message types CEL has as values name their type (`type(t) == ...`).
        if (info.qualified == "google.protobuf.Timestamp" ||
            info.qualified == "google.protobuf.Duration") {
          info.value = Value::type(info.qualified);
          info.folded = true;
        }
        break;
      case ExprKind::kCall:
        plan_call(e, info);
        break;
      case ExprKind::kList:
        fold_list(e, info);
        break;
      default:
        break;
    }
  }

 private:
  bool folded(const ExprPtr& e) const { return e && plan_[e->id].folded; }

  static Operator operator_of(const Expr& e) {
    if (e.target || e.args.size() != 2) return Operator::kNone;
    if (e.name == "_[_]") return Operator::kIndex;
    for (std::string_view relation : {"_==_", "_!=_", "_<_", "_<=_", "_>_", "_>=_"}) {
      if (e.name == relation) return Operator::kRelation;
    }
    return Operator::kNone;
  }

  void plan_call(const Expr& e, NodeInfo& info) {
    info.op = operator_of(e);
    if (e.target) {
      std::string qualified;
      if (dotted_name(*e.target, qualified)) {
        qualified += '.';
        qualified += e.name;
        info.fns = builtins().find(qualified, CallStyle::kGlobal);
        info.namespaced = info.fns != nullptr;
      }
      if (!info.namespaced) info.fns = builtins().find(e.name, CallStyle::kMember);
    } else {
      info.fns = builtins().find(e.name, CallStyle::kGlobal);
    }
    if (info.fns == nullptr) return;
    // Built-ins are pure, so a call on folded values can run once, now. Errors are left to
    // evaluation time, where they carry their position and may be absorbed by && and ||.
    std::vector<Value> args;
    if (e.target && !info.namespaced) {
      if (!folded(e.target)) return;
      args.push_back(plan_[e.target->id].value);
    }
    for (const ExprPtr& arg : e.args) {
      if (!folded(arg)) return;
      args.push_back(plan_[arg->id].value);
    }
    Value result = call_overloads(*info.fns, args);
    if (result.is_error()) return;
    info.value = std::move(result);
    info.folded = true;
  }

  void fold_list(const Expr& e, NodeInfo& info) {
    if (!e.optional_indices.empty()) return;
    ValueList elements;
    elements.reserve(e.args.size());
    for (const ExprPtr& arg : e.args) {
      if (!folded(arg)) return;
      elements.push_back(plan_[arg->id].value);
    }
    info.value = Value::list(std::move(elements));
    info.folded = true;
  }

  Plan& plan_;
};

}  // namespace

Plan make_plan(const Expr& root) {
  Plan plan(static_cast<std::size_t>(max_id(root)) + 1);
  Planner(plan).visit(root);
  return plan;
}

}  // namespace sluice::cel::detail
