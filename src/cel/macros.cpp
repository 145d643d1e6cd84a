#include "cel/macros.h"

#include <optional>
#include <utility>

namespace sluice::cel::detail {

ExprPtr NodeFactory::make(ExprKind kind, SourcePosition at) {
  auto e = std::make_unique<Expr>();
  e->kind = kind;
  e->id = next_id_++;
  e->position = at;
  return e;
}

ExprPtr NodeFactory::null_constant(SourcePosition at) { return make(ExprKind::kConstant, at); }

ExprPtr NodeFactory::bool_constant(SourcePosition at, bool value) {
  ExprPtr e = make(ExprKind::kConstant, at);
  e->constant.kind = Constant::Kind::kBool;
  e->constant.bool_value = value;
  return e;
}

ExprPtr NodeFactory::int_constant(SourcePosition at, std::int64_t value) {
  ExprPtr e = make(ExprKind::kConstant, at);
  e->constant.kind = Constant::Kind::kInt;
  e->constant.int_value = value;
  return e;
}

ExprPtr NodeFactory::uint_constant(SourcePosition at, std::uint64_t value) {
  ExprPtr e = make(ExprKind::kConstant, at);
  e->constant.kind = Constant::Kind::kUint;
  e->constant.uint_value = value;
  return e;
}

ExprPtr NodeFactory::double_constant(SourcePosition at, double value) {
  ExprPtr e = make(ExprKind::kConstant, at);
  e->constant.kind = Constant::Kind::kDouble;
  e->constant.double_value = value;
  return e;
}

ExprPtr NodeFactory::string_constant(SourcePosition at, std::string value) {
  ExprPtr e = make(ExprKind::kConstant, at);
  e->constant.kind = Constant::Kind::kString;
  e->constant.text = std::move(value);
  return e;
}

ExprPtr NodeFactory::bytes_constant(SourcePosition at, std::string value) {
  ExprPtr e = make(ExprKind::kConstant, at);
  e->constant.kind = Constant::Kind::kBytes;
  e->constant.text = std::move(value);
  return e;
}

ExprPtr NodeFactory::ident(SourcePosition at, std::string name) {
  ExprPtr e = make(ExprKind::kIdent, at);
  e->name = std::move(name);
  return e;
}

ExprPtr NodeFactory::select(SourcePosition at, ExprPtr operand, std::string field) {
  ExprPtr e = make(ExprKind::kSelect, at);
  e->target = std::move(operand);
  e->name = std::move(field);
  return e;
}

ExprPtr NodeFactory::call(SourcePosition at, std::string function, ExprPtr target,
                          std::vector<ExprPtr> args) {
  ExprPtr e = make(ExprKind::kCall, at);
  e->name = std::move(function);
  e->target = std::move(target);
  e->args = std::move(args);
  return e;
}

ExprPtr NodeFactory::list(SourcePosition at, std::vector<ExprPtr> elements) {
  ExprPtr e = make(ExprKind::kList, at);
  e->args = std::move(elements);
  return e;
}

namespace {

/// A deep copy with fresh ids (a macro that needs its target twice).
ExprPtr clone(NodeFactory& nodes, const Expr& from) {
  ExprPtr e = nodes.make(from.kind, from.position);
  e->constant = from.constant;
  e->name = from.name;
  e->test_only = from.test_only;
  e->optional_indices = from.optional_indices;
  e->iter_var = from.iter_var;
  e->iter_var2 = from.iter_var2;
  e->accu_var = from.accu_var;
  auto copy = [&nodes](const ExprPtr& p) { return p ? clone(nodes, *p) : nullptr; };
  e->target = copy(from.target);
  for (const ExprPtr& arg : from.args) e->args.push_back(copy(arg));
  for (const Entry& entry : from.entries) {
    Entry c;
    c.key = copy(entry.key);
    c.field = entry.field;
    c.value = copy(entry.value);
    c.optional = entry.optional;
    e->entries.push_back(std::move(c));
  }
  e->iter_range = copy(from.iter_range);
  e->accu_init = copy(from.accu_init);
  e->loop_condition = copy(from.loop_condition);
  e->loop_step = copy(from.loop_step);
  e->result = copy(from.result);
  return e;
}

Result<std::string> simple_name(const ExprPtr& arg, const std::string& macro) {
  if (arg->kind != ExprKind::kIdent || arg->name.empty() || arg->name[0] == '.') {
    return make_error(ErrorCode::kInvalidArgument,
                      macro + "(): the variable argument must be a simple name");
  }
  return arg->name;
}

struct Loop {
  std::string var;
  std::string var2;
  ExprPtr range;
  ExprPtr init;
  ExprPtr condition;
  ExprPtr step;
  ExprPtr result;
};

ExprPtr comprehension(NodeFactory& nodes, SourcePosition at, Loop loop) {
  ExprPtr e = nodes.make(ExprKind::kComprehension, at);
  e->iter_var = std::move(loop.var);
  e->iter_var2 = std::move(loop.var2);
  e->accu_var = std::string(kAccumulatorVar);
  e->iter_range = std::move(loop.range);
  e->accu_init = std::move(loop.init);
  e->loop_condition = std::move(loop.condition);
  e->loop_step = std::move(loop.step);
  e->result = std::move(loop.result);
  return e;
}

ExprPtr accu(NodeFactory& nodes, SourcePosition at) {
  return nodes.ident(at, std::string(kAccumulatorVar));
}

/// `p ? step : @result`
ExprPtr guarded(NodeFactory& nodes, SourcePosition at, ExprPtr predicate, ExprPtr step) {
  return nodes.call(at, "_?_:_", nullptr,
                    NodeFactory::list_of(std::move(predicate), std::move(step), accu(nodes, at)));
}

/// `@result + [element]`
ExprPtr append(NodeFactory& nodes, SourcePosition at, ExprPtr element) {
  std::vector<ExprPtr> one;
  one.push_back(std::move(element));
  return nodes.call(at, "_+_", nullptr,
                    NodeFactory::list_of(accu(nodes, at), nodes.list(at, std::move(one))));
}

enum class Quantifier { kAll, kExists, kExistsOne };

ExprPtr quantifier(NodeFactory& nodes, SourcePosition at, Quantifier q, Loop loop, ExprPtr p) {
  switch (q) {
    case Quantifier::kAll:
      loop.init = nodes.bool_constant(at, true);
      loop.condition =
          nodes.call(at, "@not_strictly_false", nullptr, NodeFactory::list_of(accu(nodes, at)));
      loop.step =
          nodes.call(at, "_&&_", nullptr, NodeFactory::list_of(accu(nodes, at), std::move(p)));
      loop.result = accu(nodes, at);
      break;
    case Quantifier::kExists:
      loop.init = nodes.bool_constant(at, false);
      loop.condition = nodes.call(at, "@not_strictly_false", nullptr,
                                  NodeFactory::list_of(nodes.call(
                                      at, "!_", nullptr, NodeFactory::list_of(accu(nodes, at)))));
      loop.step =
          nodes.call(at, "_||_", nullptr, NodeFactory::list_of(accu(nodes, at), std::move(p)));
      loop.result = accu(nodes, at);
      break;
    case Quantifier::kExistsOne:
      loop.init = nodes.int_constant(at, 0);
      loop.condition = nodes.bool_constant(at, true);
      loop.step =
          guarded(nodes, at, std::move(p),
                  nodes.call(at, "_+_", nullptr,
                             NodeFactory::list_of(accu(nodes, at), nodes.int_constant(at, 1))));
      loop.result = nodes.call(at, "_==_", nullptr,
                               NodeFactory::list_of(accu(nodes, at), nodes.int_constant(at, 1)));
      break;
  }
  return comprehension(nodes, at, std::move(loop));
}

}  // namespace

Result<ExprPtr> expand_has(std::vector<ExprPtr>& args) {
  if (args.size() != 1 || args[0]->kind != ExprKind::kSelect || args[0]->test_only) {
    return make_error(ErrorCode::kInvalidArgument, "invalid argument to has() macro");
  }
  ExprPtr selection = std::move(args[0]);
  selection->test_only = true;
  return selection;
}

Result<ExprPtr> expand_receiver_macro(NodeFactory& nodes, SourcePosition at, ExprPtr& target,
                                      const std::string& function, std::vector<ExprPtr>& args) {
  const std::size_t n = args.size();
  // cel.bind(name, init, body): `name` is bound to init's value inside body.
  if (function == "bind" && n == 3 && target->kind == ExprKind::kIdent && target->name == "cel") {
    auto var = simple_name(args[0], "cel.bind");
    if (!var) return std::move(var).error();
    ExprPtr e = nodes.make(ExprKind::kComprehension, at);
    e->iter_var = "#unused";
    e->accu_var = std::move(*var);
    e->iter_range = nodes.list(at, {});
    e->accu_init = std::move(args[1]);
    e->loop_condition = nodes.bool_constant(at, false);
    e->loop_step = nodes.ident(at, e->accu_var);
    e->result = std::move(args[2]);
    return e;
  }
  // x.optMap(v, f) / x.optFlatMap(v, f): apply f to the value of a non-empty optional.
  if ((function == "optMap" || function == "optFlatMap") && n == 2) {
    auto var = simple_name(args[0], function);
    if (!var) return std::move(var).error();
    ExprPtr value = nodes.call(at, "value", clone(nodes, *target), {});
    ExprPtr bind = nodes.make(ExprKind::kComprehension, at);
    bind->iter_var = "#unused";
    bind->accu_var = std::move(*var);
    bind->iter_range = nodes.list(at, {});
    bind->accu_init = std::move(value);
    bind->loop_condition = nodes.bool_constant(at, false);
    bind->loop_step = nodes.ident(at, bind->accu_var);
    bind->result = std::move(args[1]);
    ExprPtr when_set = function == "optMap" ? nodes.call(at, "optional.of", nullptr,
                                                         NodeFactory::list_of(std::move(bind)))
                                            : std::move(bind);
    ExprPtr has_value = nodes.call(at, "hasValue", std::move(target), {});
    return nodes.call(at, "_?_:_", nullptr,
                      NodeFactory::list_of(std::move(has_value), std::move(when_set),
                                           nodes.call(at, "optional.none", nullptr, {})));
  }

  Loop loop;
  auto vars = [&](std::size_t count) -> Status {
    auto first = simple_name(args[0], function);
    if (!first) return std::move(first).error();
    loop.var = std::move(*first);
    if (count == 2) {
      auto second = simple_name(args[1], function);
      if (!second) return std::move(second).error();
      loop.var2 = std::move(*second);
      if (loop.var == loop.var2) {
        return make_error(ErrorCode::kInvalidArgument,
                          function + "(): the two variables must have different names");
      }
    }
    if (loop.var == kAccumulatorVar || loop.var2 == kAccumulatorVar) {
      return make_error(ErrorCode::kInvalidArgument, function + "(): reserved variable name");
    }
    return {};
  };

  std::optional<Quantifier> q;
  if (function == "all") q = Quantifier::kAll;
  if (function == "exists") q = Quantifier::kExists;
  if (function == "exists_one" || function == "existsOne") q = Quantifier::kExistsOne;
  if (q && (n == 2 || (n == 3 && function != "exists_one"))) {
    if (Status s = vars(n - 1); !s) return s.error();
    loop.range = std::move(target);
    return quantifier(nodes, at, *q, std::move(loop), std::move(args[n - 1]));
  }
  if ((function == "map" && (n == 2 || n == 3)) || (function == "filter" && n == 2) ||
      (function == "transformList" && (n == 3 || n == 4))) {
    const std::size_t var_count = function == "transformList" ? 2 : 1;
    if (Status s = vars(var_count); !s) return s.error();
    loop.range = std::move(target);
    loop.init = nodes.list(at, {});
    loop.condition = nodes.bool_constant(at, true);
    const bool has_predicate = function == "filter" || n == var_count + 2;
    ExprPtr element = function == "filter" ? nodes.ident(at, loop.var) : std::move(args[n - 1]);
    ExprPtr step = append(nodes, at, std::move(element));
    if (has_predicate) {
      ExprPtr predicate = std::move(args[function == "filter" ? 1 : var_count]);
      step = guarded(nodes, at, std::move(predicate), std::move(step));
    }
    loop.step = std::move(step);
    loop.result = accu(nodes, at);
    return comprehension(nodes, at, std::move(loop));
  }
  if (function == "transformMap" && (n == 3 || n == 4)) {
    if (Status s = vars(2); !s) return s.error();
    loop.range = std::move(target);
    loop.init = nodes.make(ExprKind::kMap, at);
    loop.condition = nodes.bool_constant(at, true);
    ExprPtr step = nodes.call(
        at, "@mapInsert", nullptr,
        NodeFactory::list_of(accu(nodes, at), nodes.ident(at, loop.var), std::move(args[n - 1])));
    if (n == 4) step = guarded(nodes, at, std::move(args[2]), std::move(step));
    loop.step = std::move(step);
    loop.result = accu(nodes, at);
    return comprehension(nodes, at, std::move(loop));
  }
  return ExprPtr();
}

}  // namespace sluice::cel::detail
