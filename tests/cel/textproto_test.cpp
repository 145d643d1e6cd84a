#include "cel/textproto.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>

namespace sluice::cel::textproto {
namespace {

Message parse_ok(std::string_view text) {
  Result<Message> parsed = parse(text);
  EXPECT_TRUE(parsed.ok()) << (parsed.ok() ? "" : parsed.error().message);
  return parsed.ok() ? std::move(parsed).value() : Message();
}

std::string parse_error(std::string_view text) {
  Result<Message> parsed = parse(text);
  EXPECT_FALSE(parsed.ok()) << "parsed: " << text;
  if (parsed.ok()) return {};
  EXPECT_EQ(parsed.error().code, ErrorCode::kInvalidArgument);
  return parsed.error().message;
}

/// The decoded bytes of `s: <literal>`.
std::string decode(std::string_view literal) {
  const Message m = parse_ok("s: " + std::string(literal));
  Result<std::string_view> s = m.get_string("s");
  EXPECT_TRUE(s.ok()) << literal;
  return s.ok() ? std::string(*s) : std::string("<error>");
}

TEST(Textproto, ScalarKindsKeepRawTokenAndDecodedBytes) {
  const Message m = parse_ok(R"(name: "a\tb" count: 17 kind: NULL_VALUE flag: true neg: -2.5e3)");
  ASSERT_EQ(m.fields().size(), 5u);
  const Field& name = m.fields()[0];
  EXPECT_EQ(name.name, "name");
  EXPECT_EQ(name.kind, Kind::kString);
  EXPECT_EQ(name.raw, R"("a\tb")");
  EXPECT_EQ(name.bytes, "a\tb");
  EXPECT_EQ(m.fields()[1].kind, Kind::kNumber);
  EXPECT_EQ(m.fields()[1].raw, "17");
  EXPECT_EQ(m.fields()[2].kind, Kind::kIdentifier);
  EXPECT_EQ(m.fields()[2].raw, "NULL_VALUE");
  EXPECT_EQ(m.fields()[3].kind, Kind::kIdentifier);
  EXPECT_EQ(m.fields()[4].kind, Kind::kNumber);
  EXPECT_EQ(m.fields()[4].raw, "-2.5e3");
  EXPECT_EQ(*m.get_double("neg"), -2500.0);
  EXPECT_EQ(*m.get_identifier("kind"), "NULL_VALUE");
}

TEST(Textproto, MessageSyntaxes) {
  const Message m = parse_ok("a { x: 1 } b: { y: 2 } c < z: 3 > d: < > e {}");
  ASSERT_EQ(m.fields().size(), 5u);
  for (const Field& field : m.fields()) EXPECT_TRUE(field.is_message()) << field.name;
  EXPECT_EQ(*m.fields()[0].message().get_int64("x"), 1);
  EXPECT_EQ(*m.fields()[1].message().get_int64("y"), 2);
  EXPECT_EQ(*m.fields()[2].message().get_int64("z"), 3);
  EXPECT_TRUE(m.fields()[3].message().empty());
  EXPECT_TRUE(m.fields()[4].message().empty());
  EXPECT_TRUE(m.fields()[0].raw.empty());
}

TEST(Textproto, NestedMessagesAndPositions) {
  const Message m = parse_ok("outer {\n  inner: {\n    leaf: 'x'\n  }\n}\n");
  const Field* outer = m.find("outer");
  ASSERT_NE(outer, nullptr);
  EXPECT_EQ(outer->position.line, 1u);
  EXPECT_EQ(outer->position.column, 1u);
  EXPECT_EQ(outer->message().position().line, 1u);
  EXPECT_EQ(outer->message().position().column, 7u);  // the '{'
  const Field* inner = outer->message().find("inner");
  ASSERT_NE(inner, nullptr);
  EXPECT_EQ(inner->position.line, 2u);
  EXPECT_EQ(inner->position.column, 3u);
  const Field* leaf = inner->message().find("leaf");
  ASSERT_NE(leaf, nullptr);
  EXPECT_EQ(leaf->position.line, 3u);
  EXPECT_EQ(leaf->position.column, 5u);
  EXPECT_EQ(leaf->bytes, "x");
}

TEST(Textproto, RepeatedFieldsKeepOrder) {
  const Message m = parse_ok("v: 1 other: 'x' v: 2 v: 3");
  EXPECT_EQ(m.count("v"), 3u);
  EXPECT_EQ(m.count("missing"), 0u);
  const auto all = m.find_all("v");
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(*all[0]->as_int64(), 1);
  EXPECT_EQ(*all[1]->as_int64(), 2);
  EXPECT_EQ(*all[2]->as_int64(), 3);
  EXPECT_EQ(m.find("v"), all[0]);
  EXPECT_EQ(m.find("missing"), nullptr);
  EXPECT_TRUE(m.find_all("missing").empty());
}

TEST(Textproto, ListSyntaxExpandsIntoRepeatedFields) {
  const Message m = parse_ok("v: [1, 'two', three] m [{a: 1}, <a: 2>] e: [] n: [{}, {}]");
  const auto v = m.find_all("v");
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0]->kind, Kind::kNumber);
  EXPECT_EQ(v[1]->bytes, "two");
  EXPECT_EQ(v[2]->raw, "three");
  EXPECT_EQ(v[1]->position.column, 8u);  // list elements are positioned at themselves
  const auto msgs = m.find_all("m");
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(*msgs[1]->message().get_int64("a"), 2);
  EXPECT_EQ(m.count("e"), 0u);
  EXPECT_EQ(m.count("n"), 2u);
  EXPECT_EQ(m.fields().size(), 7u);
}

