#include "net/sse.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sluice::net {
namespace {

using Event = SseParser::Event;

std::vector<Event> parse_all(SseParser& parser, std::string_view bytes) {
  std::vector<Event> events;
  auto status = parser.feed(bytes, [&](const Event& e) { events.push_back(e); });
  EXPECT_TRUE(status.ok());
  return events;
}

TEST(SseWriterTest, SingleLineEvent) {
  EXPECT_EQ(sse_event(R"({"a":1})"), "data: {\"a\":1}\n\n");
  EXPECT_EQ(sse_event(""), "data: \n\n");
}

TEST(SseWriterTest, MultiLineDataBecomesSeveralDataLines) {
  EXPECT_EQ(sse_event("a\nb\r\nc"), "data: a\ndata: b\ndata: c\n\n");
  std::string out = "x";
  append_sse_event(out, "1");
  append_sse_event(out, "2");
  EXPECT_EQ(out, "xdata: 1\n\ndata: 2\n\n");
}

TEST(SseParserTest, ParsesFieldsCommentsAndMultiLineData) {
  SseParser parser;
  const std::string stream =
      ": keep-alive comment\n"
      "event: delta\n"
      "id: 7\n"
      "data: first\n"
      "data:second\n"
      "retry: 100\n"
      "unknown: x\n"
      "\n"
      "data: {\"done\":true}\n\n"
      "event: lonely\n\n";  // no data: not dispatched
  auto events = parse_all(parser, stream);
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[0], (Event{"delta", "first\nsecond", "7"}));
  EXPECT_EQ(events[1], (Event{"", "{\"done\":true}", "7"})) << "id is sticky, event type is not";
}

TEST(SseParserTest, HandlesCrLfAndCrLineEnds) {
  SseParser parser;
  auto events = parse_all(parser, "data: a\r\n\r\ndata: b\r\rdata: c\n\n");
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].data, "a");
  EXPECT_EQ(events[1].data, "b");
  EXPECT_EQ(events[2].data, "c");
}

TEST(SseParserTest, EveryFeedBoundaryGivesTheSameEvents) {
  const std::string stream =
      "\xEF\xBB\xBF"
      "event: e1\r\ndata: hello\r\ndata: world\r\n\r\n"
      ": ping\r\n"
      "data: [DONE]\r\n\r\n";
  const std::vector<Event> expected = {{"e1", "hello\nworld", ""}, {"", "[DONE]", ""}};
  for (std::size_t split = 0; split <= stream.size(); ++split) {
    for (std::size_t split2 = split; split2 <= stream.size(); split2 += 3) {
      SseParser parser;
      std::vector<Event> events;
      auto collect = [&](const Event& e) { events.push_back(e); };
      ASSERT_TRUE(parser.feed(std::string_view(stream).substr(0, split), collect).ok());
      ASSERT_TRUE(
          parser.feed(std::string_view(stream).substr(split, split2 - split), collect).ok());
      ASSERT_TRUE(parser.feed(std::string_view(stream).substr(split2), collect).ok());
      ASSERT_EQ(events, expected) << "split at " << split << "/" << split2;
    }
  }
  // And one byte at a time.
  SseParser parser;
  std::vector<Event> events;
  for (char c : stream) {
    ASSERT_TRUE(
        parser.feed(std::string_view(&c, 1), [&](const Event& e) { events.push_back(e); }).ok());
  }
  EXPECT_EQ(events, expected);
}

TEST(SseParserTest, RoundTripsWriterOutput) {
  const std::vector<std::string> payloads = {"plain", "multi\nline\ndata", "",
                                             R"({"choices":[{"delta":{}}]})"};
  std::string stream;
  for (const auto& p : payloads) append_sse_event(stream, p);
  SseParser parser;
  std::vector<std::string> got;
  ASSERT_TRUE(parser.feed(stream, [&](const Event& e) { got.push_back(e.data); }).ok());
  EXPECT_EQ(got, payloads);
}

TEST(SseParserTest, OversizedEventIsAnErrorAndParsingContinues) {
  SseParser parser(64);
  std::vector<std::string> got;
  auto collect = [&](const Event& e) { got.push_back(e.data); };
  auto status = parser.feed("data: " + std::string(100, 'x'), collect);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code, ErrorCode::kTooLarge);
  // The rest of the over-long line is skipped, not parsed as a field.
  EXPECT_TRUE(parser.feed("xxxx\n\ndata: ok\n\n", collect).ok());
  EXPECT_EQ(got, (std::vector<std::string>{"ok"}));

  SseParser many_lines(64);
  std::string stream;
  for (int i = 0; i < 20; ++i) stream += "data: 0123456789\n";
  EXPECT_FALSE(many_lines.feed(stream, collect).ok()) << "accumulated data lines count too";
}

}  // namespace
}  // namespace sluice::net
