#include "extproc/h2_connection.h"

#include "core/log.h"

#include <algorithm>
#include <nghttp2/nghttp2.h>
#include <optional>
#include <vector>

namespace sluice::extproc::detail {

namespace {

constexpr std::string_view kGrpcContentType = "application/grpc";
/// How long a finished connection waits for the client to close its side.
constexpr auto kLingerAfterGoaway = std::chrono::seconds(1);

nghttp2_nv header(std::string_view name, std::string_view value) {
  return {reinterpret_cast<std::uint8_t*>(const_cast<char*>(name.data())),
          reinterpret_cast<std::uint8_t*>(const_cast<char*>(value.data())), name.size(),
          value.size(), NGHTTP2_NV_FLAG_NONE};
}

/// grpc-status and grpc-message, for trailers or a trailers-only response (nghttp2 copies them).
struct StatusHeaders {
  explicit StatusHeaders(const GrpcStatus& status)
      : code(std::to_string(static_cast<int>(status.code))),
        message(percent_encode_grpc_message(status.message)) {}
  void append_to(std::vector<nghttp2_nv>& nva) const {
    nva.push_back(header("grpc-status", code));
    if (!message.empty()) nva.push_back(header("grpc-message", message));
  }
  std::string code;
  std::string message;
};

}  // namespace

struct H2Connection::Stream {
  Stream(std::size_t max_message_bytes, std::atomic<std::int64_t>& open)
      : reader(max_message_bytes), open_streams(open) {
    open_streams.fetch_add(1, std::memory_order_relaxed);
  }
  ~Stream() { open_streams.fetch_sub(1, std::memory_order_relaxed); }

  std::string path;
  std::string content_type;
  std::unique_ptr<GrpcStream> rpc;
  GrpcFrameReader reader;
  std::string out;  ///< framed response messages not yet handed to nghttp2
  std::size_t sent = 0;
  std::optional<GrpcStatus> status;  ///< set: the RPC ended; trailers follow `out`
  bool response_started = false;
  bool deferred = false;  ///< nghttp2 waits for resume_data()
  bool trailers_sent = false;
  std::atomic<std::int64_t>& open_streams;
};

/// nghttp2's C callbacks, forwarding to the connection (`user_data`).
struct Callbacks {
  static H2Connection& self(void* user_data) { return *static_cast<H2Connection*>(user_data); }
  static H2Connection::Stream* stream(nghttp2_session* session, std::int32_t id) {
    return static_cast<H2Connection::Stream*>(nghttp2_session_get_stream_user_data(session, id));
  }

  static ssize_t send(nghttp2_session*, const std::uint8_t* data, std::size_t length, int,
                      void* user_data) {
    self(user_data).pending_.append(reinterpret_cast<const char*>(data), length);
    return static_cast<ssize_t>(length);
  }

  static int begin_headers(nghttp2_session* session, const nghttp2_frame* frame, void* user_data) {
    if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST) return 0;
    H2Connection& c = self(user_data);
    if (c.streams_.size() >= c.shared_->limits.max_concurrent_streams) {
      nghttp2_submit_rst_stream(session, NGHTTP2_FLAG_NONE, frame->hd.stream_id,
                                NGHTTP2_REFUSED_STREAM);
      return 0;
    }
    auto s = std::make_unique<H2Connection::Stream>(c.shared_->limits.max_message_bytes,
                                                    c.shared_->open_streams);
    nghttp2_session_set_stream_user_data(session, frame->hd.stream_id, s.get());
    c.streams_.emplace(frame->hd.stream_id, std::move(s));
    return 0;
  }

