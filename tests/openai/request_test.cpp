#include "openai/request.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace sluice::openai {
namespace {

CompletionRequest parse_ok(std::string_view body, ApiKind kind = ApiKind::kChat) {
  auto result = parse_completion_request(body, kind);
  EXPECT_TRUE(result.ok()) << (result.ok() ? "" : result.error().message) << "\nbody: " << body;
  return result.ok() ? std::move(result).value() : CompletionRequest{};
}

TEST(ParseChat, MinimalRequestHasDefaults) {
  const auto r = parse_ok(R"({"model":"llama","messages":[{"role":"user","content":"hi"}]})");
  EXPECT_EQ(r.kind, ApiKind::kChat);
  EXPECT_EQ(r.model, "llama");
  EXPECT_FALSE(r.stream);
  EXPECT_FALSE(r.include_usage);
  EXPECT_FALSE(r.continuous_usage);
  EXPECT_FALSE(r.max_tokens.has_value());
  EXPECT_FALSE(r.ignore_eos);
  EXPECT_TRUE(r.stop.empty());
  EXPECT_FALSE(r.temperature.has_value());
  EXPECT_FALSE(r.seed.has_value());
  EXPECT_EQ(r.n, 1u);
  ASSERT_EQ(r.messages.size(), 1u);
  EXPECT_EQ(r.messages[0].role, "user");
  EXPECT_EQ(r.messages[0].content, "hi");
  EXPECT_TRUE(r.prompt.empty());
  EXPECT_TRUE(r.prompt_token_ids.empty());
}

TEST(ParseChat, EveryFieldIsRead) {
  const auto r = parse_ok(R"({
    "model": "m1", "stream": true,
    "stream_options": {"include_usage": true, "continuous_usage_stats": true},
    "max_tokens": 77, "ignore_eos": true, "stop": ["END", "\n\n"], "temperature": 0.25,
    "seed": -9223372036854775808, "n": 1,
    "messages": [
      {"role": "system", "content": "be brief"},
      {"role": "developer", "content": "dev"},
      {"role": "user", "content": [{"type": "text", "text": "part one"},
                                   {"type": "image_url", "image_url": {"url": "http://x/y.png"}},
                                   {"type": "text", "text": "part two"}]},
      {"role": "assistant", "content": null, "tool_calls": [{"id": "c1"}]},
      {"role": "tool", "content": "42", "tool_call_id": "c1"},
      {"role": "function", "content": "f", "name": "fn"}
    ]})");
  EXPECT_EQ(r.model, "m1");
  EXPECT_TRUE(r.stream);
  EXPECT_TRUE(r.include_usage);
  EXPECT_TRUE(r.continuous_usage);
  EXPECT_EQ(r.max_tokens, 77u);
  EXPECT_TRUE(r.ignore_eos);
  EXPECT_EQ(r.stop, (std::vector<std::string>{"END", "\n\n"}));
  EXPECT_DOUBLE_EQ(r.temperature.value_or(-1), 0.25);
  EXPECT_EQ(r.seed, std::numeric_limits<std::int64_t>::min());
  ASSERT_EQ(r.messages.size(), 6u);
  EXPECT_EQ(r.messages[0].role, "system");
  EXPECT_EQ(r.messages[1].role, "developer");
  EXPECT_EQ(r.messages[2].content, "part one\npart two");  // text parts joined, image skipped
  EXPECT_EQ(r.messages[3].role, "assistant");
  EXPECT_EQ(r.messages[3].content, "");
  EXPECT_EQ(r.messages[4].content, "42");
  EXPECT_EQ(r.messages[5].role, "function");
}

TEST(ParseChat, UnknownFieldsOfAnyShapeAreIgnored) {
  const auto r = parse_ok(R"({"tools":[{"type":"function","function":{"name":"f","parameters":
      {"type":"object","properties":{"a":{"type":"array","items":[1,2,{"x":null}]}}}}}],
      "model":"m","logprobs":true,"top_p":0.9,"user":"u","response_format":{"type":"json_object"},
      "messages":[{"role":"user","content":"x","name":"bob"}],"metadata":{"k":"v"}})");
  EXPECT_EQ(r.model, "m");
  EXPECT_EQ(r.messages.size(), 1u);
}

TEST(ParseChat, MaxCompletionTokensWinsOverMaxTokens) {
  const std::string msgs = R"("messages":[{"role":"user","content":"x"}])";
  EXPECT_EQ(parse_ok(R"({"model":"m",)" + msgs + R"(,"max_tokens":5,"max_completion_tokens":9})")
                .max_tokens,
            9u);
  EXPECT_EQ(parse_ok(R"({"model":"m",)" + msgs + R"(,"max_completion_tokens":9,"max_tokens":5})")
                .max_tokens,
            9u);
  EXPECT_EQ(parse_ok(R"({"model":"m",)" + msgs + R"(,"max_tokens":5})").max_tokens, 5u);
  EXPECT_EQ(parse_ok(R"({"model":"m",)" + msgs + R"(,"max_tokens":5,"max_completion_tokens":null})")
                .max_tokens,
            5u);
  EXPECT_EQ(parse_ok(R"({"model":"m",)" + msgs + R"(,"max_tokens":4294967295})").max_tokens,
            4294967295u);
}

