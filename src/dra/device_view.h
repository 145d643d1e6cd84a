// A DRA device as the CEL variable `device` that selectors read (reference §2.1 of
// dra-anchors.md): `device.driver`, `device.attributes[domain][id]`, `device.capacity[domain][id]`
// and `device.allowMultipleAllocations`.
//
// The CEL value is built once per device (when the inventory is loaded) and shared by every
// selector evaluation, so evaluating a selector copies no attribute maps. Kubernetes answers
// `device.attributes[<domain the device lacks>]` with an empty map instead of "no such key"; the
// CEL engine has no hook for a map with a default, so CompiledSelector asks for the domains it
// names (see with_domains()) and the view adds empty maps for those it lacks.
#pragma once

#include "cel/value.h"
#include "core/result.h"
#include "dra/model.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sluice::dra {

class DeviceView {
 public:
  /// Collects a device's attributes and capacities, then builds the view.
  class Builder {
   public:
    explicit Builder(std::string driver) : driver_(std::move(driver)) {}
    /// `name` is a qualified name (a bare id belongs to the driver's domain, see
    /// parse_qualified_name()); `value` an int, bool, string or Semver CEL value.
    Builder& attribute(std::string_view name, cel::Value value);
    Builder& int_attribute(std::string_view name, std::int64_t v);
    Builder& bool_attribute(std::string_view name, bool v);
    Builder& string_attribute(std::string_view name, std::string v);
    /// A `version` attribute: parsed strictly as semver 2.0 (no leading `v`, no missing parts),
    /// as Kubernetes does. A bad version makes every selector on this device fail with
    /// "attribute <name>: ..." (Kubernetes fails the evaluation the same way).
    Builder& version_attribute(std::string_view name, std::string_view version);
    Builder& capacity(std::string_view name, cel::Value quantity);
    Builder& allow_multiple_allocations(bool v) {
      allow_multiple_ = v;
      return *this;
    }
    /// Moves the collected data into the view; the builder is spent afterwards.
    DeviceView build();

   private:
    struct Domain {
      std::string name;
      cel::ValueMap entries;
    };
    static void put(std::vector<Domain>& domains, std::string_view domain, std::string_view id,
                    cel::Value value);

    std::string driver_;
    std::vector<Domain> attributes_;
    std::vector<Domain> capacity_;
    bool allow_multiple_ = false;
    std::optional<Error> error_;
  };

  /// The view of `device`, published by a ResourceSlice of `driver`: attributes by kind
  /// (version -> Semver), capacities as Quantity values, allowMultipleAllocations defaulting
  /// to false.
  static DeviceView from_model(std::string_view driver, const Device& device);

  /// The `device` variable as Kubernetes builds it, with only the domains the device has.
  const cel::Value& value() const { return value_; }
  /// Set when the device cannot be shown to CEL (an unparsable version attribute): every
  /// selector evaluation on it is then this error.
  const std::optional<Error>& error() const { return error_; }
  const std::string& driver() const { return driver_; }

  bool has_attribute_domain(std::string_view domain) const;
  bool has_capacity_domain(std::string_view domain) const;

  /// value() plus an empty map for each listed domain the device lacks: what Kubernetes'
  /// default-answering maps return for those domains. Returns value() itself (no copy) when the
  /// device has them all; otherwise builds the variant in `scratch` and returns it, copying only
  /// the small top-level maps (the per-domain maps are shared).
  const cel::Value& with_domains(std::span<const std::string> attribute_domains,
                                 std::span<const std::string> capacity_domains,
                                 cel::Value& scratch) const;

 private:
  DeviceView() = default;

  cel::Value value_;
  cel::Value attributes_;  ///< the map domain -> (id -> value), shared with value_
  cel::Value capacity_;
  std::vector<std::string> attribute_domains_;
  std::vector<std::string> capacity_domains_;
  std::string driver_;
  bool allow_multiple_ = false;
  std::optional<Error> error_;
};

}  // namespace sluice::dra
