#include "openai/json_writer.h"

#include "openai/test_json.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace sluice::openai {
namespace {

std::string as_json(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  EXPECT_EQ(out.size(), json_string_size(s)) << "size prediction must be exact";
  return out;
}

TEST(JsonString, EscapesQuotesAndBackslashes) {
  EXPECT_EQ(as_json(R"(say "hi" \o/)"), R"("say \"hi\" \\o/")");
  EXPECT_EQ(as_json(""), R"("")");
}

TEST(JsonString, EscapesControlCharacters) {
  EXPECT_EQ(as_json("\n\r\t\b\f"), R"("\n\r\t\b\f")");
  EXPECT_EQ(as_json(std::string("\x00\x01\x1f", 3)), R"("\u0000\u0001\u001f")");
  EXPECT_EQ(as_json("\x7f/"), "\"\x7f/\"");  // DEL and '/' need no escaping
}

TEST(JsonString, KeepsValidUtf8Verbatim) {
  const std::string text = "caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80";
  EXPECT_EQ(as_json(text), "\"" + text + "\"");
}

TEST(JsonString, ReplacesInvalidUtf8BytesWithReplacementCharacter) {
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(as_json("a\xFF"
                    "b"),
            "\"a" + fffd + "b\"");
  EXPECT_EQ(as_json("\xE6\x97"), "\"" + fffd + fffd + "\"");             // truncated sequence
  EXPECT_EQ(as_json("\xC0\xAF"), "\"" + fffd + fffd + "\"");             // overlong '/'
  EXPECT_EQ(as_json("\xED\xA0\x80"), "\"" + fffd + fffd + fffd + "\"");  // UTF-16 surrogate
  EXPECT_EQ(as_json("\xFF\n\xC3\xA9"), "\"" + fffd + "\\n\xC3\xA9\"");   // escapes still applied
}

TEST(JsonString, RoundTripsThroughAJsonParser) {
  std::string all_ascii;
  for (int c = 0; c < 128; ++c) {
    all_ascii.push_back(static_cast<char>(c));
  }
  for (const std::string& original :
       {all_ascii, std::string("\"\\\"\\\\"), std::string("line1\nline2\ttab \xE2\x82\xAC")}) {
    simdjson::dom::parser parser;
    const std::string doc = "[" + as_json(original) + "]";
    const auto element = testing::parse_json(parser, doc);
    EXPECT_EQ(testing::str(element.at(0)), original);
  }
}

TEST(JsonInteger, WritesFullRange) {
  std::string out;
  append_json_uint(out, 0);
  out.push_back(' ');
  append_json_uint(out, std::numeric_limits<std::uint64_t>::max());
  out.push_back(' ');
  append_json_int(out, std::numeric_limits<std::int64_t>::min());
  out.push_back(' ');
  append_json_int(out, 42);
  EXPECT_EQ(out, "0 18446744073709551615 -9223372036854775808 42");
}

}  // namespace
}  // namespace sluice::openai