  static int on_header(nghttp2_session* session, const nghttp2_frame* frame,
                       const std::uint8_t* name, std::size_t name_length, const std::uint8_t* value,
                       std::size_t value_length, std::uint8_t, void*) {
    if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST) return 0;
    H2Connection::Stream* s = stream(session, frame->hd.stream_id);
    if (!s) return 0;
    const std::string_view n(reinterpret_cast<const char*>(name), name_length);
    const std::string_view v(reinterpret_cast<const char*>(value), value_length);
    if (n == ":path") {
      s->path = v;
    } else if (n == "content-type") {
      s->content_type = v;
    }
    return 0;
  }

  static int frame_received(nghttp2_session* session, const nghttp2_frame* frame, void* user_data) {
    if (frame->hd.type != NGHTTP2_HEADERS && frame->hd.type != NGHTTP2_DATA) return 0;
    H2Connection::Stream* s = stream(session, frame->hd.stream_id);
    if (!s) return 0;
    H2Connection& c = self(user_data);
    if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST)
      c.on_request_headers_done(frame->hd.stream_id, *s);
    if (frame->hd.flags & NGHTTP2_FLAG_END_STREAM) c.on_half_close(frame->hd.stream_id, *s);
    return 0;
  }

  static int data_chunk(nghttp2_session* session, std::uint8_t, std::int32_t id,
                        const std::uint8_t* data, std::size_t length, void* user_data) {
    H2Connection::Stream* s = stream(session, id);
    if (s) self(user_data).on_data(id, *s, {reinterpret_cast<const char*>(data), length});
    return 0;
  }

  static int stream_closed(nghttp2_session*, std::int32_t id, std::uint32_t, void* user_data) {
    self(user_data).streams_.erase(id);  // an RPC still open is cancelled by its destructor
    return 0;
  }

  /// The response body: the stream's framed messages, then (once the RPC ended) its trailers.
  /// Only sizes the next DATA frame: its bytes go straight from the stream's buffer to the
  /// connection's in send_data (NO_COPY), not through a buffer of nghttp2's.
  static ssize_t read_body(nghttp2_session* session, std::int32_t id, std::uint8_t*,
                           std::size_t length, std::uint32_t* flags, nghttp2_data_source* source,
                           void*) {
    auto& s = *static_cast<H2Connection::Stream*>(source->ptr);
    const std::size_t n = std::min(length, s.out.size() - s.sent);
    if (n > 0) *flags |= NGHTTP2_DATA_FLAG_NO_COPY;
    if (s.sent + n == s.out.size() && s.status) {
      *flags |= NGHTTP2_DATA_FLAG_EOF | NGHTTP2_DATA_FLAG_NO_END_STREAM;
      const StatusHeaders status(*s.status);
      std::vector<nghttp2_nv> trailers;
      status.append_to(trailers);
      if (nghttp2_submit_trailer(session, id, trailers.data(), trailers.size()) != 0)
        return NGHTTP2_ERR_CALLBACK_FAILURE;
      s.trailers_sent = true;
      return static_cast<ssize_t>(n);
    }
    if (n == 0) {
      s.deferred = true;
      return NGHTTP2_ERR_DEFERRED;
    }
    return static_cast<ssize_t>(n);
  }

  /// Writes the DATA frame read_body sized: nghttp2's 9-byte header, then the stream's bytes (no
  /// padding: this server never asks for any).
  static int send_data(nghttp2_session*, nghttp2_frame*, const std::uint8_t* frame_header,
                       std::size_t length, nghttp2_data_source* source, void* user_data) {
    auto& s = *static_cast<H2Connection::Stream*>(source->ptr);
    std::string& pending = self(user_data).pending_;
    pending.append(reinterpret_cast<const char*>(frame_header), 9);
    pending.append(s.out, s.sent, length);
    s.sent += length;
    if (s.sent == s.out.size()) {
      s.out.clear();
      s.sent = 0;
    } else if (s.sent >= 64 * 1024) {  // a slow reader: do not keep what was sent
      s.out.erase(0, s.sent);
      s.sent = 0;
    }
    return 0;
  }
};

H2Connection::H2Connection(asio::ip::tcp::socket socket, std::shared_ptr<Shared> shared)
    : socket_(std::move(socket)), shared_(std::move(shared)), timer_(socket_.get_executor()) {
  shared_->open_connections.fetch_add(1, std::memory_order_relaxed);
  nghttp2_session_callbacks* callbacks = nullptr;
  nghttp2_session_callbacks_new(&callbacks);
  nghttp2_session_callbacks_set_send_callback(callbacks, &Callbacks::send);
  nghttp2_session_callbacks_set_on_begin_headers_callback(callbacks, &Callbacks::begin_headers);
  nghttp2_session_callbacks_set_on_header_callback(callbacks, &Callbacks::on_header);
  nghttp2_session_callbacks_set_on_frame_recv_callback(callbacks, &Callbacks::frame_received);
  nghttp2_session_callbacks_set_on_data_chunk_recv_callback(callbacks, &Callbacks::data_chunk);
  nghttp2_session_callbacks_set_on_stream_close_callback(callbacks, &Callbacks::stream_closed);
  nghttp2_session_callbacks_set_send_data_callback(callbacks, &Callbacks::send_data);
  nghttp2_session_server_new(&session_, callbacks, this);
  nghttp2_session_callbacks_del(callbacks);
}

