// `sluice epp` as a real process behind real gRPC, with this test playing Envoy's side of the
// ext_proc stream (processing modes as the reference Envoy wiring sets them: headers SEND,
// bodies FULL_DUPLEX_STREAMED) in front of two real `sluice sim` model servers: health states,
// non-streaming and streaming chat, a body split across many chunks, subset hints (including one
// no endpoint is in: 503), the conformance selection header, fallback ordering, served-endpoint
// metadata, and a stream cancelled mid-way.
#include "envoy/service/ext_proc/v3/external_processor.grpc.pb.h"
#include "epp_process.h"
#include "grpc/health/v1/health.grpc.pb.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <grpcpp/grpcpp.h>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace sluice::extproc {
namespace {

namespace pb = envoy::service::ext_proc::v3;
using sluice::testing::ChildProcess;
using namespace std::chrono_literals;

const std::string kSluice = SLUICE_BIN;

struct Cluster {
  std::unique_ptr<ChildProcess> sims[2];
  std::string sim_addresses[2];
  std::unique_ptr<ChildProcess> epp;
  int grpc_port = 0;
  int health_port = 0;
  int metrics_port = 0;
  std::shared_ptr<grpc::Channel> channel;

  Cluster() {
    for (int i = 0; i < 2; ++i) {
      sims[i] = std::make_unique<ChildProcess>(std::vector<std::string>{
          kSluice, "sim", "--host", "127.0.0.1", "--port", "0", "--model", "m"});
      const auto m = sims[i]->wait_for(std::regex(R"(http://(127\.0\.0\.1:\d+))"), 15s);
      sim_addresses[i] = m[1];
    }
    epp = std::make_unique<ChildProcess>(sluice::testing::epp_argv(
        {"--endpoint", "http://" + sim_addresses[0], "--endpoint", "http://" + sim_addresses[1]}));
    const auto m = epp->wait_for(
        std::regex(R"(ext_proc on port (\d+), health on port (\d+), metrics on port (\d+))"), 20s);
    grpc_port = std::stoi(m[1]);
    health_port = std::stoi(m[2]);
    metrics_port = std::stoi(m[3]);
    channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(grpc_port),
                                  grpc::InsecureChannelCredentials());
  }
};

Cluster& cluster() {
  static Cluster c;
  return c;
}

/// Envoy's side of one stream.
class EnvoyStream {
 public:
  explicit EnvoyStream(std::shared_ptr<grpc::Channel> channel = cluster().channel)
      : stub_(pb::ExternalProcessor::NewStub(channel)) {
    context_.set_deadline(std::chrono::system_clock::now() + 10s);
    stream_ = stub_->Process(&context_);
  }
  ~EnvoyStream() {
    if (!finished_) {
      context_.TryCancel();
      stream_->Finish().ok();
    }
  }

  void headers(std::vector<std::pair<std::string, std::string>> extra, bool end_of_stream,
               const std::vector<std::string>* subset = nullptr) {
    pb::ProcessingRequest in;
    auto* h = in.mutable_request_headers()->mutable_headers();
    auto add = [h](const std::string& k, const std::string& v) {
      auto* hv = h->add_headers();
      hv->set_key(k);
      hv->set_raw_value(v);
    };
    add(":method", end_of_stream ? "GET" : "POST");
    add(":path", "/v1/chat/completions");
    add("content-type", "application/json");
    for (const auto& [k, v] : extra) add(k, v);
    in.mutable_request_headers()->set_end_of_stream(end_of_stream);
    if (subset != nullptr) {
      auto& ns =
          (*in.mutable_metadata_context()->mutable_filter_metadata())["envoy.lb.subset_hint"];
      auto* list =
          (*ns.mutable_fields())["x-gateway-destination-endpoint-subset"].mutable_list_value();
      for (const std::string& e : *subset) list->add_values()->set_string_value(e);
    }
    ASSERT_TRUE(stream_->Write(in));
  }

  void body(const std::string& bytes, bool end_of_stream) {
    pb::ProcessingRequest in;
    in.mutable_request_body()->set_body(bytes);
    in.mutable_request_body()->set_end_of_stream(end_of_stream);
    ASSERT_TRUE(stream_->Write(in));
  }

  pb::ProcessingResponse read() {
    pb::ProcessingResponse out;
    EXPECT_TRUE(stream_->Read(&out)) << "the EPP closed the stream";
    return out;
  }

