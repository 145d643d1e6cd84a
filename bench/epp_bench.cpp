// ext_proc round trip of `sluice epp`, measured at the client as Envoy would see it: one gRPC
// stream per request, request headers then the body (end_of_stream), until the EPP's header
// response and the whole body echo are back. Open-loop at fixed rates, so queueing shows in the
// percentiles. The peer is an echo ext_proc server on the same gRPC stack and API (this binary
// with --serve-echo): it answers the same messages with a fixed destination and no routing, so
// the ratio is what Sluice's parsing, admission and scheduling add to gRPC's own cost.
//
//   epp_bench --serve-echo                       prints "echo on port N", serves until killed
//   epp_bench --target HOST:PORT [--peer HOST:PORT] [--rates 500,1000,...] [--seconds 3]
//             [--body-bytes 4096] [--threads 8]
// bench/epp.sh runs both on one core each, with 16 simulated endpoints behind the EPP.
#include "envoy/service/ext_proc/v3/external_processor.grpc.pb.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <grpcpp/grpcpp.h>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace pb = envoy::service::ext_proc::v3;
using Clock = std::chrono::steady_clock;

/// The peer: the same messages answered with a fixed destination and no routing, on the same
/// gRPC callback API as `sluice epp` (read, answer, read the next).
class EchoReactor final
    : public grpc::ServerBidiReactor<pb::ProcessingRequest, pb::ProcessingResponse> {
 public:
  EchoReactor() { StartRead(&in_); }
  void OnReadDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status::OK);
      return;
    }
    out_.clear();
    next_ = 0;
    if (in_.has_request_body()) {
      body_ += in_.request_body().body();
      if (in_.request_body().end_of_stream()) answer();
    }
    write_next();
  }
  void OnWriteDone(bool ok) override {
    if (!ok) {
      Finish(grpc::Status::CANCELLED);
      return;
    }
    write_next();
  }
  void OnDone() override { delete this; }

 private:
  void answer() {
    auto* set = out_.emplace_back()
                    .mutable_request_headers()
                    ->mutable_response()
                    ->mutable_header_mutation()
                    ->add_set_headers();
    set->mutable_header()->set_key("x-gateway-destination-endpoint");
    set->mutable_header()->set_raw_value("127.0.0.1:8000");
    for (std::size_t at = 0; at < body_.size(); at += 62'000) {
      auto* chunk = out_.emplace_back()
                        .mutable_request_body()
                        ->mutable_response()
                        ->mutable_body_mutation()
                        ->mutable_streamed_response();
      chunk->set_body(body_.substr(at, 62'000));
      chunk->set_end_of_stream(at + 62'000 >= body_.size());
    }
  }
  void write_next() {
    if (next_ < out_.size()) {
      StartWrite(&out_[next_++]);
    } else {
      StartRead(&in_);
    }
  }
  pb::ProcessingRequest in_;
  std::string body_;
  std::vector<pb::ProcessingResponse> out_;
  std::size_t next_ = 0;
};

class EchoService final : public pb::ExternalProcessor::CallbackService {
  grpc::ServerBidiReactor<pb::ProcessingRequest, pb::ProcessingResponse>* Process(
      grpc::CallbackServerContext*) override {
    return new EchoReactor();
  }
};

std::string chat_body(std::size_t bytes) {
  const std::string head = R"({"model":"m","messages":[{"role":"user","content":")";
  const std::string tail = R"("}]})";
  std::string filler;
  const char* words = "the quick brown fox jumps over the lazy dog ";
  while (head.size() + filler.size() + tail.size() < bytes) filler += words;
  filler.resize(bytes > head.size() + tail.size() ? bytes - head.size() - tail.size() : 0);
  return head + filler + tail;
}

/// One request; returns its round trip in microseconds, or -1 on failure.
double one_request(pb::ExternalProcessor::Stub& stub, const std::string& body) {
  grpc::ClientContext ctx;
  const auto start = Clock::now();
  auto stream = stub.Process(&ctx);
  pb::ProcessingRequest h;
  auto* hv = h.mutable_request_headers()->mutable_headers()->add_headers();
  hv->set_key(":path");
  hv->set_raw_value("/v1/chat/completions");
  stream->Write(h);
  pb::ProcessingRequest b;
  b.mutable_request_body()->set_body(body);
  b.mutable_request_body()->set_end_of_stream(true);
  stream->Write(b);
  pb::ProcessingResponse r;
  bool ok = stream->Read(&r) && r.has_request_headers();
  while (ok) {
    ok = stream->Read(&r) && r.has_request_body();
    if (ok && r.request_body().response().body_mutation().streamed_response().end_of_stream())
      break;
  }
  const auto end = Clock::now();
  stream->WritesDone();
  stream->Finish();
  return ok ? std::chrono::duration<double, std::micro>(end - start).count() : -1;
}