TEST(Textproto, ListErrors) {
  EXPECT_NE(parse_error("v [1, 2]").find("can only hold messages"), std::string::npos);
  EXPECT_EQ(parse_error("v: [1 2]").substr(0, 5), "1:7: ");
  EXPECT_EQ(parse_error("v: [1,").substr(0, 5), "1:7: ");
  EXPECT_NE(parse_error("v: [1").find("unterminated list opened at 1:4"), std::string::npos);
  EXPECT_FALSE(parse("v: [[1]]").ok());
}

TEST(Textproto, SeparatorsAndComments) {
  const Message m = parse_ok(
      "# proto-file: x.proto\n"
      "a: 1, b: 2; c: 3 # trailing comment\n"
      "d { name: \"x\", ident: { } },\n"
      "s: \"not # a comment\"  # but this is\n");
  EXPECT_EQ(m.fields().size(), 5u);
  EXPECT_EQ(*m.get_int64("c"), 3);
  EXPECT_EQ(m.find("d")->message().fields().size(), 2u);
  EXPECT_EQ(*m.get_string("s"), "not # a comment");
}

TEST(Textproto, EmptyDocumentsAndByteOrderMark) {
  EXPECT_TRUE(parse_ok("").empty());
  EXPECT_TRUE(parse_ok("  # only a comment\n\n").empty());
  const Message m = parse_ok(std::string("\xEF\xBB\xBF") + "a: 1");
  EXPECT_EQ(m.find("a")->position.column, 1u);
}

TEST(Textproto, AdjacentStringLiteralsConcatenate) {
  const Message m = parse_ok("s: \"ab\" 'c\"d'\n   # comment between\n  \"e\" t: 1");
  const Field* s = m.find("s");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->bytes, "abc\"de");
  EXPECT_EQ(s->raw, "\"ab\" 'c\"d'\n   # comment between\n  \"e\"");
  EXPECT_EQ(*m.get_int64("t"), 1);
}