TEST(ParseChat, StreamOptionsFollowVllmDefaults) {
  const std::string base =
      R"({"model":"m","messages":[{"role":"user","content":"x"}],"stream":true)";
  // A present stream_options object means include_usage unless it says otherwise (vLLM default).
  EXPECT_TRUE(parse_ok(base + R"(,"stream_options":{}})").include_usage);
  EXPECT_TRUE(parse_ok(base + R"(,"stream_options":{"include_usage":null}})").include_usage);
  EXPECT_FALSE(parse_ok(base + R"(,"stream_options":{"include_usage":false}})").include_usage);
  EXPECT_FALSE(parse_ok(base + R"(,"stream_options":null})").include_usage);
  EXPECT_FALSE(parse_ok(base + "}").include_usage);
  // continuous_usage_stats only counts together with include_usage.
  const auto both = parse_ok(base + R"(,"stream_options":{"continuous_usage_stats":true}})");
  EXPECT_TRUE(both.include_usage);
  EXPECT_TRUE(both.continuous_usage);
  const auto off = parse_ok(
      base + R"(,"stream_options":{"include_usage":false,"continuous_usage_stats":true}})");
  EXPECT_FALSE(off.continuous_usage);
}

TEST(ParseChat, StopAcceptsStringArrayAndNull) {
  const std::string base = R"({"model":"m","messages":[{"role":"user","content":"x"}])";
  EXPECT_EQ(parse_ok(base + R"(,"stop":"\n"})").stop, (std::vector<std::string>{"\n"}));
  EXPECT_TRUE(parse_ok(base + R"(,"stop":[]})").stop.empty());
  EXPECT_TRUE(parse_ok(base + R"(,"stop":null})").stop.empty());
  std::string sixteen = base + R"(,"stop":[)";
  for (int i = 0; i < 16; ++i) {
    sixteen += (i ? ",\"s" : "\"s") + std::to_string(i) + "\"";
  }
  EXPECT_EQ(parse_ok(sixteen + "]}").stop.size(), 16u);
}

TEST(ParseChat, NullMeansNotGiven) {
  const auto r = parse_ok(R"({"model":"m","messages":[{"role":"user","content":"x"}],
      "stream":null,"max_tokens":null,"ignore_eos":null,"temperature":null,"seed":null,"n":null})");
  EXPECT_FALSE(r.stream);
  EXPECT_FALSE(r.max_tokens.has_value());
  EXPECT_FALSE(r.ignore_eos);
  EXPECT_FALSE(r.temperature.has_value());
  EXPECT_FALSE(r.seed.has_value());
  EXPECT_EQ(r.n, 1u);
}

