#include "openai/json_reader.h"

#include "openai/request.h"

#include <algorithm>
#include <cstring>
#include <memory>

namespace sluice::openai::detail {

static_assert(kJsonPadding == simdjson::SIMDJSON_PADDING, "request.h promises simdjson's padding");

namespace {

std::string quoted(std::string_view field) {
  std::string s;
  s.reserve(field.size() + 2);
  s.push_back('\'');
  s.append(field);
  s.push_back('\'');
  return s;
}

bool has_type(JsonValue& v, simdjson::ondemand::json_type want, Error& error) {
  simdjson::ondemand::json_type type;
  if (const auto code = v.type().get(type); code != simdjson::SUCCESS) {
    error = json_error(code);
    return false;
  }
  return type == want;
}

}  // namespace

std::string_view describe(JsonValue& v) {
  simdjson::ondemand::json_type type;
  if (v.type().get(type) != simdjson::SUCCESS) {
    return "invalid JSON";
  }
  switch (type) {
    case simdjson::ondemand::json_type::array:
      return "an array";
    case simdjson::ondemand::json_type::object:
      return "an object";
    case simdjson::ondemand::json_type::string:
      return "a string";
    case simdjson::ondemand::json_type::boolean:
      return "a boolean";
    case simdjson::ondemand::json_type::null:
      return "null";
    case simdjson::ondemand::json_type::number: {
      const std::string_view token = raw_token(v);
      return token.find_first_of(".eE") == std::string_view::npos ? "an integer" : "a decimal";
    }
  }
  return "an unknown value";
}

simdjson::padded_string_view padded_input(std::string_view body, std::size_t capacity) {
  if (capacity >= body.size() && capacity - body.size() >= simdjson::SIMDJSON_PADDING) {
    return simdjson::padded_string_view(body.data(), body.size(), capacity);
  }
  thread_local std::unique_ptr<char[]> buffer;
  thread_local std::size_t buffer_size = 0;
  const std::size_t need = body.size() + simdjson::SIMDJSON_PADDING;
  if (buffer_size < need) {
    // Grow geometrically so that a thread serving growing bodies reallocates O(log n) times.
    const std::size_t size = std::max(need, buffer_size * 2);
    buffer = std::make_unique_for_overwrite<char[]>(size);
    buffer_size = size;
  }
  if (!body.empty()) {
    std::memcpy(buffer.get(), body.data(), body.size());
  }
  std::memset(buffer.get() + body.size(), 0, simdjson::SIMDJSON_PADDING);
  return simdjson::padded_string_view(buffer.get(), body.size(), buffer_size);
}

simdjson::ondemand::parser& thread_parser() {
  thread_local simdjson::ondemand::parser parser;
  return parser;
}

Status open_object(simdjson::padded_string_view input, simdjson::ondemand::document& doc,
                   simdjson::ondemand::object& object) {
  if (const auto code = thread_parser().iterate(input).get(doc); code != simdjson::SUCCESS) {
    return json_error(code);
  }
  simdjson::ondemand::json_type type;
  if (const auto code = doc.type().get(type); code != simdjson::SUCCESS) {
    return json_error(code);
  }
  if (type != simdjson::ondemand::json_type::object) {
    return make_error(ErrorCode::kInvalidArgument, "Invalid request body: expected a JSON object.");
  }
  if (const auto code = doc.get_object().get(object); code != simdjson::SUCCESS) {
    return json_error(code);
  }
  return {};
}

Status expect_end(simdjson::ondemand::document& doc) {
  // current_location() only succeeds while unread input remains.
  const char* rest = nullptr;
  if (doc.current_location().get(rest) == simdjson::SUCCESS) {
    return json_error(simdjson::TRAILING_CONTENT);
  }
  return {};
}

Error json_error(simdjson::error_code code) {
  std::string message = "We could not parse the JSON body of your request: ";
  message.append(simdjson::error_message(code));
  return make_error(ErrorCode::kInvalidArgument, std::move(message));
}

Error missing_error(std::string_view field) {
  return make_error(ErrorCode::kInvalidArgument,
                    "Missing required parameter: " + quoted(field) + ".", std::string(field));
}

Error type_error(std::string_view field, std::string_view expected, std::string_view got) {
  std::string message = "Invalid type for " + quoted(field) + ": expected ";
  message.append(expected);
  message.append(", but got ");
  message.append(got);
  message.append(" instead.");
  return make_error(ErrorCode::kInvalidArgument, std::move(message), std::string(field));
}

Error type_error(std::string_view field, std::string_view expected, JsonValue& v) {
  return type_error(field, expected, describe(v));
}

Status as_object(JsonValue& v, std::string_view field, std::string_view expected,
                 simdjson::ondemand::object& out) {
  Error error;
  if (!has_type(v, simdjson::ondemand::json_type::object, error)) {
    return error.message.empty() ? type_error(field, expected, v) : error;
  }
  if (const auto code = v.get_object().get(out); code != simdjson::SUCCESS) {
    return json_error(code);
  }
  return {};
}

Status as_array(JsonValue& v, std::string_view field, std::string_view expected,
                simdjson::ondemand::array& out) {
  Error error;
  if (!has_type(v, simdjson::ondemand::json_type::array, error)) {
    return error.message.empty() ? type_error(field, expected, v) : error;
  }
  if (const auto code = v.get_array().get(out); code != simdjson::SUCCESS) {
    return json_error(code);
  }
  return {};
}

Error value_error(std::string_view field, std::string_view problem) {
  std::string message = "Invalid " + quoted(field) + ": ";
  message.append(problem);
  if (message.back() != '.') {
    message.push_back('.');
  }
  return make_error(ErrorCode::kInvalidArgument, std::move(message), std::string(field));
}

Status skip_value(JsonValue& v) {
  simdjson::ondemand::json_type type;
  if (const auto code = v.type().get(type); code != simdjson::SUCCESS) {
    return json_error(code);
  }
  simdjson::error_code code = simdjson::SUCCESS;
  switch (type) {
    case simdjson::ondemand::json_type::object: {
      simdjson::ondemand::object object;
      if (code = v.get_object().get(object); code == simdjson::SUCCESS) {
        return for_each_field(
            object, [](std::string_view, JsonValue& member) { return skip_value(member); });
      }
      break;
    }
    case simdjson::ondemand::json_type::array: {
      simdjson::ondemand::array array;
      if (code = v.get_array().get(array); code == simdjson::SUCCESS) {
        return for_each_element(
            array, [](std::size_t, JsonValue& element) { return skip_value(element); });
      }
      break;
    }
    case simdjson::ondemand::json_type::string: {
      std::string_view s;
      code = v.get_string().get(s);
      break;
    }
    case simdjson::ondemand::json_type::number: {
      simdjson::ondemand::number number;
      if (v.get_number().get(number) != simdjson::SUCCESS) {
        double d = 0;
        code = v.get_double().get(d);
      }
      break;
    }
    case simdjson::ondemand::json_type::boolean: {
      bool b = false;
      code = v.get_bool().get(b);
      break;
    }
    case simdjson::ondemand::json_type::null: {
      bool is_null = false;
      code = v.is_null().get(is_null);
      if (code == simdjson::SUCCESS && !is_null) {
        code = simdjson::INCORRECT_TYPE;
      }
      break;
    }
  }
  if (code != simdjson::SUCCESS) {
    return json_error(code);
  }
  return {};
}

bool take_null(JsonValue& v) {
  bool is_null = false;
  return v.is_null().get(is_null) == simdjson::SUCCESS && is_null;
}

Result<std::string_view> read_string(JsonValue& v, std::string_view field) {
  Error error;
  if (!has_type(v, simdjson::ondemand::json_type::string, error)) {
    return error.message.empty() ? type_error(field, "a string", v) : error;
  }
  std::string_view s;
  if (const auto code = v.get_string().get(s); code != simdjson::SUCCESS) {
    return json_error(code);
  }
  return s;
}

Result<bool> read_bool(JsonValue& v, std::string_view field) {
  Error error;
  if (!has_type(v, simdjson::ondemand::json_type::boolean, error)) {
    return error.message.empty() ? type_error(field, "a boolean", v) : error;
  }
  bool b = false;
  if (const auto code = v.get_bool().get(b); code != simdjson::SUCCESS) {
    return json_error(code);
  }
  return b;
}

Result<std::int64_t> read_int(JsonValue& v, std::string_view field) {
  Error error;
  if (!has_type(v, simdjson::ondemand::json_type::number, error)) {
    return error.message.empty() ? type_error(field, "an integer", v) : error;
  }
  std::int64_t i = 0;
  if (v.get_int64().get(i) == simdjson::SUCCESS) {
    return i;
  }
  const std::string_view token = raw_token(v);
  if (token.find_first_of(".eE") != std::string_view::npos) {
    return type_error(field, "an integer", v);
  }
  return value_error(field, "integer out of range. Expected a 64-bit integer, but got " +
                                std::string(token) + " instead");
}

Result<double> read_number(JsonValue& v, std::string_view field) {
  Error error;
  if (!has_type(v, simdjson::ondemand::json_type::number, error)) {
    return error.message.empty() ? type_error(field, "a number", v) : error;
  }
  double d = 0;
  if (v.get_double().get(d) != simdjson::SUCCESS) {
    return value_error(field, "number out of range. Got " + std::string(raw_token(v)));
  }
  return d;
}

std::string_view raw_token(JsonValue& v) {
  std::string_view token = v.raw_json_token();
  while (!token.empty() && (token.back() == ' ' || token.back() == '\n' || token.back() == '\r' ||
                            token.back() == '\t')) {
    token.remove_suffix(1);
  }
  return token;
}

std::string path_index(std::string_view prefix, std::size_t index) {
  std::string path;
  path.reserve(prefix.size() + 8);
  path.append(prefix);
  path.push_back('[');
  path.append(std::to_string(index));
  path.push_back(']');
  return path;
}

std::string path_member(std::string_view prefix, std::string_view name) {
  std::string path;
  path.reserve(prefix.size() + 1 + name.size());
  path.append(prefix);
  path.push_back('.');
  path.append(name);
  return path;
}

}  // namespace sluice::openai::detail
