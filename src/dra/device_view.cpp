#include "dra/device_view.h"

#include "cel/program.h"
#include "cel/quantity.h"

#include <algorithm>
#include <utility>

namespace sluice::dra {
namespace {

/// `semver(v)`, compiled once: the CEL engine has no C++ constructor for Semver values, and its
/// one-argument form parses strictly, as Kubernetes' semver.Parse of version attributes does.
Result<cel::Value> semver_value(std::string_view text) {
  static const Result<cel::Program> program = cel::Program::compile("semver(v)");
  if (!program.ok()) return program.error();
  cel::MapActivation vars;
  vars.set("v", cel::Value::string(std::string(text)));
  cel::Value v = program->evaluate(vars);
  if (v.is_error()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "parse semantic version \"" + std::string(text) + "\": " + v.error_message());
  }
  return v;
}

bool contains(const std::vector<std::string>& names, std::string_view name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

/// `base` (a map Value) plus an empty map under each of `extra` that it lacks.
cel::Value add_empty_domains(const cel::Value& base, const std::vector<std::string>& present,
                             std::span<const std::string> extra) {
  cel::ValueMap entries = base.as_map();
  static const cel::Value kEmpty = cel::Value::map({});
  for (const std::string& domain : extra) {
    if (contains(present, domain)) continue;
    bool added = false;
    for (const auto& [key, unused] : entries) added = added || key.as_string() == domain;
    if (!added) entries.emplace_back(cel::Value::string(domain), kEmpty);
  }
  return cel::Value::map(std::move(entries));
}

}  // namespace

void DeviceView::Builder::put(std::vector<Domain>& domains, std::string_view domain,
                              std::string_view id, cel::Value value) {
  auto it = std::find_if(domains.begin(), domains.end(),
                         [&](const Domain& d) { return d.name == domain; });
  if (it == domains.end()) {
    domains.push_back(Domain{std::string(domain), {}});
    it = std::prev(domains.end());
  }
  for (auto& [key, existing] : it->entries) {
    if (key.as_string() == id) {  // the same id written twice: the last one wins, as in a Go map
      existing = std::move(value);
      return;
    }
  }
  it->entries.emplace_back(cel::Value::string(std::string(id)), std::move(value));
}

DeviceView::Builder& DeviceView::Builder::attribute(std::string_view name, cel::Value value) {
  const QualifiedName qualified = parse_qualified_name(name, driver_);
  put(attributes_, qualified.domain, qualified.id, std::move(value));
  return *this;
}

DeviceView::Builder& DeviceView::Builder::int_attribute(std::string_view name, std::int64_t v) {
  return attribute(name, cel::Value::integer(v));
}

DeviceView::Builder& DeviceView::Builder::bool_attribute(std::string_view name, bool v) {
  return attribute(name, cel::Value::boolean(v));
}

DeviceView::Builder& DeviceView::Builder::string_attribute(std::string_view name, std::string v) {
  return attribute(name, cel::Value::string(std::move(v)));
}

DeviceView::Builder& DeviceView::Builder::version_attribute(std::string_view name,
                                                            std::string_view version) {
  Result<cel::Value> v = semver_value(version);
  if (!v.ok()) {
    if (!error_) {
      error_ = make_error(ErrorCode::kInvalidArgument,
                          "attribute " + std::string(name) + ": " + v.error().message);
    }
    return *this;
  }
  return attribute(name, std::move(v).value());
}

DeviceView::Builder& DeviceView::Builder::capacity(std::string_view name, cel::Value quantity) {
  const QualifiedName qualified = parse_qualified_name(name, driver_);
  put(capacity_, qualified.domain, qualified.id, std::move(quantity));
  return *this;
}

DeviceView DeviceView::Builder::build() {
  DeviceView view;
  const auto to_map = [](std::vector<Domain>& domains, std::vector<std::string>& names) {
    cel::ValueMap entries;
    entries.reserve(domains.size());
    names.reserve(domains.size());
    for (Domain& d : domains) {
      names.push_back(d.name);
      entries.emplace_back(cel::Value::string(std::move(d.name)),
                           cel::Value::map(std::move(d.entries)));
    }
    return cel::Value::map(std::move(entries));
  };
  view.attributes_ = to_map(attributes_, view.attribute_domains_);
  view.capacity_ = to_map(capacity_, view.capacity_domains_);
  view.driver_ = std::move(driver_);
  view.allow_multiple_ = allow_multiple_;
  view.error_ = std::move(error_);
  view.value_ = cel::Value::map({
      {cel::Value::string("driver"), cel::Value::string(view.driver_)},
      {cel::Value::string("attributes"), view.attributes_},
      {cel::Value::string("capacity"), view.capacity_},
      {cel::Value::string("allowMultipleAllocations"), cel::Value::boolean(allow_multiple_)},
  });
  return view;
}

DeviceView DeviceView::from_model(std::string_view driver, const Device& device) {
  Builder builder{std::string(driver)};
  for (const auto& [name, attribute] : device.attributes) {
    switch (attribute.kind) {
      case DeviceAttribute::Kind::kInt:
        builder.int_attribute(name, attribute.int_value);
        break;
      case DeviceAttribute::Kind::kBool:
        builder.bool_attribute(name, attribute.bool_value);
        break;
      case DeviceAttribute::Kind::kString:
        builder.string_attribute(name, attribute.string_value);
        break;
      case DeviceAttribute::Kind::kVersion:
        builder.version_attribute(name, attribute.string_value);
        break;
    }
  }
  for (const auto& [name, capacity] : device.capacity) {
    builder.capacity(name, cel::quantity_value(capacity.value));
  }
  builder.allow_multiple_allocations(device.allow_multiple_allocations.value_or(false));
  return builder.build();
}

bool DeviceView::has_attribute_domain(std::string_view domain) const {
  return contains(attribute_domains_, domain);
}

bool DeviceView::has_capacity_domain(std::string_view domain) const {
  return contains(capacity_domains_, domain);
}

const cel::Value& DeviceView::with_domains(std::span<const std::string> attribute_domains,
                                           std::span<const std::string> capacity_domains,
                                           cel::Value& scratch) const {
  const auto all_present = [](std::span<const std::string> wanted,
                              const std::vector<std::string>& present) {
    return std::all_of(wanted.begin(), wanted.end(),
                       [&](const std::string& d) { return contains(present, d); });
  };
  const bool attributes_ok = all_present(attribute_domains, attribute_domains_);
  const bool capacity_ok = all_present(capacity_domains, capacity_domains_);
  if (attributes_ok && capacity_ok) return value_;
  scratch = cel::Value::map({
      {cel::Value::string("driver"), cel::Value::string(driver_)},
      {cel::Value::string("attributes"),
       attributes_ok ? attributes_
                     : add_empty_domains(attributes_, attribute_domains_, attribute_domains)},
      {cel::Value::string("capacity"),
       capacity_ok ? capacity_ : add_empty_domains(capacity_, capacity_domains_, capacity_domains)},
      {cel::Value::string("allowMultipleAllocations"), cel::Value::boolean(allow_multiple_)},
  });
  return scratch;
}

}  // namespace sluice::dra
