#include "bench/driver/session.h"

#include "bench/driver/per_request_log.h"
#include "bench/driver/response_reader.h"
#include "bench/driver/stage_tally.h"
#include "bench/scrape_summary.h"
#include "metrics/prometheus_text.h"
#include "net/asio.h"
#include "net/client.h"

#include <algorithm>
#include <csignal>

namespace sluice::bench {

namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

constexpr auto kProgressEvery = std::chrono::seconds(1);
constexpr auto kMaxScrapeTimeout = std::chrono::seconds(5);
constexpr std::uint64_t kYieldWhenBehindEvery = 16;

}  // namespace

/// One running stage. Lives on run_stage's stack; every coroutine of the stage points at it.
struct StageRun {
  StageRun(const std::string& n, const LoadShape& s) : name(n), shape(s) {}
  const std::string& name;
  LoadShape shape;
  TimePoint start{};
  StageTally tally;
  std::uint64_t in_flight = 0;
  int workers = 0;            // closed-loop workers still running
  bool sending_done = false;  // no more requests will be started
  bool finished = false;      // sending done and nothing in flight: wind down
  std::vector<std::unique_ptr<asio::steady_timer>> timers;  // cancelled when finished
  std::vector<std::vector<std::string>> scrapes;            // per target: /metrics bodies
  std::vector<std::uint64_t> scrape_failures;               // per target
};

struct BenchSession::Impl {
  Impl(SessionOptions o, Dataset& d)
      : options(std::move(o)), dataset(d), signals(context, SIGINT, SIGTERM) {}

  SessionOptions options;
  Dataset& dataset;
  asio::io_context context{1};
  asio::signal_set signals;
  std::unique_ptr<net::HttpClient> client;
  std::string target;
  std::uint64_t next_index = 0;  // request number over the whole run
  bool interrupted = false;
  std::function<void(const Progress&)> progress;
  PerRequestLog* log = nullptr;

  asio::awaitable<void> one_request(StageRun* stage, std::uint64_t index, TimePoint scheduled,
                                    Prompt prompt);
  asio::awaitable<void> open_loop(StageRun* stage);
  asio::awaitable<void> closed_loop_worker(StageRun* stage);
  asio::awaitable<void> report_progress(StageRun* stage);
  asio::awaitable<void> scrape_loop(StageRun* stage, std::size_t target_index);
  asio::awaitable<bool> scrape_once(StageRun* stage, std::size_t target_index);
  asio::awaitable<void> stage_main(StageRun* stage);
  asio::awaitable<void> watch_signals();
  void maybe_finish(StageRun* stage);
  asio::steady_timer& stage_timer(StageRun* stage);
};

asio::steady_timer& BenchSession::Impl::stage_timer(StageRun* stage) {
  stage->timers.push_back(std::make_unique<asio::steady_timer>(context));
  return *stage->timers.back();
}

void BenchSession::Impl::maybe_finish(StageRun* stage) {
  if (stage->finished || !stage->sending_done || stage->in_flight > 0 || stage->workers > 0) {
    return;
  }
  stage->finished = true;
  for (auto& timer : stage->timers) {
    timer->cancel();
  }
  signals.cancel();
}

