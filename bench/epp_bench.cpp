// ext_proc round trip of `sluice epp`, measured at the client as Envoy would see it: one gRPC
// stream per request, request headers (with content-length) then the body in messages of at most
// --body-chunk-bytes (Envoy forwards a body as it reads it, 16 KiB at a time by default), until
// the header response and the whole body echo are back. The client is built like Envoy's side: one
// HTTP/2 connection (nghttp2, the codec Envoy uses) multiplexing the streams, on one thread, open
// loop at fixed rates; a request's latency counts from when it was due, so a client that falls
// behind shows in the percentiles instead of hiding them. The peer is an echo ext_proc server on
// gRPC C++ (epp_echo_peer.h), measured by the same client in the same run.
//
//   epp_bench --serve-echo                       prints "echo on port N", serves until killed
//   epp_bench --serve-tcp-echo                   prints "tcp echo on port N" (the floor)
//   epp_bench --target HOST:PORT [--peer HOST:PORT] [--floor HOST:PORT] [--rates 500,1000,...]
//             [--seconds 3] [--body-bytes 4096] [--body-chunk-bytes 16384] [--spin]
// bench/epp.sh runs the servers on one core and this client on the other.
#include "envoy/service/ext_proc/v3/external_processor.pb.h"
#include "epp_echo_peer.h"
#include "extproc/grpc_wire.h"

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <nghttp2/nghttp2.h>
#include <poll.h>
#include <stdexcept>
#include <string>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <unordered_map>
#include <vector>

namespace {

namespace pb = envoy::service::ext_proc::v3;
using sluice::extproc::GrpcFrameReader;
using Clock = std::chrono::steady_clock;

std::string chat_body(std::size_t bytes) {
  const std::string head = R"({"model":"m","messages":[{"role":"user","content":")";
  const std::string tail = R"("}]})";
  std::string filler;
  const char* words = "the quick brown fox jumps over the lazy dog ";
  while (head.size() + filler.size() + tail.size() < bytes) filler += words;
  filler.resize(bytes > head.size() + tail.size() ? bytes - head.size() - tail.size() : 0);
  return head + filler + tail;
}

/// The messages Envoy sends for a request with a body, framed: headers, then the body in chunks.
std::string request_messages(const std::string& body, std::size_t chunk_bytes) {
  const std::string length = std::to_string(body.size());
  pb::ProcessingRequest headers;
  auto* map = headers.mutable_request_headers()->mutable_headers();
  for (const auto& [key, value] : {std::pair<const char*, const char*>{":method", "POST"},
                                   {":path", "/v1/chat/completions"},
                                   {":authority", "gateway"},
                                   {"content-type", "application/json"},
                                   {"content-length", length.c_str()}}) {
    auto* h = map->add_headers();
    h->set_key(key);
    h->set_raw_value(value);
  }
  std::string framed;
  sluice::extproc::append_grpc_frame(framed, headers);
  for (std::size_t at = 0; at < body.size(); at += chunk_bytes) {
    pb::ProcessingRequest chunk;
    chunk.mutable_request_body()->set_body(body.substr(at, chunk_bytes));
    chunk.mutable_request_body()->set_end_of_stream(at + chunk_bytes >= body.size());
    sluice::extproc::append_grpc_frame(framed, chunk);
  }
  return framed;
}

struct Stats {
  std::vector<double> latencies_us;
  std::size_t failed = 0;
};

