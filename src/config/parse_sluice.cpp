// Sluice's own kinds (sluice.dev/v1alpha1): StaticEndpoints, ModelRoute and Gateway.
#include "config/documents.h"

#include <charconv>

namespace sluice::config::detail {
namespace {

void expect_object(const YamlReader& doc) {
  doc.expect_map({"apiVersion", "kind", "metadata", "spec"});
}

// "host", "host:port", "[v6]:port", "http://host:port" or "https://host[:port]".
void parse_address(const YamlReader& r, StaticEndpointEntry& e) {
  const std::string text = r.as_string();
  std::string_view s = text;
  e.scheme = "http";
  const bool is_url = s.find("://") != std::string_view::npos;
  if (is_url) {
    const auto pos = s.find("://");
    e.scheme = std::string(s.substr(0, pos));
    if (e.scheme != "http" && e.scheme != "https") r.fail("scheme must be http or https");
    s.remove_prefix(pos + 3);
    if (!s.empty() && s.back() == '/') s.remove_suffix(1);
  }
  if (s.find('/') != std::string_view::npos) r.fail("must not contain a path");
  std::string_view port;
  if (!s.empty() && s.front() == '[') {
    const auto close = s.find(']');
    if (close == std::string_view::npos) r.fail("unterminated IPv6 address");
    e.host = std::string(s.substr(1, close - 1));
    const std::string_view rest = s.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') r.fail("expected :port after ]");
      port = rest.substr(1);
      if (port.empty()) r.fail("empty port");
    }
  } else {
    const auto colon = s.rfind(':');
    if (colon != std::string_view::npos && s.find(':') != colon) {
      r.fail("IPv6 addresses must be written in brackets, e.g. [::1]:8000");
    }
    e.host = std::string(s.substr(0, colon));
    if (colon != std::string_view::npos) {
      port = s.substr(colon + 1);
      if (port.empty()) r.fail("empty port");
    }
  }
  if (e.host.empty()) r.fail("must name a host");
  if (!port.empty()) {
    unsigned value = 0;
    const auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || ptr != port.data() + port.size() || value < 1 || value > 65535) {
      r.fail("invalid port \"" + std::string(port) + "\"");
    }
    e.port = static_cast<std::uint16_t>(value);
  } else if (is_url) {
    e.port = e.scheme == "https" ? 443 : 80;  // a URL without a port means the scheme's default
  }
}

}  // namespace

void parse_static_endpoints(const YamlReader& doc, const std::string& /*name*/, Documents& out) {
  expect_object(doc);
  const YamlReader spec = doc.child("spec");
  spec.expect_map({"endpoints"});
  const YamlReader list = spec.child("endpoints");
  if (list.is_null()) list.fail("is required");
  list.expect_sequence();
  if (list.size() == 0) list.fail("must list at least one endpoint");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const YamlReader item = list.at(i);
    item.expect_map({"address", "labels"});
    StaticEndpointEntry e;
    e.location = item.location();
    e.path = item.path();
    parse_address(item.child("address"), e);
    e.labels = item.child("labels").string_map();
    out.static_endpoints.push_back(std::move(e));
  }
  ++out.static_endpoint_documents;
}

void parse_model_route(const YamlReader& doc, const std::string& name, Documents& out) {
  expect_object(doc);
  const YamlReader spec = doc.child("spec");
  spec.expect_map({"poolRef", "models"});
  ModelRouteDoc md;
  md.name = name;
  md.pool = read_pool_ref(spec.child("poolRef"));
  const YamlReader models = spec.child("models");
  if (models.is_null()) models.fail("is required");
  models.expect_sequence();
  if (models.size() == 0) models.fail("must list at least one model");
  for (std::size_t i = 0; i < models.size(); ++i) {
    const YamlReader item = models.at(i);
    ModelRouteEntry entry;
    // Shorthand: a plain string is a base model.
    if (item.node().IsScalar()) {
      entry.model = item.as_string();
      if (entry.model.empty()) item.fail("must not be empty");
    } else {
      item.expect_map({"name", "baseModel"});
      entry.model = item.required_string("name");
      entry.base_model = item.optional_string("baseModel").value_or("");
      if (entry.base_model == entry.model) {
        item.child("baseModel").fail("an adapter cannot be its own base model");
      }
    }
    entry.pool = md.pool.name;
    entry.location = item.location();
    md.models.push_back(std::move(entry));
    md.model_paths.push_back(item.path());
  }
  out.model_routes.push_back(std::move(md));
}

