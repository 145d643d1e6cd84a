#include "dra/selectors.h"

#include "core/hash.h"

#include <algorithm>

namespace sluice::dra {
namespace {

using cel::Expr;
using cel::ExprKind;

bool is_string_constant(const Expr& e, std::string_view text) {
  return e.kind == ExprKind::kConstant && e.constant.kind == cel::Constant::Kind::kString &&
         e.constant.text == text;
}

bool is_device(const Expr& e) { return e.kind == ExprKind::kIdent && e.name == "device"; }

/// Whether `e` is `device.<field>` or `device["<field>"]`.
bool is_device_field(const Expr& e, std::string_view field) {
  if (e.kind == ExprKind::kSelect) {
    return !e.test_only && e.name == field && e.target && is_device(*e.target);
  }
  return e.kind == ExprKind::kCall && e.name == "_[_]" && !e.target && e.args.size() == 2 &&
         is_device(*e.args[0]) && is_string_constant(*e.args[1], field);
}

void add_unique(std::vector<std::string>& out, std::string_view name) {
  if (std::find(out.begin(), out.end(), name) == out.end()) out.emplace_back(name);
}

/// Collects the domains `e` names literally under `device.attributes` and `device.capacity`:
/// the keys Kubernetes' default-answering maps would be asked for.
void collect_domains(const Expr& e, std::vector<std::string>& attributes,
                     std::vector<std::string>& capacity) {
  const auto record = [&](const Expr& map, std::string_view domain) {
    if (is_device_field(map, "attributes")) add_unique(attributes, domain);
    if (is_device_field(map, "capacity")) add_unique(capacity, domain);
  };
  if (e.kind == ExprKind::kSelect && e.target) record(*e.target, e.name);
  if (e.kind == ExprKind::kCall && !e.target && e.args.size() == 2 &&
      (e.name == "_[_]" || e.name == "_[?_]" || e.name == "_?._") &&
      e.args[1]->kind == ExprKind::kConstant &&
      e.args[1]->constant.kind == cel::Constant::Kind::kString) {
    record(*e.args[0], e.args[1]->constant.text);
  }
  cel::for_each_child(
      e, [&](const cel::Expr& child) { collect_domains(child, attributes, capacity); });
}

Error runtime_error(std::string message) {
  return make_error(ErrorCode::kInvalidArgument, "CEL runtime error: " + std::move(message));
}

/// The `device` variable, and nothing else: no map lookup per variable reference.
class DeviceActivation final : public cel::Activation {
 public:
  explicit DeviceActivation(const cel::Value& device) : device_(device) {}
  const cel::Value* find(std::string_view name) const override {
    return name == "device" ? &device_ : nullptr;
  }
  bool has_qualified_names() const override { return false; }

 private:
  const cel::Value& device_;
};

}  // namespace

Result<CompiledSelector> CompiledSelector::compile(std::string_view expression) {
  if (expression.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "CEL expression is empty");
  }
  if (expression.size() > kSelectorMaxLength) {
    return make_error(ErrorCode::kInvalidArgument,
                      "CEL expression is " + std::to_string(expression.size()) +
                          " bytes, more than the limit of " + std::to_string(kSelectorMaxLength));
  }
  Result<cel::Program> program = cel::Program::compile(expression);
  if (!program.ok()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "CEL compilation error: " + program.error().message);
  }
  CompiledSelector selector(std::move(program).value(), std::string(expression));
  collect_domains(selector.program_.root(), selector.attribute_domains_,
                  selector.capacity_domains_);
  return selector;
}

Result<bool> CompiledSelector::match(const DeviceView& device) const {
  if (device.error()) return runtime_error(device.error()->message);
  cel::Value scratch;
  const cel::Value& value = device.with_domains(attribute_domains_, capacity_domains_, scratch);
  const cel::Value result =
      program_.evaluate(DeviceActivation(value), cel::EvalOptions{.cost_limit = kSelectorMaxCost});
  if (result.kind() == cel::ValueKind::kBool) return result.as_bool();
  if (result.is_error()) {
    std::string message = result.error_message();
    // Kubernetes 1.36 adds the same advice: the fix is nearly always a presence test.
    if (message.rfind("no such key", 0) == 0) {
      message += " (a robust selector tests attributes first: has(...), .?name or orValue())";
    }
    return runtime_error(std::move(message));
  }
  return runtime_error("CEL result of type " + std::string(result.cel_type()) +
                       " could not be converted to bool");
}

Result<SelectorPtr> SelectorCache::get_or_compile(std::string_view expression) {
  {
    std::lock_guard lock(mu_);
    if (auto it = selectors_.find(expression); it != selectors_.end()) return it->second;
  }
  // Compiled outside the lock: another thread may compile the same text meanwhile, and the
  // first insertion wins; both results are equivalent.
  Result<CompiledSelector> compiled = CompiledSelector::compile(expression);
  if (!compiled.ok()) return compiled.error();
  auto selector = std::make_shared<const CompiledSelector>(std::move(compiled).value());
  std::lock_guard lock(mu_);
  return selectors_.try_emplace(std::string(expression), std::move(selector)).first->second;
}

std::size_t SelectorCache::size() const {
  std::lock_guard lock(mu_);
  return selectors_.size();
}

std::size_t SelectorMemo::PairHash::operator()(const std::pair<const void*, const void*>& p) const {
  std::uint64_t state = reinterpret_cast<std::uintptr_t>(p.first) * 0x9E3779B97F4A7C15ULL ^
                        reinterpret_cast<std::uintptr_t>(p.second);
  return static_cast<std::size_t>(splitmix64(state));
}

Result<bool> SelectorMemo::match(const CompiledSelector& selector, const DeviceView& device) {
  const std::pair<const void*, const void*> key{&selector, &device};
  if (auto it = results_.find(key); it != results_.end()) return it->second;
  ++evaluations_;
  Result<bool> result = selector.match(device);
  if (result.ok()) results_.emplace(key, *result);
  return result;
}

Result<bool> selectors_match(std::string_view owner, std::span<const SelectorPtr> selectors,
                             const DeviceView& device, SelectorMemo* memo,
                             std::size_t* false_index) {
  for (std::size_t i = 0; i < selectors.size(); ++i) {
    Result<bool> matched =
        memo != nullptr ? memo->match(*selectors[i], device) : selectors[i]->match(device);
    if (!matched.ok()) {
      return make_error(
          ErrorCode::kInvalidArgument,
          std::string(owner) + ": selector #" + std::to_string(i) + ": " + matched.error().message);
    }
    if (!*matched) {
      if (false_index != nullptr) *false_index = i;
      return false;
    }
  }
  return true;
}

}  // namespace sluice::dra
