#include "bench/driver/stream_chunk.h"

#include <gtest/gtest.h>

namespace sluice::bench {
namespace {

TEST(StreamChunk, ChatContentAndRoleOnlyChunks) {
  auto content = parse_stream_chunk(
      R"({"id":"x","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":" hi"},"finish_reason":null}]})");
  ASSERT_TRUE(content.ok());
  EXPECT_TRUE(content->has_content);
  EXPECT_EQ(content->content_tokens, 1u);
  auto two = parse_stream_chunk(R"({"choices":[{"index":0,"delta":{"content":" the model"}}]})");
  ASSERT_TRUE(two.ok());
  EXPECT_EQ(two->content_tokens, 2u) << "a chunk carrying two words is two tokens";
  auto role =
      parse_stream_chunk(R"({"choices":[{"index":0,"delta":{"role":"assistant","content":""}}]})");
  ASSERT_TRUE(role.ok());
  EXPECT_FALSE(role->has_content) << "role-only chunks are not tokens";
  EXPECT_EQ(role->content_tokens, 0u);
}

TEST(StreamChunk, CompletionsTextAndUsage) {
  auto text = parse_stream_chunk(R"({"choices":[{"index":0,"text":" a","finish_reason":null}]})");
  ASSERT_TRUE(text.ok());
  EXPECT_TRUE(text->has_content);
  auto usage = parse_stream_chunk(
      R"({"choices":[],"usage":{"prompt_tokens":12,"total_tokens":17,"completion_tokens":5}})");
  ASSERT_TRUE(usage.ok());
  EXPECT_FALSE(usage->has_content);
  EXPECT_EQ(usage->prompt_tokens, 12u);
  EXPECT_EQ(usage->completion_tokens, 5u);
}

TEST(StreamChunk, NonStreamingBody) {
  auto body = parse_completion_body(
      R"({"object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":"x y"}}],"usage":{"prompt_tokens":3,"completion_tokens":2}})");
  ASSERT_TRUE(body.ok());
  EXPECT_TRUE(body->has_content);
  EXPECT_EQ(body->completion_tokens, 2u);
}

TEST(StreamChunk, MalformedInputIsAnError) {
  EXPECT_FALSE(parse_stream_chunk("not json").ok());
  EXPECT_FALSE(parse_stream_chunk("[1,2]").ok());
  EXPECT_FALSE(parse_stream_chunk("").ok());
  // Missing fields are not errors: an event without choices or usage simply carries nothing.
  auto empty = parse_stream_chunk("{}");
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->has_content);
  EXPECT_FALSE(empty->completion_tokens);
}

}  // namespace
}  // namespace sluice::bench
