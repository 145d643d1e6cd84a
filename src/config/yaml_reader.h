// Strict reading of one YAML node for the config loader (internal to src/config).
//
// Every value is read through a `YamlReader` that knows its file, its field path
// (`InferencePool/llama.spec.targetPorts[0].number`) and its source mark, so that any problem is
// reported as `file:line:col: path: what is wrong`. Readers throw `ConfigError`; the exception
// never leaves the module: parse_gateway_config() catches it at the boundary and returns a Result.
// Throwing keeps the per-field code linear, and configuration is parsed once at start-up, off the
// data path.
#pragma once

#include "config/gateway_config.h"

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <initializer_list>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace sluice::config::detail {

/// A configuration problem at a known place; converted to sluice::Error at the module boundary.
class ConfigError : public std::runtime_error {
 public:
  ConfigError(SourceLocation where, std::string path, const std::string& what)
      : std::runtime_error(what), where_(std::move(where)), path_(std::move(path)) {}
  const SourceLocation& where() const { return where_; }
  const std::string& path() const { return path_; }

 private:
  SourceLocation where_;
  std::string path_;
};

/// A view of one node with its path. Cheap to copy (YAML::Node is a handle).
class YamlReader {
 public:
  YamlReader(YAML::Node node, std::string path, const std::string* file, SourceLocation fallback)
      // yaml-cpp returns an invalid "zombie" node for a missing key, which throws on most uses
      // (even assignment); a plain null node behaves.
      : node_(node.IsDefined() ? std::move(node) : YAML::Node()),
        path_(std::move(path)),
        file_(file),
        fallback_(std::move(fallback)) {}

  const YAML::Node& node() const { return node_; }
  const std::string& path() const { return path_; }
  /// Where this node starts; for a missing node, where its parent starts.
  SourceLocation location() const;

  [[noreturn]] void fail(const std::string& what) const;

  bool is_map() const { return node_.IsMap(); }
  bool is_null() const { return !node_ || node_.IsNull(); }

  /// Requires a mapping whose keys are all in `allowed` and unique; errors name the bad key.
  void expect_map(std::initializer_list<std::string_view> allowed) const;
  /// Requires a sequence (an absent or null field counts as empty when `allow_empty`).
  void expect_sequence() const;

  bool has(std::string_view key) const;
  /// The child `key` (which may be absent: then is_null() and location() is this node's).
  YamlReader child(std::string_view key) const;
  /// Element `i` of a sequence.
  YamlReader at(std::size_t i) const;
  std::size_t size() const { return node_.IsSequence() ? node_.size() : 0; }

  // Scalars of this node.
  std::string as_string() const;
  std::int64_t as_int(std::int64_t min, std::int64_t max) const;
  double as_number(double min, double max) const;
  bool as_bool() const;
  Duration as_duration() const;

  // Convenience for children: required (error if absent) or optional.
  std::string required_string(std::string_view key) const;
  std::optional<std::string> optional_string(std::string_view key) const;
  std::optional<std::int64_t> optional_int(std::string_view key, std::int64_t min,
                                           std::int64_t max) const;
  /// A mapping of string to string (labels, matchLabels).
  std::map<std::string, std::string> string_map() const;

 private:
  YAML::Node node_;
  std::string path_;
  const std::string* file_;
  SourceLocation fallback_;
};

/// Where a node starts in `file` (1-based), or `fallback` when yaml-cpp has no mark for it.
SourceLocation location_of(const YAML::Node& node, const std::string& file,
                           const SourceLocation& fallback);

}  // namespace sluice::config::detail
