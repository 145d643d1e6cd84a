#include "gateway/access_log.h"

#include "core/log.h"
#include "openai/json_writer.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

namespace sluice::gateway {
namespace {

// Room for one line without reallocating: the threshold plus a generous line.
constexpr std::size_t kLineReserve = 2048;
constexpr int kWritablePollMs = 1000;

void append_digits(std::string& out, unsigned value, int width) {
  char buf[8];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(buf, static_cast<std::size_t>(width));
}

// RFC 3339 in UTC with milliseconds: 2026-01-02T03:04:05.678Z.
void append_time(std::string& out, std::chrono::system_clock::time_point time) {
  using namespace std::chrono;
  const auto ms = floor<milliseconds>(time);
  const auto day = floor<days>(ms);
  const year_month_day ymd{day};
  const hh_mm_ss hms{ms - day};
  out += '"';
  append_digits(out, static_cast<unsigned>(static_cast<int>(ymd.year())), 4);
  out += '-';
  append_digits(out, static_cast<unsigned>(ymd.month()), 2);
  out += '-';
  append_digits(out, static_cast<unsigned>(ymd.day()), 2);
  out += 'T';
  append_digits(out, static_cast<unsigned>(hms.hours().count()), 2);
  out += ':';
  append_digits(out, static_cast<unsigned>(hms.minutes().count()), 2);
  out += ':';
  append_digits(out, static_cast<unsigned>(hms.seconds().count()), 2);
  out += '.';
  append_digits(out, static_cast<unsigned>(hms.subseconds().count()), 3);
  out += "Z\"";
}

void append_string_or_null(std::string& out, std::string_view s) {
  if (s.empty()) {
    out += "null";
  } else {
    openai::append_json_string(out, s);
  }
}

}  // namespace

void append_access_log_line(std::string& out, const AccessLogEntry& e) {
  out += "{\"time\":";
  append_time(out, e.time);
  out += ",\"method\":";
  openai::append_json_string(out, e.method);
  out += ",\"path\":";
  openai::append_json_string(out, e.path);
  out += ",\"model\":";
  openai::append_json_string(out, e.model);
  out += ",\"target_model\":";
  openai::append_json_string(out, e.target_model);
  out += ",\"objective\":";
  append_string_or_null(out, e.objective);
  out += ",\"pool\":";
  append_string_or_null(out, e.pool);
  out += ",\"endpoint\":";
  append_string_or_null(out, e.endpoint);
  out += ",\"status\":";
  openai::append_json_int(out, e.status);
  out += ",\"stream\":";
  out += e.stream ? "true" : "false";
  out += ",\"attempts\":";
  openai::append_json_uint(out, e.attempts);
  out += ",\"duration_ms\":";
  openai::append_json_number(out, e.duration_ms);
  out += ",\"ttft_ms\":";
  if (e.ttft_ms) {
    openai::append_json_number(out, *e.ttft_ms);
  } else {
    out += "null";
  }
  out += ",\"scheduling_us\":";
  openai::append_json_number(out, e.scheduling_us);
  out += ",\"input_tokens\":";
  openai::append_json_uint(out, e.input_tokens);
  out += ",\"output_tokens\":";
  openai::append_json_uint(out, e.output_tokens);
  out += ",\"bytes\":";
  openai::append_json_uint(out, e.bytes);
  out += ",\"error\":";
  append_string_or_null(out, e.error);
  out += "}\n";
}

AccessLog::AccessLog(int fd, std::size_t workers, std::size_t flush_bytes)
    : AccessLog(fd, false, workers, flush_bytes) {}

AccessLog::AccessLog(int fd, bool owns_fd, std::size_t workers, std::size_t flush_bytes)
    : fd_(fd),
      owns_fd_(owns_fd),
      workers_(workers == 0 ? 1 : workers),
      flush_bytes_(flush_bytes),
      buffers_(std::make_unique<Buffer[]>(workers_)) {
  for (std::size_t w = 0; w < workers_; ++w) {
    buffers_[w].data.reserve(flush_bytes_ + kLineReserve);
  }
}

Result<std::unique_ptr<AccessLog>> AccessLog::open(const std::string& path, std::size_t workers,
                                                   std::size_t flush_bytes) {
  if (path == "-") {
    return std::make_unique<AccessLog>(STDOUT_FILENO, workers, flush_bytes);
  }
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) {
    return make_error(ErrorCode::kIo,
                      "cannot open access log " + path + ": " + std::strerror(errno), "access-log");
  }
  return std::unique_ptr<AccessLog>(new AccessLog(fd, true, workers, flush_bytes));
}

AccessLog::~AccessLog() {
  for (std::size_t w = 0; w < workers_; ++w) {
    flush(w);
  }
  if (owns_fd_) {
    ::close(fd_);
  }
}

void AccessLog::record(std::size_t worker, const AccessLogEntry& entry) {
  Buffer& b = buffer(worker);
  append_access_log_line(b.data, entry);
  if (b.data.size() >= flush_bytes_) {
    write_out(b);
  }
}

void AccessLog::flush(std::size_t worker) {
  Buffer& b = buffer(worker);
  if (!b.data.empty()) {
    write_out(b);
  }
}

void AccessLog::write_out(Buffer& b) {
  const char* data = b.data.data();
  std::size_t left = b.data.size();
  int error = 0;
  {
    const std::lock_guard<std::mutex> lock(write_mutex_);
    while (left > 0) {
      const ssize_t n = ::write(fd_, data, left);
      if (n > 0) {
        data += n;
        left -= static_cast<std::size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) {
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
        // Someone made the descriptor non-blocking; wait (bounded) instead of spinning.
        pollfd p{fd_, POLLOUT, 0};
        if (::poll(&p, 1, kWritablePollMs) > 0) {
          continue;
        }
      }
      error = n < 0 ? errno : EIO;
      break;
    }
  }
  if (left > 0) {
    // Count the lines that did not make it out whole (a cut line counts as lost).
    const std::string_view rest(b.data.data() + (b.data.size() - left), left);
    const auto lost = static_cast<std::uint64_t>(std::count(rest.begin(), rest.end(), '\n'));
    dropped_lines_.fetch_add(lost, std::memory_order_relaxed);
    if (!warned_.exchange(true, std::memory_order_relaxed)) {
      log::warn("access log: write failed ({}); dropping buffered lines", std::strerror(error));
    }
  } else {
    warned_.store(false, std::memory_order_relaxed);
  }
  b.data.clear();
}

}  // namespace sluice::gateway
