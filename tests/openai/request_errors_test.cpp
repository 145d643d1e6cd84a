// Every validation error of parse_completion_request: the JSON path in Error::field and the exact
// OpenAI-style message.
#include "openai/request.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice::openai {
namespace {

struct ErrorCase {
  const char* name;
  ApiKind kind;
  std::string body;
  std::string field;
  std::string message;
};

std::ostream& operator<<(std::ostream& os, const ErrorCase& c) { return os << c.name; }

// A valid chat body plus `extra` members.
std::string chat(const std::string& extra) {
  return R"({"model":"m","messages":[{"role":"user","content":"hi"}],)" + extra + "}";
}
std::string with_messages(const std::string& messages) {
  return R"({"model":"m","messages":)" + messages + "}";
}
std::string completion(const std::string& prompt) {
  return R"({"model":"m","prompt":)" + prompt + "}";
}

std::string many_stops(int n) {
  std::string s = R"("stop":[)";
  for (int i = 0; i < n; ++i) {
    s += (i ? ",\"s" : "\"s") + std::to_string(i) + "\"";
  }
  return s + "]";
}

constexpr ApiKind kChat = ApiKind::kChat;
constexpr ApiKind kText = ApiKind::kCompletion;

// Malformed-JSON messages embed simdjson's wording; the cases match only this prefix.
std::string parse_error() { return "We could not parse the JSON body of your request: *"; }

// Names each instantiated case after ErrorCase::name.
std::string case_name(const ::testing::TestParamInfo<ErrorCase>& param_info) {
  return param_info.param.name;
}

class RequestErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(RequestErrors, ReportsFieldAndMessage) {
  const ErrorCase& c = GetParam();
  const auto result = parse_completion_request(c.body, c.kind);
  ASSERT_FALSE(result.ok()) << c.body;
  EXPECT_EQ(result.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(result.error().field, c.field) << c.body;
  if (c.message.back() == '*') {  // prefix match for messages that embed simdjson's wording
    EXPECT_EQ(result.error().message.substr(0, c.message.size() - 1),
              c.message.substr(0, c.message.size() - 1));
  } else {
    EXPECT_EQ(result.error().message, c.message) << c.body;
  }
}

INSTANTIATE_TEST_SUITE_P(
    Body, RequestErrors,
    ::testing::Values(
        ErrorCase{"truncated", kChat, R"({"model":"m",)", "", parse_error()},
        ErrorCase{"empty", kChat, "", "", parse_error()},
        ErrorCase{"unclosed_string", kChat, R"({"model":"m)", "", parse_error()},
        ErrorCase{"trailing_garbage", kChat, chat(R"("n":1)") + " {}", "", parse_error()},
        ErrorCase{"bad_value_in_ignored_field", kChat, chat(R"("x":[1,2,})"), "", parse_error()},
        ErrorCase{"not_an_object", kChat, "[1,2]", "",
                  "Invalid request body: expected a JSON object."},
        ErrorCase{"scalar", kChat, "\"hello\"", "",
                  "Invalid request body: expected a JSON object."}),
    case_name);

INSTANTIATE_TEST_SUITE_P(
    Model, RequestErrors,
    ::testing::Values(
        ErrorCase{"missing", kChat, R"({"messages":[{"role":"user","content":"x"}]})", "model",
                  "Missing required parameter: 'model'."},
        ErrorCase{"null", kChat, R"({"model":null,"messages":[{"role":"user","content":"x"}]})",
                  "model", "Missing required parameter: 'model'."},
        ErrorCase{"empty", kChat, R"({"model":"","messages":[{"role":"user","content":"x"}]})",
                  "model", "Missing required parameter: 'model'."},
        ErrorCase{"integer", kChat, R"({"model":7,"messages":[]})", "model",
                  "Invalid type for 'model': expected a string, but got an integer instead."},
        ErrorCase{"completion_missing", kText, R"({"prompt":"p"})", "model",
                  "Missing required parameter: 'model'."}),
    case_name);

INSTANTIATE_TEST_SUITE_P(
    Messages, RequestErrors,
    ::testing::Values(
        ErrorCase{"missing", kChat, R"({"model":"m"})", "messages",
                  "Missing required parameter: 'messages'."},
        ErrorCase{"null", kChat, with_messages("null"), "messages",
                  "Missing required parameter: 'messages'."},
        ErrorCase{"string", kChat, with_messages(R"("hi")"), "messages",
                  "Invalid type for 'messages': expected an array, but got a string instead."},
        ErrorCase{"empty", kChat, with_messages("[]"), "messages",
                  "Invalid 'messages': empty array. Expected an array with minimum length 1, but "
                  "got an empty array instead."},
        ErrorCase{"element_not_object", kChat,
                  with_messages(R"([{"role":"user","content":"x"},"hi"])"), "messages[1]",
                  "Invalid type for 'messages[1]': expected an object, but got a string instead."},
        ErrorCase{"missing_role", kChat, with_messages(R"([{"content":"x"}])"), "messages[0].role",
                  "Missing required parameter: 'messages[0].role'."},
        ErrorCase{"role_not_string", kChat, with_messages(R"([{"role":1,"content":"x"}])"),
                  "messages[0].role",
                  "Invalid type for 'messages[0].role': expected a string, but got an integer "
                  "instead."},
        ErrorCase{
            "unknown_role", kChat,
            with_messages(R"([{"role":"user","content":"x"},{"role":"robot","content":"x"}])"),
            "messages[1].role",
            "Invalid value: 'robot'. Supported values are: 'system', 'assistant', 'user', "
            "'function', 'tool', and 'developer'."},
        ErrorCase{"user_without_content", kChat, with_messages(R"([{"role":"user"}])"),
                  "messages[0].content", "Missing required parameter: 'messages[0].content'."},
        ErrorCase{"user_null_content", kChat, with_messages(R"([{"role":"user","content":null}])"),
                  "messages[0].content", "Missing required parameter: 'messages[0].content'."},
        ErrorCase{"content_number", kChat, with_messages(R"([{"role":"user","content":5}])"),
                  "messages[0].content",
                  "Invalid type for 'messages[0].content': expected a string or an array of "
                  "content parts, but got an integer instead."},
        ErrorCase{"part_not_object", kChat,
                  with_messages(R"([{"role":"user","content":[{"type":"text","text":"a"},"b"]}])"),
                  "messages[0].content[1]",
                  "Invalid type for 'messages[0].content[1]': expected an object, but got a "
                  "string instead."},
        ErrorCase{"part_without_type", kChat,
                  with_messages(R"([{"role":"user","content":[{"text":"a"}]}])"),
                  "messages[0].content[0].type",
                  "Missing required parameter: 'messages[0].content[0].type'."},
        ErrorCase{"text_part_without_text", kChat,
                  with_messages(R"([{"role":"user","content":[{"type":"text"}]}])"),
                  "messages[0].content[0].text",
                  "Missing required parameter: 'messages[0].content[0].text'."},
        ErrorCase{"text_part_text_not_string", kChat,
                  with_messages(R"([{"role":"user","content":[{"text":[1],"type":"text"}]}])"),
                  "messages[0].content[0].text",
                  "Invalid type for 'messages[0].content[0].text': expected a string, but got an "
                  "array instead."}),
    case_name);

INSTANTIATE_TEST_SUITE_P(
    Numbers, RequestErrors,
    ::testing::Values(
        ErrorCase{"max_tokens_zero", kChat, chat(R"("max_tokens":0)"), "max_tokens",
                  "Invalid 'max_tokens': integer below minimum value. Expected a value >= 1, but "
                  "got 0 instead."},
        ErrorCase{"max_tokens_negative", kText, R"({"model":"m","prompt":"p","max_tokens":-5})",
                  "max_tokens",
                  "Invalid 'max_tokens': integer below minimum value. Expected a value >= 1, but "
                  "got -5 instead."},
        ErrorCase{"max_tokens_huge", kChat, chat(R"("max_tokens":4294967296)"), "max_tokens",
                  "Invalid 'max_tokens': integer above maximum value. Expected a value <= "
                  "4294967295, but got 4294967296 instead."},
        ErrorCase{"max_tokens_beyond_int64", kChat, chat(R"("max_tokens":99999999999999999999)"),
                  "max_tokens",
                  "Invalid 'max_tokens': integer out of range. Expected a 64-bit integer, but got "
                  "99999999999999999999 instead."},
        ErrorCase{"max_tokens_string", kChat, chat(R"("max_tokens":"10")"), "max_tokens",
                  "Invalid type for 'max_tokens': expected an integer, but got a string instead."},
        ErrorCase{"max_tokens_decimal", kChat, chat(R"("max_tokens":10.5)"), "max_tokens",
                  "Invalid type for 'max_tokens': expected an integer, but got a decimal "
                  "instead."},
        ErrorCase{"max_tokens_exponent", kChat, chat(R"("max_tokens":1e2)"), "max_tokens",
                  "Invalid type for 'max_tokens': expected an integer, but got a decimal "
                  "instead."},
        ErrorCase{"max_completion_tokens_zero", kChat, chat(R"("max_completion_tokens":0)"),
                  "max_completion_tokens",
                  "Invalid 'max_completion_tokens': integer below minimum value. Expected a value "
                  ">= 1, but got 0 instead."},
        ErrorCase{"temperature_negative", kChat, chat(R"("temperature":-0.5)"), "temperature",
                  "Invalid 'temperature': decimal below minimum value. Expected a value >= 0, but "
                  "got -0.5 instead."},
        ErrorCase{"temperature_high", kChat, chat(R"("temperature":2.5)"), "temperature",
                  "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but "
                  "got 2.5 instead."},
        ErrorCase{"temperature_string", kChat, chat(R"("temperature":"hot")"), "temperature",
                  "Invalid type for 'temperature': expected a number, but got a string instead."},
        ErrorCase{"seed_decimal", kChat, chat(R"("seed":1.5)"), "seed",
                  "Invalid type for 'seed': expected an integer, but got a decimal instead."},
        ErrorCase{"seed_object", kChat, chat(R"("seed":{})"), "seed",
                  "Invalid type for 'seed': expected an integer, but got an object instead."},
        ErrorCase{"n_two", kChat, chat(R"("n":2)"), "n",
                  "Invalid 'n': only n=1 is supported by this server, but got 2."},
        ErrorCase{"n_zero", kText, R"({"model":"m","prompt":"p","n":0})", "n",
                  "Invalid 'n': integer below minimum value. Expected a value >= 1, but got 0 "
                  "instead."}),
    case_name);

INSTANTIATE_TEST_SUITE_P(
    Flags, RequestErrors,
    ::testing::Values(
        ErrorCase{"stream_string", kChat, chat(R"("stream":"yes")"), "stream",
                  "Invalid type for 'stream': expected a boolean, but got a string instead."},
        ErrorCase{"ignore_eos_number", kChat, chat(R"("ignore_eos":1)"), "ignore_eos",
                  "Invalid type for 'ignore_eos': expected a boolean, but got an integer "
                  "instead."},
        ErrorCase{"stream_options_without_stream", kChat,
                  chat(R"("stream_options":{"include_usage":true})"), "stream_options",
                  "Stream options can only be defined when `stream=True`."},
        ErrorCase{"stream_options_string", kChat, chat(R"("stream":true,"stream_options":"x")"),
                  "stream_options",
                  "Invalid type for 'stream_options': expected an object, but got a string "
                  "instead."},
        ErrorCase{"include_usage_string", kChat,
                  chat(R"("stream":true,"stream_options":{"include_usage":"yes"})"),
                  "stream_options.include_usage",
                  "Invalid type for 'stream_options.include_usage': expected a boolean, but got a "
                  "string instead."},
        ErrorCase{"continuous_usage_number", kChat,
                  chat(R"("stream":true,"stream_options":{"continuous_usage_stats":1})"),
                  "stream_options.continuous_usage_stats",
                  "Invalid type for 'stream_options.continuous_usage_stats': expected a boolean, "
                  "but got an integer instead."}),
    case_name);

INSTANTIATE_TEST_SUITE_P(
    Stop, RequestErrors,
    ::testing::Values(
        ErrorCase{"empty_string", kChat, chat(R"("stop":"")"), "stop",
                  "Invalid 'stop': stop cannot contain an empty string."},
        ErrorCase{"empty_element", kChat, chat(R"("stop":["a",""])"), "stop[1]",
                  "Invalid 'stop[1]': stop cannot contain an empty string."},
        ErrorCase{"element_number", kChat, chat(R"("stop":[1])"), "stop[0]",
                  "Invalid type for 'stop[0]': expected a string, but got an integer instead."},
        ErrorCase{"object", kChat, chat(R"("stop":{})"), "stop",
                  "Invalid type for 'stop': expected a string or an array of strings, but got an "
                  "object instead."},
        ErrorCase{"too_many", kChat, chat(many_stops(17)), "stop",
                  "Invalid 'stop': array too long. Expected an array with maximum length 16, but "
                  "got an array with length 17 instead."}),
    case_name);

INSTANTIATE_TEST_SUITE_P(
    Prompt, RequestErrors,
    ::testing::Values(
        ErrorCase{"missing", kText, R"({"model":"m"})", "prompt",
                  "Missing required parameter: 'prompt'."},
        ErrorCase{"null", kText, completion("null"), "prompt",
                  "Missing required parameter: 'prompt'."},
        ErrorCase{"empty_string", kText, completion(R"("")"), "prompt",
                  "Invalid 'prompt': the prompt must not be empty."},
        ErrorCase{"empty_array", kText, completion("[]"), "prompt",
                  "Invalid 'prompt': the prompt must not be empty."},
        ErrorCase{"empty_token_list", kText, completion("[[]]"), "prompt",
                  "Invalid 'prompt': the prompt must not be empty."},
        ErrorCase{"number", kText, completion("5"), "prompt",
                  "Invalid type for 'prompt': expected a string, an array of strings or an array "
                  "of token ids, but got an integer instead."},
        ErrorCase{"two_strings", kText, completion(R"(["a","b"])"), "prompt",
                  "Invalid 'prompt': only a single prompt per request is supported, but got an "
                  "array of 2 prompts."},
        ErrorCase{"two_token_lists", kText, completion("[[1],[2],[3]]"), "prompt",
                  "Invalid 'prompt': only a single prompt per request is supported, but got an "
                  "array of 3 prompts."},
        ErrorCase{"mixed", kText, completion(R"([1,"a"])"), "prompt[1]",
                  "Invalid type for 'prompt[1]': expected an integer, but got a string instead."},
        ErrorCase{"bool_element", kText, completion("[true]"), "prompt[0]",
                  "Invalid type for 'prompt[0]': expected a string, a token id or an array of "
                  "token ids, but got a boolean instead."},
        ErrorCase{"negative_id", kText, completion("[-1]"), "prompt[0]",
                  "Invalid 'prompt[0]': token id out of range. Expected a value between 0 and "
                  "4294967295, but got -1 instead."},
        ErrorCase{"nested_bad_id", kText, completion("[[1,-2]]"), "prompt[0][1]",
                  "Invalid 'prompt[0][1]': token id out of range. Expected a value between 0 and "
                  "4294967295, but got -2 instead."}),
    case_name);

TEST(RequestErrorOrder, FirstBadFieldInDocumentOrderIsReported) {
  const auto result = parse_completion_request(
      R"({"model":"m","max_tokens":0,"temperature":9,"messages":[{"role":"user","content":"x"}]})",
      ApiKind::kChat);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().field, "max_tokens");
}

}  // namespace
}  // namespace sluice::openai
