#include "openai/request_content.h"

#include <limits>

namespace sluice::openai::detail {
namespace {

Error empty_prompt_error() { return value_error("prompt", "the prompt must not be empty"); }

Error multiple_prompts_error(std::size_t count) {
  return value_error("prompt",
                     "only a single prompt per request is supported, but got an array of " +
                         std::to_string(count) + " prompts");
}

Status append_token_id(JsonValue& value, std::string_view path,
                       std::vector<std::uint32_t>& token_ids) {
  auto id = read_int(value, path);
  if (!id.ok()) {
    return std::move(id).error();
  }
  if (*id < 0 || *id > std::numeric_limits<std::uint32_t>::max()) {
    return value_error(path,
                       "token id out of range. Expected a value between 0 and 4294967295, "
                       "but got " +
                           std::to_string(*id) + " instead");
  }
  token_ids.push_back(static_cast<std::uint32_t>(*id));
  return {};
}

Result<simdjson::ondemand::json_type> type_of(JsonValue& value) {
  simdjson::ondemand::json_type type;
  if (const auto code = value.type().get(type); code != simdjson::SUCCESS) {
    return json_error(code);
  }
  return type;
}

// One element of a content-part array; appends its text (if it is a text part) to `out`.
Status read_part(JsonValue& part, const std::string& path, std::string& out, bool& first) {
  simdjson::ondemand::object object;
  if (Status s = as_object(part, path, "an object", object); !s.ok()) {
    return s;
  }
  std::string_view type;
  bool has_type = false;
  std::string_view text;
  bool has_text = false;
  std::string_view text_got;  // what a non-string "text" was, reported only for text parts
  Status s = for_each_field(object, [&](std::string_view key, JsonValue& v) -> Status {
    if (key == "type") {
      auto t = read_string(v, path_member(path, "type"));
      if (!t.ok()) {
        return std::move(t).error();
      }
      type = *t;
      has_type = true;
    } else if (key == "text") {
      has_text = false;
      auto kind = type_of(v);
      if (!kind.ok()) {
        return std::move(kind).error();
      }
      if (*kind != simdjson::ondemand::json_type::string) {
        text_got = describe(v);
        return skip_value(v);
      }
      auto t = read_string(v, path_member(path, "text"));
      if (!t.ok()) {
        return std::move(t).error();
      }
      text = *t;
      has_text = true;
      text_got = {};
      return {};
    }
    return skip_value(v);
  });
  if (!s.ok()) {
    return s;
  }
  if (!has_type) {
    return missing_error(path_member(path, "type"));
  }
  if (type != "text") {
    return {};  // image_url, input_audio, file, ...: nothing the simulator can use
  }
  if (!text_got.empty()) {
    return type_error(path_member(path, "text"), "a string", text_got);
  }
  if (!has_text) {
    return missing_error(path_member(path, "text"));
  }
  if (!first) {
    out.push_back('\n');
  }
  out.append(text);
  first = false;
  return {};
}

}  // namespace

Status read_content(JsonValue& value, std::string_view path, std::string& out) {
  auto type = type_of(value);
  if (!type.ok()) {
    return std::move(type).error();
  }
  if (*type == simdjson::ondemand::json_type::string) {
    auto s = read_string(value, path);
    if (!s.ok()) {
      return std::move(s).error();
    }
    out.assign(*s);
    return {};
  }
  simdjson::ondemand::array array;
  if (Status s = as_array(value, path, "a string or an array of content parts", array); !s.ok()) {
    return s;
  }
  out.clear();
  bool first = true;
  return for_each_element(array, [&](std::size_t index, JsonValue& part) {
    return read_part(part, path_index(path, index), out, first);
  });
}

Status read_prompt(JsonValue& value, std::string& text, std::vector<std::uint32_t>& token_ids) {
  auto type = type_of(value);
  if (!type.ok()) {
    return std::move(type).error();
  }
  if (*type == simdjson::ondemand::json_type::string) {
    auto s = read_string(value, "prompt");
    if (!s.ok()) {
      return std::move(s).error();
    }
    if (s->empty()) {
      return empty_prompt_error();
    }
    text.assign(*s);
    return {};
  }
  simdjson::ondemand::array array;
  if (Status s = as_array(value, "prompt", "a string, an array of strings or an array of token ids",
                          array);
      !s.ok()) {
    return s;
  }
  // The first element decides the form: [string], [id, ...] or [[id, ...]].
  enum class Form { kUnknown, kStrings, kIds, kIdLists };
  Form form = Form::kUnknown;
  std::size_t count = 0;
  Status s = for_each_element(array, [&](std::size_t index, JsonValue& v) -> Status {
    const std::string path = path_index("prompt", index);
    if (form == Form::kUnknown) {
      auto kind = type_of(v);
      if (!kind.ok()) {
        return std::move(kind).error();
      }
      switch (*kind) {
        case simdjson::ondemand::json_type::string:
          form = Form::kStrings;
          break;
        case simdjson::ondemand::json_type::number:
          form = Form::kIds;
          break;
        case simdjson::ondemand::json_type::array:
          form = Form::kIdLists;
          break;
        default:
          return type_error(path, "a string, a token id or an array of token ids", v);
      }
    }
    ++count;
    switch (form) {
      case Form::kStrings: {
        auto str = read_string(v, path);
        if (!str.ok()) {
          return std::move(str).error();
        }
        if (count == 1) {
          text.assign(*str);
        }
        return {};
      }
      case Form::kIds:
        return append_token_id(v, path, token_ids);
      case Form::kIdLists: {
        if (count > 1) {
          return skip_value(v);  // only counted: rejected below
        }
        simdjson::ondemand::array inner;
        if (Status a = as_array(v, path, "an array of token ids", inner); !a.ok()) {
          return a;
        }
        return for_each_element(inner, [&](std::size_t j, JsonValue& id) {
          return append_token_id(id, path_index(path, j), token_ids);
        });
      }
      case Form::kUnknown:
        break;
    }
    return {};
  });
  if (!s.ok()) {
    return s;
  }
  if (count > 1 && form != Form::kIds) {
    return multiple_prompts_error(count);
  }
  if (text.empty() && token_ids.empty()) {
    return empty_prompt_error();
  }
  return {};
}

}  // namespace sluice::openai::detail
