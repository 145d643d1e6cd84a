// The ext_proc stream, message by message, against a scripted picker: routing after the whole
// body, the destination header and metadata, the body echo in 62,000-byte chunks, header -> body
// -> trailer order, subset hints and the conformance header reaching the picker, rejections as
// ImmediateResponse, and the outcome (served endpoint, usage, TTFT, cancellation). Every message
// goes in serialized and every answer comes out framed, as on the wire, so the body fast path
// (body_wire.h) is what these tests run.
#include "extproc/stream_processor.h"

#include "extproc/grpc_wire.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sluice::extproc {
namespace {

struct ScriptedPicker : Picker {
  PickResult next;
  std::vector<PickRequest> seen;
  std::vector<std::string> seen_bodies;
  std::vector<RequestOutcome> outcomes;
  std::vector<std::chrono::nanoseconds> gaps;

  PickResult pick(const PickRequest& r) override {
    seen.push_back(r);
    seen_bodies.emplace_back(r.body);
    return next;
  }
  void finish(const PickResult&, const RequestOutcome& o) override { outcomes.push_back(o); }
  void chunk_gap(const PickResult&, std::chrono::nanoseconds gap) override { gaps.push_back(gap); }
};

pb::ProcessingRequest request_headers(bool end_of_stream,
                                      std::vector<std::pair<std::string, std::string>> extra = {}) {
  pb::ProcessingRequest in;
  auto* h = in.mutable_request_headers();
  auto add = [&](const std::string& k, const std::string& v) {
    auto* hv = h->mutable_headers()->add_headers();
    hv->set_key(k);
    hv->set_raw_value(v);
  };
  add(":method", "POST");
  add(":path", "/v1/chat/completions");
  for (const auto& [k, v] : extra) add(k, v);
  h->set_end_of_stream(end_of_stream);
  return in;
}

pb::ProcessingRequest body(const std::string& bytes, bool end_of_stream) {
  pb::ProcessingRequest in;
  in.mutable_request_body()->set_body(bytes);
  in.mutable_request_body()->set_end_of_stream(end_of_stream);
  return in;
}

std::string header_of(const pb::HeaderMutation& m, const std::string& name) {
  for (const auto& o : m.set_headers()) {
    if (o.header().key() == name) return o.header().raw_value();
  }
  return "<absent>";
}

/// Hands `in` to the processor as the server does (serialized) and appends its answers, decoded
/// from their gRPC frames, to `out`. False when the processor refused the message.
bool send(StreamProcessor& s, const pb::ProcessingRequest& in,
          std::vector<pb::ProcessingResponse>& out) {
  std::string framed;
  const auto accepted = s.on_wire_message(in.SerializeAsString(), framed);
  GrpcFrameReader reader(64u << 20);
  reader.feed(framed);
  while (reader.next() == GrpcFrameReader::Next::kMessage) {
    if (!out.emplace_back().ParseFromArray(reader.message().data(),
                                           static_cast<int>(reader.message().size())))
      ADD_FAILURE() << "an answer is not a ProcessingResponse";
  }
  EXPECT_FALSE(reader.mid_message()) << "an answer's frame is cut short";
  return accepted == StreamProcessor::Accepted::kYes;
}

PickResult routed(std::vector<std::string> endpoints) {
  PickResult r;
  r.endpoints = std::move(endpoints);
  return r;
}

TEST(ExtprocStream, RoutesAfterTheWholeBodyAndEchoesItInOrder) {
  ScriptedPicker picker;
  picker.next = routed({"10.0.0.2:8000", "10.0.0.3:8000"});
  StreamProcessor s(picker);
  std::vector<pb::ProcessingResponse> out;
  ASSERT_TRUE(send(s, request_headers(false), out));
  EXPECT_TRUE(out.empty()) << "nothing is answered before the body is complete";
  ASSERT_TRUE(send(s, body(R"({"model":"m",)", false), out));
  EXPECT_TRUE(out.empty());
  ASSERT_TRUE(send(s, body(R"("messages":[]})", true), out));
  ASSERT_EQ(picker.seen_bodies.size(), 1u);
  EXPECT_EQ(picker.seen_bodies[0], R"({"model":"m","messages":[]})");
  EXPECT_TRUE(picker.seen[0].has_body);
  ASSERT_EQ(out.size(), 2u);
  ASSERT_TRUE(out[0].has_request_headers());
  const pb::CommonResponse& common = out[0].request_headers().response();
  EXPECT_TRUE(common.clear_route_cache());
  EXPECT_EQ(header_of(common.header_mutation(), "x-gateway-destination-endpoint"),
            "10.0.0.2:8000,10.0.0.3:8000");
  EXPECT_EQ(header_of(common.header_mutation(), "content-length"), "27");  // the body's size
  const auto& lb = out[0].dynamic_metadata().fields().at("envoy.lb").struct_value();
  EXPECT_EQ(lb.fields().at("x-gateway-destination-endpoint").string_value(),
            "10.0.0.2:8000,10.0.0.3:8000");
  ASSERT_TRUE(out[1].has_request_body());
  const auto& echo = out[1].request_body().response().body_mutation().streamed_response();
  EXPECT_EQ(echo.body(), R"({"model":"m","messages":[]})");
  EXPECT_TRUE(echo.end_of_stream());
}

TEST(ExtprocStream, LargeBodiesGoBackInChunksOfAtMost62000Bytes) {
  ScriptedPicker picker;
  picker.next = routed({"10.0.0.2:8000"});
  StreamProcessor s(picker);
  std::vector<pb::ProcessingResponse> out;
  ASSERT_TRUE(send(s, request_headers(false), out));
  const std::string big(150'000, 'x');
  for (std::size_t at = 0; at < big.size(); at += 16'384) {
    const bool last = at + 16'384 >= big.size();
    ASSERT_TRUE(send(s, body(big.substr(at, 16'384), last), out));
  }
  ASSERT_EQ(out.size(), 4u);  // headers + 62,000 + 62,000 + 26,000
  std::string echoed;
  for (std::size_t i = 1; i < out.size(); ++i) {
    const auto& chunk = out[i].request_body().response().body_mutation().streamed_response();
    EXPECT_LE(chunk.body().size(), kBodyChunkBytes);
    EXPECT_EQ(chunk.end_of_stream(), i + 1 == out.size());
    echoed += chunk.body();
  }
  EXPECT_EQ(echoed, big);
}

TEST(ExtprocStream, SubsetHintsAndTheConformanceHeaderReachThePicker) {
  ScriptedPicker picker;
  picker.next = routed({"10.0.0.3:8000"});
  StreamProcessor s(picker);
  std::vector<pb::ProcessingResponse> out;
  pb::ProcessingRequest in =
      request_headers(false, {{"Test-EPP-Endpoint-Selection", "10.0.0.3, 10.0.0.4"}});
  auto& ns = (*in.mutable_metadata_context()->mutable_filter_metadata())["envoy.lb.subset_hint"];
  auto* list = (*ns.mutable_fields())["x-gateway-destination-endpoint-subset"].mutable_list_value();
  list->add_values()->set_string_value("10.0.0.3:8000");
  list->add_values()->set_string_value("10.0.0.9:8000");
  ASSERT_TRUE(send(s, in, out));
  ASSERT_TRUE(send(s, body("{}", true), out));
  ASSERT_EQ(picker.seen.size(), 1u);
  ASSERT_TRUE(picker.seen[0].subset.has_value());
  EXPECT_EQ(*picker.seen[0].subset, (std::vector<std::string>{"10.0.0.3:8000", "10.0.0.9:8000"}));
  ASSERT_TRUE(picker.seen[0].only_ips.has_value());
  EXPECT_EQ(*picker.seen[0].only_ips, (std::vector<std::string>{"10.0.0.3", "10.0.0.4"}));
}

TEST(ExtprocStream, RejectionsAreImmediateResponsesWithTheDroppedReason) {
  ScriptedPicker picker;
  picker.next.status = 429;
  picker.next.error_body = R"({"error":{"message":"saturated"}})";
  picker.next.dropped_reason = "rejected-saturated";
  StreamProcessor s(picker);
  std::vector<pb::ProcessingResponse> out;
  ASSERT_TRUE(send(s, request_headers(false), out));
  ASSERT_TRUE(send(s, body("{}", true), out));
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(out[0].has_immediate_response());
  EXPECT_EQ(out[0].immediate_response().status().code(), 429);
  EXPECT_EQ(header_of(out[0].immediate_response().headers(), "x-llm-d-request-dropped-reason"),
            "rejected-saturated");
  EXPECT_EQ(out[0].immediate_response().body(), picker.next.error_body);
  EXPECT_TRUE(s.done());
  EXPECT_TRUE(picker.outcomes.empty()) << "a rejected request has no outcome to report";

  // No endpoint at all is a 503 even when the picker gave no status.
  ScriptedPicker empty;
  StreamProcessor t(empty);
  out.clear();
  ASSERT_TRUE(send(t, request_headers(true), out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].immediate_response().status().code(), 503);
  EXPECT_EQ(header_of(out[0].immediate_response().headers(), "x-llm-d-request-dropped-reason"),
            "rejected-no-endpoints");
}

TEST(ExtprocStream, TooLargeBodiesAre413) {
  ScriptedPicker picker;
  picker.next = routed({"10.0.0.2:8000"});
  StreamProcessor s(picker, StreamLimits{100});
  std::vector<pb::ProcessingResponse> out;
  // A declared length is not trusted beyond the limit (it only sizes the buffer).
  ASSERT_TRUE(send(s, request_headers(false, {{"content-length", "99999999999999"}}), out));
  ASSERT_TRUE(send(s, body(std::string(80, 'x'), false), out));
  ASSERT_TRUE(send(s, body(std::string(80, 'x'), true), out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].immediate_response().status().code(), 413);
  EXPECT_TRUE(picker.seen.empty());
}

TEST(ExtprocStream, ARequestWithoutBodyIsRoutedAtItsHeaders) {
  ScriptedPicker picker;
  picker.next = routed({"10.0.0.7:8000"});
  StreamProcessor s(picker);
  std::vector<pb::ProcessingResponse> out;
  ASSERT_TRUE(send(s, request_headers(true), out));
  ASSERT_EQ(picker.seen.size(), 1u);
  EXPECT_FALSE(picker.seen[0].has_body);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(header_of(out[0].request_headers().response().header_mutation(), "content-length"),
            "<absent>");
}

TEST(ExtprocStream, TheResponsePathIsEchoedAndMeasured) {
  ScriptedPicker picker;
  picker.next = routed({"10.0.0.2:8000", "10.0.0.3:8000"});
  StreamProcessor s(picker);
  std::vector<pb::ProcessingResponse> out;
  ASSERT_TRUE(send(s, request_headers(false), out));
  ASSERT_TRUE(send(s, body("{}", true), out));
  out.clear();
  pb::ProcessingRequest headers;
  auto* h = headers.mutable_response_headers()->mutable_headers();
  auto* status = h->add_headers();
  status->set_key(":status");
  status->set_raw_value("200");
  auto* type = h->add_headers();
  type->set_key("content-type");
  type->set_raw_value("text/event-stream; charset=utf-8");
  auto& lb = (*headers.mutable_metadata_context()->mutable_filter_metadata())["envoy.lb"];
  (*lb.mutable_fields())["x-gateway-destination-endpoint-served"].set_string_value("10.0.0.3:8000");
  ASSERT_TRUE(send(s, headers, out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(header_of(out[0].response_headers().response().header_mutation(),
                      "x-conformance-test-served-endpoint"),
            "10.0.0.3:8000");
  const std::vector<std::string> chunks = {
      "data: {\"choices\":[{\"delta\":{\"content\":\"hi\"}}]}\n\n",
      "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":7,\"completion_tokens\":2,"
      "\"prompt_tokens_details\":{\"cached_tokens\":4}}}\n\n",
      "data: [DONE]\n\n"};
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    pb::ProcessingRequest in;
    in.mutable_response_body()->set_body(chunks[i]);
    in.mutable_response_body()->set_end_of_stream(i + 1 == chunks.size());
    out.clear();
    ASSERT_TRUE(send(s, in, out));
    ASSERT_EQ(out.size(), 1u) << "each chunk is echoed at once";
    EXPECT_EQ(out[0].response_body().response().body_mutation().streamed_response().body(),
              chunks[i]);
  }
  ASSERT_EQ(picker.outcomes.size(), 1u);
  const RequestOutcome& o = picker.outcomes[0];
  EXPECT_EQ(o.served, "10.0.0.3:8000");
  EXPECT_EQ(o.status, 200);
  EXPECT_TRUE(o.stream);
  EXPECT_TRUE(o.ttft.has_value());
  EXPECT_EQ(o.prompt_tokens, std::optional<std::uint64_t>(7));
  EXPECT_EQ(o.completion_tokens, std::optional<std::uint64_t>(2));
  EXPECT_EQ(o.cached_tokens, std::optional<std::uint64_t>(4));
  EXPECT_EQ(picker.gaps.size(), chunks.size() - 1) << "one gap between each two chunks";
  EXPECT_GT(o.request_processing.count(), 0) << "the EPP's own time is measured";
  EXPECT_GT(o.response_processing.count(), 0);
  EXPECT_FALSE(o.cancelled);
  EXPECT_EQ(o.request_bytes, 2u);  // "{}"
  EXPECT_EQ(o.response_bytes, chunks[0].size() + chunks[1].size() + chunks[2].size());
  EXPECT_GE(o.duration, *o.ttft);
}

TEST(ExtprocStream, AStreamThatEndsEarlyIsReportedCancelledAndBadOrderIsRefused) {
  ScriptedPicker picker;
  picker.next = routed({"10.0.0.2:8000"});
  {
    StreamProcessor s(picker);
    std::vector<pb::ProcessingResponse> out;
    ASSERT_TRUE(send(s, request_headers(false), out));
    ASSERT_TRUE(send(s, body("{}", true), out));
  }
  ASSERT_EQ(picker.outcomes.size(), 1u);
  EXPECT_TRUE(picker.outcomes[0].cancelled);
  EXPECT_EQ(picker.outcomes[0].served, "10.0.0.2:8000");

  StreamProcessor bad(picker);
  std::vector<pb::ProcessingResponse> out;
  EXPECT_FALSE(send(bad, body("{}", true), out)) << "a body before headers";
  EXPECT_FALSE(send(bad, pb::ProcessingRequest{}, out)) << "an empty message";
  std::string framed;
  EXPECT_EQ(bad.on_wire_message("\x22\x7f", framed), StreamProcessor::Accepted::kUnparsable)
      << "a body field longer than the message";
  EXPECT_TRUE(framed.empty());
}

TEST(ExtprocStream, ControlHeadersAreRemovedAndARewrittenModelComesBackAsTheClientsName) {
  ScriptedPicker picker;
  picker.next = routed({"10.0.0.2:8000"});
  picker.next.rewritten_body = R"({"model":"m-v2"})";
  picker.next.client_model = "m";
  picker.next.target_model = "m-v2";
  StreamProcessor s(picker);
  std::vector<pb::ProcessingResponse> out;
  ASSERT_TRUE(send(s,
                   request_headers(false, {{"x-llm-d-inference-objective", "batch"},
                                           {"X-Gateway-Model-Name-Rewrite", "m-v2"},
                                           {"x-request-id", "1"}}),
                   out));
  ASSERT_TRUE(send(s, body(R"({"model":"m"})", true), out));
  const pb::HeaderMutation& m = out[0].request_headers().response().header_mutation();
  EXPECT_EQ(
      std::vector<std::string>(m.remove_headers().begin(), m.remove_headers().end()),
      (std::vector<std::string>{"x-llm-d-inference-objective", "x-gateway-model-name-rewrite"}));
  EXPECT_EQ(out[1].request_body().response().body_mutation().streamed_response().body(),
            R"({"model":"m-v2"})")
      << "upstream gets the rewritten body";
  out.clear();
  pb::ProcessingRequest chunk;
  chunk.mutable_response_body()->set_body(R"(data: {"id":"1","model":"m-v2","choices":[]})"
                                          "\n\n"
                                          R"(data: {"model":"m-v2"})"
                                          "\n\n");
  ASSERT_TRUE(send(s, chunk, out));
  EXPECT_EQ(out[0].response_body().response().body_mutation().streamed_response().body(),
            R"(data: {"id":"1","model":"m","choices":[]})"
            "\n\n"
            R"(data: {"model":"m"})"
            "\n\n");
}

}  // namespace
}  // namespace sluice::extproc
