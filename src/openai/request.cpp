#include "openai/request.h"

#include "openai/json_reader.h"
#include "openai/request_content.h"

#include <array>
#include <limits>

namespace sluice::openai {
namespace {

using detail::JsonValue;

constexpr std::array<std::string_view, 6> kRoles = {"system",   "assistant", "user",
                                                    "function", "tool",      "developer"};

Error role_error(std::string_view field, std::string_view role) {
  std::string message = "Invalid value: '";
  message.append(role);
  message.append(
      "'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and "
      "'developer'.");
  return make_error(ErrorCode::kInvalidArgument, std::move(message), std::string(field));
}

Error below_minimum(std::string_view field, std::string_view kind, std::string_view minimum,
                    std::string_view got) {
  return detail::value_error(
      field, std::string(kind) + " below minimum value. Expected a value >= " +
                 std::string(minimum) + ", but got " + std::string(got) + " instead");
}

Error above_maximum(std::string_view field, std::string_view kind, std::string_view maximum,
                    std::string_view got) {
  return detail::value_error(
      field, std::string(kind) + " above maximum value. Expected a value <= " +
                 std::string(maximum) + ", but got " + std::string(got) + " instead");
}

// One pass over the top-level object; cross-field rules are applied in finish().
class RequestParser {
 public:
  explicit RequestParser(ApiKind kind) { request_.kind = kind; }

  Result<CompletionRequest> run(simdjson::padded_string_view input) {
    simdjson::ondemand::document doc;
    simdjson::ondemand::object object;
    if (Status s = detail::open_object(input, doc, object); !s.ok()) {
      return std::move(s).error();
    }
    Status status = detail::for_each_field(
        object, [this](std::string_view key, JsonValue& value) { return on_field(key, value); });
    if (!status.ok()) {
      return std::move(status).error();
    }
    if (Status end = detail::expect_end(doc); !end.ok()) {
      return std::move(end).error();
    }
    if (Status done = finish(); !done.ok()) {
      return std::move(done).error();
    }
    return std::move(request_);
  }

 private:
  Status on_field(std::string_view key, JsonValue& value) {
    if (key == "model") {
      return parse_model(value);
    }
    if (key == "stream") {
      return parse_optional_bool(value, "stream", request_.stream);
    }
    if (key == "stream_options") {
      return parse_stream_options(value);
    }
    if (key == "max_tokens") {
      return parse_max_tokens(value, "max_tokens", max_tokens_);
    }
    if (key == "ignore_eos") {
      return parse_optional_bool(value, "ignore_eos", request_.ignore_eos);
    }
    if (key == "stop") {
      return parse_stop(value);
    }
    if (key == "temperature") {
      return parse_temperature(value);
    }
    if (key == "seed") {
      return parse_seed(value);
    }
    if (key == "n") {
      return parse_n(value);
    }
    if (request_.kind == ApiKind::kChat) {
      if (key == "messages") {
        return parse_messages(value);
      }
      if (key == "max_completion_tokens") {
        return parse_max_tokens(value, "max_completion_tokens", max_completion_tokens_);
      }
    } else if (key == "prompt") {
      return parse_prompt(value);
    }
    // Unknown fields are ignored, as vLLM ignores them, but must still be well-formed JSON.
    return detail::skip_value(value);
  }

  Status parse_model(JsonValue& value) {
    request_.model.clear();
    if (detail::take_null(value)) {
      return {};
    }
    auto s = detail::read_string(value, "model");
    if (!s.ok()) {
      return std::move(s).error();
    }
    request_.model.assign(*s);
    return {};
  }

  static Status parse_optional_bool(JsonValue& value, std::string_view field, bool& out) {
    out = false;
    if (detail::take_null(value)) {
      return {};
    }
    auto b = detail::read_bool(value, field);
    if (!b.ok()) {
      return std::move(b).error();
    }
    out = *b;
    return {};
  }

