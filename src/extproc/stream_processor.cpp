#include "extproc/stream_processor.h"

#include "core/strings.h"

#include <algorithm>

namespace sluice::extproc {
namespace {

/// Envoy fills raw_value; older senders use value.
std::string header_value(const envoy::config::core::v3::HeaderValue& h) {
  return h.raw_value().empty() ? h.value() : h.raw_value();
}

/// Bound on the items read from a subset hint or the conformance header (untrusted lists).
constexpr std::size_t kMaxListedEndpoints = 1024;

/// A string, or a list of strings, at metadata[ns][key]; nullopt when absent.
std::optional<std::vector<std::string>> metadata_strings(const pb::ProcessingRequest& in,
                                                         const char* ns, const char* key) {
  if (!in.has_metadata_context()) return std::nullopt;
  const auto& namespaces = in.metadata_context().filter_metadata();
  const auto space = namespaces.find(ns);
  if (space == namespaces.end()) return std::nullopt;
  const auto field = space->second.fields().find(key);
  if (field == space->second.fields().end()) return std::nullopt;
  std::vector<std::string> out;
  const google::protobuf::Value& v = field->second;
  if (v.has_list_value()) {
    for (const auto& item : v.list_value().values()) {
      if (out.size() == kMaxListedEndpoints) break;
      if (item.has_string_value()) out.push_back(item.string_value());
    }
  } else if (v.has_string_value()) {
    out = split_list(v.string_value(), kMaxListedEndpoints);
  }
  return out;
}

/// `"model":"<from>"` -> `"model":"<to>"` everywhere in `chunk` (vLLM writes the key without
/// spaces; a key split across two chunks is left as it is).
std::string restore_model(std::string_view chunk, const std::string& from, const std::string& to) {
  const std::string needle = "\"model\":\"" + from + "\"";
  const std::string replacement = "\"model\":\"" + to + "\"";
  std::string out;
  std::size_t at = 0;
  for (std::size_t hit = chunk.find(needle); hit != std::string_view::npos;
       hit = chunk.find(needle, at)) {
    out.append(chunk.substr(at, hit - at));
    out += replacement;
    at = hit + needle.size();
  }
  out.append(chunk.substr(at));
  return out;
}

/// The routing control headers the reference EPP strips before the request goes upstream.
bool is_control_header(std::string_view name) {
  return (name.starts_with("x-llm-d-") || name.starts_with("x-gateway-")) &&
         name != kDestinationHeader;
}

void set_header(pb::HeaderMutation& mutation, const std::string& name, const std::string& value) {
  auto* option = mutation.add_set_headers();
  option->mutable_header()->set_key(name);
  option->mutable_header()->set_raw_value(value);
  option->set_append_action(envoy::config::core::v3::HeaderValueOption::OVERWRITE_IF_EXISTS_OR_ADD);
}

}  // namespace

std::optional<std::string_view> find_header(const HeaderList& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (key == name) return std::string_view(value);
  }
  return std::nullopt;
}

StreamProcessor::StreamProcessor(Picker& picker, StreamLimits limits)
    : picker_(picker), limits_(limits) {}

StreamProcessor::~StreamProcessor() { finish(true); }

bool StreamProcessor::on_message(const pb::ProcessingRequest& in,
                                 std::vector<pb::ProcessingResponse>& out) {
  if (done_) return true;  // Envoy may still send what crossed the immediate response
  switch (in.request_case()) {
    case pb::ProcessingRequest::kRequestHeaders:
      if (headers_seen_) return false;
      on_request_headers(in, out);
      return true;
    case pb::ProcessingRequest::kRequestBody:
      if (!headers_seen_ || routed_) return false;
      on_request_body(in.request_body(), out);
      return true;
    case pb::ProcessingRequest::kRequestTrailers:
      if (!headers_seen_) return false;
      if (!routed_) route(true, false, out);  // trailers end a body that did not say so
      if (!done_) out.emplace_back().mutable_request_trailers();
      return true;
    case pb::ProcessingRequest::kResponseHeaders:
      if (!routed_) return false;
      on_response_headers(in, out);
      return true;
    case pb::ProcessingRequest::kResponseBody:
      if (!routed_) return false;
      on_response_body(in.response_body(), out);
      return true;
    case pb::ProcessingRequest::kResponseTrailers:
      if (!routed_) return false;
      out.emplace_back().mutable_response_trailers();
      finish(false);
      return true;
    case pb::ProcessingRequest::REQUEST_NOT_SET:
      return false;
  }
  return false;
}

void StreamProcessor::on_request_headers(const pb::ProcessingRequest& in,
                                         std::vector<pb::ProcessingResponse>& out) {
  headers_seen_ = true;
  const pb::HttpHeaders& h = in.request_headers();
  headers_.reserve(static_cast<std::size_t>(h.headers().headers_size()));
  for (const auto& header : h.headers().headers()) {
    headers_.emplace_back(ascii_lower(header.key()), header_value(header));
  }
  request_.headers = &headers_;
  request_.subset = metadata_strings(in, kSubsetNamespace, kSubsetKey);
  if (const auto only = find_header(headers_, kConformanceSelectionHeader)) {
    request_.only_ips = split_list(*only, kMaxListedEndpoints);
  }
  if (h.end_of_stream()) route(false, false, out);
}

void StreamProcessor::on_request_body(const pb::HttpBody& body,
                                      std::vector<pb::ProcessingResponse>& out) {
  if (body_.size() + body.body().size() > limits_.max_body_bytes) {
    reject(413,
           R"({"error":{"message":"request body over )" + std::to_string(limits_.max_body_bytes) +
               R"( bytes","type":"BadRequestError","param":null,"code":413}})",
           "", out);
    return;
  }
  body_ += body.body();
  if (body.end_of_stream()) route(true, true, out);
}

