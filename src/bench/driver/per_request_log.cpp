#include "bench/driver/per_request_log.h"

#include "openai/json_writer.h"

namespace sluice::bench {
namespace {

constexpr std::size_t kFlushBytes = 1 << 20;

void append_optional(std::string& out, const char* key, const std::optional<double>& v) {
  out += key;
  if (v) {
    openai::append_json_number(out, *v);
  } else {
    out += "null";
  }
}

}  // namespace

PerRequestLog::~PerRequestLog() { (void)close(); }

Status PerRequestLog::open(const std::string& path) {
  file_ = std::fopen(path.c_str(), "w");
  if (file_ == nullptr) {
    return make_error(ErrorCode::kInvalidArgument, "cannot write " + path);
  }
  buffer_.reserve(kFlushBytes + 4096);
  return {};
}

void PerRequestLog::write(const PerRequestRow& r) {
  if (file_ == nullptr) {
    return;
  }
  std::string& out = buffer_;
  out += "{\"stage\":";
  openai::append_json_string(out, r.stage);
  out += ",\"index\":";
  openai::append_json_uint(out, r.index);
  out += ",\"model\":";
  openai::append_json_string(out, r.model);
  out += ",\"scheduled_s\":";
  openai::append_json_number(out, r.scheduled_s);
  out += ",\"sent_s\":";
  openai::append_json_number(out, r.sent_s);
  out += ",\"end_s\":";
  openai::append_json_number(out, r.end_s);
  out += ",\"ok\":";
  out += r.error.empty() ? "true" : "false";
  out += ",\"error\":";
  if (r.error.empty()) {
    out += "null";
  } else {
    openai::append_json_string(out, r.error);
  }
  append_optional(out, ",\"ttft\":", r.ttft);
  append_optional(out, ",\"tpot\":", r.tpot);
  append_optional(out, ",\"itl_mean\":", r.itl_mean);
  out += ",\"e2e\":";
  openai::append_json_number(out, r.e2e);
  out += ",\"input_tokens\":";
  openai::append_json_uint(out, r.input_tokens);
  out += ",\"output_tokens\":";
  openai::append_json_uint(out, r.output_tokens);
  out += ",\"chunks\":";
  openai::append_json_uint(out, r.chunks);
  out += "}\n";
  if (out.size() >= kFlushBytes) {
    failed_ = failed_ || std::fwrite(out.data(), 1, out.size(), file_) != out.size();
    out.clear();
  }
}

Status PerRequestLog::close() {
  if (file_ == nullptr) {
    return {};
  }
  failed_ = failed_ || std::fwrite(buffer_.data(), 1, buffer_.size(), file_) != buffer_.size();
  buffer_.clear();
  failed_ = (std::fclose(file_) != 0) || failed_;
  file_ = nullptr;
  if (failed_) {
    return make_error(ErrorCode::kIo, "writing per_request.jsonl failed (disk full?)");
  }
  return {};
}

}  // namespace sluice::bench
