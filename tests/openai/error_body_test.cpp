#include "openai/error_body.h"

#include "openai/test_json.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sluice::openai {
namespace {

TEST(ErrorBody, MatchesVllmBytes) {
  EXPECT_EQ(error_body(400, "max_tokens must be at least 1", "max_tokens"),
            R"({"error":{"message":"max_tokens must be at least 1","type":"BadRequestError",)"
            R"("param":"max_tokens","code":400}})");
  EXPECT_EQ(error_body(404, "The model `x` does not exist."),
            R"({"error":{"message":"The model `x` does not exist.","type":"NotFoundError",)"
            R"("param":null,"code":404}})");
}

TEST(ErrorBody, TypeFollowsStatus) {
  const std::vector<std::pair<int, std::string>> table = {{400, "BadRequestError"},
                                                          {401, "AuthenticationError"},
                                                          {403, "PermissionDeniedError"},
                                                          {404, "NotFoundError"},
                                                          {409, "ConflictError"},
                                                          {413, "RequestTooLargeError"},
                                                          {422, "UnprocessableEntityError"},
                                                          {429, "RateLimitError"},
                                                          {499, "ClientClosedRequestError"},
                                                          {500, "InternalServerError"},
                                                          {501, "NotImplementedError"},
                                                          {502, "BadGatewayError"},
                                                          {503, "ServiceUnavailableError"},
                                                          {504, "GatewayTimeoutError"},
                                                          {418, "BadRequestError"},
                                                          {507, "InternalServerError"}};
  for (const auto& [status, type] : table) {
    EXPECT_EQ(error_type_for_status(status), type) << status;
    simdjson::dom::parser parser;
    const auto doc = testing::parse_json(parser, error_body(status, "m"));
    EXPECT_EQ(testing::str(doc["error"]["type"]), type);
    EXPECT_EQ(std::int64_t(doc["error"]["code"]), status);
  }
}

TEST(ErrorBody, FromErrorUsesCodeAndField) {
  const std::string body = error_body(make_error(ErrorCode::kRateLimited, "slow down", "tenant"));
  simdjson::dom::parser parser;
  const auto doc = testing::parse_json(parser, body);
  EXPECT_EQ(testing::keys_of(doc), (std::vector<std::string>{"error"}));
  EXPECT_EQ(testing::keys_of(doc["error"]),
            (std::vector<std::string>{"message", "type", "param", "code"}));
  EXPECT_EQ(testing::str(doc["error"]["message"]), "slow down");
  EXPECT_EQ(testing::str(doc["error"]["type"]), "RateLimitError");
  EXPECT_EQ(testing::str(doc["error"]["param"]), "tenant");
  EXPECT_EQ(std::int64_t(doc["error"]["code"]), 429);
  const auto no_field =
      testing::parse_json(parser, error_body(make_error(ErrorCode::kUnavailable, "overloaded")));
  EXPECT_TRUE(no_field["error"]["param"].is_null());
  EXPECT_EQ(std::int64_t(no_field["error"]["code"]), 503);
}

TEST(ErrorBody, EscapesMessage) {
  const std::string message = "bad \"value\" at \\path\n\x02 \xC3\xA9";
  simdjson::dom::parser parser;
  const auto doc = testing::parse_json(parser, error_body(400, message, "a\"b"));
  EXPECT_EQ(testing::str(doc["error"]["message"]), message);
  EXPECT_EQ(testing::str(doc["error"]["param"]), "a\"b");
}

TEST(ErrorBody, ExplicitType) {
  EXPECT_EQ(error_body_typed(400, "InvalidUserInput",
                             "Both 'lora_name' and 'lora_path' must be "
                             "provided."),
            R"({"error":{"message":"Both 'lora_name' and 'lora_path' must be provided.",)"
            R"("type":"InvalidUserInput","param":null,"code":400}})");
}

TEST(ErrorEvent, IsOneSseEventWithTheErrorBody) {
  std::string out = "data: {}\n\n";
  append_error_event(out, 500, "engine died");
  const auto events = testing::sse_payloads(out);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1], error_body(500, "engine died"));
}

}  // namespace
}  // namespace sluice::openai
