#include "extproc/grpc_wire.h"

#include "envoy/service/ext_proc/v3/external_processor.pb.h"

#include <gtest/gtest.h>

#include <random>
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

TEST(GrpcWire, WholeMessagesAreViewsIntoTheFedBytesAndSplitOnesAreCopiedOnce) {
  std::string wire;
  append_grpc_frame(wire, body_message("first"));
  const std::size_t first_end = wire.size();
  append_grpc_frame(wire, body_message(std::string(40'000, 's')));
  GrpcFrameReader reader(1 << 20);
  // The first message and the start of the second in one piece, the rest in another.
  const std::string_view one = std::string_view(wire).substr(0, first_end + 1000);
  reader.feed(one);
  ASSERT_EQ(reader.next(), Next::kMessage);
  EXPECT_GE(reader.message().data(), one.data()) << "handed out in place";
  EXPECT_LE(reader.message().data() + reader.message().size(), one.data() + one.size());
  ASSERT_EQ(reader.next(), Next::kNeedMore);
  EXPECT_TRUE(reader.mid_message());
  const std::string_view two = std::string_view(wire).substr(first_end + 1000);
  reader.feed(two);
  ASSERT_EQ(reader.next(), Next::kMessage);
  pb::ProcessingRequest m;
  ASSERT_TRUE(m.ParseFromString(std::string(reader.message())));
  EXPECT_EQ(m.request_body().body(), std::string(40'000, 's'));
  EXPECT_EQ(reader.next(), Next::kNeedMore);
  EXPECT_FALSE(reader.mid_message());
}

TEST(GrpcWire, ManyMessagesSurviveRandomSplits) {
  std::mt19937 random(7);
  std::string wire;
  std::vector<std::string> sent;
  for (int i = 0; i < 200; ++i) {
    sent.emplace_back(random() % 3 == 0 ? random() % 70'000 : random() % 40, 'a' + i % 26);
    append_grpc_frame(wire, body_message(sent.back()));
  }
  for (int round = 0; round < 20; ++round) {
    GrpcFrameReader reader(1 << 20);
    std::vector<std::string> got;
    for (std::size_t at = 0; at < wire.size();) {
      const std::size_t n = std::min<std::size_t>(1 + random() % 20'000, wire.size() - at);
      const std::string piece = wire.substr(at, n);  // dies after the loop body, as a read buffer
      reader.feed(piece);
      while (reader.next() == Next::kMessage) {
        pb::ProcessingRequest m;
        ASSERT_TRUE(m.ParseFromString(std::string(reader.message())));
        got.push_back(m.request_body().body());
      }
      at += n;
    }
    ASSERT_EQ(got, sent) << "round " << round;
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
  // Fed bytes must outlive the next() calls: named, not temporaries.
  const std::string flagged("\x01\x00\x00\x00\x01x", 6);
  GrpcFrameReader compressed(1 << 20);
  compressed.feed(flagged);
  EXPECT_EQ(compressed.next(), Next::kCompressed);

  const std::string announces_101("\x00\x00\x00\x00\x65", 5);
  GrpcFrameReader small(100);
  small.feed(announces_101);
  EXPECT_EQ(small.next(), Next::kTooLarge);
  const std::string announces_100("\x00\x00\x00\x00\x64", 5);
  GrpcFrameReader exact(100);
  exact.feed(announces_100);  // 100: allowed, waits for the bytes
  EXPECT_EQ(exact.next(), Next::kNeedMore);
  // The same checks when the prefix itself arrives split.
  GrpcFrameReader split(100);
  split.feed(std::string_view(announces_101).substr(0, 2));
  EXPECT_EQ(split.next(), Next::kNeedMore);
  split.feed(std::string_view(announces_101).substr(2));
  EXPECT_EQ(split.next(), Next::kTooLarge);
}

TEST(GrpcWire, AnEmptyMessageIsAMessage) {
  GrpcFrameReader reader(10);
  const std::string empty_message("\x00\x00\x00\x00\x00", 5);
  reader.feed(empty_message);
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