/// A TCP connection to IPv4:PORT, with Nagle off and non-blocking.
int connect_to(const std::string& target) {
  const std::size_t colon = target.rfind(':');
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  if (colon == std::string::npos ||
      inet_pton(AF_INET, target.substr(0, colon).c_str(), &addr.sin_addr) != 1)
    throw std::runtime_error("--target wants IPv4:PORT, got " + target);
  addr.sin_port = htons(static_cast<std::uint16_t>(std::stoi(target.substr(colon + 1))));
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
    throw std::runtime_error("cannot connect to " + target + ": " + std::strerror(errno));
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

/// Waits until `fd` is readable (or writable, with `want_write`) or `until`; false on error.
bool wait_for(int fd, bool want_write, Clock::time_point until, bool spin, bool& readable) {
  pollfd pfd{fd, static_cast<short>(POLLIN | (want_write ? POLLOUT : 0)), 0};
  const auto wait =
      spin ? Clock::duration::zero() : std::max(Clock::duration::zero(), until - Clock::now());
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(wait).count();
  timespec ts{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
  if (::ppoll(&pfd, 1, &ts, nullptr) < 0 && errno != EINTR) return false;
  readable = (pfd.revents & (POLLIN | POLLHUP | POLLERR)) != 0;
  return true;
}

/// Writes what the kernel takes of `pending` now; false on a broken connection.
bool write_some(int fd, std::string& pending) {
  while (!pending.empty()) {
    const ssize_t n = ::send(fd, pending.data(), pending.size(), MSG_NOSIGNAL);
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    pending.erase(0, static_cast<std::size_t>(n));
  }
  return true;
}

/// One turn of a client's loop: writes what `pending` holds, waits for input until `until` (not
/// at all with `spin`), and hands every byte read to `on_bytes` (false: a protocol error).
/// False when the connection is gone.
template <typename OnBytes>
bool pump_socket(int fd, std::string& pending, Clock::time_point until, bool spin,
                 OnBytes&& on_bytes) {
  if (!write_some(fd, pending)) return false;
  bool readable = false;
  if (!wait_for(fd, !pending.empty(), until, spin, readable)) return false;
  if (!readable) return true;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
    if (n == 0) return false;
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    if (!on_bytes(buffer, static_cast<std::size_t>(n))) return false;
  }
}

/// One request's stream: sends its messages, reads the answers until the last body chunk, then
/// closes its side (END_STREAM) as Envoy does when the HTTP request is done.
struct Stream {
  Clock::time_point due;
  const std::string* out = nullptr;
  std::size_t sent = 0;
  bool answered = false;  ///< the whole body echo is back; END_STREAM goes next
  GrpcFrameReader reader{64u << 20};
  pb::ProcessingResponse response;
};

class H2Client {
 public:
  H2Client(const std::string& target, Stats& stats) : stats_(stats), fd_(connect_to(target)) {
    nghttp2_session_callbacks* callbacks = nullptr;
    nghttp2_session_callbacks_new(&callbacks);
    nghttp2_session_callbacks_set_send_callback(callbacks, &H2Client::on_send);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, &H2Client::on_data);
    nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, &H2Client::on_close);
    nghttp2_session_client_new(&session_, callbacks, this);
    nghttp2_session_callbacks_del(callbacks);
    // Envoy's large default windows: a body never waits for a WINDOW_UPDATE.
    const nghttp2_settings_entry settings[] = {{NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 16u << 20}};
    nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, 1);
    nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0, 64 << 20);
  }
  ~H2Client() {
    nghttp2_session_del(session_);
    ::close(fd_);
  }
  H2Client(const H2Client&) = delete;
  H2Client& operator=(const H2Client&) = delete;

  void submit(Clock::time_point due, const std::string& messages) {
    auto stream = std::make_unique<Stream>();
    stream->due = due;
    stream->out = &messages;
    const nghttp2_nv headers[] = {
        nv(":method", "POST"),
        nv(":scheme", "http"),
        nv(":path", "/envoy.service.ext_proc.v3.ExternalProcessor/Process"),
        nv(":authority", "ext-proc"),
        nv("content-type", "application/grpc"),
        nv("te", "trailers"),
    };
    nghttp2_data_provider body{};
    body.source.ptr = stream.get();
    body.read_callback = &H2Client::read_body;
    const std::int32_t id =
        nghttp2_submit_request(session_, nullptr, headers, std::size(headers), &body, stream.get());
    if (id < 0) {
      ++stats_.failed;
      return;
    }
    streams_.emplace(id, std::move(stream));
  }

  std::size_t open() const { return streams_.size(); }

  /// Sends what is queued, then waits for input until `until` (or the first bytes) and reads it.
  /// False when the connection is gone.
  bool pump(Clock::time_point until, bool spin) {
    if (nghttp2_session_send(session_) != 0) return false;
    return pump_socket(fd_, pending_, until, spin, [this](const char* data, std::size_t n) {
      return nghttp2_session_mem_recv(session_, reinterpret_cast<const std::uint8_t*>(data), n) >=
             0;
    });
  }

 private:
  static nghttp2_nv nv(const char* name, const char* value) {
    return {reinterpret_cast<std::uint8_t*>(const_cast<char*>(name)),
            reinterpret_cast<std::uint8_t*>(const_cast<char*>(value)), std::strlen(name),
            std::strlen(value), NGHTTP2_NV_FLAG_NONE};
  }

  static H2Client& self(void* user_data) { return *static_cast<H2Client*>(user_data); }

  static ssize_t on_send(nghttp2_session*, const std::uint8_t* data, std::size_t length, int,
                         void* user_data) {
    self(user_data).pending_.append(reinterpret_cast<const char*>(data), length);
    return static_cast<ssize_t>(length);
  }

  static ssize_t read_body(nghttp2_session*, std::int32_t, std::uint8_t* buffer, std::size_t length,
                           std::uint32_t* flags, nghttp2_data_source* source, void*) {
    auto& s = *static_cast<Stream*>(source->ptr);
    const std::size_t n = std::min(length, s.out->size() - s.sent);
    std::memcpy(buffer, s.out->data() + s.sent, n);
    s.sent += n;
    if (s.sent < s.out->size()) return static_cast<ssize_t>(n);
    if (s.answered) {
      *flags |= NGHTTP2_DATA_FLAG_EOF;
      return static_cast<ssize_t>(n);
    }
    return n > 0 ? static_cast<ssize_t>(n) : ssize_t{NGHTTP2_ERR_DEFERRED};
  }

  static int on_data(nghttp2_session* session, std::uint8_t, std::int32_t id,
                     const std::uint8_t* data, std::size_t length, void* user_data) {
    auto* s = static_cast<Stream*>(nghttp2_session_get_stream_user_data(session, id));
    if (!s || s->answered) return 0;
    s->reader.feed({reinterpret_cast<const char*>(data), length});
    while (s->reader.next() == GrpcFrameReader::Next::kMessage) {
      const std::string_view m = s->reader.message();
      if (!s->response.ParseFromArray(m.data(), static_cast<int>(m.size())) ||
          s->response.has_immediate_response())
        return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE;  // resets the stream: counted as failed
      if (s->response.has_request_body() && s->response.request_body()
                                                .response()
                                                .body_mutation()
                                                .streamed_response()
                                                .end_of_stream()) {
        self(user_data).stats_.latencies_us.push_back(
            std::chrono::duration<double, std::micro>(Clock::now() - s->due).count());
        s->answered = true;
        nghttp2_session_resume_data(session, id);
        return 0;
      }
    }
    return 0;
  }

  static int on_close(nghttp2_session*, std::int32_t id, std::uint32_t, void* user_data) {
    H2Client& c = self(user_data);
    auto it = c.streams_.find(id);
    if (it == c.streams_.end()) return 0;
    if (!it->second->answered) ++c.stats_.failed;
    c.streams_.erase(it);
    return 0;
  }

  Stats& stats_;
  int fd_;
  nghttp2_session* session_ = nullptr;
  std::string pending_;
  std::unordered_map<std::int32_t, std::unique_ptr<Stream>> streams_;
};