  Status parse_stream_options(JsonValue& value) {
    stream_options_present_ = false;
    if (detail::take_null(value)) {
      return {};
    }
    simdjson::ondemand::object object;
    if (Status s = detail::as_object(value, "stream_options", "an object", object); !s.ok()) {
      return s;
    }
    stream_options_present_ = true;
    include_usage_option_ = true;  // vLLM's StreamOptions.include_usage defaults to True
    continuous_usage_option_ = false;
    return detail::for_each_field(object, [this](std::string_view key, JsonValue& v) -> Status {
      if (key == "include_usage") {
        if (detail::take_null(v)) {
          include_usage_option_ = true;
          return {};
        }
        auto b = detail::read_bool(v, "stream_options.include_usage");
        if (!b.ok()) {
          return std::move(b).error();
        }
        include_usage_option_ = *b;
        return {};
      }
      if (key == "continuous_usage_stats") {
        return parse_optional_bool(v, "stream_options.continuous_usage_stats",
                                   continuous_usage_option_);
      }
      return detail::skip_value(v);
    });
  }

  static Status parse_max_tokens(JsonValue& value, std::string_view field,
                                 std::optional<std::uint32_t>& out) {
    out.reset();
    if (detail::take_null(value)) {
      return {};
    }
    auto i = detail::read_int(value, field);
    if (!i.ok()) {
      return std::move(i).error();
    }
    if (*i < 1) {
      return below_minimum(field, "integer", "1", std::to_string(*i));
    }
    if (*i > std::numeric_limits<std::uint32_t>::max()) {
      return above_maximum(field, "integer", "4294967295", std::to_string(*i));
    }
    out = static_cast<std::uint32_t>(*i);
    return {};
  }

  Status parse_stop(JsonValue& value) {
    request_.stop.clear();
    if (detail::take_null(value)) {
      return {};
    }
    simdjson::ondemand::json_type type;
    if (const auto code = value.type().get(type); code != simdjson::SUCCESS) {
      return detail::json_error(code);
    }
    if (type == simdjson::ondemand::json_type::string) {
      return add_stop(value, "stop");
    }
    simdjson::ondemand::array array;
    if (Status s = detail::as_array(value, "stop", "a string or an array of strings", array);
        !s.ok()) {
      return s;
    }
    std::size_t count = 0;
    Status s = detail::for_each_element(array, [&](std::size_t index, JsonValue& v) -> Status {
      ++count;
      if (index >= kMaxStopStrings) {
        return detail::skip_value(v);  // only counted, for the message below
      }
      return add_stop(v, detail::path_index("stop", index));
    });
    if (!s.ok()) {
      return s;
    }
    if (count > kMaxStopStrings) {
      return detail::value_error("stop", "array too long. Expected an array with maximum length " +
                                             std::to_string(kMaxStopStrings) +
                                             ", but got an array with length " +
                                             std::to_string(count) + " instead");
    }
    return {};
  }

  Status add_stop(JsonValue& value, std::string_view field) {
    auto s = detail::read_string(value, field);
    if (!s.ok()) {
      return std::move(s).error();
    }
    if (s->empty()) {
      // vLLM's SamplingParams rejects empty stop strings with this wording.
      return detail::value_error(field, "stop cannot contain an empty string");
    }
    request_.stop.emplace_back(*s);
    return {};
  }

  Status parse_temperature(JsonValue& value) {
    request_.temperature.reset();
    if (detail::take_null(value)) {
      return {};
    }
    auto d = detail::read_number(value, "temperature");
    if (!d.ok()) {
      return std::move(d).error();
    }
    if (*d < 0) {
      return below_minimum("temperature", "decimal", "0", detail::raw_token(value));
    }
    if (*d > 2) {
      return above_maximum("temperature", "decimal", "2", detail::raw_token(value));
    }
    request_.temperature = *d;
    return {};
  }

  Status parse_seed(JsonValue& value) {
    request_.seed.reset();
    if (detail::take_null(value)) {
      return {};
    }
    auto i = detail::read_int(value, "seed");
    if (!i.ok()) {
      return std::move(i).error();
    }
    request_.seed = *i;
    return {};
  }

  Status parse_n(JsonValue& value) {
    request_.n = 1;
    if (detail::take_null(value)) {
      return {};
    }
    auto i = detail::read_int(value, "n");
    if (!i.ok()) {
      return std::move(i).error();
    }
    if (*i < 1) {
      return below_minimum("n", "integer", "1", std::to_string(*i));
    }
    if (*i > 1) {
      return detail::value_error(
          "n", "only n=1 is supported by this server, but got " + std::to_string(*i));
    }
    return {};
  }

