#include "pool/endpoint_pool.h"

#include "core/log.h"
#include "metrics/prometheus_text.h"
#include "net/client.h"

#include <atomic>
#include <exception>
#include <set>
#include <string>
#include <utility>

namespace sluice::pool {

namespace asio = boost::asio;

namespace {

// Written by gateway workers, read by the scraper: one cache line each so that workers reporting
// on different endpoints do not contend.
struct alignas(64) PassiveCounters {
  std::atomic<std::uint32_t> streak{0};
  std::atomic<std::uint64_t> failures_total{0};
};

// Scraper-owned state of one endpoint; only touched on the pool's executor.
struct Endpoint {
  std::shared_ptr<const EndpointConfig> config;
  std::string base_url;  // "http://host:port"
  EndpointHealth health;
  EndpointMetrics metrics;
  std::shared_ptr<const std::vector<ServedModel>> models;
  TimePoint next_models{};
  std::uint64_t scrapes_total = 0;
  std::uint64_t scrape_failures_total = 0;
};

}  // namespace

struct EndpointPool::State {
  State(asio::any_io_executor ex, PoolOptions opts, std::size_t n)
      : executor(std::move(ex)), client(executor), options(std::move(opts)), passive(n) {}

  asio::any_io_executor executor;
  net::HttpClient client;
  PoolOptions options;
  std::vector<Endpoint> endpoints;
  std::vector<PassiveCounters> passive;
  std::atomic<std::shared_ptr<const PoolSnapshot>> current;
  /// Bumped after every store to `current`: readers compare it (a plain atomic load) and touch
  /// `current`, whose load takes libstdc++'s internal spin bit, only when it moved.
  std::atomic<std::uint64_t> version{0};
  std::uint64_t generation = 0;

  // Executor-only from here on.
  std::vector<std::unique_ptr<asio::cancellation_signal>> signals;
  std::atomic<bool> started{false};
  bool stopping = false;
  std::size_t live = 0;  // running coroutines
  std::vector<std::function<void()>> on_stopped;

