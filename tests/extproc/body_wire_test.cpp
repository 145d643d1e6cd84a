// The hand-read and hand-written body messages against protobuf itself: written frames are byte
// for byte what protobuf serializes, read messages agree with protobuf's parse, and everything
// unusual or malformed is left to protobuf (or refused) rather than misread.
#include "extproc/body_wire.h"

#include "envoy/service/ext_proc/v3/external_processor.pb.h"
#include "extproc/grpc_wire.h"

#include <gtest/gtest.h>

#include <google/protobuf/stubs/logging.h>
#include <random>
#include <string>
#include <vector>

namespace sluice::extproc {
namespace {

namespace pb = envoy::service::ext_proc::v3;

pb::ProcessingResponse streamed_response(BodyDirection direction, const std::string& body,
                                         bool end_of_stream) {
  pb::ProcessingResponse r;
  pb::BodyResponse* b =
      direction == BodyDirection::kRequest ? r.mutable_request_body() : r.mutable_response_body();
  auto* streamed = b->mutable_response()->mutable_body_mutation()->mutable_streamed_response();
  streamed->set_body(body);
  streamed->set_end_of_stream(end_of_stream);
  return r;
}

pb::ProcessingRequest body_request(BodyDirection direction, const std::string& body,
                                   bool end_of_stream) {
  pb::ProcessingRequest r;
  pb::HttpBody* b =
      direction == BodyDirection::kRequest ? r.mutable_request_body() : r.mutable_response_body();
  b->set_body(body);
  b->set_end_of_stream(end_of_stream);
  return r;
}

/// A body message with everything else Envoy may attach to it.
pb::ProcessingRequest decorated(BodyDirection direction, const std::string& body, bool eos) {
  pb::ProcessingRequest r = body_request(direction, body, eos);
  auto& ns = (*r.mutable_metadata_context()->mutable_filter_metadata())["envoy.lb"];
  (*ns.mutable_fields())["x-gateway-destination-endpoint-served"].set_string_value("10.0.0.1:80");
  (*r.mutable_attributes())["request.path"].mutable_fields()->operator[]("v").set_number_value(1.5);
  r.set_observability_mode(true);
  r.mutable_protocol_config()->set_send_body_without_waiting_for_header_response(true);
  return r;
}

TEST(BodyWire, WrittenFramesAreWhatProtobufSerializes) {
  for (const BodyDirection direction : {BodyDirection::kRequest, BodyDirection::kResponse}) {
    // Sizes around each varint length boundary, the chunk limit, and beyond.
    for (const std::size_t size : {0, 1, 100, 127, 128, 16'383, 16'384, 62'000, 2'097'152}) {
      for (const bool eos : {false, true}) {
        const std::string body(size, 'b');
        std::string ours = "prefix";  // appends, never overwrites
        append_streamed_body_frame(ours, direction, body, eos);
        std::string theirs = "prefix";
        append_grpc_frame(theirs, streamed_response(direction, body, eos));
        ASSERT_EQ(ours, theirs) << "size " << size << " eos " << eos;
      }
    }
  }
}

TEST(BodyWire, BodyMessagesAreReadInPlaceWhateverElseTheyCarry) {
  for (const BodyDirection direction : {BodyDirection::kRequest, BodyDirection::kResponse}) {
    for (const bool eos : {false, true}) {
      for (const std::string& body : {std::string(), std::string("{}"), std::string(70'000, 'q')}) {
        for (const pb::ProcessingRequest& message :
             {body_request(direction, body, eos), decorated(direction, body, eos)}) {
          const std::string wire = message.SerializeAsString();
          const auto read = read_body_message(wire);
          ASSERT_TRUE(read.has_value());
          EXPECT_EQ(read->direction, direction);
          EXPECT_EQ(read->body, body);
          EXPECT_EQ(read->end_of_stream, eos);
          if (!body.empty()) {  // a view into the wire bytes, not a copy
            EXPECT_GE(read->body.data(), wire.data());
            EXPECT_LE(read->body.data() + read->body.size(), wire.data() + wire.size());
          }
        }
      }
    }
  }
}

TEST(BodyWire, OtherMessagesAndOddEncodingsAreLeftToProtobuf) {
  pb::ProcessingRequest headers;
  headers.mutable_request_headers()->set_end_of_stream(true);
  pb::ProcessingRequest trailers;
  trailers.mutable_response_trailers();
  EXPECT_FALSE(read_body_message(headers.SerializeAsString()));
  EXPECT_FALSE(read_body_message(trailers.SerializeAsString()));
  EXPECT_FALSE(read_body_message("")) << "an empty message has no body";

  // Two body fields: protobuf merges them (the oneof's last member wins); not read by hand.
  const std::string a = body_request(BodyDirection::kRequest, "a", false).SerializeAsString();
  const std::string b = body_request(BodyDirection::kResponse, "b", true).SerializeAsString();
  EXPECT_FALSE(read_body_message(a + b));
  EXPECT_FALSE(read_body_message(a + a));
  // A body followed by a headers member of the same oneof.
  EXPECT_FALSE(read_body_message(a + headers.SerializeAsString()));

  // Malformed: a length past the end, a truncated key, a wrong wire type for the body field,
  // a group, field number 0.
  EXPECT_FALSE(read_body_message(std::string("\x22\x05\x0a\x01", 4)));
  EXPECT_FALSE(read_body_message(std::string("\x22\x00\x80", 3)));
  EXPECT_FALSE(read_body_message(std::string("\x20\x01", 2)));
  EXPECT_FALSE(read_body_message(std::string("\x22\x02\x08\x01", 4))) << "body as a varint";
  EXPECT_FALSE(read_body_message(std::string("\x22\x00\x53", 3)));
  EXPECT_FALSE(read_body_message(std::string("\x22\x00\x02\x00", 4)));
}

TEST(BodyWire, DamagedMessagesAreNeverMisread) {
  // Random byte damage to real messages: whatever the hand reader accepts, protobuf parses to the
  // same body (the reader may leave more to protobuf, never less).
  const google::protobuf::LogSilencer quiet;  // protobuf logs each invalid UTF-8 string it meets
  std::mt19937 random(20261124);
  const std::vector<std::string> originals = {
      body_request(BodyDirection::kRequest, std::string(300, 'x'), true).SerializeAsString(),
      decorated(BodyDirection::kResponse, "data: {}\n\n", false).SerializeAsString(),
      decorated(BodyDirection::kRequest, "", true).SerializeAsString(),
  };
  int read_by_hand = 0;
  for (int i = 0; i < 20'000; ++i) {
    std::string wire = originals[static_cast<std::size_t>(i) % originals.size()];
    const int damage = 1 + static_cast<int>(random() % 3);
    for (int d = 0; d < damage; ++d) {
      const std::size_t at = random() % wire.size();
      switch (random() % 3) {
        case 0:
          wire[at] = static_cast<char>(random());
          break;
        case 1:
          wire.erase(at, 1 + random() % 4);
          break;
        default:
          wire.resize(at);
          break;
      }
      if (wire.empty()) break;
    }
    const auto read = read_body_message(wire);
    pb::ProcessingRequest parsed;
    if (!read || !parsed.ParseFromString(wire)) continue;
    ++read_by_hand;
    const bool request = read->direction == BodyDirection::kRequest;
    ASSERT_EQ(request ? parsed.has_request_body() : parsed.has_response_body(), true);
    const pb::HttpBody& body = request ? parsed.request_body() : parsed.response_body();
    ASSERT_EQ(read->body, body.body());
    ASSERT_EQ(read->end_of_stream, body.end_of_stream());
  }
  EXPECT_GT(read_by_hand, 1000) << "the damage left too few readable messages to compare";
}

}  // namespace
}  // namespace sluice::extproc