TEST(Textproto, SimpleEscapes) {
  EXPECT_EQ(decode(R"("\n\r\t\\\'\"\?")"), "\n\r\t\\'\"?");
  EXPECT_EQ(decode(R"('\a\b\f\v')"), "\a\b\f\v");
  EXPECT_EQ(decode(R"('it\'s' "say \"hi\"")"), "it'ssay \"hi\"");
  EXPECT_EQ(decode(R"("it's")"), "it's");
}

TEST(Textproto, OctalAndHexEscapesGiveRawBytes) {
  EXPECT_EQ(decode(R"("\101\60\0")"), std::string("A0\0", 3));
  EXPECT_EQ(decode(R"("\000\377")"), std::string("\x00\xff", 2));
  EXPECT_EQ(decode(R"("\1234")"), "S4");  // at most three octal digits
  EXPECT_EQ(decode(R"("\x41\xf\xFFg")"), "A\x0f\xffg");
  EXPECT_EQ(decode(R"("\x414")"), "A4");  // at most two hex digits
  EXPECT_EQ(decode(R"("\303\277")"), "\xc3\xbf");
  EXPECT_EQ(decode(R"("\xe2\x9c\x8c")"), "\xe2\x9c\x8c");
}

TEST(Textproto, UnicodeEscapesBecomeUtf8) {
  EXPECT_EQ(decode(R"("\u0041")"), "A");
  EXPECT_EQ(decode(R"("\u00e9")"), "\xc3\xa9");
  EXPECT_EQ(decode(R"("\u270c")"), "\xe2\x9c\x8c");
  EXPECT_EQ(decode(R"("\U0001f431")"), "\xf0\x9f\x90\xb1");
  EXPECT_EQ(decode(R"("\U0010FFFF")"), "\xf4\x8f\xbf\xbf");
  EXPECT_EQ(decode(R"("\ud83d\ude00")"), "\xf0\x9f\x98\x80");  // a surrogate pair
}

TEST(Textproto, BadEscapesReportTheirPosition) {
  EXPECT_EQ(parse_error(R"(s: "ab\q")").substr(0, 5), "1:7: ");
  EXPECT_NE(parse_error(R"(s: "\q")").find("unknown escape"), std::string::npos);
  EXPECT_NE(parse_error(R"(s: "\400")").find("octal"), std::string::npos);
  EXPECT_NE(parse_error(R"(s: "\xg")").find("hex"), std::string::npos);
  EXPECT_NE(parse_error(R"(s: "\u12")").find("4 hex digits"), std::string::npos);
  EXPECT_NE(parse_error(R"(s: "\U0000004")").find("8 hex digits"), std::string::npos);
  EXPECT_NE(parse_error(R"(s: "\U00110000")").find("U+10FFFF"), std::string::npos);
  EXPECT_NE(parse_error(R"(s: "\ud83d")").find("high surrogate"), std::string::npos);
  EXPECT_NE(parse_error(R"(s: "\ude00")").find("low surrogate"), std::string::npos);
  EXPECT_NE(parse_error(R"(s: "\ud83d\u0041")").find("low surrogate"), std::string::npos);
}

TEST(Textproto, UnterminatedStrings) {
  EXPECT_EQ(parse_error("s: 'abc"), "1:4: unterminated string literal");
  EXPECT_EQ(parse_error("a: 1\ns: \"ab\ncd\""), "2:4: unterminated string literal");
  EXPECT_EQ(parse_error("s: 'ab\\"), "1:7: unterminated string literal");
}

TEST(Textproto, Int64Values) {
  const Message m = parse_ok(
      "a: 0 b: -5 c: 9223372036854775807 d: -9223372036854775808 e: 0x7fffffffffffffff "
      "f: -0x8000000000000000 g: 017 h: - 3 i: 0X1F");
  EXPECT_EQ(*m.get_int64("a"), 0);
  EXPECT_EQ(*m.get_int64("b"), -5);
  EXPECT_EQ(*m.get_int64("c"), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(*m.get_int64("d"), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(*m.get_int64("e"), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(*m.get_int64("f"), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(*m.get_int64("g"), 15);
  EXPECT_EQ(*m.get_int64("h"), -3);
  EXPECT_EQ(m.find("h")->raw, "-3");
  EXPECT_EQ(*m.get_int64("i"), 31);
}

TEST(Textproto, Int64RangeAndFormErrors) {
  const Message m = parse_ok(
      "big: 9223372036854775808 small: -9223372036854775809 huge: 99999999999999999999 "
      "frac: 1.5 exp: 1e3");
  for (const char* name : {"big", "small", "huge"}) {
    Result<std::int64_t> v = m.get_int64(name);
    ASSERT_FALSE(v.ok()) << name;
    EXPECT_NE(v.error().message.find("out of range for int64"), std::string::npos) << name;
  }
  for (const char* name : {"frac", "exp"}) {
    Result<std::int64_t> v = m.get_int64(name);
    ASSERT_FALSE(v.ok()) << name;
    EXPECT_NE(v.error().message.find("not an integer"), std::string::npos) << name;
  }
}

TEST(Textproto, Uint64Values) {
  const Message m = parse_ok(
      "a: 18446744073709551615 b: 0xFFFFFFFFFFFFFFFF c: 18446744073709551616 "
      "d: -1 e: 42");
  EXPECT_EQ(*m.get_uint64("a"), std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(*m.get_uint64("b"), std::numeric_limits<std::uint64_t>::max());
  ASSERT_FALSE(m.get_uint64("c").ok());
  EXPECT_NE(m.get_uint64("c").error().message.find("out of range for uint64"), std::string::npos);
  ASSERT_FALSE(m.get_uint64("d").ok());
  EXPECT_NE(m.get_uint64("d").error().message.find("negative"), std::string::npos);
  EXPECT_EQ(*m.get_uint64("e"), 42u);
}

TEST(Textproto, DoubleValues) {
  const Message m = parse_ok(
      "a: 1.5 b: -2.5e-3 c: 1e5 d: .5 e: 1. f: 1.5f g: 2F h: 17 i: 0x10 j: "
      "1.8446744073709551615e19 "
      "k: 6.02214E+23 l: -0.0 m: 4.9e-324");
  EXPECT_EQ(*m.get_double("a"), 1.5);
  EXPECT_EQ(*m.get_double("b"), -2.5e-3);
  EXPECT_EQ(*m.get_double("c"), 1e5);
  EXPECT_EQ(*m.get_double("d"), 0.5);
  EXPECT_EQ(*m.get_double("e"), 1.0);
  EXPECT_EQ(*m.get_double("f"), 1.5);
  EXPECT_EQ(*m.get_double("g"), 2.0);
  EXPECT_EQ(*m.get_double("h"), 17.0);
  EXPECT_EQ(*m.get_double("i"), 16.0);
  EXPECT_EQ(*m.get_double("j"), 1.8446744073709551615e19);
  EXPECT_EQ(*m.get_double("k"), 6.02214e23);
  EXPECT_EQ(*m.get_double("l"), 0.0);
  EXPECT_TRUE(std::signbit(*m.get_double("l")));
  EXPECT_EQ(*m.get_double("m"), 4.9e-324);
}

TEST(Textproto, InfinityNanAndOutOfRangeDoubles) {
  const Message m = parse_ok(
      "a: inf b: -inf c: nan d: Infinity e: -INF f: NaN g: 1e999 h: -1e999 i: 1e-999 "
      "j: 0.000001e-400 k: 123456e305 l: -nan");
  constexpr double kInf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(m.find("a")->kind, Kind::kIdentifier);
  EXPECT_EQ(m.find("b")->kind, Kind::kNumber);
  EXPECT_EQ(m.find("b")->raw, "-inf");
  EXPECT_EQ(*m.get_double("a"), kInf);
  EXPECT_EQ(*m.get_double("b"), -kInf);
  EXPECT_TRUE(std::isnan(*m.get_double("c")));
  EXPECT_EQ(*m.get_double("d"), kInf);
  EXPECT_EQ(*m.get_double("e"), -kInf);
  EXPECT_TRUE(std::isnan(*m.get_double("f")));
  EXPECT_EQ(*m.get_double("g"), kInf);
  EXPECT_EQ(*m.get_double("h"), -kInf);
  EXPECT_EQ(*m.get_double("i"), 0.0);
  EXPECT_EQ(*m.get_double("j"), 0.0);
  EXPECT_EQ(*m.get_double("k"), kInf);
  EXPECT_TRUE(std::isnan(*m.get_double("l")));
  // An enum-like identifier is not a double.
  EXPECT_FALSE(parse_ok("x: NULL_VALUE").get_double("x").ok());
}

TEST(Textproto, InvalidNumbersReportTheirPosition) {
  EXPECT_EQ(parse_error("a: 12ab"), "1:4: invalid number '12ab'");
  EXPECT_EQ(parse_error("x: 1\n  a: 09"), "2:6: invalid number '09'");
  EXPECT_EQ(parse_error("a: 1e"), "1:4: invalid number '1e'");
  EXPECT_EQ(parse_error("a: 0x"), "1:4: invalid number '0x'");
  EXPECT_EQ(parse_error("a: 0xfg"), "1:4: invalid number '0xfg'");
  EXPECT_EQ(parse_error("a: 1.2.3"), "1:4: invalid number '1.2.3'");
  EXPECT_NE(parse_error("a: -foo").find("'-' must be followed by a number"), std::string::npos);
  EXPECT_NE(parse_error("a: -'x'").find("'-' must be followed by a number"), std::string::npos);
}

TEST(Textproto, BoolValues) {
  const Message m = parse_ok(
      "a: true b: True c: t d: false e: False f: f g: 1 h: 0 "
      "i: yes j: 2 k: 'true' l { }");
  EXPECT_TRUE(*m.get_bool("a"));
  EXPECT_TRUE(*m.get_bool("b"));
  EXPECT_TRUE(*m.get_bool("c"));
  EXPECT_FALSE(*m.get_bool("d"));
  EXPECT_FALSE(*m.get_bool("e"));
  EXPECT_FALSE(*m.get_bool("f"));
  EXPECT_TRUE(*m.get_bool("g"));
  EXPECT_FALSE(*m.get_bool("h"));
  for (const char* name : {"i", "j", "k", "l"}) {
    Result<bool> v = m.get_bool(name);
    ASSERT_FALSE(v.ok()) << name;
    EXPECT_NE(v.error().message.find("expected a bool"), std::string::npos) << name;
  }
}

TEST(Textproto, WrongKindGettersFailClearly) {
  const Message m = parse_ok("n: 17\ns: 'x'\nmsg { }\nid: FOO");
  Result<std::string_view> s = m.get_string("n");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(s.error().message, "1:1: field 'n' is a number (17), expected a string");
  Result<std::int64_t> i = m.get_int64("s");
  ASSERT_FALSE(i.ok());
  EXPECT_EQ(i.error().message, "2:1: field 's' is a string ('x'), expected an int64");
  EXPECT_FALSE(m.get_uint64("s").ok());
  EXPECT_FALSE(m.get_double("s").ok());
  Result<std::string_view> from_message = m.get_string("msg");
  ASSERT_FALSE(from_message.ok());
  EXPECT_EQ(from_message.error().message, "3:1: field 'msg' is a message, expected a string");
  Result<const Message*> not_message = m.get_message("id");
  ASSERT_FALSE(not_message.ok());
  EXPECT_EQ(not_message.error().message,
            "4:1: field 'id' is an identifier (FOO), expected a message");
  EXPECT_FALSE(m.find("s")->as_identifier().ok());
  EXPECT_EQ(*m.find("id")->as_identifier(), "FOO");
  ASSERT_TRUE(m.get_message("msg").ok());
  EXPECT_TRUE((*m.get_message("msg"))->empty());
}

TEST(Textproto, MissingFieldsAndDefaults) {
  const Message m = parse_ok("present: 'x' number: 5");
  Result<std::string_view> missing = m.get_string("absent");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message.find("missing field 'absent'"), std::string::npos);
  EXPECT_EQ(*m.get_string("absent", "dflt"), "dflt");
  EXPECT_EQ(*m.get_string("present", "dflt"), "x");
  EXPECT_EQ(*m.get_int64("absent", -7), -7);
  EXPECT_EQ(*m.get_uint64("absent", 7u), 7u);
  EXPECT_EQ(*m.get_double("absent", 0.25), 0.25);
  EXPECT_TRUE(*m.get_bool("absent", true));
  EXPECT_EQ(m.get_message("absent").error().code, ErrorCode::kNotFound);
  // A present field of the wrong kind is an error even when a default is given.
  Result<std::int64_t> wrong = m.get_int64("present", 1);
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(m.get_string("number", "").ok());
}

TEST(Textproto, AnyAndExtensionNames) {
  const Message m = parse_ok(
      "object_value {\n"
      "  [type.googleapis.com/google.protobuf.Int32Value]\n"
      "  { value: 2000000 }\n"
      "}\n"
      "[ my.ext ]: 3\n"
      "[a.b/c.D] < x: 1 >\n");
  const Message& object = m.find("object_value")->message();
  const Field* any = object.find("[type.googleapis.com/google.protobuf.Int32Value]");
  ASSERT_NE(any, nullptr);
  EXPECT_EQ(*any->message().get_int64("value"), 2000000);
  EXPECT_EQ(*m.get_int64("[my.ext]"), 3);
  EXPECT_NE(m.find("[a.b/c.D]"), nullptr);
  EXPECT_NE(parse_error("[] { }").find("empty bracketed field name"), std::string::npos);
  EXPECT_EQ(parse_error("[a.b { }"), "1:6: unexpected '{' in bracketed field name");
  EXPECT_NE(parse_error("[a.b").find("unterminated '['"), std::string::npos);
}

TEST(Textproto, StructuralErrorsCarryLineAndColumn) {
  EXPECT_EQ(parse_error("a 1"), "1:3: expected ':', '{' or '<' after field name 'a', found '1'");
  EXPECT_EQ(parse_error("a: "), "1:4: expected a value for field 'a', found end of input");
  EXPECT_EQ(parse_error("a: }"), "1:4: expected a value for field 'a', found '}'");
  EXPECT_EQ(parse_error("a: 1\n}"), "2:1: expected a field name, found '}'");
  EXPECT_EQ(parse_error("x {\n  a: 1\n"),
            "3:1: expected '}' to close the message opened at 1:3, found end of input");
  EXPECT_EQ(parse_error("x < a: 1 }"), "1:10: expected a field name, found '}'");
  EXPECT_EQ(parse_error("1: 2"), "1:1: expected a field name, found '1'");
  EXPECT_EQ(parse_error("a:\n\n   \"x\" b: %"), "3:11: expected a value for field 'b', found '%'");
}

TEST(Textproto, NestingDepthIsLimited) {
  std::string ok_text;
  for (int i = 0; i < kMaxDepth; ++i) ok_text += "a {";
  ok_text += std::string(static_cast<std::size_t>(kMaxDepth), '}');
  EXPECT_TRUE(parse(ok_text).ok());
  std::string deep_text;
  for (int i = 0; i < kMaxDepth + 1; ++i) deep_text += "a {";
  deep_text += std::string(static_cast<std::size_t>(kMaxDepth + 1), '}');
  EXPECT_NE(parse_error(deep_text).find("nested deeper than"), std::string::npos);
  // Far deeper input is rejected the same way rather than overflowing the stack.
  std::string hostile;
  for (int i = 0; i < 100000; ++i) hostile += "a:[{";
  EXPECT_FALSE(parse(hostile).ok());
}

TEST(Textproto, NestedPointersSurviveMoves) {
  Message m = parse_ok("a { b { c: 1 } } d: 2");
  const Message* inner = &m.find("a")->message();
  const Field* c = inner->find("b")->message().find("c");
  Message moved = std::move(m);
  EXPECT_EQ(&moved.find("a")->message(), inner);
  EXPECT_EQ(*c->as_int64(), 1);
}

TEST(Textproto, KindNamesAndPositionText) {
  EXPECT_EQ(kind_name(Kind::kString), "string");
  EXPECT_EQ(kind_name(Kind::kIdentifier), "identifier");
  EXPECT_EQ(kind_name(Kind::kNumber), "number");
  EXPECT_EQ(kind_name(Kind::kMessage), "message");
  EXPECT_EQ(to_string(Position{12, 34}), "12:34");
}

}  // namespace
}  // namespace sluice::cel::textproto
