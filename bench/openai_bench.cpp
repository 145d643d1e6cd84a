// Per-request wire-format costs: request parsing, tokenization, SSE chunk building.
#include "openai/request.h"
#include "openai/response.h"
#include "openai/tokenizer.h"

#include <benchmark/benchmark.h>

#include <string>

namespace {

using namespace sluice;

std::string chat_body(std::size_t words) {
  std::string content;
  for (std::size_t i = 0; i < words; ++i) {
    content += "lorem ipsum ";
  }
  return R"({"model":"meta-llama/Llama-3.1-8B-Instruct","stream":true,"stream_options":{"include_usage":true},"max_tokens":100,"messages":[{"role":"system","content":"You are helpful."},{"role":"user","content":")" +
         content + R"("}]})";
}

void BM_ParseChatRequest(benchmark::State& state) {
  const std::string body = chat_body(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    auto r = openai::parse_completion_request(body, openai::ApiKind::kChat);
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_ParseChatRequest)->Arg(10)->Arg(1000)->Arg(10000);

void BM_TokenizeChat(benchmark::State& state) {
  const std::string body = chat_body(static_cast<std::size_t>(state.range(0)));
  auto request = openai::parse_completion_request(body, openai::ApiKind::kChat).value();
  openai::Tokenizer tokenizer;
  std::vector<std::uint32_t> tokens;
  for (auto _ : state) {
    tokens.clear();
    tokenizer.encode_chat(request.messages, tokens);
    benchmark::DoNotOptimize(tokens.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_TokenizeChat)->Arg(10)->Arg(10000);

void BM_ContentChunk(benchmark::State& state) {
  openai::ResponseMeta meta;
  meta.id = openai::make_request_id(openai::ApiKind::kChat, 1);
  meta.model = "meta-llama/Llama-3.1-8B-Instruct";
  meta.created = 1760000000;
  meta.kind = openai::ApiKind::kChat;
  std::string out;
  for (auto _ : state) {
    out.clear();
    openai::append_content_chunk(out, meta, " word");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_ContentChunk);

}  // namespace

BENCHMARK_MAIN();
