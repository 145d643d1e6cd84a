#include "bench/driver/load_runner.h"

#include "bench/driver/stream_chunk.h"
#include "core/hash.h"
#include "net/asio.h"
#include "net/client.h"
#include "net/sse.h"
#include "openai/json_writer.h"

#include <algorithm>
#include <cstdio>
#include <memory>

namespace sluice::bench {

namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

// Short words that count as one token each in common tokenizers (and exactly one in sluice sim's).
constexpr const char* kWords[] = {" the",   " data",  " model", " load", " test",  " fast",
                                  " time",  " gate",  " pool",  " node", " token", " cache",
                                  " route", " query", " batch", " queue"};

struct Run {
  explicit Run(const LoadOptions& o) : options(o) {}
  const LoadOptions& options;
  std::unique_ptr<net::HttpClient> client;
  std::string target;
  std::vector<RequestMetrics> metrics;
  std::vector<TimePoint> sends, ends;
  std::map<std::string, std::uint64_t> errors;
  std::uint64_t completed = 0, failed = 0, good = 0;
  std::uint64_t input_tokens = 0, output_tokens = 0, usage_missing = 0;
  std::uint64_t next_index = 0;
  std::size_t in_flight = 0;
  TimePoint start{};
};

std::string request_body(const LoadOptions& o, std::uint64_t index) {
  std::uint64_t rng = hash64(&index, sizeof(index), o.seed);
  const std::uint32_t input = o.input.sample(rng);
  const std::uint32_t output = o.output.sample(rng);
  std::string prompt;
  prompt.reserve(input * 6 + 24);
  prompt += "Request " + std::to_string(index) + ":";
  for (std::uint32_t i = 0; i < input; ++i) {
    prompt += kWords[splitmix64(rng) % std::size(kWords)];
  }
  std::string body = "{\"model\":";
  openai::append_json_string(body, o.model);  // user-given: escaped
  body += o.chat ? ",\"messages\":[{\"role\":\"user\",\"content\":" : ",\"prompt\":";
  openai::append_json_string(body, prompt);
  body += o.chat ? "}]," : ",";
  body += "\"max_tokens\":" + std::to_string(output) + ",\"ignore_eos\":true";
  if (o.stream) {
    body += ",\"stream\":true,\"stream_options\":{\"include_usage\":true}";
  }
  body += "}";
  return body;
}

void fail(Run& run, const std::string& type) {
  ++run.failed;
  ++run.errors[type];
}

asio::awaitable<void> one_request(Run* run, std::uint64_t index, TimePoint scheduled) {
  const LoadOptions& o = run->options;
  net::ClientRequest request;
  request.method = http::verb::post;
  request.url = run->target;
  request.body = request_body(o, index);
  request.headers.emplace_back("content-type", "application/json");
  if (!o.api_key.empty()) {
    request.headers.emplace_back("authorization", "Bearer " + o.api_key);
  }
  request.timeout = o.timeout;

  RequestRecord record;
  record.scheduled = scheduled;
  record.sent = SteadyClock::now();
  std::optional<std::uint32_t> usage_out;
  std::optional<std::uint32_t> usage_in;
  std::string bad;
  std::string unary_body;
  net::SseParser parser;
  ++run->in_flight;
  auto on_data = [&](std::string_view bytes) {
    if (!o.stream) {
      unary_body.append(bytes);
      return true;
    }
    const TimePoint now = SteadyClock::now();
    const Status fed = parser.feed(bytes, [&](const net::SseParser::Event& event) {
      if (event.data == "[DONE]" || !bad.empty()) {
        return;
      }
      auto chunk = parse_stream_chunk(event.data);
      if (!chunk.ok()) {
        bad = "malformed_sse";
        return;
      }
      if (chunk->has_content) {
        record.chunk_times.push_back(now);
        record.chunk_tokens.push_back(1);
      }
      if (chunk->completion_tokens) {
        usage_out = chunk->completion_tokens;
        usage_in = chunk->prompt_tokens;
      }
    });
    if (!fed.ok()) {
      bad = "malformed_sse";
    }
    return bad.empty();
  };
  auto response = co_await run->client->stream(std::move(request), on_data);
  record.end = SteadyClock::now();
  --run->in_flight;
  run->sends.push_back(record.sent);
  run->ends.push_back(record.end);
  if (!response.ok()) {
    fail(*run, bad.empty() ? std::string(error_code_name(response.error().code)) : bad);
    co_return;
  }
  if (response->status != 200) {
    fail(*run, "http_" + std::to_string(response->status));
    co_return;
  }
  if (!o.stream) {
    auto parsed = parse_completion_body(unary_body);
    if (!parsed.ok()) {
      fail(*run, "malformed_body");
      co_return;
    }
    usage_out = parsed->completion_tokens;
    usage_in = parsed->prompt_tokens;
  }
  if (usage_out) {
    record.output_tokens = *usage_out;
  } else {
    ++run->usage_missing;
    record.output_tokens = static_cast<std::uint32_t>(record.chunk_times.size());
  }
  if (o.stream && record.chunk_times.empty()) {
    fail(*run, "no_tokens");
    co_return;
  }
  ++run->completed;
  run->input_tokens += usage_in.value_or(0);
  run->output_tokens += record.output_tokens;
  RequestMetrics m = compute_metrics(record);
  if (o.slo.met(m)) {
    ++run->good;
  }
  run->metrics.push_back(std::move(m));
}

asio::awaitable<void> open_loop(Run* run) {
  const LoadOptions& o = run->options;
  auto executor = co_await asio::this_coro::executor;
  ArrivalSchedule schedule(o.arrival, *o.rate, o.burstiness, o.seed);
  asio::steady_timer timer(executor);
  for (std::uint64_t i = 0; o.num_requests == 0 || i < o.num_requests; ++i) {
    const Duration offset = schedule.next_offset();
    if (o.duration > Duration::zero() && offset >= o.duration) {
      break;
    }
    const TimePoint at = run->start + offset;
    timer.expires_at(at);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (run->in_flight >= o.max_in_flight) {
      fail(*run, "generator_overloaded");
      continue;
    }
    asio::co_spawn(executor, one_request(run, i, at), asio::detached);
  }
}

asio::awaitable<void> closed_loop_worker(Run* run) {
  const LoadOptions& o = run->options;
  const TimePoint end = run->start + o.duration;
  for (;;) {
    if (o.num_requests != 0 && run->next_index >= o.num_requests) {
      break;
    }
    if (o.duration > Duration::zero() && SteadyClock::now() >= end) {
      break;
    }
    const std::uint64_t index = run->next_index++;
    co_await one_request(run, index, SteadyClock::now());
  }
}

double seconds_between(TimePoint a, TimePoint b) { return to_seconds(b - a); }

}  // namespace

