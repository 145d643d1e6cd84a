// Server-Sent Events (text/event-stream): writing events, and an incremental parser for reading
// them from an upstream stream (WHATWG HTML "Server-sent events", section 9.2.6).
#pragma once

#include "core/result.h"

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

namespace sluice::net {

/// "data: <data>\n\n". Data containing line breaks becomes one "data:" line per line, which a
/// conforming parser joins back with "\n".
std::string sse_event(std::string_view data);
/// Appends sse_event(data) to `out` (lets a caller batch events into one buffer without
/// temporaries).
void append_sse_event(std::string& out, std::string_view data);

/// Incremental text/event-stream parser. Handles \n, \r\n and \r line ends (also split across
/// feeds), multi-line data (joined with \n), comments (lines starting with ':'), `event:` and `id:`
/// fields, a leading UTF-8 BOM, and events split across arbitrary feed() boundaries. `retry:` and
/// unknown fields are ignored. Events without any data line are not dispatched (as in browsers).
class SseParser {
 public:
  struct Event {
    std::string event;  ///< the `event:` field; empty means the default type "message"
    std::string data;
    std::string id;  ///< the last `id:` seen on the stream (sticky across events, per the spec)
    bool operator==(const Event&) const = default;
  };

  explicit SseParser(std::size_t max_event_bytes = 1 << 20);

  /// Calls on_event for each complete event (the reference is valid during the call only). Returns
  /// kTooLarge if a pending line plus the event's data exceed max_event_bytes; the parser then
  /// drops what it buffered and continues with the next bytes.
  Status feed(std::string_view bytes, const std::function<void(const Event&)>& on_event);

  /// Forgets everything, as for a new stream.
  void reset();

 private:
  void process_line(std::string_view line, const std::function<void(const Event&)>& on_event);
  bool over_limit() const { return line_.size() + pending_.data.size() > max_event_bytes_; }
  Status too_large();

  std::size_t max_event_bytes_;
  std::string line_;  // an incomplete line carried over to the next feed()
  Event pending_;
  bool has_data_ = false;
  bool skip_lf_ = false;  // the last feed ended with '\r': a leading '\n' completes that line end
  bool discarding_line_ = false;  // an over-long line is being skipped up to its end
  bool at_start_ = true;          // nothing processed yet: a BOM may follow
};

}  // namespace sluice::net
