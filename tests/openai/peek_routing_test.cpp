#include "openai/request.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice::openai {
namespace {

TEST(PeekRouting, FindsModelStreamAndMessagesWithoutCopying) {
  const std::string body =
      R"({"messages": [{"role":"user","content":"hi"}] , "model" : "llama" , "stream":true})";
  auto peek = peek_routing(body);
  ASSERT_TRUE(peek.ok()) << peek.error().message;
  EXPECT_EQ(peek->model, "llama");
  EXPECT_TRUE(peek->stream);
  EXPECT_EQ(body.substr(peek->model_offset, peek->model_length), "\"llama\"");
  EXPECT_EQ(peek->prompt, R"([{"role":"user","content":"hi"}])");
  // A view into the caller's body, not into a copy.
  EXPECT_GE(peek->prompt.data(), body.data());
  EXPECT_LT(peek->prompt.data(), body.data() + body.size());
}

TEST(PeekRouting, PromptAndInputAndEscapedModel) {
  const std::string completion = R"({"model":"a\"b","prompt":"once upon a time"})";
  auto c = peek_routing(completion);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->model, "a\"b");
  EXPECT_EQ(completion.substr(c->model_offset, c->model_length), R"("a\"b")");
  EXPECT_EQ(c->prompt, "\"once upon a time\"");
  EXPECT_FALSE(c->stream);

  auto e = peek_routing(R"({"input":["x","y"],"model":"emb"})");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->prompt, R"(["x","y"])");

  auto none = peek_routing(R"({"model":"m"})");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->prompt.empty());
}

TEST(PeekRouting, ZeroCopyWithCapacityGivesTheSameAnswer) {
  std::string body = R"({"model":"m","messages":[1,2,3]})";
  body.reserve(body.size() + 128);
  auto peek = peek_routing(body, body.capacity());
  ASSERT_TRUE(peek.ok());
  EXPECT_EQ(peek->prompt, "[1,2,3]");
  EXPECT_EQ(body.substr(peek->model_offset, peek->model_length), "\"m\"");
}

TEST(PeekRouting, Errors) {
  EXPECT_EQ(peek_routing("{").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(peek_routing("[]").error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(peek_routing(R"({"messages":[]})").error().field, "model");
  EXPECT_EQ(peek_routing(R"({"model":""})").error().field, "model");
  EXPECT_EQ(peek_routing(R"({"model":3})").error().field, "model");
  EXPECT_FALSE(peek_routing(R"({"model":"m","messages":[1,2)").ok());
}

}  // namespace
}  // namespace sluice::openai