asio::awaitable<void> BenchSession::Impl::one_request(StageRun* stage, std::uint64_t index,
                                                      TimePoint scheduled, Prompt prompt) {
  const std::string& model = options.pick_model(index);
  net::ClientRequest request;
  request.method = http::verb::post;
  request.url = target;
  request.body = request_body(options.api, options.stream, model, prompt);
  request.headers.reserve(options.headers.size() + 2);
  request.headers.emplace_back("content-type", "application/json");
  if (!options.api_key.empty()) {
    request.headers.emplace_back("authorization", "Bearer " + options.api_key);
  }
  request.headers.insert(request.headers.end(), options.headers.begin(), options.headers.end());
  request.timeout = options.timeout;
  request.verify_tls = options.verify_tls;

  ResponseReader x;
  x.record.scheduled = scheduled;
  x.record.sent = SteadyClock::now();
  x.record.chunk_times.reserve(prompt.max_tokens);
  x.record.chunk_tokens.reserve(prompt.max_tokens);
  stage->tally.sent(x.record.sent);
  ++stage->in_flight;
  const bool stream = options.stream;
  auto on_data = [&x, stream](std::string_view bytes) {
    if (!stream) {
      x.unary_body.append(bytes);
      return true;
    }
    return x.feed_stream(bytes);
  };
  auto response = co_await client->stream(std::move(request), on_data);
  x.record.end = SteadyClock::now();
  --stage->in_flight;

  const std::string error = x.classify(response, stream);
  RequestMetrics metrics;
  bool slo_met = false;
  if (error.empty()) {
    const bool usage_missing = !x.usage_out;
    x.record.output_tokens = x.usage_out.value_or(x.chunk_token_sum);
    metrics = compute_metrics(x.record);
    slo_met = options.slo.met(metrics);
    const bool mismatch = x.usage_out && stream && *x.usage_out != x.chunk_token_sum;
    stage->tally.tokens(x.usage_in.value_or(prompt.input_tokens), x.record.output_tokens,
                        usage_missing, mismatch);
  } else {
    metrics.e2e = to_seconds(x.record.end - x.record.sent);
    metrics.schedule_delay = to_seconds(x.record.sent - x.record.scheduled);
  }
  stage->tally.finished(x.record.end, model, error, &metrics, slo_met);
  if (log != nullptr) {
    PerRequestRow row;
    row.stage = stage->name;
    row.index = index;
    row.model = model;
    row.scheduled_s = to_seconds(scheduled - stage->start);
    row.sent_s = to_seconds(x.record.sent - stage->start);
    row.end_s = to_seconds(x.record.end - stage->start);
    row.error = error;
    row.ttft = metrics.ttft;
    row.tpot = metrics.tpot;
    row.itl_mean = metrics.mean_itl();
    row.e2e = metrics.e2e;
    row.input_tokens = x.usage_in.value_or(prompt.input_tokens);
    row.output_tokens = x.record.output_tokens;
    row.chunks = static_cast<std::uint32_t>(x.record.chunk_times.size());
    log->write(row);
  }
  maybe_finish(stage);
}

asio::awaitable<void> BenchSession::Impl::open_loop(StageRun* stage) {
  const LoadShape& shape = stage->shape;
  auto executor = co_await asio::this_coro::executor;
  ArrivalSchedule schedule(shape.arrival, shape.rate.value_or(1), shape.burstiness,
                           options.seed + next_index);
  // A trace with no stop condition is replayed once.
  std::uint64_t limit = shape.num_requests;
  if (shape.trace && limit == 0 && shape.duration == Duration::zero()) {
    limit = dataset.size();
  }
  auto& timer = stage_timer(stage);
  std::optional<Duration> trace_origin;
  std::uint64_t behind = 0;  // consecutive requests that were already due
  for (std::uint64_t i = 0; limit == 0 || i < limit; ++i) {
    Prompt prompt = dataset.next();
    Duration offset{};
    if (shape.trace) {
      const Duration arrival = prompt.arrival.value_or(Duration::zero());
      if (!trace_origin) {
        trace_origin = arrival;
      }
      offset = arrival - *trace_origin;
    } else {
      offset = schedule.next_offset();
    }
    if (shape.duration > Duration::zero() && offset >= shape.duration) {
      break;
    }
    const TimePoint at = stage->start + offset;
    if (at > SteadyClock::now()) {
      timer.expires_at(at);
      auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
      if (ec) {
        break;
      }
      behind = 0;
    } else if (++behind % kYieldWhenBehindEvery == 0) {
      // Already due: no timer (arming one costs syscalls exactly when the generator is behind),
      // but let the requests already started make progress now and then.
      co_await asio::post(executor, asio::use_awaitable);
    }
    if (interrupted) {
      break;
    }
    const std::uint64_t index = next_index++;
    if (stage->in_flight >= options.max_in_flight) {
      stage->tally.dropped("generator_overloaded", options.pick_model(index));
      continue;
    }
    asio::co_spawn(executor, one_request(stage, index, at, std::move(prompt)), asio::detached);
  }
  stage->sending_done = true;
  maybe_finish(stage);
}

