#include "sim/server/sim_metrics.h"

#include "metrics/buckets.h"
#include "metrics/exposition.h"

namespace sluice::sim {
namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;

std::string join(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) {
    if (!out.empty()) {
      out += ',';
    }
    out += name;
  }
  return out;
}

}  // namespace

SimMetrics::SimMetrics(const std::vector<std::string>& models, const EngineConfig& config)
    : max_loras_(config.max_loras) {
  const std::string& primary = models.front();
  const prometheus::Labels engine_labels{{"model_name", primary}, {"engine", "0"}};

  running_ = &BuildGauge()
                  .Name("vllm:num_requests_running")
                  .Help("Number of requests in model execution batches.")
                  .Register(registry_)
                  .Add(engine_labels);
  waiting_ = &BuildGauge()
                  .Name("vllm:num_requests_waiting")
                  .Help("Number of requests waiting to be processed.")
                  .Register(registry_)
                  .Add(engine_labels);
  kv_usage_ = &BuildGauge()
                   .Name("vllm:kv_cache_usage_perc")
                   .Help("KV-cache usage. 1 means 100 percent usage.")
                   .Register(registry_)
                   .Add(engine_labels);
  auto counter = [&](const char* name, const char* help) {
    return &BuildCounter().Name(name).Help(help).Register(registry_).Add(engine_labels);
  };
  prefix_queries_ = counter("vllm:prefix_cache_queries_total",
                            "Prefix cache queries, in terms of number of queried tokens.");
  prefix_hits_ = counter("vllm:prefix_cache_hits_total",
                         "Prefix cache hits, in terms of number of cached tokens.");
  prompt_tokens_ = counter("vllm:prompt_tokens_total", "Number of prefill tokens processed.");
  generation_tokens_ =
      counter("vllm:generation_tokens_total", "Number of generation tokens processed.");
  preemptions_ = counter("vllm:num_preemptions_total", "Cumulative number of preemptions.");
  auto& success = BuildCounter()
                      .Name("vllm:request_success_total")
                      .Help("Count of successfully processed requests.")
                      .Register(registry_);
  auto with_reason = [&](const char* reason) {
    prometheus::Labels labels = engine_labels;
    labels["finished_reason"] = reason;
    return &success.Add(labels);
  };
  success_stop_ = with_reason("stop");
  success_length_ = with_reason("length");
  success_abort_ = with_reason("abort");

  lora_info_family_ = &BuildGauge()
                           .Name("vllm:lora_requests_info")
                           .Help("Running stats on LoRA requests.")
                           .Register(registry_);
  BuildGauge()
      .Name("vllm:cache_config_info")
      .Help("Information of the LLMEngine CacheConfig.")
      .Register(registry_)
      .Add({{"block_size", std::to_string(config.block_size)},
            {"cache_dtype", "auto"},
            {"enable_prefix_caching", config.enable_prefix_caching ? "True" : "False"},
            {"gpu_memory_utilization", "0.9"},
            {"num_gpu_blocks", std::to_string(config.num_gpu_blocks)},
            {"engine", "0"}})
      .Set(1);

  auto histogram = [&](const char* name, const char* help) {
    return &BuildHistogram().Name(name).Help(help).Register(registry_);
  };
  auto& ttft = *histogram("vllm:time_to_first_token_seconds",
                          "Histogram of time to first token in seconds.");
  auto& itl = *histogram("vllm:inter_token_latency_seconds",
                         "Histogram of inter-token latency in seconds.");
  auto& e2e = *histogram("vllm:e2e_request_latency_seconds",
                         "Histogram of e2e request latency in seconds.");
  auto& queue = *histogram("vllm:request_queue_time_seconds",
                           "Histogram of time spent in WAITING phase for request.");
  auto& prefill = *histogram("vllm:request_prefill_time_seconds",
                             "Histogram of time spent in PREFILL phase for request.");
  auto& decode = *histogram("vllm:request_decode_time_seconds",
                            "Histogram of time spent in DECODE phase for request.");
  auto& inference = *histogram("vllm:request_inference_time_seconds",
                               "Histogram of time spent in RUNNING phase for request.");
  auto& tpot = *histogram("vllm:request_time_per_output_token_seconds",
                          "Histogram of time_per_output_token_seconds per request.");
  auto& prompt_tokens =
      *histogram("vllm:request_prompt_tokens", "Number of prefill tokens processed.");
  auto& generation_tokens =
      *histogram("vllm:request_generation_tokens", "Number of generation tokens processed.");
  auto& params_max_tokens = *histogram("vllm:request_params_max_tokens",
                                       "Histogram of the max_tokens request parameter.");
  iteration_tokens_ = &histogram("vllm:iteration_tokens_total",
                                 "Histogram of the number of tokens per engine_step.")
                           ->Add(engine_labels, metrics::iteration_tokens_buckets());
  const auto token_buckets =
      metrics::buckets_1_2_5(static_cast<std::uint64_t>(config.max_model_len));
  for (const auto& model : models) {
    const prometheus::Labels labels{{"model_name", model}, {"engine", "0"}};
    PerModel m{};
    m.ttft = &ttft.Add(labels, metrics::ttft_buckets());
    m.itl = &itl.Add(labels, metrics::itl_buckets());
    m.e2e = &e2e.Add(labels, metrics::request_latency_buckets());
    m.queue = &queue.Add(labels, metrics::request_latency_buckets());
    m.prefill = &prefill.Add(labels, metrics::request_latency_buckets());
    m.decode = &decode.Add(labels, metrics::request_latency_buckets());
    m.inference = &inference.Add(labels, metrics::request_latency_buckets());
    m.tpot = &tpot.Add(labels, metrics::itl_buckets());
    m.prompt_tokens = &prompt_tokens.Add(labels, token_buckets);
    m.generation_tokens = &generation_tokens.Add(labels, token_buckets);
    m.params_max_tokens = &params_max_tokens.Add(labels, token_buckets);
    per_model_.push_back(m);
  }
}

