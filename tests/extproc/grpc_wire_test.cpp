#include "extproc/grpc_wire.h"

#include "envoy/service/ext_proc/v3/external_processor.pb.h"

#include <gtest/gtest.h>

#include <string>

namespace sluice::extproc {
namespace {

namespace pb = envoy::service::ext_proc::v3;
using Next = GrpcFrameReader::Next;

pb::ProcessingRequest body_message(const std::string& bytes) {
  pb::ProcessingRequest m;
  m.mutable_request_body()->set_body(bytes);
  return m;
}

TEST(GrpcWire, AFrameIsAFlagByteABigEndianLengthAndTheMessage) {
  std::string out;
  append_grpc_frame(out, body_message("hello"));
  const std::string payload = body_message("hello").SerializeAsString();
  ASSERT_EQ(out.size(), 5 + payload.size());
  EXPECT_EQ(out[0], '\0');
  EXPECT_EQ(static_cast<unsigned char>(out[4]), payload.size());
  EXPECT_EQ(out[1] | out[2] | out[3], 0);
  EXPECT_EQ(out.substr(5), payload);
}

TEST(GrpcWire, MessagesAreReassembledHoweverTheBytesAreSplit) {
  std::string wire;
  append_grpc_frame(wire, body_message(std::string(300, 'a')));  // length over one byte
  append_grpc_frame(wire, body_message("b"));
  for (std::size_t step : {1u, 2u, 5u, 7u, 1000u}) {
    GrpcFrameReader reader(1 << 20);
    std::vector<std::string> got;
    for (std::size_t at = 0; at < wire.size(); at += step) {
      reader.feed(std::string_view(wire).substr(at, step));
      while (reader.next() == Next::kMessage) {
        pb::ProcessingRequest m;
        ASSERT_TRUE(m.ParseFromString(std::string(reader.message())));
        got.push_back(m.request_body().body());
      }
    }
    ASSERT_EQ(got.size(), 2u) << "step " << step;
    EXPECT_EQ(got[0], std::string(300, 'a'));
    EXPECT_EQ(got[1], "b");
    EXPECT_FALSE(reader.mid_message());
  }
}

TEST(GrpcWire, APartialMessageIsReportedMidMessage) {
  std::string wire;
  append_grpc_frame(wire, body_message("hello"));
  GrpcFrameReader reader(1 << 20);
  reader.feed(std::string_view(wire).substr(0, 3));
  EXPECT_EQ(reader.next(), Next::kNeedMore);
  EXPECT_TRUE(reader.mid_message());
}

TEST(GrpcWire, ACompressedFlagAndAnOversizedLengthAreRefused) {
  GrpcFrameReader compressed(1 << 20);
  compressed.feed(std::string("\x01\x00\x00\x00\x01x", 6));
  EXPECT_EQ(compressed.next(), Next::kCompressed);

  GrpcFrameReader small(100);
  small.feed(std::string("\x00\x00\x00\x00\x65", 5));  // 101 bytes announced
  EXPECT_EQ(small.next(), Next::kTooLarge);
  GrpcFrameReader exact(100);
  exact.feed(std::string("\x00\x00\x00\x00\x64", 5));  // 100: allowed, waits for the bytes
  EXPECT_EQ(exact.next(), Next::kNeedMore);
}

TEST(GrpcWire, AnEmptyMessageIsAMessage) {
  GrpcFrameReader reader(10);
  reader.feed(std::string("\x00\x00\x00\x00\x00", 5));
  EXPECT_EQ(reader.next(), Next::kMessage);
  EXPECT_TRUE(reader.message().empty());
  EXPECT_EQ(reader.next(), Next::kNeedMore);
}

TEST(GrpcWire, GrpcMessageIsPercentEncodedOutsidePrintableAscii) {
  EXPECT_EQ(percent_encode_grpc_message("plain text: ok"), "plain text: ok");
  EXPECT_EQ(percent_encode_grpc_message("100%\n"), "100%25%0A");
  EXPECT_EQ(percent_encode_grpc_message("caf\xc3\xa9"), "caf%C3%A9");
}

}  // namespace
}  // namespace sluice::extproc