void StreamProcessor::route(bool has_body, bool body_ends_stream,
                            std::vector<pb::ProcessingResponse>& out) {
  request_.has_body = has_body;
  body_.reserve(body_.size() + 64);  // simdjson's padding, so the body is parsed in place
  request_.body = body_;
  request_.body_capacity = body_.capacity();
  pick_ = picker_.pick(request_);
  if (pick_.status != 0 || pick_.endpoints.empty()) {
    const int status = pick_.status != 0 ? pick_.status : 503;
    const std::string reason = pick_.status != 0 ? pick_.dropped_reason : "rejected-no-endpoints";
    reject(status, pick_.error_body, reason, out);
    return;
  }
  routed_ = true;
  routed_at_ = std::chrono::steady_clock::now();
  outcome_.request_bytes = body_.size();
  outcome_.served = pick_.endpoints.front();
  std::string destination;
  for (const std::string& e : pick_.endpoints) {
    if (!destination.empty()) destination += ',';
    destination += e;
  }
  const std::string& upstream = pick_.rewritten_body.empty() ? body_ : pick_.rewritten_body;

  pb::ProcessingResponse& headers = out.emplace_back();
  pb::CommonResponse* common = headers.mutable_request_headers()->mutable_response();
  common->set_clear_route_cache(true);
  set_header(*common->mutable_header_mutation(), kDestinationHeader, destination);
  if (has_body) {
    set_header(*common->mutable_header_mutation(), "content-length",
               std::to_string(upstream.size()));
  }
  for (const auto& [name, value] : headers_) {
    if (is_control_header(name)) common->mutable_header_mutation()->add_remove_headers(name);
  }
  auto& lb = (*headers.mutable_dynamic_metadata()->mutable_fields())[kLbNamespace];
  (*lb.mutable_struct_value()->mutable_fields())[kDestinationHeader].set_string_value(destination);

  if (!has_body) return;
  // The body goes back in order, in chunks Envoy accepts; FULL_DUPLEX_STREAMED needs the echo.
  std::size_t at = 0;
  do {
    const std::size_t n = std::min(kBodyChunkBytes, upstream.size() - at);
    pb::StreamedBodyResponse* chunk = out.emplace_back()
                                          .mutable_request_body()
                                          ->mutable_response()
                                          ->mutable_body_mutation()
                                          ->mutable_streamed_response();
    chunk->set_body(upstream.substr(at, n));
    at += n;
    chunk->set_end_of_stream(body_ends_stream && at == upstream.size());
  } while (at < upstream.size());
}

void StreamProcessor::on_response_headers(const pb::ProcessingRequest& in,
                                          std::vector<pb::ProcessingResponse>& out) {
  const pb::HttpHeaders& h = in.response_headers();
  for (const auto& header : h.headers().headers()) {
    const std::string name = ascii_lower(header.key());
    if (name == ":status") {
      outcome_.status = std::atoi(header_value(header).c_str());
    } else if (name == "content-type") {
      outcome_.stream = ascii_lower(header_value(header)).starts_with("text/event-stream");
    }
  }
  if (auto served = metadata_strings(in, kLbNamespace, kServedKey); served && !served->empty()) {
    outcome_.served = served->front();
  }
  pb::CommonResponse* common = out.emplace_back().mutable_response_headers()->mutable_response();
  set_header(*common->mutable_header_mutation(), kConformanceServedHeader, outcome_.served);
  if (h.end_of_stream()) finish(false);
}

void StreamProcessor::on_response_body(const pb::HttpBody& body,
                                       std::vector<pb::ProcessingResponse>& out) {
  if (!outcome_.ttft && !body.body().empty()) {
    outcome_.ttft = std::chrono::steady_clock::now() - routed_at_;
  }
  usage_.feed(body.body());
  outcome_.response_bytes += body.body().size();
  pb::StreamedBodyResponse* chunk = out.emplace_back()
                                        .mutable_response_body()
                                        ->mutable_response()
                                        ->mutable_body_mutation()
                                        ->mutable_streamed_response();
  if (pick_.client_model.empty()) {
    chunk->set_body(body.body());
  } else {
    chunk->set_body(restore_model(body.body(), pick_.target_model, pick_.client_model));
  }
  chunk->set_end_of_stream(body.end_of_stream());
  if (body.end_of_stream()) finish(false);
}

void StreamProcessor::reject(int status, const std::string& body, const std::string& dropped_reason,
                             std::vector<pb::ProcessingResponse>& out) {
  pb::ImmediateResponse* r = out.emplace_back().mutable_immediate_response();
  r->mutable_status()->set_code(static_cast<envoy::type::v3::StatusCode>(status));
  set_header(*r->mutable_headers(), "content-type", "application/json");
  if (!dropped_reason.empty())
    set_header(*r->mutable_headers(), kDroppedReasonHeader, dropped_reason);
  r->set_body(body);
  done_ = true;
}

void StreamProcessor::finish(bool cancelled) {
  if (!routed_ || finished_) return;
  finished_ = true;
  outcome_.cancelled = cancelled;
  outcome_.duration = std::chrono::steady_clock::now() - routed_at_;
  if (!outcome_.stream) outcome_.ttft.reset();
  outcome_.prompt_tokens = usage_.prompt_tokens();
  outcome_.completion_tokens = usage_.completion_tokens();
  picker_.finish(pick_, outcome_);
}

}  // namespace sluice::extproc
