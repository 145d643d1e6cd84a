#include "extproc/stream_processor.h"

#include "core/strings.h"
#include "extproc/grpc_wire.h"
#include "openai/request.h"

#include <algorithm>
#include <charconv>

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

StreamProcessor::Accepted StreamProcessor::on_wire_message(std::string_view wire,
                                                           std::string& out) {
  const auto started = std::chrono::steady_clock::now();
  bool response_path = false;
  Accepted accepted = Accepted::kYes;
  if (const std::optional<BodyMessage> body = read_body_message(wire)) {
    response_path = body->direction == BodyDirection::kResponse;
    if (!on_body(*body, out)) accepted = Accepted::kOutOfOrder;
  } else if (!parsed_.ParseFromArray(wire.data(), static_cast<int>(wire.size()))) {
    return Accepted::kUnparsable;
  } else {
    const auto kind = parsed_.request_case();
    response_path = kind == pb::ProcessingRequest::kResponseHeaders ||
                    kind == pb::ProcessingRequest::kResponseBody ||
                    kind == pb::ProcessingRequest::kResponseTrailers;
    if (!on_message(parsed_, out)) accepted = Accepted::kOutOfOrder;
  }
  // The message that ends the response reports the outcome from inside on_message: its own time
  // is the one left out.
  (response_path ? outcome_.response_processing : outcome_.request_processing) +=
      std::chrono::steady_clock::now() - started;
  return accepted;
}

bool StreamProcessor::on_message(const pb::ProcessingRequest& in, std::string& out) {
  if (done_) return true;  // Envoy may still send what crossed the immediate response
  switch (in.request_case()) {
    case pb::ProcessingRequest::kRequestHeaders:
      if (headers_seen_) return false;
      on_request_headers(in, out);
      return true;
    case pb::ProcessingRequest::kRequestBody:
      return on_body(
          {BodyDirection::kRequest, in.request_body().body(), in.request_body().end_of_stream()},
          out);
    case pb::ProcessingRequest::kRequestTrailers: {
      if (!headers_seen_) return false;
      if (!routed_) route(true, false, out);  // trailers end a body that did not say so
      if (done_) return true;
      pb::ProcessingResponse trailers;
      trailers.mutable_request_trailers();
      append_grpc_frame(out, trailers);
      return true;
    }
    case pb::ProcessingRequest::kResponseHeaders:
      if (!routed_) return false;
      on_response_headers(in, out);
      return true;
    case pb::ProcessingRequest::kResponseBody:
      return on_body(
          {BodyDirection::kResponse, in.response_body().body(), in.response_body().end_of_stream()},
          out);
    case pb::ProcessingRequest::kResponseTrailers: {
      if (!routed_) return false;
      pb::ProcessingResponse trailers;
      trailers.mutable_response_trailers();
      append_grpc_frame(out, trailers);
      finish(false);
      return true;
    }
    case pb::ProcessingRequest::REQUEST_NOT_SET:
      return false;
  }
  return false;
}

bool StreamProcessor::on_body(const BodyMessage& body, std::string& out) {
  if (done_) return true;
  if (body.direction == BodyDirection::kRequest) {
    if (!headers_seen_ || routed_) return false;
    on_request_body(body.body, body.end_of_stream, out);
  } else {
    if (!routed_) return false;
    on_response_body(body.body, body.end_of_stream, out);
  }
  return true;
}

void StreamProcessor::on_request_headers(const pb::ProcessingRequest& in, std::string& out) {
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
  if (h.end_of_stream()) {
    route(false, false, out);
    return;
  }
  // The whole body is kept until it can be routed: sized once from content-length (trusted only up
  // to the body limit), so the chunks are not copied again as the buffer grows.
  std::size_t declared = 0;
  if (const auto length = find_header(headers_, "content-length")) {
    const auto [end, ec] =
        std::from_chars(length->data(), length->data() + length->size(), declared);
    if (ec == std::errc() && end == length->data() + length->size() &&
        declared <= limits_.max_body_bytes) {
      body_.reserve(declared + openai::kJsonPadding);
    }
  }
}

void StreamProcessor::on_request_body(std::string_view chunk, bool end_of_stream,
                                      std::string& out) {
  if (body_.size() + chunk.size() > limits_.max_body_bytes) {
    reject(413,
           R"({"error":{"message":"request body over )" + std::to_string(limits_.max_body_bytes) +
               R"( bytes","type":"BadRequestError","param":null,"code":413}})",
           "", out);
    return;
  }
  if (end_of_stream) body_.reserve(body_.size() + chunk.size() + openai::kJsonPadding);
  body_ += chunk;
  if (end_of_stream) route(true, true, out);
}

void StreamProcessor::route(bool has_body, bool body_ends_stream, std::string& out) {
  request_.has_body = has_body;
  body_.reserve(body_.size() + openai::kJsonPadding);  // so the body is parsed in place
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

  pb::ProcessingResponse headers;
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
  append_grpc_frame(out, headers);

  if (!has_body) return;
  // The body goes back in order, in chunks Envoy accepts; FULL_DUPLEX_STREAMED needs the echo.
  const std::string_view rest(upstream);
  constexpr std::size_t kFrameOverhead = 32;  // gRPC prefix, five field headers, end_of_stream
  out.reserve(out.size() + rest.size() + kFrameOverhead * (rest.size() / kBodyChunkBytes + 1));
  std::size_t at = 0;
  do {
    const std::size_t n = std::min(kBodyChunkBytes, rest.size() - at);
    append_streamed_body_frame(out, BodyDirection::kRequest, rest.substr(at, n),
                               body_ends_stream && at + n == rest.size());
    at += n;
  } while (at < rest.size());
}

void StreamProcessor::on_response_headers(const pb::ProcessingRequest& in, std::string& out) {
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
  pb::ProcessingResponse response;
  set_header(*response.mutable_response_headers()->mutable_response()->mutable_header_mutation(),
             kConformanceServedHeader, outcome_.served);
  append_grpc_frame(out, response);
  if (h.end_of_stream()) finish(false);
}

void StreamProcessor::on_response_body(std::string_view chunk, bool end_of_stream,
                                       std::string& out) {
  if (!chunk.empty()) {
    const auto now = std::chrono::steady_clock::now();
    if (!outcome_.ttft) {
      outcome_.ttft = now - routed_at_;
    } else if (outcome_.stream) {
      picker_.chunk_gap(pick_, now - last_chunk_at_);
    }
    last_chunk_at_ = now;
  }
  usage_.feed(chunk);
  outcome_.response_bytes += chunk.size();
  if (pick_.client_model.empty()) {
    append_streamed_body_frame(out, BodyDirection::kResponse, chunk, end_of_stream);
  } else {
    append_streamed_body_frame(out, BodyDirection::kResponse,
                               restore_model(chunk, pick_.target_model, pick_.client_model),
                               end_of_stream);
  }
  if (end_of_stream) finish(false);
}

void StreamProcessor::reject(int status, const std::string& body, const std::string& dropped_reason,
                             std::string& out) {
  pb::ProcessingResponse response;
  pb::ImmediateResponse* r = response.mutable_immediate_response();
  r->mutable_status()->set_code(static_cast<envoy::type::v3::StatusCode>(status));
  set_header(*r->mutable_headers(), "content-type", "application/json");
  if (!dropped_reason.empty())
    set_header(*r->mutable_headers(), kDroppedReasonHeader, dropped_reason);
  r->set_body(body);
  append_grpc_frame(out, response);
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
  outcome_.cached_tokens = usage_.cached_tokens();
  picker_.finish(pick_, outcome_);
}

}  // namespace sluice::extproc