  void finish_stop() {
    auto callbacks = std::move(on_stopped);
    on_stopped.clear();
    for (auto& f : callbacks) {
      if (f) f();
    }
  }
};

namespace {

using State = EndpointPool::State;

// Counts a running coroutine; the last one to exit after stop() runs the stop callbacks.
struct LiveGuard {
  explicit LiveGuard(State& s) : state(s) { ++state.live; }
  ~LiveGuard() {
    if (--state.live == 0 && state.stopping) state.finish_stop();
  }
  LiveGuard(const LiveGuard&) = delete;
  LiveGuard& operator=(const LiveGuard&) = delete;
  State& state;
};

void publish(State& s) {
  const TimePoint now = SteadyClock::now();
  auto snap = std::make_shared<PoolSnapshot>();
  snap->generation = ++s.generation;
  snap->published_at = now;
  snap->endpoints.reserve(s.endpoints.size());
  for (std::size_t i = 0; i < s.endpoints.size(); ++i) {
    Endpoint& ep = s.endpoints[i];
    PassiveCounters& passive = s.passive[i];
    if (ep.health.on_passive_streak(passive.streak.load(std::memory_order_relaxed), now)) {
      passive.streak.store(0, std::memory_order_relaxed);
      log::warn("pool: endpoint {} ejected after {} consecutive proxy errors", ep.config->address,
                ep.health.policy().failure_threshold);
    }
    EndpointState& out = snap->endpoints.emplace_back();
    out.index = static_cast<std::uint32_t>(i);
    out.config = ep.config;
    out.models = ep.models;
    out.metrics = ep.metrics;
    out.health = ep.health.state();
    out.eject_reason = ep.health.reason();
    out.stale = ep.health.stale(now);
    out.metrics_at = ep.health.last_success();
    out.scrapes_total = ep.scrapes_total;
    out.scrape_failures_total = ep.scrape_failures_total;
    out.passive_failures_total = passive.failures_total.load(std::memory_order_relaxed);
    out.ejections_total = ep.health.ejections();
  }
  std::shared_ptr<const PoolSnapshot> published = std::move(snap);
  s.current.store(published, std::memory_order_release);
  s.version.fetch_add(1, std::memory_order_release);
  if (s.options.on_publish) s.options.on_publish(*published);
}

net::ClientRequest get(const State& s, const Endpoint& ep, const std::string& path,
                       std::size_t max_bytes) {
  net::ClientRequest request;
  request.url = ep.base_url + path;
  request.timeout = s.options.request_timeout;
  request.max_response_bytes = max_bytes;
  return request;
}

bool cancelled(const Result<net::ClientResponse>& r) {
  return !r.ok() && r.error().code == ErrorCode::kCancelled;
}

asio::awaitable<void> discover(std::shared_ptr<State> s, std::uint32_t i) {
  Endpoint& ep = s->endpoints[i];
  auto response =
      co_await s->client.request(get(*s, ep, ep.config->models_path, s->options.max_models_bytes));
  if (s->stopping || cancelled(response)) co_return;
  ep.next_models = SteadyClock::now() + s->options.models_refresh_interval;
  if (!response.ok() || response->status != 200) {
    log::debug(
        "pool: {} {}: {}", ep.config->address, ep.config->models_path,
        response.ok() ? "HTTP " + std::to_string(response->status) : response.error().message);
    co_return;
  }
  auto models = parse_served_models(response->body);
  if (!models.ok()) {
    log::warn("pool: {}: {}", ep.config->address, models.error().message);
    co_return;
  }
  if (!ep.models || *ep.models != *models) {
    ep.models = std::make_shared<const std::vector<ServedModel>>(std::move(models).value());
  }
}

asio::awaitable<void> scrape(std::shared_ptr<State> s, std::uint32_t i) {
  Endpoint& ep = s->endpoints[i];
  auto response = co_await s->client.request(
      get(*s, ep, ep.config->metrics_path, s->options.max_metrics_bytes));
  if (s->stopping || cancelled(response)) co_return;
  ++ep.scrapes_total;
  bool ok = false;
  if (!response.ok()) {
    log::debug("pool: scrape {}: {}", ep.config->address, response.error().message);
  } else if (response->status != 200) {
    log::debug("pool: scrape {}: HTTP {}", ep.config->address, response->status);
  } else if (auto page = metrics::parse_prometheus_text(response->body, endpoint_metric_names());
             !page.ok()) {
    log::debug("pool: scrape {}: {}", ep.config->address, page.error().message);
  } else {
    ep.metrics = extract_endpoint_metrics(*page);
    ok = true;
  }
  if (!ok) ++ep.scrape_failures_total;
  if (ep.health.on_scrape(ok, SteadyClock::now())) {
    log::warn("pool: endpoint {} ejected after {} consecutive scrape failures", ep.config->address,
              ep.health.policy().failure_threshold);
  }
}

asio::awaitable<void> probe(std::shared_ptr<State> s, std::uint32_t i) {
  Endpoint& ep = s->endpoints[i];
  auto response = co_await s->client.request(get(*s, ep, ep.config->health_path, 64 * 1024));
  if (s->stopping || cancelled(response)) co_return;
  const TimePoint now = SteadyClock::now();
  if (ep.health.on_probe(response.ok() && response->status == 200, now)) {
    // Errors reported while it was out must not eject it again at once; its adapters may have
    // changed while it was away.
    s->passive[i].streak.store(0, std::memory_order_relaxed);
    ep.next_models = now;
    log::info("pool: endpoint {} recovered", ep.config->address);
  }
}

// A fixed cadence: the next round starts one interval after this one started (at once if the
// round overran), so slow replies do not stretch the period.
asio::awaitable<bool> wait_until(State& s, asio::steady_timer& timer, TimePoint at) {
  timer.expires_at(std::max(at, SteadyClock::now()));
  co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
  co_return !s.stopping;
}

asio::awaitable<void> run_endpoint(std::shared_ptr<State> s, std::uint32_t i) {
  LiveGuard live(*s);
  asio::steady_timer timer(s->executor);
  Endpoint& ep = s->endpoints[i];
  // The first round runs at once everywhere (start-up waits for discovery); the second comes
  // early by a share of the interval proportional to the endpoint's position, so that later
  // rounds, and the parsing of their pages on this thread, are spread over the interval instead
  // of landing together next to the requests a worker on the same core is serving. No gap
  // between two rounds exceeds the interval, so metrics never get staler than without it.
  Duration stagger = s->options.scrape_interval * static_cast<std::int64_t>(i) /
                     static_cast<std::int64_t>(s->endpoints.size());
  while (!s->stopping) {
    const TimePoint start = SteadyClock::now();
    if (ep.health.healthy()) {
      if (start >= ep.next_models) co_await discover(s, i);
      if (!s->stopping && ep.health.healthy()) co_await scrape(s, i);
    } else if (ep.health.probe_due(start)) {
      co_await probe(s, i);
    }
    if (s->stopping) break;
    const Duration wait = stagger > Duration::zero() ? stagger : s->options.scrape_interval;
    if (!co_await wait_until(*s, timer, start + wait)) break;
    stagger = Duration::zero();
  }
}

asio::awaitable<void> run_publisher(std::shared_ptr<State> s) {
  LiveGuard live(*s);
  asio::steady_timer timer(s->executor);
  while (!s->stopping) {
    const TimePoint start = SteadyClock::now();
    publish(*s);
    if (s->stopping) break;
    if (!co_await wait_until(*s, timer, start + s->options.scrape_interval)) break;
  }
}

void on_coroutine_exit(std::exception_ptr error) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const boost::system::system_error& e) {
    if (e.code() != asio::error::operation_aborted) log::error("pool: {}", e.what());
  } catch (const std::exception& e) {
    log::error("pool: {}", e.what());
  }
}

