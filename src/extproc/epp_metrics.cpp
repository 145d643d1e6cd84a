#include "extproc/epp_metrics.h"

#include <cstdio>

namespace sluice::extproc {
namespace {

void header(std::string& out, const char* name, const char* type, const char* help) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

std::string number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

std::string render_epp_metrics(const routing::RoutingTable& table, const RoutingPicker& picker,
                               std::int64_t streams_in_flight) {
  std::string out;
  const PickerCounters& c = picker.counters();
  header(out, "sluice_epp_requests_total", "counter",
         "Requests the Endpoint Picker decided, by result.");
  auto result = [&out](const char* name, const std::atomic<std::uint64_t>& v) {
    out += "sluice_epp_requests_total{result=\"";
    out += name;
    out += "\"} " + std::to_string(v.load(std::memory_order_relaxed)) + "\n";
  };
  result("routed", c.routed);
  result("rejected_saturated", c.rejected_saturated);
  result("rejected_no_endpoint", c.rejected_no_endpoint);
  result("rejected_other", c.rejected_other);
  header(out, "sluice_epp_streams_finished_total", "counter",
         "Routed requests whose stream ended, by how.");
  out += "sluice_epp_streams_finished_total{how=\"completed\"} " +
         std::to_string(c.finished.load(std::memory_order_relaxed)) + "\n";
  out += "sluice_epp_streams_finished_total{how=\"cancelled\"} " +
         std::to_string(c.cancelled.load(std::memory_order_relaxed)) + "\n";
  picker.request_metrics().render(out);
  header(out, "llm_d_epp_extproc_streams_inflight", "gauge", "ext_proc streams open now.");
  out += "llm_d_epp_extproc_streams_inflight " + std::to_string(streams_in_flight) + "\n";

  // Pool state, as of each pool's last published snapshot.
  std::string ready;
  std::string queue;
  std::string running;
  std::string kv;
  std::string per_endpoint;
  for (const routing::PoolRoute& route : table.pools()) {
    const auto snapshot = route.endpoints->snapshot();
    std::size_t healthy = 0;
    double waiting = 0;
    double batch = 0;
    double cache = 0;
    for (const pool::EndpointState& e : snapshot->endpoints) {
      if (!e.healthy()) continue;
      ++healthy;
      waiting += e.metrics.waiting;
      batch += e.metrics.running;
      cache += e.metrics.kv_cache_usage;
      per_endpoint += "llm_d_epp_pool_per_endpoint_queue_size{name=\"" + route.name +
                      "\",model_server_endpoint=\"" + e.address() + "\"} " +
                      std::to_string(e.metrics.waiting) + "\n";
    }
    const double n = healthy == 0 ? 1.0 : static_cast<double>(healthy);
    const std::string label = "{name=\"" + route.name + "\"} ";
    ready += "llm_d_epp_pool_ready_endpoints" + label + std::to_string(healthy) + "\n";
    queue += "llm_d_epp_pool_average_queue_size" + label + number(waiting / n) + "\n";
    running += "llm_d_epp_pool_average_running_requests" + label + number(batch / n) + "\n";
    kv += "llm_d_epp_pool_average_kv_cache_utilization" + label + number(cache / n) + "\n";
  }
  header(out, "llm_d_epp_pool_ready_endpoints", "gauge", "Endpoints that can take requests.");
  out += ready;
  header(out, "llm_d_epp_pool_average_queue_size", "gauge",
         "Mean waiting requests over the ready endpoints.");
  out += queue;
  header(out, "llm_d_epp_pool_average_running_requests", "gauge",
         "Mean running requests over the ready endpoints.");
  out += running;
  header(out, "llm_d_epp_pool_average_kv_cache_utilization", "gauge",
         "Mean KV-cache utilisation (0..1) over the ready endpoints.");
  out += kv;
  header(out, "llm_d_epp_pool_per_endpoint_queue_size", "gauge",
         "Waiting requests per ready endpoint.");
  out += per_endpoint;
  return out;
}

}  // namespace sluice::extproc