  Status parse_messages(JsonValue& value) {
    request_.messages.clear();
    messages_seen_ = false;
    if (detail::take_null(value)) {
      return {};
    }
    simdjson::ondemand::array array;
    if (Status s = detail::as_array(value, "messages", "an array", array); !s.ok()) {
      return s;
    }
    messages_seen_ = true;
    Status s = detail::for_each_element(
        array, [this](std::size_t index, JsonValue& v) { return parse_message(v, index); });
    if (!s.ok()) {
      return s;
    }
    if (request_.messages.empty()) {
      return detail::value_error(
          "messages",
          "empty array. Expected an array with minimum length 1, but got an empty array instead");
    }
    return {};
  }

  Status parse_message(JsonValue& value, std::size_t index) {
    const std::string path = detail::path_index("messages", index);
    simdjson::ondemand::object object;
    if (Status s = detail::as_object(value, path, "an object", object); !s.ok()) {
      return s;
    }
    ChatMessage message;
    bool has_role = false;
    bool has_content = false;
    Status s = detail::for_each_field(object, [&](std::string_view key, JsonValue& v) -> Status {
      if (key == "role") {
        auto role = detail::read_string(v, detail::path_member(path, "role"));
        if (!role.ok()) {
          return std::move(role).error();
        }
        message.role.assign(*role);
        has_role = true;
        return {};
      }
      if (key == "content") {
        message.content.clear();
        has_content = false;
        if (detail::take_null(v)) {
          return {};
        }
        if (Status c =
                detail::read_content(v, detail::path_member(path, "content"), message.content);
            !c.ok()) {
          return c;
        }
        has_content = true;
        return {};
      }
      return detail::skip_value(v);
    });
    if (!s.ok()) {
      return s;
    }
    if (!has_role) {
      return detail::missing_error(detail::path_member(path, "role"));
    }
    bool known = false;
    for (const auto role : kRoles) {
      known = known || role == message.role;
    }
    if (!known) {
      return role_error(detail::path_member(path, "role"), message.role);
    }
    // An assistant turn may carry only tool calls, so its content may be absent or null.
    if (!has_content && message.role != "assistant") {
      return detail::missing_error(detail::path_member(path, "content"));
    }
    request_.messages.push_back(std::move(message));
    return {};
  }

  Status parse_prompt(JsonValue& value) {
    request_.prompt.clear();
    request_.prompt_token_ids.clear();
    prompt_seen_ = false;
    if (detail::take_null(value)) {
      return {};
    }
    if (Status s = detail::read_prompt(value, request_.prompt, request_.prompt_token_ids);
        !s.ok()) {
      return s;
    }
    prompt_seen_ = true;
    return {};
  }

  Status finish() {
    if (request_.model.empty()) {
      return detail::missing_error("model");
    }
    if (request_.kind == ApiKind::kChat && !messages_seen_) {
      return detail::missing_error("messages");
    }
    if (request_.kind == ApiKind::kCompletion && !prompt_seen_) {
      return detail::missing_error("prompt");
    }
    if (stream_options_present_ && !request_.stream) {
      return make_error(ErrorCode::kInvalidArgument,
                        "Stream options can only be defined when `stream=True`.", "stream_options");
    }
    request_.max_tokens = max_completion_tokens_ ? max_completion_tokens_ : max_tokens_;
    request_.include_usage = stream_options_present_ && include_usage_option_;
    request_.continuous_usage = request_.include_usage && continuous_usage_option_;
    return {};
  }

  CompletionRequest request_;
  std::optional<std::uint32_t> max_tokens_;
  std::optional<std::uint32_t> max_completion_tokens_;
  bool stream_options_present_ = false;
  bool include_usage_option_ = false;
  bool continuous_usage_option_ = false;
  bool messages_seen_ = false;
  bool prompt_seen_ = false;
};

}  // namespace

Result<CompletionRequest> parse_completion_request(std::string_view body, ApiKind kind) {
  return parse_completion_request(body, 0, kind);
}

Result<CompletionRequest> parse_completion_request(std::string_view body, std::size_t capacity,
                                                   ApiKind kind) {
  return RequestParser(kind).run(detail::padded_input(body, capacity));
}

}  // namespace sluice::openai