/// The floor: the same bytes over plain TCP to an echo server (no HTTP/2, no gRPC, no work):
/// what this machine's loopback and scheduler cost for one round trip of this size.
class TcpEchoClient {
 public:
  TcpEchoClient(const std::string& target, Stats& stats) : stats_(stats), fd_(connect_to(target)) {}
  ~TcpEchoClient() { ::close(fd_); }
  TcpEchoClient(const TcpEchoClient&) = delete;
  TcpEchoClient& operator=(const TcpEchoClient&) = delete;

  void submit(Clock::time_point due, const std::string& payload) {
    size_ = payload.size();
    pending_ += payload;
    in_flight_.push_back(due);
  }
  std::size_t open() const { return in_flight_.size() - done_; }

  bool pump(Clock::time_point until, bool spin) {
    return pump_socket(fd_, pending_, until, spin, [this](const char*, std::size_t n) {
      received_ += n;
      while (received_ >= size_ && done_ < in_flight_.size()) {  // echoes come back in order
        received_ -= size_;
        stats_.latencies_us.push_back(
            std::chrono::duration<double, std::micro>(Clock::now() - in_flight_[done_++]).count());
      }
      return true;
    });
  }

 private:
  Stats& stats_;
  int fd_;
  std::string pending_;
  std::vector<Clock::time_point> in_flight_;
  std::size_t done_ = 0;
  std::size_t size_ = 1;
  std::size_t received_ = 0;
};

/// Echoes every byte back, one thread per connection; prints "tcp echo on port N".
int serve_tcp_echo() {
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  socklen_t length = sizeof addr;
  if (::bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listener, 16) != 0 ||
      ::getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &length) != 0) {
    std::perror("tcp echo");
    return 1;
  }
  std::printf("tcp echo on port %d\n", ntohs(addr.sin_port));
  std::fflush(stdout);
  for (;;) {
    const int fd = ::accept(listener, nullptr, nullptr);
    if (fd < 0) continue;
    std::thread([fd] {
      const int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
      char buffer[65536];
      ssize_t n = 0;
      while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0) {
        for (ssize_t sent = 0; sent < n;) {
          const ssize_t w = ::send(fd, buffer + sent, static_cast<std::size_t>(n - sent), 0);
          if (w <= 0) break;
          sent += w;
        }
      }
      ::close(fd);
    }).detach();
  }
}

