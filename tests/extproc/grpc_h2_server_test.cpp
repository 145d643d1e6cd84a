// GrpcH2Server in process, with an echo RPC behind it and gRPC C++'s own client in front: message
// framing both ways, statuses, the handshake timeout and a graceful shutdown. In the unit tests
// so that the transport also runs under ASan/UBSan in CI.
#include "extproc/grpc_h2_server.h"

#include "envoy/service/ext_proc/v3/external_processor.grpc.pb.h"

#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <atomic>
#include <future>
#include <grpcpp/grpcpp.h>
#include <netinet/in.h>
#include <optional>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace sluice::extproc {
namespace {

namespace pb = envoy::service::ext_proc::v3;
using namespace std::chrono_literals;

constexpr std::string_view kMethod = "/envoy.service.ext_proc.v3.ExternalProcessor/Process";

/// Answers every request body with a response carrying the same bytes; "fail" ends the RPC.
/// Reports the status the RPC ended with to `ended` (-1: destroyed without one).
class EchoStream final : public GrpcStream {
 public:
  explicit EchoStream(std::atomic<int>& ended) : ended_(ended) {}
  ~EchoStream() override {
    if (!code_) ended_ = -1;
  }
  EchoStream(const EchoStream&) = delete;
  EchoStream& operator=(const EchoStream&) = delete;
  void on_end(const GrpcStatus& status) override {
    code_ = status.code;
    ended_ = static_cast<int>(status.code);
  }

  std::optional<GrpcStatus> on_message(std::string_view message, std::string& out) override {
    pb::ProcessingRequest in;
    if (!in.ParseFromArray(message.data(), static_cast<int>(message.size())))
      return GrpcStatus{GrpcCode::kInvalidArgument, "unparsable"};
    if (in.request_body().body() == "fail")
      return GrpcStatus{GrpcCode::kInvalidArgument, "told to fail: 100%"};
    pb::ProcessingResponse response;
    response.mutable_request_body()->mutable_response()->mutable_body_mutation()->set_body(
        in.request_body().body());
    append_grpc_frame(out, response);
    return std::nullopt;
  }

 private:
  std::atomic<int>& ended_;
  std::optional<GrpcCode> code_;
};

class GrpcH2ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    GrpcServerLimits limits;
    limits.handshake_timeout = 200ms;
    server_ = std::make_unique<GrpcH2Server>(
        pool_,
        [this](std::string_view path) -> std::unique_ptr<GrpcStream> {
          if (path != kMethod) return nullptr;
          return std::make_unique<EchoStream>(ended_);
        },
        limits);
    auto port = server_->listen("127.0.0.1", 0);
    ASSERT_TRUE(port.ok());
    port_ = *port;
    thread_ = std::thread([this] { pool_.run(); });
    channel_ = grpc::CreateChannel("127.0.0.1:" + std::to_string(port_),
                                   grpc::InsecureChannelCredentials());
    stub_ = pb::ExternalProcessor::NewStub(channel_);
  }

  void TearDown() override {
    if (!stopped_) stop(0ms);
    thread_.join();
  }

  /// Shuts the server down; returns a future set when its on_done ran.
  std::future<void> stop(std::chrono::milliseconds grace) {
    stopped_ = true;
    auto done = std::make_shared<std::promise<void>>();
    std::future<void> f = done->get_future();
    server_->shutdown(grace, [this, done] {
      done->set_value();
      pool_.stop();
    });
    return f;
  }

  static pb::ProcessingRequest body(const std::string& bytes) {
    pb::ProcessingRequest r;
    r.mutable_request_body()->set_body(bytes);
    return r;
  }

  /// A plain TCP connection to the server with a 5 s receive timeout; -1 if it failed.
  int connect_raw() const {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port_);
    inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd);
      return -1;
    }
    timeval timeout{5, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    return fd;
  }

  std::atomic<int> ended_{-2};  ///< the last stream's end (EchoStream); -2: none ended yet
  net::WorkerPool pool_{1};
  std::unique_ptr<GrpcH2Server> server_;
  std::uint16_t port_ = 0;
  std::thread thread_;
  bool stopped_ = false;
  std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<pb::ExternalProcessor::Stub> stub_;
};

TEST_F(GrpcH2ServerTest, MessagesComeBackInOrderAndTheRpcEndsOk) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + 5s);
  auto stream = stub_->Process(&context);
  const std::vector<std::string> bodies = {"one", std::string(100'000, 'x'), "three"};
  for (const std::string& b : bodies) {
    ASSERT_TRUE(stream->Write(body(b)));
    pb::ProcessingResponse out;
    ASSERT_TRUE(stream->Read(&out));
    EXPECT_EQ(out.request_body().response().body_mutation().body(), b);
  }
  EXPECT_EQ(server_->open_streams(), 1);
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
  EXPECT_EQ(ended_.load(), static_cast<int>(GrpcCode::kOk)) << "on_end saw the status";
}

TEST_F(GrpcH2ServerTest, AStatusFromTheRpcReachesTheClientWithItsMessage) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + 5s);
  auto stream = stub_->Process(&context);
  ASSERT_TRUE(stream->Write(body("ok")));
  pb::ProcessingResponse out;
  ASSERT_TRUE(stream->Read(&out));
  stream->Write(body("fail"));
  EXPECT_FALSE(stream->Read(&out));
  const grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "told to fail: 100%");  // percent-encoded on the wire
  EXPECT_EQ(ended_.load(), static_cast<int>(GrpcCode::kInvalidArgument));
}

