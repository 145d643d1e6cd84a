#include "openai/models.h"

#include "openai/test_json.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sluice::openai {
namespace {

using testing::keys_of;
using testing::str;
using Keys = std::vector<std::string>;

std::vector<ModelCard> fleet() {
  ModelCard base;
  base.id = "meta-llama/Llama-3.1-8B-Instruct";
  base.root = "/models/llama";
  base.created = 1700000000;
  base.max_model_len = 8192;
  ModelCard lora;
  lora.id = "sql-lora";
  lora.root = "/adapters/sql";
  lora.parent = base.id;
  lora.created = 1700000001;
  return {base, lora};
}

TEST(ModelsBody, EmptyList) { EXPECT_EQ(models_body({}), R"({"object":"list","data":[]})"); }

TEST(ModelsBody, MatchesVllmBytesForOneCard) {
  ModelCard card;
  card.id = "m";
  card.created = 5;
  card.max_model_len = 4096;
  const std::string body = models_body({card});
  const std::string prefix =
      R"({"object":"list","data":[{"id":"m","object":"model","created":5,"owned_by":"vllm",)"
      R"("root":null,"parent":null,"max_model_len":4096,"permission":[{"id":"modelperm-)";
  ASSERT_EQ(body.substr(0, prefix.size()), prefix);
  const std::string suffix =
      R"(","object":"model_permission","created":5,"allow_create_engine":false,)"
      R"("allow_sampling":true,"allow_logprobs":true,"allow_search_indices":false,)"
      R"("allow_view":true,"allow_fine_tuning":false,"organization":"*","group":null,)"
      R"("is_blocking":false}]}]})";
  ASSERT_GE(body.size(), prefix.size() + suffix.size());
  EXPECT_EQ(body.substr(body.size() - suffix.size()), suffix);
  const std::string hex = body.substr(prefix.size(), body.size() - prefix.size() - suffix.size());
  EXPECT_EQ(hex.size(), 32u);
  EXPECT_EQ(hex.find_first_not_of("0123456789abcdef"), std::string::npos);
}

TEST(ModelsBody, BaseAndAdapterCardsFieldByField) {
  const std::string body = models_body(fleet());
  EXPECT_EQ(body, models_body(fleet())) << "stable across calls";
  simdjson::dom::parser parser;
  const auto doc = testing::parse_json(parser, body);
  EXPECT_EQ(keys_of(doc), (Keys{"object", "data"}));
  const auto base = doc["data"].at(0);
  EXPECT_EQ(keys_of(base), (Keys{"id", "object", "created", "owned_by", "root", "parent",
                                 "max_model_len", "permission"}));
  EXPECT_EQ(str(base["id"]), "meta-llama/Llama-3.1-8B-Instruct");
  EXPECT_EQ(str(base["object"]), "model");
  EXPECT_EQ(str(base["owned_by"]), "vllm");
  EXPECT_EQ(str(base["root"]), "/models/llama");
  EXPECT_TRUE(base["parent"].is_null());
  EXPECT_EQ(std::uint64_t(base["max_model_len"]), 8192u);
  const auto permission = base["permission"].at(0);
  EXPECT_EQ(keys_of(permission),
            (Keys{"id", "object", "created", "allow_create_engine", "allow_sampling",
                  "allow_logprobs", "allow_search_indices", "allow_view", "allow_fine_tuning",
                  "organization", "group", "is_blocking"}));
  const auto lora = doc["data"].at(1);
  EXPECT_EQ(str(lora["parent"]), "meta-llama/Llama-3.1-8B-Instruct");
  EXPECT_EQ(str(lora["root"]), "/adapters/sql");
  EXPECT_TRUE(lora["max_model_len"].is_null());
  EXPECT_NE(str(lora["permission"].at(0)["id"]), str(permission["id"]));
}

TEST(ParseLora, LoadAndUnloadBodies) {
  auto load = parse_lora_request(
      R"({"lora_name":"sql","lora_path":"/a/sql","base_model_name":"llama","load_inplace":true,
          "extra":{"ignored":[1,2]}})",
      true);
  ASSERT_TRUE(load.ok()) << load.error().message;
  EXPECT_EQ(load->lora_name, "sql");
  EXPECT_EQ(load->lora_path, "/a/sql");
  EXPECT_EQ(load->base_model_name, "llama");
  EXPECT_TRUE(load->load_inplace);
  auto unload = parse_lora_request(R"({"lora_name":"sql","lora_int_id":3})", false);
  ASSERT_TRUE(unload.ok());
  EXPECT_EQ(unload->lora_name, "sql");
  EXPECT_TRUE(unload->lora_path.empty());
  EXPECT_FALSE(unload->load_inplace);
}

TEST(ParseLora, Errors) {
  const auto no_path = parse_lora_request(R"({"lora_name":"sql"})", true);
  ASSERT_FALSE(no_path.ok());
  EXPECT_EQ(no_path.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(no_path.error().field, "lora_path");
  EXPECT_EQ(no_path.error().message, "Both 'lora_name' and 'lora_path' must be provided.");
  const auto empty_name = parse_lora_request(R"({"lora_name":"","lora_path":"/p"})", true);
  EXPECT_EQ(empty_name.error().field, "lora_name");
  const auto unload = parse_lora_request(R"({"lora_name":null})", false);
  ASSERT_FALSE(unload.ok());
  EXPECT_EQ(unload.error().field, "lora_name");
  EXPECT_EQ(unload.error().message, "'lora_name' needs to be provided to unload a LoRA adapter.");
  const auto wrong_type = parse_lora_request(R"({"lora_name":5,"lora_path":"/p"})", true);
  EXPECT_EQ(wrong_type.error().message,
            "Invalid type for 'lora_name': expected a string, but got an integer instead.");
  EXPECT_EQ(parse_lora_request(R"({"lora_name":"a","load_inplace":"y"})", false).error().field,
            "load_inplace");
  EXPECT_EQ(parse_lora_request("[]", false).error().message,
            "Invalid request body: expected a JSON object.");
  const auto malformed = parse_lora_request(R"({"lora_name":"a",)", false);
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.error().field, "");
}

}  // namespace
}  // namespace sluice::openai