  /// The response path: headers with the served endpoint in metadata, then the body chunks.
  pb::ProcessingResponse response_headers(const std::string& served, const std::string& type) {
    pb::ProcessingRequest in;
    auto* h = in.mutable_response_headers()->mutable_headers();
    auto* status = h->add_headers();
    status->set_key(":status");
    status->set_raw_value("200");
    auto* ct = h->add_headers();
    ct->set_key("content-type");
    ct->set_raw_value(type);
    auto& lb = (*in.mutable_metadata_context()->mutable_filter_metadata())["envoy.lb"];
    (*lb.mutable_fields())["x-gateway-destination-endpoint-served"].set_string_value(served);
    EXPECT_TRUE(stream_->Write(in));
    return read();
  }
  pb::ProcessingResponse response_body(const std::string& bytes, bool end_of_stream) {
    pb::ProcessingRequest in;
    in.mutable_response_body()->set_body(bytes);
    in.mutable_response_body()->set_end_of_stream(end_of_stream);
    EXPECT_TRUE(stream_->Write(in));
    return read();
  }

  grpc::Status finish() {
    stream_->WritesDone();
    finished_ = true;
    return stream_->Finish();
  }
  void cancel() { context_.TryCancel(); }

 private:
  std::unique_ptr<pb::ExternalProcessor::Stub> stub_;
  grpc::ClientContext context_;
  std::unique_ptr<grpc::ClientReaderWriter<pb::ProcessingRequest, pb::ProcessingResponse>> stream_;
  bool finished_ = false;
};

std::string header_of(const pb::HeaderMutation& m, const std::string& name) {
  for (const auto& o : m.set_headers()) {
    if (o.header().key() == name) return o.header().raw_value();
  }
  return "<absent>";
}

std::vector<std::string> split(const std::string& s) {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at <= s.size()) {
    const std::size_t comma = s.find(',', at);
    out.push_back(s.substr(at, comma == std::string::npos ? std::string::npos : comma - at));
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  return out;
}

std::string chat(bool stream, const std::string& content = "hello") {
  return R"({"model":"m","stream":)" + std::string(stream ? "true" : "false") +
         R"(,"messages":[{"role":"user","content":")" + content + R"("}]})";
}

/// Sends 4 long chats for model "slow" straight to the model server at `address`, in the
/// background (Envoy would be forwarding them): its queue builds up for the EPP to scrape.
void queue_long_chats(const std::string& address) {
  const std::string long_chat =
      R"({"model":"slow","max_tokens":100,"messages":[{"role":"user","content":"hi"}]})";
  for (int i = 0; i < 4; ++i) {
    const std::string cmd = "curl -s -o /dev/null -H 'content-type: application/json' -d '" +
                            long_chat + "' http://" + address + "/v1/chat/completions &";
    ASSERT_EQ(std::system(cmd.c_str()), 0);
  }
}

std::string metrics() {
  const std::string cmd =
      "curl -s http://127.0.0.1:" + std::to_string(cluster().metrics_port) + "/metrics";
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  char buf[4096];
  while (p != nullptr && fgets(buf, sizeof buf, p) != nullptr) out += buf;
  if (p != nullptr) pclose(p);
  return out;
}

/// The value of `series` (name and labels as printed) on the metrics page, read again until it
/// reaches `at_least` or 2 s pass: the server records a stream's end on its own thread, just
/// after the client saw it. -1 when the series is absent.
double metric_at_least(const std::string& series, double at_least) {
  double value = -1;
  for (int i = 0; i < 100; ++i) {
    const std::string page = metrics();
    const std::size_t at = page.find("\n" + series + " ");
    value = at == std::string::npos ? -1 : std::stod(page.substr(at + series.size() + 2));
    if (value >= at_least) break;
    std::this_thread::sleep_for(20ms);
  }
  return value;
}