struct Result {
  double achieved = 0;
  double p50 = 0;
  double p99 = 0;
  std::size_t failed = 0;
};

Result run_rate(const std::string& target, double rate, double seconds, const std::string& body,
                int threads) {
  std::vector<double> all;
  std::mutex mu;
  std::atomic<std::size_t> failed{0};
  const auto start = Clock::now() + std::chrono::milliseconds(50);
  const auto total = static_cast<std::size_t>(rate * seconds);
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&, t] {
      auto channel = grpc::CreateChannel(target, grpc::InsecureChannelCredentials());
      auto stub = pb::ExternalProcessor::NewStub(channel);
      one_request(*stub, body);  // connect before the clock starts
      std::vector<double> mine;
      for (std::size_t i = static_cast<std::size_t>(t); i < total;
           i += static_cast<std::size_t>(threads)) {
        std::this_thread::sleep_until(start +
                                      std::chrono::duration<double>(static_cast<double>(i) / rate));
        const double us = one_request(*stub, body);
        if (us < 0) {
          ++failed;
        } else {
          mine.push_back(us);
        }
      }
      std::lock_guard<std::mutex> lock(mu);
      all.insert(all.end(), mine.begin(), mine.end());
    });
  }
  for (auto& th : pool) th.join();
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  Result r;
  r.failed = failed;
  if (all.empty()) return r;
  std::sort(all.begin(), all.end());
  r.achieved = static_cast<double>(all.size()) / elapsed;
  r.p50 = all[all.size() / 2];
  r.p99 = all[all.size() * 99 / 100];
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  std::string target;
  std::string peer;
  std::vector<double> rates = {500, 1000, 2000, 4000, 8000};
  double seconds = 3;
  std::size_t body_bytes = 4096;
  int threads = 8;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--serve-echo") {
      EchoService echo;
      grpc::ServerBuilder builder;
      int port = 0;
      builder.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &port);
      builder.RegisterService(&echo);
      auto server = builder.BuildAndStart();
      std::printf("echo on port %d\n", port);
      std::fflush(stdout);
      server->Wait();
      return 0;
    } else if (a == "--target") {
      target = next();
    } else if (a == "--peer") {
      peer = next();
    } else if (a == "--seconds") {
      seconds = std::stod(next());
    } else if (a == "--body-bytes") {
      body_bytes = std::stoul(next());
    } else if (a == "--threads") {
      threads = std::stoi(next());
    } else if (a == "--rates") {
      rates.clear();
      const std::string list = next();
      for (std::size_t at = 0; at < list.size();) {
        const std::size_t comma = list.find(',', at);
        rates.push_back(std::stod(list.substr(at, comma - at)));
        at = comma == std::string::npos ? list.size() : comma + 1;
      }
    } else {
      std::fprintf(stderr, "usage: see the comment at the top of bench/epp_bench.cpp\n");
      return 2;
    }
  }
  if (target.empty()) {
    std::fprintf(stderr, "epp_bench: --target HOST:PORT is required\n");
    return 2;
  }
  const std::string body = chat_body(body_bytes);
  std::printf("ext_proc round trip, %zu-byte body, %d client threads, %.0f s per rate\n",
              body.size(), threads, seconds);
  std::printf("%10s | %12s %10s %10s %7s | %12s %10s %10s | %8s\n", "rate/s", "sluice req/s",
              "p50 us", "p99 us", "failed", "echo req/s", "p50 us", "p99 us", "p99 x");
  for (double rate : rates) {
    const Result s = run_rate(target, rate, seconds, body, threads);
    Result e;
    if (!peer.empty()) e = run_rate(peer, rate, seconds, body, threads);
    std::printf("%10.0f | %12.0f %10.0f %10.0f %7zu | %12.0f %10.0f %10.0f | %8.2f\n", rate,
                s.achieved, s.p50, s.p99, s.failed, e.achieved, e.p50, e.p99,
                e.p99 > 0 ? s.p99 / e.p99 : 0.0);
    std::fflush(stdout);
  }
  return 0;
}