asio::awaitable<void> BenchSession::Impl::closed_loop_worker(StageRun* stage) {
  const LoadShape& shape = stage->shape;
  const TimePoint end = stage->start + shape.duration;
  for (;;) {
    if (interrupted ||
        (shape.num_requests != 0 && stage->tally.sent_count() >= shape.num_requests)) {
      break;
    }
    if (shape.duration > Duration::zero() && SteadyClock::now() >= end) {
      break;
    }
    const std::uint64_t index = next_index++;
    Prompt prompt = dataset.next();
    co_await one_request(stage, index, SteadyClock::now(), std::move(prompt));
  }
  --stage->workers;
  stage->sending_done = stage->workers == 0;
  maybe_finish(stage);
}

asio::awaitable<void> BenchSession::Impl::report_progress(StageRun* stage) {
  auto& timer = stage_timer(stage);
  TimePoint next = stage->start;
  while (!stage->finished) {
    next += kProgressEvery;
    timer.expires_at(next);
    auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec || stage->finished) {
      break;
    }
    Progress p;
    p.stage = stage->name;
    p.elapsed_s = to_seconds(SteadyClock::now() - stage->start);
    p.sent = stage->tally.sent_count();
    p.in_flight = stage->in_flight;
    p.completed = stage->tally.completed();
    p.failed = stage->tally.failed();
    p.ttft_p50 = stage->tally.take_recent_ttft_p50();
    progress(p);
  }
}

asio::awaitable<bool> BenchSession::Impl::scrape_once(StageRun* stage, std::size_t target_index) {
  net::ClientRequest request;
  request.method = http::verb::get;
  request.url = options.scrape_urls[target_index];
  request.timeout = std::min<Duration>(options.scrape_interval, kMaxScrapeTimeout);
  request.verify_tls = options.verify_tls;
  auto response = co_await client->request(std::move(request));
  if (response.ok() && response->status == 200) {
    stage->scrapes[target_index].push_back(std::move(response->body));
    co_return true;
  }
  ++stage->scrape_failures[target_index];
  co_return false;
}

asio::awaitable<void> BenchSession::Impl::scrape_loop(StageRun* stage, std::size_t target_index) {
  auto& timer = stage_timer(stage);
  TimePoint next = stage->start;
  for (;;) {
    next += options.scrape_interval;
    if (!stage->finished) {
      timer.expires_at(next);
      co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    }
    // After the stage finished (the timer was cancelled), one last sample closes the window.
    const bool final_sample = stage->finished;
    co_await scrape_once(stage, target_index);
    if (final_sample || interrupted) {
      break;
    }
  }
}

asio::awaitable<void> BenchSession::Impl::watch_signals() {
  auto [ec, signal] = co_await signals.async_wait(asio::as_tuple(asio::use_awaitable));
  if (ec) {
    co_return;  // the stage ended normally
  }
  interrupted = true;
  context.stop();  // abandon what is in flight: the report holds what finished
}

asio::awaitable<void> BenchSession::Impl::stage_main(StageRun* stage) {
  auto executor = co_await asio::this_coro::executor;
  // The first sample of every target is taken before any load, so deltas cover the whole stage.
  for (std::size_t t = 0; t < options.scrape_urls.size(); ++t) {
    co_await scrape_once(stage, t);
  }
  if (interrupted) {
    co_return;
  }
  stage->start = SteadyClock::now();
  if (stage->shape.concurrency > 0) {
    stage->workers = stage->shape.concurrency;
    for (int i = 0; i < stage->shape.concurrency; ++i) {
      asio::co_spawn(executor, closed_loop_worker(stage), asio::detached);
    }
  } else {
    asio::co_spawn(executor, open_loop(stage), asio::detached);
  }
  if (progress) {
    asio::co_spawn(executor, report_progress(stage), asio::detached);
  }
  for (std::size_t t = 0; t < options.scrape_urls.size(); ++t) {
    asio::co_spawn(executor, scrape_loop(stage, t), asio::detached);
  }
}

