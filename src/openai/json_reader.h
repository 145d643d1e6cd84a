// Internal to src/openai: shared helpers for reading request bodies with simdjson On-Demand, so
// that every parser in this module reports the same OpenAI-style messages for the same mistakes.
#pragma once

#include "core/result.h"

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::openai::detail {

using JsonValue = simdjson::ondemand::value;

/// A view of `body` that simdjson may read SIMDJSON_PADDING bytes past: `body` itself when
/// `capacity` allows, else a copy in a thread-local buffer reused by the next call on this thread.
simdjson::padded_string_view padded_input(std::string_view body, std::size_t capacity);

/// The calling thread's reusable On-Demand parser (its buffers grow to the largest body seen).
simdjson::ondemand::parser& thread_parser();

/// Starts reading a request body that must be a JSON object: iterates `input` into `doc` and
/// opens its top-level `object`. Errors: malformed JSON, or "Invalid request body: expected a
/// JSON object."
Status open_object(simdjson::padded_string_view input, simdjson::ondemand::document& doc,
                   simdjson::ondemand::object& object);

/// After the top-level object has been read to its end: fails if anything but whitespace follows.
Status expect_end(simdjson::ondemand::document& doc);

/// "We could not parse the JSON body of your request: <why>." with an empty field.
Error json_error(simdjson::error_code code);
/// "Missing required parameter: '<field>'."
Error missing_error(std::string_view field);
/// "Invalid type for '<field>': expected <expected>, but got <what v is> instead."
Error type_error(std::string_view field, std::string_view expected, JsonValue& v);
Error type_error(std::string_view field, std::string_view expected, std::string_view got);
/// What `v` is, as OpenAI words it after "but got": "a string", "an integer", "null", ...
std::string_view describe(JsonValue& v);
/// "Invalid '<field>': <problem>." for semantic range errors.
Error value_error(std::string_view field, std::string_view problem);

/// Consumes a value the caller has no use for, checking that it is well-formed JSON (On-Demand
/// skips unread values by bracket counting only, which would let `[1,}` through).
Status skip_value(JsonValue& v);

/// Consumes `v` if it is JSON null and says so.
bool take_null(JsonValue& v);

/// Typed reads: a wrong JSON type is a type_error for `field`; a simdjson failure is a json_error.
/// The string view points into the parser's buffer and dies with the next parse on this thread.
Result<std::string_view> read_string(JsonValue& v, std::string_view field);
Result<bool> read_bool(JsonValue& v, std::string_view field);
/// Integers must be written without fraction or exponent and fit in int64.
Result<std::int64_t> read_int(JsonValue& v, std::string_view field);
/// Any JSON number.
Result<double> read_number(JsonValue& v, std::string_view field);

/// Views `v` as an object/array, or fails with a type_error (`expected` words the wanted type).
Status as_object(JsonValue& v, std::string_view field, std::string_view expected,
                 simdjson::ondemand::object& out);
Status as_array(JsonValue& v, std::string_view field, std::string_view expected,
                simdjson::ondemand::array& out);

/// Calls `f(key, value)` for each member of `object` in document order; stops at the first error.
template <typename F>
Status for_each_field(simdjson::ondemand::object& object, F&& f) {
  for (auto item : object) {
    simdjson::ondemand::field field;
    if (const auto code = std::move(item).get(field); code != simdjson::SUCCESS) {
      return json_error(code);
    }
    std::string_view key;
    if (const auto code = field.unescaped_key().get(key); code != simdjson::SUCCESS) {
      return json_error(code);
    }
    JsonValue value = field.value();
    if (Status status = f(key, value); !status.ok()) {
      return status;
    }
  }
  return {};
}

/// Calls `f(index, value)` for each element of `array`; stops at the first error.
template <typename F>
Status for_each_element(simdjson::ondemand::array& array, F&& f) {
  std::size_t index = 0;
  for (auto item : array) {
    JsonValue value;
    if (const auto code = item.get(value); code != simdjson::SUCCESS) {
      return json_error(code);
    }
    if (Status status = f(index, value); !status.ok()) {
      return status;
    }
    ++index;
  }
  return {};
}

/// The value's source text (for "but got 3.5 instead" messages), trimmed of whitespace.
std::string_view raw_token(JsonValue& v);

/// Builds "<prefix>[<index>]" and "<prefix>.<name>" JSON paths.
std::string path_index(std::string_view prefix, std::size_t index);
std::string path_member(std::string_view prefix, std::string_view name);

}  // namespace sluice::openai::detail
