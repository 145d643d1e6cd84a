// Response bodies compared with vLLM's shapes: exact bytes for one example of each body (what a
// client diffing us against vLLM would see), then field by field through an independent parser.
#include "openai/response.h"

#include "openai/allocation_counter.h"
#include "openai/test_json.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace sluice::openai {
namespace {

using testing::keys_of;
using testing::parse_json;
using testing::sse_payloads;
using testing::str;
using Keys = std::vector<std::string>;

ResponseMeta meta(ApiKind kind) {
  ResponseMeta m;
  m.id = kind == ApiKind::kChat ? "chatcmpl-abc" : "cmpl-abc";
  m.model = "llama";
  m.created = 1700000000;
  m.kind = kind;
  return m;
}

TEST(RequestId, HasVllmPrefixAnd32HexDigits) {
  for (const auto kind : {ApiKind::kChat, ApiKind::kCompletion}) {
    const std::string id = make_request_id(kind, 12345);
    const std::string prefix = kind == ApiKind::kChat ? "chatcmpl-" : "cmpl-";
    ASSERT_EQ(id.substr(0, prefix.size()), prefix);
    const std::string hex = id.substr(prefix.size());
    EXPECT_EQ(hex.size(), 32u);
    EXPECT_EQ(hex.find_first_not_of("0123456789abcdef"), std::string::npos) << id;
  }
  EXPECT_EQ(make_request_id(ApiKind::kChat, 7), make_request_id(ApiKind::kChat, 7));
}

TEST(RequestId, DistinctInputsGiveDistinctIds) {
  std::set<std::string> seen;
  for (std::uint64_t n = 0; n < 100000; ++n) {
    seen.insert(make_request_id(ApiKind::kCompletion, n));
  }
  EXPECT_EQ(seen.size(), 100000u);
}

TEST(CompletionBody, ChatMatchesVllmBytes) {
  EXPECT_EQ(
      completion_body(meta(ApiKind::kChat), " the data", "length", Usage{11, 2, 0}),
      R"({"id":"chatcmpl-abc","object":"chat.completion","created":1700000000,"model":"llama",)"
      R"("choices":[{"index":0,"message":{"role":"assistant","content":" the data",)"
      R"("refusal":null,"annotations":null,"audio":null,"function_call":null,"tool_calls":[],)"
      R"("reasoning_content":null},"logprobs":null,"finish_reason":"length","stop_reason":null}],)"
      R"("service_tier":null,"system_fingerprint":null,"usage":{"prompt_tokens":11,)"
      R"("total_tokens":13,"completion_tokens":2,"prompt_tokens_details":null},)"
      R"("prompt_logprobs":null,"kv_transfer_params":null})");
}

TEST(CompletionBody, ChatFieldByField) {
  const std::string body =
      completion_body(meta(ApiKind::kChat), "hi", "stop", Usage{100, 5, 64}, "END");
  simdjson::dom::parser parser;
  const auto doc = parse_json(parser, body);
  EXPECT_EQ(keys_of(doc),
            (Keys{"id", "object", "created", "model", "choices", "service_tier",
                  "system_fingerprint", "usage", "prompt_logprobs", "kv_transfer_params"}));
  EXPECT_EQ(str(doc["object"]), "chat.completion");
  EXPECT_EQ(std::int64_t(doc["created"]), 1700000000);
  const auto choice = doc["choices"].at(0);
  EXPECT_EQ(keys_of(choice),
            (Keys{"index", "message", "logprobs", "finish_reason", "stop_reason"}));
  EXPECT_EQ(keys_of(choice["message"]), (Keys{"role", "content", "refusal", "annotations", "audio",
                                              "function_call", "tool_calls", "reasoning_content"}));
  EXPECT_EQ(str(choice["message"]["content"]), "hi");
  EXPECT_EQ(str(choice["finish_reason"]), "stop");
  EXPECT_EQ(str(choice["stop_reason"]), "END");
  EXPECT_EQ(simdjson::dom::array(choice["message"]["tool_calls"]).size(), 0u);
  const auto usage = doc["usage"];
  EXPECT_EQ(keys_of(usage),
            (Keys{"prompt_tokens", "total_tokens", "completion_tokens", "prompt_tokens_details"}));
  EXPECT_EQ(std::uint64_t(usage["total_tokens"]), 105u);
  EXPECT_EQ(std::uint64_t(usage["prompt_tokens_details"]["cached_tokens"]), 64u);
}

TEST(CompletionBody, TextCompletionFieldByField) {
  const std::string body =
      completion_body(meta(ApiKind::kCompletion), " once", "length", Usage{3, 1, 0});
  EXPECT_EQ(body,
            R"({"id":"cmpl-abc","object":"text_completion","created":1700000000,"model":"llama",)"
            R"("choices":[{"index":0,"text":" once","logprobs":null,"finish_reason":"length",)"
            R"("stop_reason":null,"prompt_logprobs":null}],"service_tier":null,)"
            R"("system_fingerprint":null,"usage":{"prompt_tokens":3,"total_tokens":4,)"
            R"("completion_tokens":1,"prompt_tokens_details":null},"kv_transfer_params":null})");
  simdjson::dom::parser parser;
  const auto doc = parse_json(parser, body);
  EXPECT_EQ(keys_of(doc["choices"].at(0)),
            (Keys{"index", "text", "logprobs", "finish_reason", "stop_reason", "prompt_logprobs"}));
}

TEST(CompletionBody, EscapesTextAndModel) {
  ResponseMeta m = meta(ApiKind::kChat);
  m.model = "org/\"model\"";
  const std::string text =
      "quote \" backslash \\ newline \n ctrl \x01 utf8 \xC3\xA9\xF0\x9F\x98\x80";
  simdjson::dom::parser parser;
  const auto doc = parse_json(parser, completion_body(m, text, "stop", Usage{}));
  EXPECT_EQ(str(doc["model"]), m.model);
  EXPECT_EQ(str(doc["choices"].at(0)["message"]["content"]), text);
}

TEST(ChatStream, ChunksMatchVllmBytes) {
  const ResponseMeta m = meta(ApiKind::kChat);
  const std::string head =
      R"(data: {"id":"chatcmpl-abc","object":"chat.completion.chunk","created":1700000000,)"
      R"("model":"llama","choices":[)";
  std::string out;
  append_role_chunk(out, m);
  EXPECT_EQ(out, head +
                     R"({"index":0,"delta":{"role":"assistant","content":""},)"
                     R"("logprobs":null,"finish_reason":null}]})" +
                     "\n\n");
  out.clear();
  append_content_chunk(out, m, " the");
  EXPECT_EQ(out, head +
                     R"({"index":0,"delta":{"content":" the"},"logprobs":null,)"
                     R"("finish_reason":null}]})" +
                     "\n\n");
  out.clear();
  append_finish_chunk(out, m, "stop");
  EXPECT_EQ(out, head +
                     R"({"index":0,"delta":{"content":""},"logprobs":null,)"
                     R"("finish_reason":"stop","stop_reason":null}]})" +
                     "\n\n");
  out.clear();
  append_usage_chunk(out, m, Usage{10, 3, 0});
  EXPECT_EQ(out, head +
                     R"(],"usage":{"prompt_tokens":10,"total_tokens":13,)"
                     R"("completion_tokens":3}})" +
                     "\n\n");
  out.clear();
  append_done(out);
  EXPECT_EQ(out, "data: [DONE]\n\n");
}

TEST(ChatStream, FullStreamParsesEventByEvent) {
  const ResponseMeta m = meta(ApiKind::kChat);
  std::string out = "kept: ";  // builders append, never overwrite
  append_role_chunk(out, m);
  append_content_chunk(out, m, " a \"quoted\"");
  append_content_chunk(out, m, " line\n");
  append_finish_chunk(out, m, "length", " last", "");
  append_usage_chunk(out, m, Usage{7, 4, 5});
  append_done(out);
  ASSERT_EQ(out.substr(0, 6), "kept: ");
  const auto events = sse_payloads(std::string_view(out).substr(6));
  ASSERT_EQ(events.size(), 6u);
  EXPECT_EQ(events.back(), "[DONE]");
  std::string text;
  simdjson::dom::parser parser;
  for (std::size_t i = 0; i < 4; ++i) {
    const auto doc = parse_json(parser, events[i]);
    EXPECT_EQ(keys_of(doc), (Keys{"id", "object", "created", "model", "choices"}));
    EXPECT_EQ(str(doc["id"]), "chatcmpl-abc");
    EXPECT_EQ(str(doc["object"]), "chat.completion.chunk");
    const auto choice = doc["choices"].at(0);
    std::string_view piece;
    if (choice["delta"]["content"].get(piece) == simdjson::SUCCESS) {
      text += piece;
    }
    EXPECT_EQ(choice["finish_reason"].is_null(), i < 3);
  }
  EXPECT_EQ(text, " a \"quoted\" line\n last");
  const auto usage_doc = parse_json(parser, events[4]);
  EXPECT_EQ(simdjson::dom::array(usage_doc["choices"]).size(), 0u);
  EXPECT_EQ(keys_of(usage_doc["usage"]),
            (Keys{"prompt_tokens", "total_tokens", "completion_tokens", "prompt_tokens_details"}));
  EXPECT_EQ(std::uint64_t(usage_doc["usage"]["prompt_tokens_details"]["cached_tokens"]), 5u);
}

TEST(ChatStream, ContinuousUsageAddsThreeCounts) {
  const ResponseMeta m = meta(ApiKind::kChat);
  const Usage running{9, 2, 4};
  std::string out;
  append_content_chunk(out, m, "x", &running);
  simdjson::dom::parser parser;
  const auto doc = parse_json(parser, sse_payloads(out).at(0));
  EXPECT_EQ(keys_of(doc), (Keys{"id", "object", "created", "model", "choices", "usage"}));
  EXPECT_EQ(keys_of(doc["usage"]), (Keys{"prompt_tokens", "total_tokens", "completion_tokens"}));
  EXPECT_EQ(std::uint64_t(doc["usage"]["total_tokens"]), 11u);
}

TEST(CompletionStream, ChunksMatchVllmBytes) {
  const ResponseMeta m = meta(ApiKind::kCompletion);
  const std::string head =
      R"(data: {"id":"cmpl-abc","object":"text_completion","created":1700000000,)"
      R"("model":"llama","choices":[)";
  std::string out;
  append_role_chunk(out, m);
  EXPECT_EQ(out, "") << "completions have no role chunk";
  append_content_chunk(out, m, " the");
  EXPECT_EQ(out, head +
                     R"({"index":0,"text":" the","logprobs":null,"finish_reason":null,)"
                     R"("stop_reason":null}],"usage":null})" +
                     "\n\n");
  out.clear();
  append_finish_chunk(out, m, "stop", " end", "\n\n");
  EXPECT_EQ(out, head +
                     R"({"index":0,"text":" end","logprobs":null,"finish_reason":"stop",)"
                     R"("stop_reason":"\n\n"}],"usage":null})" +
                     "\n\n");
  out.clear();
  const Usage running{4, 1, 0};
  append_content_chunk(out, m, "x", &running);
  EXPECT_EQ(out, head +
                     R"({"index":0,"text":"x","logprobs":null,"finish_reason":null,)"
                     R"("stop_reason":null}],"usage":{"prompt_tokens":4,"total_tokens":5,)"
                     R"("completion_tokens":1,"prompt_tokens_details":null}})" +
                     "\n\n");
  out.clear();
  append_usage_chunk(out, m, Usage{4, 2, 0});
  EXPECT_EQ(out, head +
                     R"(],"usage":{"prompt_tokens":4,"total_tokens":6,)"
                     R"("completion_tokens":2}})" +
                     "\n\n");
}

TEST(FinishChunk, EmptyFinishReasonFallsBackToStop) {
  std::string out;
  append_finish_chunk(out, meta(ApiKind::kChat), "");
  simdjson::dom::parser parser;
  const auto doc = parse_json(parser, sse_payloads(out).at(0));
  EXPECT_EQ(str(doc["choices"].at(0)["finish_reason"]), "stop");
}

TEST(ChunkBuilders, DoNotAllocateWhenOutHasRoom) {
  const ResponseMeta m = meta(ApiKind::kChat);
  const Usage usage{1, 2, 3};
  std::string out;
  out.reserve(8192);
  const char* data = out.data();
  const std::size_t before = testing::allocation_count();
  for (int i = 0; i < 4; ++i) {
    append_role_chunk(out, m, &usage);
    append_content_chunk(out, m, " word \"q\" \xC3\xA9", &usage);
    append_finish_chunk(out, m, "length", " w", "stop", &usage);
    append_usage_chunk(out, m, usage);
    append_done(out);
  }
  EXPECT_EQ(testing::allocation_count(), before);
  EXPECT_EQ(out.data(), data);
}

TEST(ChunkBuilders, ReserveOnceThenAppendWithoutGrowing) {
  // Starting from an empty string each builder allocates at most once (its single reserve).
  const ResponseMeta m = meta(ApiKind::kCompletion);
  const std::string long_text(5000, 'x');
  std::string out;
  const std::size_t before = testing::allocation_count();
  append_content_chunk(out, m, long_text);
  EXPECT_LE(testing::allocation_count() - before, 1u);
}

}  // namespace
}  // namespace sluice::openai