void SimMetrics::observe_first_token(std::size_t model_index, double seconds) {
  per_model_[model_index].ttft->Observe(seconds);
}

void SimMetrics::observe_inter_token(std::size_t model_index, double seconds) {
  per_model_[model_index].itl->Observe(seconds);
}

void SimMetrics::observe_finished(std::size_t model_index, const SeqStats& stats,
                                  std::uint32_t max_tokens_param) {
  const PerModel& m = per_model_[model_index];
  m.e2e->Observe(to_seconds(stats.finished - stats.arrival));
  m.queue->Observe(to_seconds(stats.first_scheduled - stats.arrival));
  m.prefill->Observe(to_seconds(stats.first_token - stats.first_scheduled));
  m.decode->Observe(to_seconds(stats.last_token - stats.first_token));
  m.inference->Observe(to_seconds(stats.last_token - stats.first_scheduled));
  if (stats.output_tokens > 1) {
    m.tpot->Observe(to_seconds(stats.last_token - stats.first_token) / (stats.output_tokens - 1));
  }
  m.prompt_tokens->Observe(stats.prompt_tokens);
  m.generation_tokens->Observe(stats.output_tokens);
  m.params_max_tokens->Observe(max_tokens_param);
}

std::string SimMetrics::render(const Engine& engine, double now_unix_seconds) {
  const EngineState state = engine.state();
  running_->Set(static_cast<double>(state.running));
  waiting_->Set(static_cast<double>(state.waiting));
  kv_usage_->Set(state.kv_cache_usage);
  const EngineCounters& c = engine.counters();
  metrics::sync_counter(*prefix_queries_, static_cast<double>(c.prefix_cache_queries));
  metrics::sync_counter(*prefix_hits_, static_cast<double>(c.prefix_cache_hits));
  metrics::sync_counter(*prompt_tokens_, static_cast<double>(c.prompt_tokens));
  metrics::sync_counter(*generation_tokens_, static_cast<double>(c.generation_tokens));
  metrics::sync_counter(*preemptions_, static_cast<double>(c.preemptions));
  metrics::sync_counter(*success_stop_, static_cast<double>(c.success_stop));
  metrics::sync_counter(*success_length_, static_cast<double>(c.success_length));
  metrics::sync_counter(*success_abort_, static_cast<double>(c.success_abort));

  // vLLM publishes one lora_requests_info series whose labels carry the adapter lists and whose
  // value is the time of the update; scrapers take the newest series. Replace it when lists change.
  const std::string running = join(state.running_adapters);
  const std::string waiting = join(state.waiting_adapters);
  const std::string key = running + '|' + waiting;
  if (lora_info_ == nullptr || key != lora_info_key_) {
    if (lora_info_ != nullptr) {
      lora_info_family_->Remove(lora_info_);
    }
    lora_info_ = &lora_info_family_->Add({{"max_lora", std::to_string(max_loras_)},
                                          {"running_lora_adapters", running},
                                          {"waiting_lora_adapters", waiting}});
    lora_info_key_ = key;
  }
  lora_info_->Set(now_unix_seconds);
  return metrics::render_text(registry_);
}

}  // namespace sluice::sim
