#include "bench/driver/request_body.h"

#include <gtest/gtest.h>

namespace sluice::bench {
namespace {

Prompt two_messages() {
  Prompt p;
  p.messages = {{"system", "be \"brief\""}, {"user", " the model\n"}};
  p.max_tokens = 7;
  return p;
}

TEST(RequestBody, ChatStreamingCarriesMessagesAndUsageOption) {
  EXPECT_EQ(request_body(ApiKind::kChat, true, "m/1", two_messages()),
            R"({"model":"m/1","messages":[{"role":"system","content":"be \"brief\""},)"
            R"({"role":"user","content":" the model\n"}],"max_tokens":7,"ignore_eos":true,)"
            R"("stream":true,"stream_options":{"include_usage":true}})");
}

TEST(RequestBody, CompletionsJoinsTheMessagesAndUnaryHasNoStreamFields) {
  EXPECT_EQ(request_body(ApiKind::kCompletions, false, "m", two_messages()),
            R"({"model":"m","prompt":"be \"brief\"\n the model\n","max_tokens":7,)"
            R"("ignore_eos":true})");
}

}  // namespace
}  // namespace sluice::bench
