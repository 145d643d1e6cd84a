// The HTTP/2 gRPC transport of `sluice epp` (src/extproc/grpc_h2_server.h) against gRPC C++'s own
// client, curl and a raw socket: what a gRPC server must answer beyond the happy path (unknown
// methods, compressed or oversized messages, a non-gRPC request, garbage bytes), many streams on
// one connection, and a graceful shutdown that lets an open stream finish.
#include "envoy/service/ext_proc/v3/external_processor.grpc.pb.h"
#include "epp_process.h"
#include "grpc/health/v1/health.grpc.pb.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <cstdio>
#include <grpcpp/grpcpp.h>
#include <memory>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <vector>

namespace sluice::extproc {
namespace {

namespace pb = envoy::service::ext_proc::v3;
using sluice::testing::ChildProcess;
using namespace std::chrono_literals;

const std::string kSluice = SLUICE_BIN;

/// One `sluice sim` and a `sluice epp` in front of it.
struct Epp {
  std::unique_ptr<ChildProcess> sim;
  std::unique_ptr<ChildProcess> epp;
  int port = 0;
  std::shared_ptr<grpc::Channel> channel;

  explicit Epp(const std::vector<std::string>& extra = {}) {
    sim = std::make_unique<ChildProcess>(std::vector<std::string>{
        kSluice, "sim", "--host", "127.0.0.1", "--port", "0", "--model", "m"});
    const auto s = sim->wait_for(std::regex(R"(http://(127\.0\.0\.1:\d+))"), 15s);
    std::vector<std::string> args = {"--endpoint", "http://" + s[1]};
    args.insert(args.end(), extra.begin(), extra.end());
    epp = std::make_unique<ChildProcess>(sluice::testing::epp_argv(args));
    port = sluice::testing::ext_proc_port(*epp);
    channel = grpc::CreateChannel("127.0.0.1:" + std::to_string(port),
                                  grpc::InsecureChannelCredentials());
  }
};

Epp& shared_epp() {
  static Epp e;
  return e;
}

pb::ProcessingRequest request_headers() {
  pb::ProcessingRequest in;
  auto* h = in.mutable_request_headers()->mutable_headers()->add_headers();
  h->set_key(":path");
  h->set_raw_value("/v1/chat/completions");
  return in;
}

pb::ProcessingRequest request_body(const std::string& bytes) {
  pb::ProcessingRequest in;
  in.mutable_request_body()->set_body(bytes);
  in.mutable_request_body()->set_end_of_stream(true);
  return in;
}

const std::string kChat = R"({"model":"m","messages":[{"role":"user","content":"hi"}]})";

using Stream = grpc::ClientReaderWriter<pb::ProcessingRequest, pb::ProcessingResponse>;

/// Sends headers and body on `stream` and checks that the header response names an endpoint.
void expect_routed(Stream& stream) {
  ASSERT_TRUE(stream.Write(request_headers()));
  ASSERT_TRUE(stream.Write(request_body(kChat)));
  pb::ProcessingResponse out;
  ASSERT_TRUE(stream.Read(&out));
  ASSERT_TRUE(out.has_request_headers());
  EXPECT_EQ(out.request_headers().response().header_mutation().set_headers(0).header().key(),
            "x-gateway-destination-endpoint");
  ASSERT_TRUE(stream.Read(&out));
  EXPECT_TRUE(out.has_request_body());
}

TEST(EppTransport, AnUnknownMethodIsUnimplemented) {
  // The health service is not served on the ext_proc port.
  auto stub = grpc::health::v1::Health::NewStub(shared_epp().channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + 5s);
  grpc::health::v1::HealthCheckRequest request;
  grpc::health::v1::HealthCheckResponse response;
  const grpc::Status status = stub->Check(&context, request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_NE(status.error_message().find("/grpc.health.v1.Health/Check"), std::string::npos)
      << status.error_message();
}

TEST(EppTransport, ACompressedMessageIsUnimplemented) {
  auto stub = pb::ExternalProcessor::NewStub(shared_epp().channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + 5s);
  context.set_compression_algorithm(GRPC_COMPRESS_GZIP);
  auto stream = stub->Process(&context);
  stream->Write(request_headers());
  // gRPC sends a message uncompressed when compressing would not shrink it: this one shrinks.
  stream->Write(request_body(std::string(64 * 1024, 'a')));
  stream->WritesDone();
  const grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::UNIMPLEMENTED);
  EXPECT_NE(status.error_message().find("compressed"), std::string::npos) << status.error_message();
}

TEST(EppTransport, AMessageOverFourMebibytesIsResourceExhausted) {
  auto stub = pb::ExternalProcessor::NewStub(shared_epp().channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + 10s);
  auto stream = stub->Process(&context);
  stream->Write(request_headers());
  stream->Write(request_body(std::string(5u << 20, 'x')));
  stream->WritesDone();
  const grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << status.error_message();
  // ...and the connection still serves.
  grpc::ClientContext next_context;
  next_context.set_deadline(std::chrono::system_clock::now() + 5s);
  auto next = stub->Process(&next_context);
  expect_routed(*next);
}

TEST(EppTransport, TwoHundredStreamsShareOneConnection) {
  auto stub = pb::ExternalProcessor::NewStub(shared_epp().channel);
  constexpr int kStreams = 200;
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts;
  std::vector<std::unique_ptr<Stream>> streams;
  for (int i = 0; i < kStreams; ++i) {
    contexts.push_back(std::make_unique<grpc::ClientContext>());
    contexts.back()->set_deadline(std::chrono::system_clock::now() + 20s);
    streams.push_back(stub->Process(contexts.back().get()));
    ASSERT_TRUE(streams.back()->Write(request_headers()));
  }
  // Every stream is open at once; each is answered on its own.
  for (int i = kStreams - 1; i >= 0; --i) {
    ASSERT_TRUE(streams[i]->Write(request_body(kChat)));
    pb::ProcessingResponse out;
    ASSERT_TRUE(streams[i]->Read(&out)) << "stream " << i;
    EXPECT_TRUE(out.has_request_headers()) << "stream " << i;
  }
  for (auto& s : streams) {
    s->WritesDone();
    pb::ProcessingResponse rest;
    while (s->Read(&rest)) {
    }
    EXPECT_TRUE(s->Finish().ok());
  }
}

TEST(EppTransport, ARequestThatIsNotGrpcGets415) {
  const std::string cmd =
      "curl -s -o /dev/null -w '%{http_code}' --http2-prior-knowledge -X POST "
      "-H 'content-type: application/json' --data '{}' http://127.0.0.1:" +
      std::to_string(shared_epp().port) + "/envoy.service.ext_proc.v3.ExternalProcessor/Process";
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  char buf[64];
  while (fgets(buf, sizeof buf, p) != nullptr) out += buf;
  pclose(p);
  EXPECT_EQ(out, "415");
}

TEST(EppTransport, GarbageBytesCloseThatConnectionOnly) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(shared_epp().port));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  const std::string http1 = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
  ASSERT_EQ(::send(fd, http1.data(), http1.size(), 0), static_cast<ssize_t>(http1.size()));
  // The server closes the connection (after at most its SETTINGS and a GOAWAY).
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  char buf[4096];
  ssize_t n = 0;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) {
  }
  EXPECT_EQ(n, 0) << "the connection was not closed";
  ::close(fd);

  auto stub = pb::ExternalProcessor::NewStub(shared_epp().channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + 5s);
  auto stream = stub->Process(&context);
  expect_routed(*stream);
}