TEST_F(GrpcH2ServerTest, AStatusTheServerDecidesReachesTheRpcAndAResetIsNoStatus) {
  {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + 5s);
    auto stream = stub_->Process(&context);
    // A message over the server's 4 MiB limit: a status the server decides on its own.
    stream->Write(body(std::string(5u << 20, 'x')));
    pb::ProcessingResponse out;
    EXPECT_FALSE(stream->Read(&out));
    EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
    EXPECT_EQ(ended_.load(), static_cast<int>(GrpcCode::kResourceExhausted));
  }
  {
    grpc::ClientContext context;
    auto stream = stub_->Process(&context);
    ASSERT_TRUE(stream->Write(body("x")));
    pb::ProcessingResponse out;
    ASSERT_TRUE(stream->Read(&out));
    context.TryCancel();  // RST_STREAM: the RPC is destroyed with no status
    stream->Finish();
    for (int i = 0; i < 300 && ended_.load() != -1; ++i) std::this_thread::sleep_for(10ms);
    EXPECT_EQ(ended_.load(), -1);
  }
}

TEST_F(GrpcH2ServerTest, AConnectionThatNeverSpeaksHttp2IsClosedAfterTheHandshakeTimeout) {
  const int fd = connect_raw();
  ASSERT_GE(fd, 0);
  const auto start = std::chrono::steady_clock::now();
  char buf[1024];
  ssize_t n = 0;
  while ((n = ::recv(fd, buf, sizeof buf, 0)) > 0) {  // the server's SETTINGS, then the close
  }
  EXPECT_EQ(n, 0);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 4s);
  ::close(fd);
}

TEST_F(GrpcH2ServerTest, AConnectionThatSpokeHttp2OutlivesTheHandshakeTimeout) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + 5s);
  auto stream = stub_->Process(&context);
  pb::ProcessingResponse out;
  ASSERT_TRUE(stream->Write(body("first")));
  ASSERT_TRUE(stream->Read(&out));
  std::this_thread::sleep_for(500ms);  // the fixture's handshake timeout is 200 ms
  ASSERT_TRUE(stream->Write(body("later")));
  ASSERT_TRUE(stream->Read(&out)) << "the connection was closed by the handshake timer";
  EXPECT_EQ(out.request_body().response().body_mutation().body(), "later");
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(GrpcH2ServerTest, ShutdownLetsTheOpenStreamFinishThenReportsDone) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + 5s);
  auto stream = stub_->Process(&context);
  ASSERT_TRUE(stream->Write(body("before")));
  pb::ProcessingResponse out;
  ASSERT_TRUE(stream->Read(&out));

  std::future<void> done = stop(5s);
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(done.wait_for(0s), std::future_status::timeout) << "a stream is still open";
  ASSERT_TRUE(stream->Write(body("after")));
  ASSERT_TRUE(stream->Read(&out));
  EXPECT_EQ(out.request_body().response().body_mutation().body(), "after");
  stream->WritesDone();
  EXPECT_TRUE(stream->Finish().ok());
  EXPECT_EQ(done.wait_for(3s), std::future_status::ready);
}

/// Reads one HTTP/2 frame header (RFC 9113 §4.1) and skips its payload; nullopt at EOF or error.
struct FrameHeader {
  std::uint8_t type = 0;
  std::uint8_t flags = 0;
};
std::optional<FrameHeader> read_frame(int fd) {
  std::uint8_t head[9];
  if (::recv(fd, head, sizeof head, MSG_WAITALL) != static_cast<ssize_t>(sizeof head))
    return std::nullopt;
  std::size_t length = (std::size_t{head[0]} << 16) | (std::size_t{head[1]} << 8) | head[2];
  std::vector<char> payload(length);
  if (length > 0 && ::recv(fd, payload.data(), length, MSG_WAITALL) != static_cast<ssize_t>(length))
    return std::nullopt;
  return FrameHeader{head[3], head[4]};
}

TEST_F(GrpcH2ServerTest, AnIdleClientIsDisconnectedRightAfterTheGoaway) {
  // A client that speaks HTTP/2 and then stays silent: after the GOAWAY there is nothing left to
  // wait for, so the server must close at once rather than when the grace period runs out.
  constexpr std::uint8_t kSettings = 0x4, kGoaway = 0x7, kAck = 0x1;
  const int fd = connect_raw();
  ASSERT_GE(fd, 0);
  const std::string preface = std::string("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") +
                              std::string("\0\0\0\x04\0\0\0\0\0", 9);  // empty SETTINGS
  ASSERT_EQ(::send(fd, preface.data(), preface.size(), 0), static_cast<ssize_t>(preface.size()));
  for (;;) {  // the server has read our preface once it acknowledged our SETTINGS
    auto frame = read_frame(fd);
    ASSERT_TRUE(frame.has_value()) << "the server closed before acknowledging the SETTINGS";
    if (frame->type == kSettings && (frame->flags & kAck)) break;
  }

  const auto start = std::chrono::steady_clock::now();
  std::future<void> done = stop(5s);
  bool goaway = false;
  while (auto frame = read_frame(fd)) goaway = goaway || frame->type == kGoaway;
  EXPECT_TRUE(goaway);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s) << "closed by the grace period only";
  ::close(fd);
  EXPECT_EQ(done.wait_for(2s), std::future_status::ready);
}

}  // namespace
}  // namespace sluice::extproc
