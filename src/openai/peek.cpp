// peek_model / peek_request: routers need only "model" (and "stream") and must not pay for
// validating the rest, so these stop reading as soon as they have what they need.
#include "openai/json_reader.h"
#include "openai/request.h"

namespace sluice::openai {
namespace {

using detail::JsonValue;

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
    simdjson::ondemand::field field;
    if (const auto code = std::move(item).get(field); code != simdjson::SUCCESS) {
      return detail::json_error(code);
    }
    std::string_view key;
    if (const auto code = field.unescaped_key().get(key); code != simdjson::SUCCESS) {
      return detail::json_error(code);
    }
    JsonValue value = field.value();
    if (key == "model") {
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
      result.model.assign(*model);
      have_model = true;
    } else if (want_stream && key == "stream") {
      bool stream = false;
      result.stream = value.get_bool().get(stream) == simdjson::SUCCESS && stream;
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

}  // namespace

Result<std::string> peek_model(std::string_view body) {
  auto result = peek(body, false);
  if (!result.ok()) {
    return std::move(result).error();
  }
  return std::move(result->model);
}

Result<RequestPeek> peek_request(std::string_view body) { return peek(body, true); }

}  // namespace sluice::openai