H2Connection::~H2Connection() {
  streams_.clear();
  nghttp2_session_del(session_);
  shared_->open_connections.fetch_sub(1, std::memory_order_relaxed);
}

void H2Connection::start(std::chrono::milliseconds handshake_timeout) {
  timer_.expires_after(handshake_timeout);
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    // The preface ("PRI * HTTP/2.0...", 24 bytes) is all a client must send to be an HTTP/2 peer.
    if (!ec && self->bytes_received_ < 24) {
      log::debug("epp: closing a connection that sent no HTTP/2 preface");
      self->close();
    }
  });
  const nghttp2_settings_entry settings[] = {
      {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, shared_->limits.max_concurrent_streams},
      {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE,
       static_cast<std::uint32_t>(shared_->limits.stream_window_bytes)},
  };
  nghttp2_submit_settings(session_, NGHTTP2_FLAG_NONE, settings, std::size(settings));
  nghttp2_session_set_local_window_size(session_, NGHTTP2_FLAG_NONE, 0,
                                        shared_->limits.connection_window_bytes);
  flush();
  read();
}

void H2Connection::drain() {
  if (closed_) return;
  nghttp2_submit_goaway(session_, NGHTTP2_FLAG_NONE,
                        nghttp2_session_get_last_proc_stream_id(session_), NGHTTP2_NO_ERROR,
                        nullptr, 0);
  flush();
}

void H2Connection::close() {
  if (closed_) return;
  closed_ = true;
  boost::system::error_code ignored;
  socket_.close(ignored);
  timer_.cancel();
  streams_.clear();  // nghttp2 calls nothing more: no read or write is started after this
}

void H2Connection::read() {
  socket_.async_read_some(asio::buffer(read_buffer_), [self = shared_from_this()](
                                                          const boost::system::error_code& ec,
                                                          std::size_t n) {
    if (self->closed_) return;
    if (ec) {
      self->close();
      return;
    }
    self->bytes_received_ += n;
    if (self->finishing_) {  // the session is over: drain what the client still sends
      self->read();
      return;
    }
    const ssize_t used = nghttp2_session_mem_recv(
        self->session_, reinterpret_cast<const std::uint8_t*>(self->read_buffer_.data()), n);
    if (used < 0) {
      log::debug("epp: closing an HTTP/2 connection: {}", nghttp2_strerror(static_cast<int>(used)));
      self->flush();  // the GOAWAY nghttp2 queued, if any
      self->close();
      return;
    }
    self->flush();
    if (!self->closed_) self->read();
  });
}

void H2Connection::flush() {
  if (closed_ || write_in_flight_) return;
  if (nghttp2_session_send(session_) != 0) {
    close();
    return;
  }
  if (pending_.empty()) {
    finish_if_done();
    return;
  }
  boost::system::error_code ec;
  std::size_t written = socket_.write_some(asio::buffer(pending_), ec);
  if (ec == asio::error::would_block || ec == asio::error::try_again) {
    ec.clear();
    written = 0;
  }
  if (ec) {
    close();
    return;
  }
  if (written == pending_.size()) {
    pending_.clear();
    finish_if_done();
    return;
  }
  writing_.assign(pending_, written);
  pending_.clear();
  write_in_flight_ = true;
  asio::async_write(socket_, asio::buffer(writing_),
                    [self = shared_from_this()](const boost::system::error_code& write_ec,
                                                std::size_t) { self->on_written(write_ec); });
}