TEST(EppIntegration, HealthServicesAnswerAsEnvoyAndKubernetesAsk) {
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(cluster().health_port),
                                     grpc::InsecureChannelCredentials());
  auto stub = grpc::health::v1::Health::NewStub(channel);
  for (const char* service :
       {"liveness", "readiness", "envoy.service.ext_proc.v3.ExternalProcessor"}) {
    grpc::ClientContext ctx;
    grpc::health::v1::HealthCheckRequest req;
    req.set_service(service);
    grpc::health::v1::HealthCheckResponse resp;
    const grpc::Status st = stub->Check(&ctx, req, &resp);
    ASSERT_TRUE(st.ok()) << service << ": " << st.error_message();
    EXPECT_EQ(resp.status(), grpc::health::v1::HealthCheckResponse::SERVING) << service;
  }
  grpc::ClientContext ctx;
  grpc::health::v1::HealthCheckRequest req;
  req.set_service("no.such.Service");
  grpc::health::v1::HealthCheckResponse resp;
  EXPECT_EQ(stub->Check(&ctx, req, &resp).error_code(), grpc::StatusCode::NOT_FOUND);
}

TEST(EppIntegration, ChatIsRoutedWithFallbacksAndTheBodyIsEchoed) {
  EnvoyStream s;
  s.headers({}, false);
  const std::string body = chat(false);
  s.body(body, true);
  const pb::ProcessingResponse h = s.read();
  ASSERT_TRUE(h.has_request_headers()) << h.DebugString();
  const pb::CommonResponse& common = h.request_headers().response();
  EXPECT_TRUE(common.clear_route_cache());
  const std::string destination =
      header_of(common.header_mutation(), "x-gateway-destination-endpoint");
  const std::vector<std::string> ranked = split(destination);
  ASSERT_EQ(ranked.size(), 2u) << destination << " (primary, then the other endpoint as fallback)";
  EXPECT_EQ(std::set<std::string>(ranked.begin(), ranked.end()),
            (std::set<std::string>{cluster().sim_addresses[0], cluster().sim_addresses[1]}));
  EXPECT_EQ(h.dynamic_metadata()
                .fields()
                .at("envoy.lb")
                .struct_value()
                .fields()
                .at("x-gateway-destination-endpoint")
                .string_value(),
            destination);
  const pb::ProcessingResponse b = s.read();
  ASSERT_TRUE(b.has_request_body());
  EXPECT_EQ(b.request_body().response().body_mutation().streamed_response().body(), body);
  EXPECT_TRUE(b.request_body().response().body_mutation().streamed_response().end_of_stream());
  // Envoy retried on the fallback: the served metadata says so and comes back as a header.
  const pb::ProcessingResponse rh = s.response_headers(ranked[1], "application/json");
  EXPECT_EQ(header_of(rh.response_headers().response().header_mutation(),
                      "x-conformance-test-served-endpoint"),
            ranked[1]);
  const std::string answer = R"({"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":1}})";
  const pb::ProcessingResponse rb = s.response_body(answer, true);
  EXPECT_EQ(rb.response_body().response().body_mutation().streamed_response().body(), answer);
  EXPECT_TRUE(s.finish().ok());
}

TEST(EppIntegration, StreamingResponsesAreEchoedChunkByChunk) {
  EnvoyStream s;
  s.headers({}, false);
  s.body(chat(true), true);
  const std::string primary =
      split(header_of(s.read().request_headers().response().header_mutation(),
                      "x-gateway-destination-endpoint"))[0];
  s.read();  // body echo
  s.response_headers(primary, "text/event-stream");
  for (int i = 0; i < 5; ++i) {
    const std::string chunk =
        "data: {\"choices\":[{\"delta\":{\"content\":\"t" + std::to_string(i) + "\"}}]}\n\n";
    const pb::ProcessingResponse r = s.response_body(chunk, false);
    EXPECT_EQ(r.response_body().response().body_mutation().streamed_response().body(), chunk);
  }
  s.response_body("data: [DONE]\n\n", true);
  EXPECT_TRUE(s.finish().ok());
  // Six chunks, five gaps between them; and the stream's end, by its gRPC status.
  EXPECT_GE(
      metric_at_least(
          R"(llm_d_epp_request_streaming_itl_seconds_count{model_name="m",target_model_name="m"})",
          5),
      5);
  EXPECT_GE(metric_at_least(R"(llm_d_epp_extproc_streams_total{code="OK"})", 1), 1);
  EXPECT_GE(metric_at_least(R"(llm_d_epp_scheduler_attempts_total{status="success"})", 1), 1);
  EXPECT_GE(metric_at_least("llm_d_epp_response_processing_duration_seconds_count", 1), 1);
}