Status validate(const LoadOptions& o) {
  if (o.url.rfind("http://", 0) != 0 && o.url.rfind("https://", 0) != 0) {
    return make_error(ErrorCode::kInvalidArgument, "--url must start with http:// or https://",
                      "--url");
  }
  if (o.model.empty()) {
    return make_error(ErrorCode::kInvalidArgument, "--model is required", "--model");
  }
  if (o.rate.has_value() == (o.concurrency > 0)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "give exactly one of --rate (open loop) or --concurrency (closed loop)",
                      "--rate");
  }
  if (o.rate) {
    if (Status s = validate_arrivals(o.arrival, *o.rate, o.burstiness); !s.ok()) {
      return s;
    }
  }
  if (o.num_requests == 0 && o.duration <= Duration::zero()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "give --num-requests or --duration to say when to stop", "--num-requests");
  }
  return {};
}

Result<StageReport> run_stage(const LoadOptions& options) {
  if (Status s = validate(options); !s.ok()) {
    return std::move(s).error();
  }
  asio::io_context context(1);
  Run run(options);
  run.client = std::make_unique<net::HttpClient>(context.get_executor(), 1 << 16);
  std::string base = options.url;
  while (!base.empty() && base.back() == '/') {
    base.pop_back();
  }
  run.target = base + (options.chat ? "/v1/chat/completions" : "/v1/completions");
  run.start = SteadyClock::now();
  if (options.rate) {
    asio::co_spawn(context, open_loop(&run), asio::detached);
  } else {
    for (int i = 0; i < options.concurrency; ++i) {
      asio::co_spawn(context, closed_loop_worker(&run), asio::detached);
    }
  }
  context.run();
  run.client.reset();

  StageReport report;
  report.target_rate = options.rate.value_or(0);
  report.concurrency = options.concurrency;
  report.completed = run.completed;
  report.failed = run.failed;
  report.errors = run.errors;
  report.input_tokens = run.input_tokens;
  report.output_tokens = run.output_tokens;
  report.usage_missing = run.usage_missing;
  std::vector<double> ttft, itl, tpot, ntpot, e2e, delay;
  for (const auto& m : run.metrics) {
    if (m.ttft) ttft.push_back(*m.ttft);
    if (m.tpot) tpot.push_back(*m.tpot);
    if (m.ntpot) ntpot.push_back(*m.ntpot);
    e2e.push_back(m.e2e);
    delay.push_back(m.schedule_delay);
    itl.insert(itl.end(), m.itl_per_chunk.begin(), m.itl_per_chunk.end());
  }
  report.ttft = summarize(std::move(ttft));
  report.itl = summarize(std::move(itl));
  report.tpot = summarize(std::move(tpot));
  report.ntpot = summarize(std::move(ntpot));
  report.e2e = summarize(std::move(e2e));
  report.schedule_delay = summarize(std::move(delay));
  if (!run.sends.empty()) {
    const auto [first_send, last_send] = std::minmax_element(run.sends.begin(), run.sends.end());
    const TimePoint last_end = *std::max_element(run.ends.begin(), run.ends.end());
    const double sending = seconds_between(*first_send, *last_send);
    report.achieved_rate = sending > 0 ? static_cast<double>(run.sends.size() - 1) / sending : 0;
    report.duration_s = seconds_between(*first_send, last_end);
  }
  if (report.duration_s > 0) {
    report.requests_per_s = static_cast<double>(run.completed) / report.duration_s;
    report.input_tokens_per_s = static_cast<double>(run.input_tokens) / report.duration_s;
    report.output_tokens_per_s = static_cast<double>(run.output_tokens) / report.duration_s;
    report.goodput_requests_per_s = static_cast<double>(run.good) / report.duration_s;
  }
  return report;
}

}  // namespace sluice::bench