struct Result {
  double achieved = 0;
  double p50 = 0;
  double p99 = 0;
  double p999 = 0;
  std::size_t failed = 0;
};

template <typename Client>
Result run_rate(const std::string& target, double rate, double seconds, const std::string& messages,
                bool spin) {
  Stats stats;
  Client client(target, stats);
  // One request first: connection set-up is not part of a request's latency.
  client.submit(Clock::now(), messages);
  while (client.open() > 0 && client.pump(Clock::now() + std::chrono::milliseconds(100), false)) {
  }
  stats = {};
  const auto total = static_cast<std::size_t>(rate * seconds);
  const auto start = Clock::now();
  const auto give_up = start + std::chrono::duration_cast<Clock::duration>(
                                   std::chrono::duration<double>(seconds + 10));
  auto due = [&](std::size_t i) {
    return start + std::chrono::duration_cast<Clock::duration>(
                       std::chrono::duration<double>(static_cast<double>(i) / rate));
  };
  std::size_t next = 0;
  bool connected = true;
  while (connected && (next < total || client.open() > 0) && Clock::now() < give_up) {
    const auto now = Clock::now();
    while (next < total && due(next) <= now) client.submit(due(next++), messages);
    connected = client.pump(next < total ? due(next) : now + std::chrono::milliseconds(10), spin);
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  Result r;
  auto& all = stats.latencies_us;
  r.failed = stats.failed + client.open() + (total - next);
  if (all.empty()) return r;
  std::sort(all.begin(), all.end());
  r.achieved = static_cast<double>(all.size()) / elapsed;
  r.p50 = all[all.size() / 2];
  r.p99 = all[all.size() * 99 / 100];
  r.p999 = all[all.size() * 999 / 1000];
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  std::string target;
  std::string peer;
  std::string floor;
  std::vector<double> rates = {500, 1000, 2000, 4000, 8000};
  double seconds = 3;
  std::size_t body_bytes = 4096;
  std::size_t chunk_bytes = 16384;
  bool spin = false;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (a == "--serve-echo") {
      return serve_echo_peer();
    } else if (a == "--serve-tcp-echo") {
      return serve_tcp_echo();
    } else if (a == "--floor") {
      floor = next();
    } else if (a == "--target") {
      target = next();
    } else if (a == "--peer") {
      peer = next();
    } else if (a == "--seconds") {
      seconds = std::stod(next());
    } else if (a == "--body-bytes") {
      body_bytes = std::stoul(next());
    } else if (a == "--body-chunk-bytes") {
      chunk_bytes = std::max<std::size_t>(1, std::stoul(next()));
    } else if (a == "--spin") {
      spin = true;
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
  // Wake on time: the default 50 us timer slack would make every request late by up to that much.
  ::prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  const std::string messages = request_messages(chat_body(body_bytes), chunk_bytes);
  std::printf(
      "ext_proc round trip, %zu-byte body in messages of at most %zu, one HTTP/2 connection, %.0f "
      "s per rate\n",
      body_bytes, chunk_bytes, seconds);
  std::printf("%7s | %8s %6s %6s %7s %5s | %8s %6s %6s %7s | %6s | %6s %6s\n", "rate/s", "sluice/s",
              "p50", "p99", "p99.9", "fail", "peer/s", "p50", "p99", "p99.9", "p99 x", "tcp50",
              "tcp99");
  for (double rate : rates) {
    const Result s = run_rate<H2Client>(target, rate, seconds, messages, spin);
    Result e;
    if (!peer.empty()) e = run_rate<H2Client>(peer, rate, seconds, messages, spin);
    Result f;
    if (!floor.empty()) f = run_rate<TcpEchoClient>(floor, rate, seconds, messages, spin);
    std::printf(
        "%7.0f | %8.0f %6.0f %6.0f %7.0f %5zu | %8.0f %6.0f %6.0f %7.0f | %6.2f | %6.0f %6.0f\n",
        rate, s.achieved, s.p50, s.p99, s.p999, s.failed, e.achieved, e.p50, e.p99, e.p999,
        e.p99 > 0 ? s.p99 / e.p99 : 0.0, f.p50, f.p99);
    std::fflush(stdout);
  }
  std::printf(
      "latencies in microseconds, from when each request was due; tcp50/tcp99: the same bytes\n"
      "echoed over plain TCP (the machine's floor for one round trip)\n");
  return 0;
}
