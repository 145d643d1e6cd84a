// peek_model / peek_request / peek_routing: routers need only "model", "stream" and the prompt,
// and must not pay for validating the rest. The first two stop reading as soon as they have what
// they need.
#include "openai/json_reader.h"
#include "openai/request.h"

namespace sluice::openai {
namespace {

using detail::JsonValue;

// Splits one member of the top-level object into its key and value.
Status read_member(simdjson::simdjson_result<simdjson::ondemand::field> item, std::string_view& key,
                   JsonValue& value) {
  simdjson::ondemand::field field;
  if (const auto code = std::move(item).get(field); code != simdjson::SUCCESS) {
    return detail::json_error(code);
  }
  if (const auto code = field.unescaped_key().get(key); code != simdjson::SUCCESS) {
    return detail::json_error(code);
  }
  value = field.value();
  return {};
}

// "model" must be a non-empty string (null and "" count as missing).
Status read_model(JsonValue& value, std::string& out) {
  if (detail::take_null(value)) {
    return detail::missing_error("model");
  }
  auto model = detail::read_string(value, "model");
  if (!model.ok()) {
    return std::move(model).error();
  }
  if (model->empty()) {
    return detail::missing_error("model");
  }
  out.assign(*model);
  return {};
}

// "stream" that is absent, null or not a boolean is false (routers do not validate).
bool read_stream(JsonValue& value) {
  bool stream = false;
  return value.get_bool().get(stream) == simdjson::SUCCESS && stream;
}

// Reads top-level members until `want_stream` is satisfied too; returns the model even when
// "stream" is malformed (routers do not validate).
Result<RequestPeek> peek(std::string_view body, bool want_stream) {
  simdjson::ondemand::document doc;
  simdjson::ondemand::object object;
  if (Status s = detail::open_object(detail::padded_input(body, 0), doc, object); !s.ok()) {
    return std::move(s).error();
  }
  RequestPeek result;
  bool have_model = false;
  bool have_stream = !want_stream;
  for (auto item : object) {
    std::string_view key;
    JsonValue value;
    if (Status s = read_member(std::move(item), key, value); !s.ok()) {
      return std::move(s).error();
    }
    if (key == "model") {
      if (Status s = read_model(value, result.model); !s.ok()) {
        return std::move(s).error();
      }
      have_model = true;
    } else if (want_stream && key == "stream") {
      result.stream = read_stream(value);
      have_stream = true;
    }
    if (have_model && have_stream) {
      return result;
    }
  }
  if (!have_model) {
    return detail::missing_error("model");
  }
  return result;
}

// The raw JSON of `value` (an array, object or scalar token), trailing whitespace trimmed.
Result<std::string_view> raw_value(detail::JsonValue& value) {
  simdjson::ondemand::json_type type;
  if (const auto code = value.type().get(type); code != simdjson::SUCCESS) {
    return detail::json_error(code);
  }
  std::string_view raw;
  simdjson::error_code code = simdjson::SUCCESS;
  if (type == simdjson::ondemand::json_type::array) {
    simdjson::ondemand::array array;
    code = value.get_array().get(array);
    if (code == simdjson::SUCCESS) code = array.raw_json().get(raw);
  } else if (type == simdjson::ondemand::json_type::object) {
    simdjson::ondemand::object object;
    code = value.get_object().get(object);
    if (code == simdjson::SUCCESS) code = object.raw_json().get(raw);
  } else {
    raw = value.raw_json_token();
  }
  if (code != simdjson::SUCCESS) {
    return detail::json_error(code);
  }
  while (!raw.empty() &&
         (raw.back() == ' ' || raw.back() == '\n' || raw.back() == '\r' || raw.back() == '\t')) {
    raw.remove_suffix(1);
  }
  return raw;
}

}  // namespace

Result<std::string> peek_model(std::string_view body) {
  auto result = peek(body, false);
  if (!result.ok()) {
    return std::move(result).error();
  }
  return std::move(result->model);
}

Result<RequestPeek> peek_request(std::string_view body) { return peek(body, true); }

Result<RoutingPeek> peek_routing(std::string_view body, std::size_t capacity) {
  const simdjson::padded_string_view input = detail::padded_input(body, capacity);
  // Views into `input` are rebased onto `body` (input may be a padded copy).
  const auto rebase = [&](std::string_view view) {
    return body.substr(static_cast<std::size_t>(view.data() - input.data()), view.size());
  };
  simdjson::ondemand::document doc;
  simdjson::ondemand::object object;
  if (Status s = detail::open_object(input, doc, object); !s.ok()) {
    return std::move(s).error();
  }
  RoutingPeek result;
  bool have_model = false;
  int prompt_rank = 0;  // 3 messages, 2 prompt, 1 input
  for (auto item : object) {
    std::string_view key;
    JsonValue value;
    if (Status s = read_member(std::move(item), key, value); !s.ok()) {
      return std::move(s).error();
    }
    if (key == "model") {
      std::string_view token = value.raw_json_token();
      while (!token.empty() && token.back() != '"') {
        token.remove_suffix(1);  // trailing whitespace; a non-string fails read_model below
      }
      const std::string_view in_body = rebase(token);
      result.model_offset = static_cast<std::size_t>(in_body.data() - body.data());
      result.model_length = in_body.size();
      if (Status s = read_model(value, result.model); !s.ok()) {
        return std::move(s).error();
      }
      have_model = true;
    } else if (key == "stream") {
      result.stream = read_stream(value);
    } else {
      const int rank = key == "messages" ? 3 : key == "prompt" ? 2 : key == "input" ? 1 : 0;
      if (rank > prompt_rank) {
        auto raw = raw_value(value);
        if (!raw.ok()) {
          return std::move(raw).error();
        }
        result.prompt = rebase(*raw);
        prompt_rank = rank;
      }
    }
  }
  if (!have_model) {
    return detail::missing_error("model");
  }
  return result;
}

}  // namespace sluice::openai