Status validate(const LoadShape& shape) {
  const int modes = (shape.rate ? 1 : 0) + (shape.concurrency > 0 ? 1 : 0) + (shape.trace ? 1 : 0);
  if (modes != 1) {
    return make_error(ErrorCode::kInvalidArgument,
                      "give exactly one of --rate (open loop) or --concurrency (closed loop); a "
                      "trace dataset sets its own arrival times",
                      "--rate");
  }
  if (shape.rate) {
    if (Status s = validate_arrivals(shape.arrival, *shape.rate, shape.burstiness); !s.ok()) {
      return s;
    }
  }
  if (!shape.trace && shape.num_requests == 0 && shape.duration <= Duration::zero()) {
    return make_error(ErrorCode::kInvalidArgument,
                      "give --num-requests or --duration to say when to stop", "--num-requests");
  }
  return {};
}

Result<std::unique_ptr<BenchSession>> BenchSession::create(SessionOptions options,
                                                           Dataset& dataset) {
  if (options.url.rfind("http://", 0) != 0 && options.url.rfind("https://", 0) != 0) {
    return make_error(ErrorCode::kInvalidArgument, "--url must start with http:// or https://",
                      "--url");
  }
  if (!options.pick_model) {
    return make_error(ErrorCode::kInvalidArgument, "no model to request", "--model");
  }
  auto impl = std::make_unique<Impl>(std::move(options), dataset);
  impl->client = std::make_unique<net::HttpClient>(impl->context.get_executor(), 1 << 16);
  if (!impl->options.ca_file.empty()) {
    if (Status s = impl->client->add_ca_file(impl->options.ca_file); !s.ok()) {
      return std::move(s).error();
    }
  }
  std::string base = impl->options.url;
  while (!base.empty() && base.back() == '/') {
    base.pop_back();
  }
  impl->target =
      base + (impl->options.api == ApiKind::kChat ? "/v1/chat/completions" : "/v1/completions");
  return std::unique_ptr<BenchSession>(new BenchSession(std::move(impl)));
}

BenchSession::BenchSession(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

BenchSession::~BenchSession() = default;

bool BenchSession::interrupted() const { return impl_->interrupted; }

void BenchSession::on_progress(std::function<void(const Progress&)> callback) {
  impl_->progress = std::move(callback);
}

void BenchSession::log_requests_to(PerRequestLog* log) { impl_->log = log; }

StageReport BenchSession::run_stage(const std::string& name, const LoadShape& shape) {
  Impl& s = *impl_;
  StageRun stage(name, shape);
  stage.scrapes.resize(s.options.scrape_urls.size());
  stage.scrape_failures.resize(s.options.scrape_urls.size());
  StageReport report;
  report.name = name;
  report.target_rate = shape.rate.value_or(0);
  report.concurrency = shape.concurrency;
  if (s.interrupted) {
    report.interrupted = true;
    return report;
  }
  s.context.restart();
  asio::co_spawn(s.context, s.watch_signals(), asio::detached);
  asio::co_spawn(s.context, s.stage_main(&stage), asio::detached);
  s.context.run();
  report.interrupted = s.interrupted;
  stage.tally.fill(report);
  for (std::size_t t = 0; t < s.options.scrape_urls.size(); ++t) {
    const std::string& url = s.options.scrape_urls[t];
    std::uint64_t failures = stage.scrape_failures[t];
    std::vector<PromSnapshot> snapshots;
    for (const std::string& body : stage.scrapes[t]) {
      auto parsed = metrics::parse_prometheus_text(body);
      if (parsed.ok()) {
        snapshots.push_back(std::move(*parsed));
      } else {
        ++failures;
      }
    }
    auto scraped = summarize_scrapes(url, snapshots);
    report.scraped.insert(report.scraped.end(), std::make_move_iterator(scraped.begin()),
                          std::make_move_iterator(scraped.end()));
    if (failures > 0) {
      report.scrape_failures[url] = failures;
    }
  }
  // After an interrupt, the abandoned requests' coroutines still point at `stage`. They never
  // resume: the stopped context is not run again, and only destroys them with the session.
  return report;
}

void BenchSession::pause(Duration pause) {
  Impl& s = *impl_;
  if (s.interrupted || pause <= Duration::zero()) {
    return;
  }
  s.context.restart();
  asio::steady_timer timer(s.context, pause);
  timer.async_wait([&](boost::system::error_code) { s.signals.cancel(); });
  s.signals.async_wait([&](boost::system::error_code ec, int) {
    if (!ec) {
      s.interrupted = true;
      timer.cancel();
    }
  });
  s.context.run();
}

}  // namespace sluice::bench