TEST(EppTransport, BusyPollingWorkersServeEveryConnection) {
  Epp own({"--busy-poll", "--workers", "2"});
  // Several connections, so that both workers (SO_REUSEPORT) get some.
  for (int i = 0; i < 6; ++i) {
    grpc::ChannelArguments args;
    args.SetInt("sluice.test.connection", i);  // distinct arguments: a channel of its own
    auto channel = grpc::CreateCustomChannel("127.0.0.1:" + std::to_string(own.port),
                                             grpc::InsecureChannelCredentials(), args);
    auto stub = pb::ExternalProcessor::NewStub(channel);
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + 5s);
    auto stream = stub->Process(&context);
    expect_routed(*stream);
  }
}

TEST(EppTransport, ShutdownLetsAnOpenStreamFinishAndRefusesNewOnes) {
  Epp own;  // this test stops its EPP
  auto stub = pb::ExternalProcessor::NewStub(own.channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + 10s);
  auto stream = stub->Process(&context);
  ASSERT_TRUE(stream->Write(request_headers()));
  // Make sure the stream reached the EPP before the signal (a first answered stream proves the
  // connection is up; the headers message goes out on the same connection before it).
  {
    grpc::ClientContext probe_context;
    probe_context.set_deadline(std::chrono::system_clock::now() + 5s);
    auto probe = stub->Process(&probe_context);
    expect_routed(*probe);
    probe->WritesDone();
    pb::ProcessingResponse rest;
    while (probe->Read(&rest)) {
    }
    ASSERT_TRUE(probe->Finish().ok());
  }
  own.epp->signal(SIGTERM);
  std::this_thread::sleep_for(200ms);  // the GOAWAY reaches the client

  ASSERT_TRUE(stream->Write(request_body(kChat)));
  pb::ProcessingResponse out;
  ASSERT_TRUE(stream->Read(&out)) << "the open stream was cut by the shutdown";
  EXPECT_TRUE(out.has_request_headers());
  stream->WritesDone();
  while (stream->Read(&out)) {
  }
  EXPECT_TRUE(stream->Finish().ok());

  EXPECT_EQ(own.epp->wait_exit(10s), 0);
  grpc::ClientContext late_context;
  late_context.set_deadline(std::chrono::system_clock::now() + 2s);
  auto late = stub->Process(&late_context);
  late->Write(request_headers());
  late->WritesDone();
  EXPECT_FALSE(late->Finish().ok()) << "a stream after the shutdown was accepted";
}

}  // namespace
}  // namespace sluice::extproc
