#include "pool/served_models.h"

#include <gtest/gtest.h>

namespace sluice::pool {
namespace {

TEST(ServedModels, VllmBodyWithAdapter) {
  const auto models = parse_served_models(
      R"({"object":"list","data":[{"id":"m","object":"model","created":1,"owned_by":"vllm",)"
      R"("root":"m","parent":null,"max_model_len":4096,"permission":[{"id":"x","group":null,)"
      R"("allow_view":true}]},{"id":"sql-lora","object":"model","root":"/a/b","parent":"m",)"
      R"("max_model_len":null,"permission":[]}]})");
  ASSERT_TRUE(models.ok()) << models.error().message;
  ASSERT_EQ(models->size(), 2U);
  EXPECT_EQ((*models)[0], (ServedModel{"m", ""}));
  EXPECT_FALSE((*models)[0].is_adapter());
  EXPECT_EQ((*models)[1], (ServedModel{"sql-lora", "m"}));
  EXPECT_TRUE((*models)[1].is_adapter());
}

TEST(ServedModels, EscapesAndWhitespace) {
  const auto models =
      parse_served_models(" { \"data\" : [ { \"id\" : \"a\\u00e9\\\"b\\ud83d\\ude00\" } ] } \n");
  ASSERT_TRUE(models.ok()) << models.error().message;
  EXPECT_EQ((*models)[0].name, "a\xC3\xA9\"b\xF0\x9F\x98\x80");
}

TEST(ServedModels, EmptyList) {
  const auto models = parse_served_models(R"({"object":"list","data":[]})");
  ASSERT_TRUE(models.ok());
  EXPECT_TRUE(models->empty());
}

TEST(ServedModels, RejectsMalformedBodies) {
  for (const char* body :
       {"", "[]", "{", R"({"object":"list"})", R"({"data":{}})", R"({"data":[{"object":"model"}]})",
        R"({"data":[{"id":7}]})", R"({"data":[{"id":"a"}]} x)", R"({"data":[{"id":"a",}]})",
        R"({"data":[{"id":"a","x":[1,2}]})", "<html>nope</html>"}) {
    const auto models = parse_served_models(body);
    EXPECT_FALSE(models.ok()) << body;
    if (!models.ok()) {
      EXPECT_EQ(models.error().code, ErrorCode::kInvalidArgument) << body;
    }
  }
}

TEST(ServedModels, DeepNestingIsRejectedNotRecursedForever) {
  std::string body = R"({"data":[{"id":"a","x":)";
  body += std::string(100000, '[');
  EXPECT_FALSE(parse_served_models(body).ok());
}

TEST(ServedModels, TooManyModels) {
  std::string body = R"({"data":[)";
  for (std::size_t i = 0; i <= kMaxServedModels; ++i) {
    body += (i ? "," : "") + std::string(R"({"id":"m)") + std::to_string(i) + "\"}";
  }
  body += "]}";
  const auto models = parse_served_models(body);
  ASSERT_FALSE(models.ok());
  EXPECT_EQ(models.error().code, ErrorCode::kTooLarge);
}

}  // namespace
}  // namespace sluice::pool