TEST(ParseChat, NumbersAtTheBoundsAreAccepted) {
  const std::string base = R"({"model":"m","messages":[{"role":"user","content":"x"}])";
  EXPECT_DOUBLE_EQ(*parse_ok(base + R"(,"temperature":0})").temperature, 0.0);
  EXPECT_DOUBLE_EQ(*parse_ok(base + R"(,"temperature":2})").temperature, 2.0);
  EXPECT_DOUBLE_EQ(*parse_ok(base + R"(,"temperature":1.5e0})").temperature, 1.5);
  EXPECT_EQ(*parse_ok(base + R"(,"seed":9223372036854775807})").seed,
            std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(parse_ok(base + R"(,"n":1})").n, 1u);
}

TEST(ParseChat, EscapesAreDecodedInKeysAndValues) {
  const auto r = parse_ok(R"({"mod\u0065l":"m\"1","messages":[{"role":"user",)"
                          R"("content":"a\nb\t\u00e9\ud83d\ude00\\"}]})");
  EXPECT_EQ(r.model, "m\"1");
  EXPECT_EQ(r.messages[0].content, "a\nb\t\xC3\xA9\xF0\x9F\x98\x80\\");
}

TEST(ParseChat, DuplicateKeysLastOneWins) {
  const auto r = parse_ok(R"({"model":"a","model":"b","stop":["x","y"],"stop":"z",
      "messages":[{"role":"user","content":"1"}],"messages":[{"role":"user","content":"2"}]})");
  EXPECT_EQ(r.model, "b");
  EXPECT_EQ(r.stop, (std::vector<std::string>{"z"}));
  ASSERT_EQ(r.messages.size(), 1u);
  EXPECT_EQ(r.messages[0].content, "2");
}

TEST(ParseChat, CompletionOnlyFieldsAreIgnoredInChat) {
  const auto r =
      parse_ok(R"({"model":"m","prompt":"ignored","messages":[{"role":"user","content":"x"}]})");
  EXPECT_TRUE(r.prompt.empty());
}

TEST(ParseChat, WhitespaceAroundTheBodyIsFine) {
  EXPECT_EQ(
      parse_ok(" \n\t{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}\n ")
          .model,
      "m");
}

TEST(ParseCompletion, PromptForms) {
  const auto text = parse_ok(R"({"model":"m","prompt":"Once upon"})", ApiKind::kCompletion);
  EXPECT_EQ(text.kind, ApiKind::kCompletion);
  EXPECT_EQ(text.prompt, "Once upon");
  EXPECT_TRUE(text.prompt_token_ids.empty());
  EXPECT_EQ(parse_ok(R"({"model":"m","prompt":["only one"]})", ApiKind::kCompletion).prompt,
            "only one");
  const auto ids = parse_ok(R"({"model":"m","prompt":[1,2,4294967295]})", ApiKind::kCompletion);
  EXPECT_TRUE(ids.prompt.empty());
  EXPECT_EQ(ids.prompt_token_ids, (std::vector<std::uint32_t>{1, 2, 4294967295u}));
  EXPECT_EQ(parse_ok(R"({"model":"m","prompt":[[7,8]]})", ApiKind::kCompletion).prompt_token_ids,
            (std::vector<std::uint32_t>{7, 8}));
}

TEST(ParseCompletion, ChatOnlyFieldsAreIgnored) {
  const auto r =
      parse_ok(R"({"model":"m","prompt":"p","max_completion_tokens":3,"messages":"not checked"})",
               ApiKind::kCompletion);
  EXPECT_FALSE(r.max_tokens.has_value());
  EXPECT_TRUE(r.messages.empty());
}

TEST(ParseCompletion, SharedFieldsAreRead) {
  const auto r = parse_ok(R"({"model":"m","prompt":"p","max_tokens":12,"stream":true,
      "stream_options":{"include_usage":true},"stop":"x","seed":3,"ignore_eos":true})",
                          ApiKind::kCompletion);
  EXPECT_EQ(r.max_tokens, 12u);
  EXPECT_TRUE(r.stream);
  EXPECT_TRUE(r.include_usage);
  EXPECT_EQ(r.stop, (std::vector<std::string>{"x"}));
  EXPECT_EQ(r.seed, 3);
  EXPECT_TRUE(r.ignore_eos);
}

TEST(ParseCapacity, UsesBodyInPlaceOrCopies) {
  std::string body = R"({"model":"m","messages":[{"role":"user","content":"in place"}]})";
  body.reserve(body.size() + 128);
  auto in_place = parse_completion_request(body, body.capacity(), ApiKind::kChat);
  ASSERT_TRUE(in_place.ok());
  EXPECT_EQ(in_place->messages[0].content, "in place");
  // Too little spare capacity falls back to the padded copy and still parses.
  auto copied = parse_completion_request(body, body.size(), ApiKind::kChat);
  ASSERT_TRUE(copied.ok());
  EXPECT_EQ(copied->messages[0].content, "in place");
}

TEST(ParseCapacity, ResultsDoNotAliasTheReusedBuffer) {
  auto first = parse_ok(R"({"model":"first","messages":[{"role":"user","content":"one"}]})");
  auto second = parse_ok(R"({"model":"second","messages":[{"role":"user","content":"two"}]})");
  EXPECT_EQ(first.model, "first");
  EXPECT_EQ(first.messages[0].content, "one");
  EXPECT_EQ(second.model, "second");
}

TEST(Peek, ModelAndStream) {
  EXPECT_EQ(*peek_model(R"({"messages":[{"role":"user","content":"x"}],"model":"m"})"), "m");
  // The rest is not validated.
  EXPECT_EQ(*peek_model(R"({"model":"m","max_tokens":"lots","n":99})"), "m");
  auto p = peek_request(R"({"stream":true,"model":"m"})");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->model, "m");
  EXPECT_TRUE(p->stream);
  EXPECT_FALSE(peek_request(R"({"model":"m"})")->stream);
  EXPECT_FALSE(peek_request(R"({"model":"m","stream":"yes"})")->stream);
  EXPECT_TRUE(peek_request(R"({"model":"m","x":[1,{"y":2}],"stream":true})")->stream);
}

TEST(Peek, Errors) {
  const auto missing = peek_model(R"({"messages":[]})");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(missing.error().field, "model");
  EXPECT_EQ(missing.error().message, "Missing required parameter: 'model'.");
  EXPECT_EQ(peek_model(R"({"model":null})").error().field, "model");
  EXPECT_EQ(peek_model(R"({"model":""})").error().field, "model");
  EXPECT_EQ(peek_model(R"({"model":3})").error().message,
            "Invalid type for 'model': expected a string, but got an integer instead.");
  const auto malformed = peek_model(R"({"model":"m)");
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.error().field, "");
  EXPECT_EQ(peek_model("[1]").error().message, "Invalid request body: expected a JSON object.");
  EXPECT_FALSE(peek_request("").ok());
}

}  // namespace
}  // namespace sluice::openai