TEST(EppIntegration, ALargeBodyComesBackInChunksOfAtMost62000Bytes) {
  EnvoyStream s;
  s.headers({}, false);
  const std::string body = chat(false, std::string(200'000, 'a'));
  for (std::size_t at = 0; at < body.size(); at += 8192) {
    s.body(body.substr(at, 8192), at + 8192 >= body.size());
  }
  ASSERT_TRUE(s.read().has_request_headers());
  std::string echoed;
  while (true) {
    const pb::ProcessingResponse r = s.read();
    ASSERT_TRUE(r.has_request_body());
    const auto& chunk = r.request_body().response().body_mutation().streamed_response();
    EXPECT_LE(chunk.body().size(), 62'000u);
    echoed += chunk.body();
    if (chunk.end_of_stream()) break;
  }
  EXPECT_EQ(echoed, body);
}

TEST(EppIntegration, SubsetHintsAndTheConformanceHeaderRestrictTheChoice) {
  for (int i = 0; i < 2; ++i) {
    const std::vector<std::string> subset = {cluster().sim_addresses[i]};
    EnvoyStream s;
    s.headers({}, false, &subset);
    s.body(chat(false), true);
    EXPECT_EQ(header_of(s.read().request_headers().response().header_mutation(),
                        "x-gateway-destination-endpoint"),
              cluster().sim_addresses[i]);
  }
  {
    const std::vector<std::string> nowhere = {"10.255.255.1:8000"};
    EnvoyStream s;
    s.headers({}, false, &nowhere);
    s.body(chat(false), true);
    const pb::ProcessingResponse r = s.read();
    ASSERT_TRUE(r.has_immediate_response()) << r.DebugString();
    EXPECT_EQ(r.immediate_response().status().code(), 503);
    EXPECT_EQ(header_of(r.immediate_response().headers(), "x-llm-d-request-dropped-reason"),
              "rejected-no-endpoints");
    EXPECT_TRUE(s.finish().ok());
  }
  {
    // Both sims listen on 127.0.0.1, so the IP filter keeps both; a foreign IP keeps none.
    EnvoyStream s;
    s.headers({{"test-epp-endpoint-selection", "10.1.2.3"}}, false);
    s.body(chat(false), true);
    EXPECT_EQ(s.read().immediate_response().status().code(), 503);
  }
}

TEST(EppIntegration, ARequestWithoutBodyGoesToAnEndpointAtOnce) {
  EnvoyStream s;
  s.headers({}, true);
  const pb::ProcessingResponse r = s.read();
  ASSERT_TRUE(r.has_request_headers());
  const std::string d =
      header_of(r.request_headers().response().header_mutation(), "x-gateway-destination-endpoint");
  EXPECT_TRUE(d == cluster().sim_addresses[0] || d == cluster().sim_addresses[1]) << d;
}

TEST(EppIntegration, ACancelledStreamIsCountedAndTheEppKeepsServing) {
  {
    EnvoyStream s;
    s.headers({}, false);
    s.body(chat(false), true);
    s.read();
    s.read();
    s.cancel();
  }
  // The cancellation is processed on the server's thread: metric_at_least polls.
  EXPECT_GE(metric_at_least(R"(sluice_epp_streams_finished_total{how="cancelled"})", 1), 1)
      << metrics();
  EnvoyStream after;
  after.headers({}, false);
  after.body(chat(false), true);
  EXPECT_TRUE(after.read().has_request_headers());
}

TEST(EppIntegration, MetricsUseTheReferenceEppNamesForPoolState) {
  EnvoyStream open;  // one stream left open while the page is read
  open.headers({}, false);
  metric_at_least("llm_d_epp_extproc_streams_inflight", 1);  // until the server took the stream
  const std::string page = metrics();
  EXPECT_NE(page.find("llm_d_epp_pool_ready_endpoints{name=\"default\"} 2\n"), std::string::npos)
      << page;
  EXPECT_NE(
      page.find("llm_d_epp_pool_per_endpoint_queue_size{name=\"default\",model_server_endpoint=\"" +
                cluster().sim_addresses[0] + "\"} 0\n"),
      std::string::npos)
      << page;
  EXPECT_NE(page.find("llm_d_epp_pool_average_kv_cache_utilization{name=\"default\"} "),
            std::string::npos);
  EXPECT_EQ(page.find("llm_d_epp_extproc_streams_inflight 0\n"), std::string::npos)
      << "the open stream is counted: " << page;
  EXPECT_NE(page.find("sluice_epp_requests_total{result=\"routed\"} "), std::string::npos);
  // Earlier tests routed chats for model m: the per-request families carry them.
  EXPECT_NE(page.find("llm_d_epp_request_total{model_name=\"m\",target_model_name=\"m\"} "),
            std::string::npos)
      << page;
  EXPECT_NE(page.find("llm_d_epp_request_duration_seconds_count{model_name=\"m\","),
            std::string::npos)
      << page;
}

TEST(EppIntegration, PoolScopesEveryRequestToOneInferencePool) {
  // Two pools over the cluster's two sims; model m is routed to pool a. An EPP for pool b sends
  // it to b's endpoint (which serves m too), as the EPP of an InferencePool must.
  const std::string config = ::testing::TempDir() + "/epp_pools.yaml";
  {
    std::ofstream out(config);
    for (const char* pool : {"a", "b"}) {
      out << "apiVersion: inference.networking.k8s.io/v1\nkind: InferencePool\nmetadata: {name: "
          << pool << "}\nspec:\n  selector: {matchLabels: {pool: " << pool
          << "}}\n  targetPorts: [{number: 1}]\n---\n";
    }
    out << "apiVersion: sluice.dev/v1alpha1\nkind: StaticEndpoints\nmetadata: {name: fleet}\n"
           "spec:\n  endpoints:\n  - {address: \""
        << cluster().sim_addresses[0] << "\", labels: {pool: a}}\n  - {address: \""
        << cluster().sim_addresses[1]
        << "\", labels: {pool: b}}\n---\n"
           "apiVersion: sluice.dev/v1alpha1\nkind: ModelRoute\nmetadata: {name: r}\n"
           "spec: {poolRef: {name: a}, models: [m]}\n";
  }
  for (const std::string pool : {"", "b"}) {
    std::vector<std::string> args = {"--config", config};
    if (!pool.empty()) args.insert(args.end(), {"--pool", pool});
    ChildProcess epp(sluice::testing::epp_argv(args));
    const int port = sluice::testing::ext_proc_port(epp);
    EnvoyStream s(grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                      grpc::InsecureChannelCredentials()));
    s.headers({}, false);
    s.body(chat(false), true);
    EXPECT_EQ(split(header_of(s.read().request_headers().response().header_mutation(),
                              "x-gateway-destination-endpoint"))[0],
              cluster().sim_addresses[pool.empty() ? 0 : 1])
        << "--pool '" << pool << "'";
  }
}

TEST(EppIntegration, OutOfOrderMessagesEndTheStreamWithInvalidArgument) {
  EnvoyStream s;
  s.body("{}", true);
  pb::ProcessingResponse unused;
  EXPECT_EQ(s.finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST(EppIntegration, ASaturatedPoolShedsSheddableRequestsWith429) {
  // One slow sequence at a time; the picker config counts one waiting request as full.
  ChildProcess sim({kSluice, "sim", "--host", "127.0.0.1", "--port", "0", "--model", "slow",
                    "--max-num-seqs", "1"});
  const std::string address = sim.wait_for(std::regex(R"(http://(127\.0\.0\.1:\d+))"), 15s)[1];
  const std::string config = ::testing::TempDir() + "/epp_shed.yaml";
  {
    std::ofstream out(config);
    out << "apiVersion: inference.networking.k8s.io/v1\nkind: InferencePool\n"
           "metadata: {name: tiny}\nspec:\n  selector: {matchLabels: {family: tiny}}\n"
           "  targetPorts: [{number: 1}]\n  endpointPickerRef: {name: tiny-picker, port: {number: "
           "9002}}\n---\n"
           "apiVersion: sluice.dev/v1alpha1\nkind: StaticEndpoints\nmetadata: {name: fleet}\n"
           "spec:\n  endpoints:\n  - {address: \""
        << address
        << "\", labels: {family: tiny}}\n---\n"
           "apiVersion: sluice.dev/v1alpha1\nkind: ModelRoute\nmetadata: {name: r}\n"
           "spec: {poolRef: {name: tiny}, models: [slow]}\n---\n"
           "apiVersion: llm-d.ai/v1alpha2\nkind: InferenceObjective\nmetadata: {name: batch}\n"
           "spec: {priority: -1, poolRef: {name: tiny}}\n---\n"
           "apiVersion: llm-d.ai/v1alpha1\nkind: EndpointPickerConfig\n"
           "metadata: {name: tiny-picker}\nplugins:\n- type: queue-scorer\n"
           "- type: max-score-picker\nsaturationDetector: {queueDepthThreshold: 1}\n";
  }
  ChildProcess epp(sluice::testing::epp_argv({"--config", config}));
  const int port = sluice::testing::ext_proc_port(epp);
  auto channel =
      grpc::CreateChannel("127.0.0.1:" + std::to_string(port), grpc::InsecureChannelCredentials());
  // Load the model server directly (Envoy would be forwarding these): a queue builds up.
  ASSERT_NO_FATAL_FAILURE(queue_long_chats(address));
  const std::string sheddable =
      R"({"model":"slow","max_tokens":1,"messages":[{"role":"user","content":"x"}]})";
  pb::ProcessingResponse shed;
  for (int attempt = 0; attempt < 100; ++attempt) {
    EnvoyStream s(channel);
    s.headers({{"x-llm-d-inference-objective", "batch"}}, false);
    s.body(sheddable, true);
    shed = s.read();
    if (shed.has_immediate_response()) break;
    std::this_thread::sleep_for(50ms);  // until the EPP's scrape sees the queue
  }
  ASSERT_TRUE(shed.has_immediate_response()) << "never shed: " << shed.DebugString();
  EXPECT_EQ(shed.immediate_response().status().code(), 429);
  EXPECT_EQ(header_of(shed.immediate_response().headers(), "x-llm-d-request-dropped-reason"),
            "rejected-saturated");
  // Requests without the sheddable objective are still routed.
  EnvoyStream s(channel);
  s.headers({}, false);
  s.body(sheddable, true);
  const pb::ProcessingResponse routed = s.read();
  ASSERT_TRUE(routed.has_request_headers()) << routed.DebugString();
  EXPECT_EQ(header_of(routed.request_headers().response().header_mutation(),
                      "x-gateway-destination-endpoint"),
            address);
}

TEST(EppIntegration, TheEppAndTheGatewayPickTheSameEndpointForTheSameState) {
  // Two model servers, one slow sequence at a time each; A gets a queue, B stays idle. Both front
  // ends route with the same core and the same (default) profile, so both must choose B.
  ChildProcess a({kSluice, "sim", "--host", "127.0.0.1", "--port", "0", "--model", "slow",
                  "--max-num-seqs", "1"});
  ChildProcess b({kSluice, "sim", "--host", "127.0.0.1", "--port", "0", "--model", "slow",
                  "--max-num-seqs", "1"});
  const std::regex url(R"(http://(127\.0\.0\.1:\d+))");
  const std::string addr_a = a.wait_for(url, 15s)[1];
  const std::string addr_b = b.wait_for(url, 15s)[1];
  const std::vector<std::string> endpoints = {"--endpoint", "http://" + addr_a, "--endpoint",
                                              "http://" + addr_b};
  ChildProcess epp(sluice::testing::epp_argv(endpoints));
  std::vector<std::string> gw_args = {kSluice,  "gateway", "--host",       "127.0.0.1",
                                      "--port", "0",       "--access-log", "-"};
  gw_args.insert(gw_args.end(), endpoints.begin(), endpoints.end());
  ChildProcess gateway(gw_args);
  const int epp_port = sluice::testing::ext_proc_port(epp);
  const std::string gw = gateway.wait_for(url, 20s)[1];

  ASSERT_NO_FATAL_FAILURE(queue_long_chats(addr_a));
  std::this_thread::sleep_for(500ms);  // both scrape the queue (every 50 ms by default)

  const std::string request =
      R"({"model":"slow","max_tokens":1,"messages":[{"role":"user","content":"which one?"}]})";
  auto channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(epp_port),
                                     grpc::InsecureChannelCredentials());
  EnvoyStream s(channel);
  s.headers({}, false);
  s.body(request, true);
  const std::string epp_choice =
      split(header_of(s.read().request_headers().response().header_mutation(),
                      "x-gateway-destination-endpoint"))[0];

  const std::string cmd = "curl -s -o /dev/null -H 'content-type: application/json' -d '" +
                          request + "' http://" + gw + "/v1/chat/completions";
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  const std::string gateway_choice =
      gateway.wait_for(std::regex(R"re("endpoint":"([^"]+)")re"), 5s)[1];
  EXPECT_EQ(epp_choice, addr_b);
  EXPECT_EQ(gateway_choice, addr_b);
  EXPECT_EQ(epp_choice, gateway_choice);
}

}  // namespace
}  // namespace sluice::extproc