void parse_gateway(const YamlReader& doc, const std::string& /*name*/, Documents& out) {
  expect_object(doc);
  GatewayDoc gd;
  gd.path = doc.path();
  gd.location = doc.location();
  GatewaySettings& g = gd.settings;
  const YamlReader spec = doc.child("spec");
  if (!spec.is_null()) {
    spec.expect_map({"listen", "timeouts", "retries", "metrics", "healthCheck", "defaultPoolRef"});
    if (const YamlReader r = spec.child("listen"); !r.is_null()) {
      r.expect_map({"address", "port"});
      g.listen_address = r.optional_string("address").value_or(g.listen_address);
      if (g.listen_address.empty()) r.child("address").fail("must not be empty");
      g.listen_port = static_cast<std::uint16_t>(r.optional_int("port", 0, 65535).value_or(8080));
    }
    if (const YamlReader r = spec.child("timeouts"); !r.is_null()) {
      r.expect_map({"connect", "firstByte", "streamIdle"});
      if (r.has("connect")) g.connect_timeout = r.child("connect").as_duration();
      if (r.has("firstByte")) g.first_byte_timeout = r.child("firstByte").as_duration();
      if (r.has("streamIdle")) g.stream_idle_timeout = r.child("streamIdle").as_duration();
    }
    if (const YamlReader r = spec.child("retries"); !r.is_null()) {
      r.expect_map({"maxRetries"});
      g.max_retries = static_cast<int>(r.optional_int("maxRetries", 0, 10).value_or(2));
    }
    if (const YamlReader r = spec.child("metrics"); !r.is_null()) {
      r.expect_map({"scrapeInterval", "staleAfter"});
      if (r.has("scrapeInterval")) g.scrape_interval = r.child("scrapeInterval").as_duration();
      if (r.has("staleAfter")) g.metrics_stale_after = r.child("staleAfter").as_duration();
      if (g.scrape_interval <= Duration::zero()) {
        r.child("scrapeInterval").fail("must be positive");
      }
      if (g.metrics_stale_after < g.scrape_interval) {
        r.child("staleAfter").fail("must be at least scrapeInterval");
      }
    }
    if (const YamlReader r = spec.child("healthCheck"); !r.is_null()) {
      r.expect_map({"path", "interval", "timeout", "unhealthyThreshold", "healthyThreshold"});
      HealthCheckSettings& h = g.health_check;
      h.path = r.optional_string("path").value_or(h.path);
      if (h.path.empty() || h.path.front() != '/') r.child("path").fail("must start with /");
      if (r.has("interval")) h.interval = r.child("interval").as_duration();
      if (r.has("timeout")) h.timeout = r.child("timeout").as_duration();
      if (h.interval <= Duration::zero()) r.child("interval").fail("must be positive");
      if (h.timeout <= Duration::zero()) r.child("timeout").fail("must be positive");
      h.unhealthy_threshold =
          static_cast<int>(r.optional_int("unhealthyThreshold", 1, 1000).value_or(3));
      h.healthy_threshold =
          static_cast<int>(r.optional_int("healthyThreshold", 1, 1000).value_or(1));
    }
    if (spec.has("defaultPoolRef")) gd.default_pool = read_pool_ref(spec.child("defaultPoolRef"));
    for (const char* t : {"connect", "firstByte", "streamIdle"}) {
      const YamlReader r = spec.child("timeouts").child(t);
      if (!r.is_null() && r.as_duration() <= Duration::zero()) r.fail("must be positive");
    }
  }
  out.gateways.push_back(std::move(gd));
}

}  // namespace sluice::config::detail
