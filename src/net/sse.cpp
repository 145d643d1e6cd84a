#include "net/sse.h"

namespace sluice::net {
namespace {

constexpr std::string_view kBom = "\xEF\xBB\xBF";

}  // namespace

void append_sse_event(std::string& out, std::string_view data) {
  std::size_t start = 0;
  for (;;) {
    const std::size_t eol = data.find_first_of("\r\n", start);
    out += "data: ";
    out.append(
        data.substr(start, eol == std::string_view::npos ? std::string_view::npos : eol - start));
    out += '\n';
    if (eol == std::string_view::npos) break;
    start = eol + 1;
    if (data[eol] == '\r' && start < data.size() && data[start] == '\n') ++start;
  }
  out += '\n';
}

std::string sse_event(std::string_view data) {
  std::string out;
  out.reserve(data.size() + 8);
  append_sse_event(out, data);
  return out;
}

SseParser::SseParser(std::size_t max_event_bytes) : max_event_bytes_(max_event_bytes) {}

void SseParser::reset() {
  line_.clear();
  pending_ = Event{};
  has_data_ = false;
  skip_lf_ = false;
  discarding_line_ = false;
  at_start_ = true;
}

Status SseParser::too_large() {
  line_.clear();
  pending_.data.clear();
  pending_.event.clear();
  has_data_ = false;
  return make_error(ErrorCode::kTooLarge,
                    "server-sent event exceeds " + std::to_string(max_event_bytes_) + " bytes");
}

Status SseParser::feed(std::string_view bytes, const std::function<void(const Event&)>& on_event) {
  std::size_t pos = 0;
  if (skip_lf_ && !bytes.empty()) {
    if (bytes[0] == '\n') pos = 1;
    skip_lf_ = false;
  }
  Status status;
  while (pos < bytes.size()) {
    const std::size_t eol = bytes.find_first_of("\r\n", pos);
    if (eol == std::string_view::npos) {
      if (discarding_line_) break;
      line_.append(bytes.substr(pos));
      if (over_limit()) {
        discarding_line_ =
            true;  // skip the rest of this line rather than parse its tail as a field
        return too_large();
      }
      break;
    }
    // Complete lines are parsed straight from the input; only a partial line is copied.
    std::string_view line = bytes.substr(pos, eol - pos);
    if (!line_.empty()) {
      line_.append(line);
      line = line_;
    }
    if (discarding_line_) {
      discarding_line_ = false;
    } else if (over_limit()) {
      status = too_large();
    } else {
      process_line(line, on_event);
      if (pending_.data.size() > max_event_bytes_) status = too_large();
    }
    line_.clear();
    pos = eol + 1;
    if (bytes[eol] == '\r') {
      if (pos == bytes.size()) {
        skip_lf_ = true;
      } else if (bytes[pos] == '\n') {
        ++pos;
      }
    }
  }
  return status;
}

void SseParser::process_line(std::string_view line,
                             const std::function<void(const Event&)>& on_event) {
  if (at_start_) {
    at_start_ = false;
    if (line.substr(0, kBom.size()) == kBom) line.remove_prefix(kBom.size());
  }
  if (line.empty()) {
    if (has_data_) on_event(pending_);
    pending_.data.clear();  // clear() keeps capacity: no allocation per event
    pending_.event.clear();
    has_data_ = false;
    return;
  }
  if (line.front() == ':') return;  // comment (keep-alive pings)
  const std::size_t colon = line.find(':');
  const std::string_view field = line.substr(0, colon);
  std::string_view value;
  if (colon != std::string_view::npos) {
    value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  }
  if (field == "data") {
    if (has_data_) pending_.data += '\n';
    pending_.data.append(value);
    has_data_ = true;
  } else if (field == "event") {
    pending_.event.assign(value);
  } else if (field == "id") {
    if (value.find('\0') == std::string_view::npos) pending_.id.assign(value);
  }
}

}  // namespace sluice::net
