// Strict reading of one YAML node for the DRA decoder (internal to src/dra decode*.cpp).
//
// A Reader knows the node, its field path (`spec.devices.requests[0].exactly.count`), the object
// it belongs to (`ResourceClaim default/gpu-claim`) and the file, so every problem is reported as
// `file:line:col: ResourceClaim default/gpu-claim: spec...count: must be >= 1`. Readers throw
// DecodeError; decode() catches it at its boundary and returns a Result, so no exception leaves
// the module. Throwing keeps the per-field code linear; decoding is off any request path.
#pragma once

#include "cel/quantity.h"

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace sluice::dra::decode_detail {

/// A problem at a known place, turned into sluice::Error by decode().
class DecodeError : public std::runtime_error {
 public:
  DecodeError(const std::string& message, std::string field)
      : std::runtime_error(message), field_(std::move(field)) {}
  const std::string& field() const { return field_; }

 private:
  std::string field_;
};

/// What every reader of one object shares: the file name and the object's display name.
struct ObjectContext {
  std::string source;  ///< file name as given to decode()
  std::string object;  ///< "ResourceClaim default/gpu-claim"; refined once metadata is read
};

class Reader {
 public:
  Reader(YAML::Node node, std::string path, const ObjectContext* ctx, YAML::Mark fallback);

  const YAML::Node& node() const { return node_; }
  const std::string& path() const { return path_; }
  /// 1-based line of this node (or of its parent when it has no mark).
  int line() const { return mark().line + 1; }

  [[noreturn]] void fail(std::string_view what) const;

  bool is_null() const { return !node_ || node_.IsNull(); }
  /// Requires a mapping (null counts as empty) whose keys are unique and all in `allowed`.
  void expect_map(std::initializer_list<std::string_view> allowed) const;
  /// Requires a mapping with unique scalar keys, any keys allowed.
  void expect_any_map() const;
  /// Requires a sequence (null counts as empty) of at most `max` items.
  void expect_sequence(std::size_t max) const;

  bool has(std::string_view key) const;
  Reader child(std::string_view key) const;
  Reader at(std::size_t i) const;
  std::size_t size() const { return node_.IsSequence() ? node_.size() : 0; }

  std::string as_string() const;
  std::int64_t as_int(std::int64_t min, std::int64_t max) const;
  bool as_bool() const;
  cel::Quantity as_quantity() const;
  /// The node as compact flow-style YAML text (opaque parameters).
  std::string as_flow_text() const;

  // Children.
  std::string required_string(std::string_view key) const;
  std::optional<std::string> optional_string(std::string_view key) const;
  std::optional<bool> optional_bool(std::string_view key) const;
  /// A list of strings of at most `max` items.
  std::vector<std::string> string_list(std::string_view key, std::size_t max) const;
  /// A mapping of string to string (labels, annotations).
  std::map<std::string, std::string> string_map() const;

  /// Calls f(reader) for each item of the sequence child `key` (at most `max` items).
  void for_each_item(std::string_view key, std::size_t max,
                     const std::function<void(const Reader&)>& f) const;
  /// Calls f(key, reader) for each entry of this mapping (at most `max` entries).
  void for_each_entry(std::size_t max,
                      const std::function<void(const std::string&, const Reader&)>& f) const;

 private:
  YAML::Mark mark() const;

  YAML::Node node_;
  std::string path_;
  const ObjectContext* ctx_;
  YAML::Mark fallback_;
};

// Kubernetes name rules (apimachinery validation), true when valid.
/// DNS-1123 label: [a-z0-9]([-a-z0-9]*[a-z0-9])?, at most 63.
bool is_dns_label(std::string_view s);
/// DNS-1123 subdomain: dot-separated labels, at most 253.
bool is_dns_subdomain(std::string_view s);
/// [A-Za-z_][A-Za-z0-9_]*, at most 32 characters.
bool is_c_identifier(std::string_view s);
/// A C identifier of at most 32 characters, or `<dns subdomain of at most 63>/<that identifier>`.
bool is_qualified_name(std::string_view s);
/// A label key (taint and toleration keys too): `[prefix/]name`, the prefix a DNS subdomain, the
/// name at most 63 of [A-Za-z0-9-_.] starting and ending alphanumeric.
bool is_label_key(std::string_view s);
/// Strict semantic version 2.0.0 (no leading `v`, no leading zeros).
bool is_semver(std::string_view s);

}  // namespace sluice::dra::decode_detail