void H2Connection::finish_if_done() {
  // The session is over (after a GOAWAY, its last stream ended) once nghttp2 wants neither to read
  // nor to write. Checked after every write, not only when nothing was written: the frame that
  // ends the last stream is usually a write, and a client need not send anything after it.
  if (finishing_ || nghttp2_session_want_read(session_) || nghttp2_session_want_write(session_))
    return;
  // Half-close, then wait for the client's close: closing a socket with unread bytes (a late
  // WINDOW_UPDATE) makes the kernel send a reset, which can destroy the last frames in flight.
  finishing_ = true;
  boost::system::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  timer_.expires_after(kLingerAfterGoaway);
  timer_.async_wait([self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec) self->close();
  });
}

void H2Connection::on_written(const boost::system::error_code& ec) {
  write_in_flight_ = false;
  writing_.clear();
  if (ec) {
    close();
    return;
  }
  flush();
}

void H2Connection::on_request_headers_done(std::int32_t id, Stream& s) {
  if (!s.content_type.starts_with(kGrpcContentType)) {
    // Not gRPC: the protocol's answer is HTTP 415 with no gRPC status.
    const nghttp2_nv nva[] = {header(":status", "415"), header("content-type", "text/plain")};
    nghttp2_submit_response(session_, id, nva, std::size(nva), nullptr);
    s.status = GrpcStatus{GrpcCode::kInternal, "content-type is not application/grpc"};
    s.response_started = s.trailers_sent = true;
    return;
  }
  s.rpc = shared_->factory(s.path);
  if (!s.rpc) end_stream(id, s, {GrpcCode::kUnimplemented, "unknown method " + s.path});
}

void H2Connection::on_data(std::int32_t id, Stream& s, std::string_view bytes) {
  if (s.status || !s.rpc) return;  // the RPC already ended: the rest is ignored
  s.reader.feed(bytes);
  for (;;) {
    switch (s.reader.next()) {
      case GrpcFrameReader::Next::kMessage:
        if (std::optional<GrpcStatus> end = s.rpc->on_message(s.reader.message(), s.out)) {
          end_stream(id, s, std::move(*end));
          return;
        }
        continue;
      case GrpcFrameReader::Next::kNeedMore:
        send(id, s);
        return;
      case GrpcFrameReader::Next::kCompressed:
        end_stream(id, s,
                   {GrpcCode::kUnimplemented,
                    "compressed messages are not supported: send them uncompressed (identity)"});
        return;
      case GrpcFrameReader::Next::kTooLarge:
        end_stream(id, s,
                   {GrpcCode::kResourceExhausted,
                    "message larger than " + std::to_string(shared_->limits.max_message_bytes) +
                        " bytes"});
        return;
    }
  }
}

void H2Connection::on_half_close(std::int32_t id, Stream& s) {
  if (s.status || !s.rpc) return;
  if (s.reader.mid_message()) {
    end_stream(id, s, {GrpcCode::kInternal, "the stream ended in the middle of a message"});
  } else {
    end_stream(id, s, s.rpc->on_half_close());
  }
}

void H2Connection::end_stream(std::int32_t id, Stream& s, GrpcStatus status) {
  if (s.status) return;
  if (s.rpc) s.rpc->on_end(status);
  s.status = std::move(status);
  send(id, s);
}

void H2Connection::send(std::int32_t id, Stream& s) {
  if (s.trailers_sent) return;
  if (!s.response_started) {
    if (s.out.empty() && !s.status) return;  // nothing to say yet
    std::vector<nghttp2_nv> nva = {header(":status", "200"),
                                   header("content-type", kGrpcContentType)};
    s.response_started = true;
    if (s.out.empty()) {  // trailers-only: the status in the one HEADERS frame
      const StatusHeaders status(*s.status);
      status.append_to(nva);
      s.trailers_sent = true;
      nghttp2_submit_response(session_, id, nva.data(), nva.size(), nullptr);
      return;
    }
    nghttp2_data_provider body{};
    body.source.ptr = &s;
    body.read_callback = &Callbacks::read_body;
    nghttp2_submit_response(session_, id, nva.data(), nva.size(), &body);
    return;
  }
  if (s.deferred) {
    s.deferred = false;
    nghttp2_session_resume_data(session_, id);
  }
}

}  // namespace sluice::extproc::detail