Status validate(const std::vector<EndpointConfig>& endpoints, const PoolOptions& options) {
  auto bad = [](std::string message, std::string field) {
    return make_error(ErrorCode::kInvalidArgument, std::move(message), std::move(field));
  };
  if (endpoints.empty()) return bad("a pool needs at least one endpoint", "endpoints");
  if (endpoints.size() > kMaxEndpoints) {
    return bad("more than " + std::to_string(kMaxEndpoints) + " endpoints", "endpoints");
  }
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < endpoints.size(); ++i) {
    const auto& e = endpoints[i];
    const std::string field = "endpoints[" + std::to_string(i) + "]";
    const auto colon = e.address.rfind(':');
    if (e.address.empty() || colon == std::string::npos || colon == 0 ||
        colon + 1 == e.address.size() || e.address.find('/') != std::string::npos) {
      return bad("endpoint address must be host:port, got '" + e.address + "'", field + ".address");
    }
    if (!seen.insert(e.address).second) {
      return bad("duplicate endpoint address '" + e.address + "'", field + ".address");
    }
    for (const auto* path : {&e.metrics_path, &e.health_path, &e.models_path}) {
      if (path->empty() || path->front() != '/') {
        return bad("paths must start with '/', got '" + *path + "'", field);
      }
    }
  }
  if (options.scrape_interval <= Duration::zero())
    return bad("must be positive", "scrape_interval");
  if (options.request_timeout <= Duration::zero())
    return bad("must be positive", "request_timeout");
  if (options.models_refresh_interval <= Duration::zero()) {
    return bad("must be positive", "models_refresh_interval");
  }
  return {};
}

}  // namespace

Result<std::unique_ptr<EndpointPool>> EndpointPool::create(asio::any_io_executor executor,
                                                           std::vector<EndpointConfig> endpoints,
                                                           PoolOptions options) {
  if (auto valid = validate(endpoints, options); !valid.ok()) return std::move(valid).error();
  auto state = std::make_shared<State>(std::move(executor), std::move(options), endpoints.size());
  state->endpoints.reserve(endpoints.size());
  for (auto& config : endpoints) {
    Endpoint& ep = state->endpoints.emplace_back();
    ep.base_url = config.scheme + "://" + config.address;
    ep.config = std::make_shared<const EndpointConfig>(std::move(config));
    ep.health = EndpointHealth(state->options.health);
  }
  // The initial snapshot is published without the callback: nobody can have subscribed yet.
  auto callback = std::move(state->options.on_publish);
  publish(*state);
  state->options.on_publish = std::move(callback);
  return std::unique_ptr<EndpointPool>(new EndpointPool(std::move(state)));
}

EndpointPool::~EndpointPool() { stop(); }

void EndpointPool::start() {
  if (state_->started.exchange(true)) return;
  asio::post(state_->executor, [s = state_] {
    if (s->stopping) return;
    const std::size_t n = s->endpoints.size();
    for (std::size_t i = 0; i <= n; ++i) {
      s->signals.push_back(std::make_unique<asio::cancellation_signal>());
      auto slot = s->signals.back()->slot();
      if (i < n) {
        asio::co_spawn(s->executor, run_endpoint(s, static_cast<std::uint32_t>(i)),
                       asio::bind_cancellation_slot(slot, on_coroutine_exit));
      } else {
        asio::co_spawn(s->executor, run_publisher(s),
                       asio::bind_cancellation_slot(slot, on_coroutine_exit));
      }
    }
  });
}

void EndpointPool::stop(std::function<void()> on_stopped) {
  asio::post(state_->executor, [s = state_, f = std::move(on_stopped)]() mutable {
    s->on_stopped.push_back(std::move(f));
    if (!s->stopping) {
      s->stopping = true;
      for (auto& signal : s->signals) signal->emit(asio::cancellation_type::terminal);
    }
    if (s->live == 0) s->finish_stop();
  });
}

std::shared_ptr<const PoolSnapshot> EndpointPool::snapshot() const {
  return state_->current.load(std::memory_order_acquire);
}

std::uint64_t EndpointPool::snapshot_version() const {
  return state_->version.load(std::memory_order_acquire);
}

void EndpointPool::report_failure(std::uint32_t index) {
  if (index >= state_->passive.size()) return;
  auto& c = state_->passive[index];
  c.streak.fetch_add(1, std::memory_order_relaxed);
  c.failures_total.fetch_add(1, std::memory_order_relaxed);
}

void EndpointPool::report_success(std::uint32_t index) {
  if (index >= state_->passive.size()) return;
  auto& streak = state_->passive[index].streak;
  if (streak.load(std::memory_order_relaxed) != 0) streak.store(0, std::memory_order_relaxed);
}

std::size_t EndpointPool::size() const { return state_->endpoints.size(); }

}  // namespace sluice::pool
