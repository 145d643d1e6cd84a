// The strings extension (cel-go's ext.Strings): results, cel-go's edge cases, every error path,
// invalid UTF-8 and the result-size cap.
#include "cel/eval_util.h"
#include "cel/strings_format.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace sluice::cel {
namespace {

using testing::eval;

/// The raw text of a string result (no quoting, so UTF-8 and invalid bytes compare exactly), or
/// "error: ..." / the literal of any other result.
std::string str(std::string_view source, const Activation& vars = MapActivation()) {
  auto program = Program::compile(source);
  if (!program.ok()) return "parse error: " + program.error().message;
  const Value v = program->evaluate(vars);
  if (v.is_error()) return "error: " + v.error_message();
  return v.kind() == ValueKind::kString ? v.as_string() : "not a string: " + to_literal(v);
}

/// One variable `s` bound to `value`.
MapActivation with_s(Value value) {
  MapActivation vars;
  vars.set("s", std::move(value));
  return vars;
}

TEST(StringsExtCharAt, CountsCodePoints) {
  EXPECT_EQ(str("'tacocat'.charAt(3)"), "o");
  EXPECT_EQ(str("'©αT'.charAt(1)"), "α");
  EXPECT_EQ(str("'hello'.charAt(5)"), "");
  EXPECT_EQ(str("''.charAt(0)"), "");
  EXPECT_EQ(str("'hello'.charAt(6)"), "error: index out of range: 6");
  EXPECT_EQ(str("'hello'.charAt(-1)"), "error: index out of range: -1");
  EXPECT_EQ(str("'hello'.charAt(9223372036854775807)"),
            "error: index out of range: 9223372036854775807");
  EXPECT_EQ(str("(42).charAt(2)"), "error: no such overload: charAt(int, int)");
  EXPECT_EQ(str("'hello'.charAt(1u)"), "error: no such overload: charAt(string, uint)");
  EXPECT_EQ(str("'hello'.charAt()"), "error: no such overload: charAt(string)");
}

TEST(StringsExtIndexOf, ForwardSearchInCodePoints) {
  EXPECT_EQ(eval("'tacocat'.indexOf('ac')"), "1");
  EXPECT_EQ(eval("'ta©o©αT'.indexOf('©αT', 3)"), "4");
  EXPECT_EQ(eval("'abcabc'.indexOf('c', 3)"), "5");
  EXPECT_EQ(eval("'aaa'.indexOf('aa', 1)"), "1");
  EXPECT_EQ(eval("'tacocat'.indexOf('none')"), "-1");
  EXPECT_EQ(eval("'ab'.indexOf('abc')"), "-1");
  // An empty needle matches where the search starts, whatever the offset.
  EXPECT_EQ(eval("'tacocat'.indexOf('')"), "0");
  EXPECT_EQ(eval("'abc'.indexOf('', 10)"), "10");
  EXPECT_EQ(eval("''.indexOf('a')"), "-1");
}

TEST(StringsExtIndexOf, Errors) {
  EXPECT_EQ(eval("'tacocat'.indexOf('a', 30)"), "error: index out of range: 30");
  EXPECT_EQ(eval("'abc'.indexOf('c', 3)"), "error: index out of range: 3");
  EXPECT_EQ(eval("'abc'.indexOf('a', -1)"), "error: index out of range: -1");
  EXPECT_EQ(eval("(24).indexOf('2')"), "error: no such overload: indexOf(int, string)");
  EXPECT_EQ(eval("'42'.indexOf('4', '0')"),
            "error: no such overload: indexOf(string, string, string)");
  EXPECT_EQ(eval("'42'.indexOf('4', 0, 1)"),
            "error: no such overload: indexOf(string, string, int, int)");
}

TEST(StringsExtLastIndexOf, BackwardSearchInCodePoints) {
  EXPECT_EQ(eval("'tacocat'.lastIndexOf('at')"), "5");
  EXPECT_EQ(eval("'tacocat'.lastIndexOf('')"), "7");
  EXPECT_EQ(eval("''.lastIndexOf('@@')"), "-1");
  EXPECT_EQ(eval("'ta©o©αT'.lastIndexOf('©', 3)"), "2");
  EXPECT_EQ(eval("'ta©o©αT'.lastIndexOf('©α', 4)"), "4");
  EXPECT_EQ(eval("'bananananana'.lastIndexOf('nana', 7)"), "6");
  EXPECT_EQ(eval("'abcabc'.lastIndexOf('abc', 2)"), "0");
  EXPECT_EQ(eval("'abc'.lastIndexOf('c', 1)"), "-1");
  EXPECT_EQ(eval("'ab'.lastIndexOf('abc')"), "-1");
  EXPECT_EQ(eval("'abc'.lastIndexOf('', -5)"), "-5");
}

TEST(StringsExtLastIndexOf, Errors) {
  EXPECT_EQ(eval("'tacocat'.lastIndexOf('a', -1)"), "error: index out of range: -1");
  EXPECT_EQ(eval("'tacocat'.lastIndexOf('a', 7)"), "error: index out of range: 7");
  EXPECT_EQ(eval("''.lastIndexOf('a', 0)"), "error: index out of range: 0");
  EXPECT_EQ(eval("'a'.lastIndexOf(1)"), "error: no such overload: lastIndexOf(string, int)");
}

TEST(StringsExtCasing, AsciiOnly) {
  EXPECT_EQ(str("'TacoCÆt Xii'.lowerAscii()"), "tacocÆt xii");
  EXPECT_EQ(str("'tacoCαt ß'.upperAscii()"), "TACOCαT ß");
  EXPECT_EQ(str("''.upperAscii()"), "");
  EXPECT_EQ(str("(1).lowerAscii()"), "error: no such overload: lowerAscii(int)");
  EXPECT_EQ(str("'a'.upperAscii('b')"), "error: no such overload: upperAscii(string, string)");
}

TEST(StringsExtReplace, AllOrLimited) {
  EXPECT_EQ(str("'{0} days {0} hours'.replace('{0}', '2')"), "2 days 2 hours");
  EXPECT_EQ(str("'aaa'.replace('a', 'b', 2)"), "bba");
  EXPECT_EQ(str("'aaaa'.replace('aa', 'b')"), "bb");
  EXPECT_EQ(str("'aaa'.replace('a', 'b', -5)"), "bbb");
  EXPECT_EQ(str("'aaa'.replace('a', 'b', 0)"), "aaa");
  EXPECT_EQ(str("'abc'.replace('x', 'y')"), "abc");
  EXPECT_EQ(str("'1 ©αT taco'.replace('αT', 'o©α')"), "1 ©o©α taco");
  // An empty search string matches before every code point and at the end.
  EXPECT_EQ(str("'a©'.replace('', '-')"), "-a-©-");
  EXPECT_EQ(str("'a©'.replace('', '-', 2)"), "-a-©");
  EXPECT_EQ(str("''.replace('', 'x')"), "x");
}

TEST(StringsExtReplace, Errors) {
  EXPECT_EQ(str("(42).replace('2', '1')"), "error: no such overload: replace(int, string, string)");
  EXPECT_EQ(str("'42'.replace('2', 1)"), "error: no such overload: replace(string, string, int)");
  EXPECT_EQ(str("'42'.replace('2', '1', '1')"),
            "error: no such overload: replace(string, string, string, string)");
  EXPECT_EQ(str("'42'.replace('2')"), "error: no such overload: replace(string, string)");
}

TEST(StringsExtReplace, ResultSizeIsCapped) {
  MapActivation vars;
  vars.set("s", Value::string(std::string(5000, 'a')));
  vars.set("t", Value::string(std::string(5000, 'b')));
  EXPECT_EQ(str("s.replace('', t)", vars), "error: replace: result exceeds 16777216 bytes");
  // Under the cap the same call works.
  EXPECT_EQ(str("s.replace('', t, 2).size()", vars), "not a string: 15000");
}

TEST(StringsExtSplit, LikeGoSplitN) {
  EXPECT_EQ(eval("'a,b,,c'.split(',')"), R"(["a", "b", "", "c"])");
  EXPECT_EQ(eval("''.split(',')"), R"([""])");
  EXPECT_EQ(eval("'©x©'.split('©')"), R"(["", "x", ""])");
  EXPECT_EQ(eval("'hello world events!'.split(' ', 0)"), "[]");
  EXPECT_EQ(eval("'hello world events!'.split(' ', 1)"), R"(["hello world events!"])");
  EXPECT_EQ(eval("'a,b,c'.split(',', 2)"), R"(["a", "b,c"])");
  EXPECT_EQ(eval("'a,b'.split(',', 10)"), R"(["a", "b"])");
  EXPECT_EQ(eval("'o©o©o©o'.split('©', -1)"), R"(["o", "o", "o", "o"])");
  // An empty separator splits between code points.
  EXPECT_EQ(eval("'a©c'.split('')"), R"(["a", "©", "c"])");
  EXPECT_EQ(eval("'abc'.split('', 2)"), R"(["a", "bc"])");
  EXPECT_EQ(eval("''.split('')"), "[]");
}

TEST(StringsExtSplit, Errors) {
  EXPECT_EQ(eval("(42).split('2')"), "error: no such overload: split(int, string)");
  EXPECT_EQ(eval("'42'.split(2)"), "error: no such overload: split(string, int)");
  EXPECT_EQ(eval("'42'.split('2', '1')"), "error: no such overload: split(string, string, string)");
  EXPECT_EQ(eval("'42'.split('2', 1, 1)"),
            "error: no such overload: split(string, string, int, int)");
}

TEST(StringsExtSubstring, CodePointRanges) {
  EXPECT_EQ(str("'tacocat'.substring(4)"), "cat");
  EXPECT_EQ(str("'tacocat'.substring(7)"), "");
  EXPECT_EQ(str("'tacocat'.substring(0, 4)"), "taco");
  EXPECT_EQ(str("'tacocat'.substring(4, 4)"), "");
  EXPECT_EQ(str("'ta©o©αT'.substring(2, 6)"), "©o©α");
  EXPECT_EQ(str("'ta©o©αT'.substring(7, 7)"), "");
}

TEST(StringsExtSubstring, Errors) {
  EXPECT_EQ(str("'tacocat'.substring(8)"), "error: index out of range: 8");
  EXPECT_EQ(str("'tacocat'.substring(-1)"), "error: index out of range: -1");
  EXPECT_EQ(str("'tacocat'.substring(1, 50)"), "error: index out of range: 50");
  EXPECT_EQ(str("'tacocat'.substring(49, 50)"), "error: index out of range: 49");
  EXPECT_EQ(str("'tacocat'.substring(-2, -1)"), "error: index out of range: -2");
  EXPECT_EQ(str("'tacocat'.substring(4, 3)"), "error: invalid substring range. start: 4, end: 3");
  EXPECT_EQ(str("'tacocat'.substring(true, 3)"),
            "error: no such overload: substring(string, bool, int)");
  EXPECT_EQ(str("'hello'.substring(1, 2, 3)"),
            "error: no such overload: substring(string, int, int, int)");
}

TEST(StringsExtTrim, UnicodeWhiteSpaceOnly) {
  EXPECT_EQ(str(R"(' \f\n\r\t\vtext  '.trim())"), "text");
  EXPECT_EQ(str(R"('\u0085\u00a0\u1680a b\u2000\u200a\u2028\u2029\u202f\u205f\u3000'.trim())"),
            "a b");
  EXPECT_EQ(str(R"('\u2000\u3000'.trim())"), "");
  EXPECT_EQ(str("''.trim()"), "");
  // Zero-width spaces are not white space.
  EXPECT_EQ(str(R"('\u200btext\ufeff'.trim())"), "\u200btext\ufeff");
  EXPECT_EQ(str("(1).trim()"), "error: no such overload: trim(int)");
}

TEST(StringsExtJoin, ListsOfStrings) {
  EXPECT_EQ(str("['x', 'y'].join()"), "xy");
  EXPECT_EQ(str("['x', 'y', 'z'].join(', ')"), "x, y, z");
  EXPECT_EQ(str("[].join('-')"), "");
  EXPECT_EQ(str("['a', 1].join()"), "error: join: invalid input: 1");
  EXPECT_EQ(str("'a'.join()"), "error: no such overload: join(string)");
  EXPECT_EQ(str("['a'].join(1)"), "error: no such overload: join(list, int)");
}

TEST(StringsExtJoin, ResultSizeIsCapped) {
  MapActivation vars;
  vars.set("l", Value::list({Value::string(std::string(9u << 20, 'a')),
                             Value::string(std::string(9u << 20, 'b'))}));
  EXPECT_EQ(str("l.join()", vars), "error: join: result exceeds 16777216 bytes");
}

TEST(StringsExtQuote, EscapesWhatCelEscapes) {
  EXPECT_EQ(str(R"(strings.quote("first\nsecond"))"), R"("first\nsecond")");
  EXPECT_EQ(str(R"(strings.quote("\a\b\f\r\t\v"))"), R"("\a\b\f\r\t\v")");
  EXPECT_EQ(str(R"(strings.quote('say "hi" \\ bye'))"), R"("say \"hi\" \\ bye")");
  EXPECT_EQ(str(R"(strings.quote("завтра😀"))"), "\"завтра😀\"");
  EXPECT_EQ(str(R"(strings.quote(""))"), R"("")");
  // Other control characters pass through, as in cel-go.
  EXPECT_EQ(str(R"(strings.quote("\x01"))"), "\"\x01\"");
  EXPECT_EQ(str("strings.quote(1)"), "error: no such overload: strings.quote(int)");
}

TEST(StringsExtReverse, ReversesCodePoints) {
  EXPECT_EQ(str("'Ta©oCαt'.reverse()"), "tαCo©aT");
  EXPECT_EQ(str("'☺'.reverse()"), "☺");
  EXPECT_EQ(str("''.reverse()"), "");
  EXPECT_EQ(str("[1].reverse()"), "error: no such overload: reverse(list)");
}

TEST(StringsExtInvalidUtf8, EachBadByteIsOneReplacementCharacter) {
  const std::string fffd = "\xEF\xBF\xBD";
  const auto s =
      with_s(Value::string("a\xFF"
                           "b"));
  EXPECT_EQ(str("s.charAt(1)", s), fffd);
  EXPECT_EQ(str("s.charAt(2)", s), "b");
  EXPECT_EQ(eval("s.indexOf('b')", s), "2");
  EXPECT_EQ(eval("s.indexOf('\\uFFFD')", s), "1");  // cel-go compares decoded code points
  EXPECT_EQ(eval("s.lastIndexOf('a')", s), "0");
  EXPECT_EQ(eval("s.lastIndexOf('b', 2)", s), "2");
  EXPECT_EQ(str("s.substring(1)", s), fffd + "b");
  EXPECT_EQ(str("s.reverse()", s), "b" + fffd + "a");
  EXPECT_EQ(str("s.upperAscii()", s), "A" + fffd + "B");
  EXPECT_EQ(str("strings.quote(s)", s), "\"a" + fffd + "b\"");
  // Functions that copy bytes keep the byte, as cel-go does.
  EXPECT_EQ(str("s.replace('a', 'c')", s),
            "c\xFF"
            "b");
  EXPECT_EQ(str(" s.split('')[1]", s), "\xFF");
  EXPECT_EQ(str("s.trim()", with_s(Value::string(" \xFF "))), "\xFF");
  // Truncated sequences, surrogates and overlong forms: one code point per byte.
  EXPECT_EQ(eval("s.lastIndexOf('')", with_s(Value::string("\xE2\x82"))), "2");
  EXPECT_EQ(eval("s.lastIndexOf('')", with_s(Value::string("\xED\xA0\x80"))), "3");
  EXPECT_EQ(eval("s.lastIndexOf('')", with_s(Value::string("\xC0\x80"))), "2");
  EXPECT_EQ(eval("s.lastIndexOf('')", with_s(Value::string("\xF4\x90\x80\x80"))), "4");
  EXPECT_EQ(eval("s.lastIndexOf('')", with_s(Value::string("\xF0\x9F\x98\x80"))), "1");
}

TEST(StringsExtInvalidUtf8, PropertiesHoldOnArbitraryBytes) {
  // Bytes that make up UTF-8 sequences and break them, mixed by a fixed-seed generator.
  constexpr unsigned char kAlphabet[] = {'a',  ' ',  0x80, 0xBF, 0xC2, 0xC0, 0xE2, 0x82,
                                         0xAC, 0xED, 0xA0, 0xF0, 0x9F, 0xF4, 0x90, 0xFF};
  const auto whole = Program::compile(
      "s.reverse().reverse() == s.substring(0) && s.split('').join() == s && "
      "s.upperAscii().lowerAscii() == s.substring(0).lowerAscii() && "
      "s.lastIndexOf('') == s.split('').size()");
  const auto at = Program::compile(
      "s.substring(0, i) + s.substring(i) == s.substring(0) && "
      "(i == s.lastIndexOf('') || s.indexOf(s.charAt(i)) <= i) && "
      "(i == s.lastIndexOf('') || s.lastIndexOf(s.charAt(i)) >= i)");
  const auto length_of = Program::compile("s.lastIndexOf('')");
  ASSERT_TRUE(whole.ok() && at.ok() && length_of.ok());
  std::uint32_t seed = 12345;
  for (int round = 0; round < 300; ++round) {
    std::string bytes;
    const int length = round % 13;
    for (int k = 0; k < length; ++k) {
      seed = seed * 1664525u + 1013904223u;
      bytes += static_cast<char>(kAlphabet[(seed >> 24) % sizeof kAlphabet]);
    }
    MapActivation vars;
    vars.set("s", Value::string(bytes));
    const Value all = whole->evaluate(vars);
    ASSERT_TRUE(!all.is_error() && all.as_bool()) << to_literal(Value::bytes(bytes));
    const std::int64_t count = length_of->evaluate(vars).as_int();  // in code points
    for (std::int64_t i = 0; i <= count; ++i) {
      vars.set("i", Value::integer(i));
      const Value v = at->evaluate(vars);
      ASSERT_TRUE(!v.is_error() && v.as_bool()) << to_literal(Value::bytes(bytes)) << " at " << i;
    }
  }
}

TEST(StringsExtFormat, Substitutions) {
  EXPECT_EQ(str(R"("no substitution".format([]))"), "no substitution");
  EXPECT_EQ(str(R"("%%%s%%".format(["text"]))"), "%text%");
  EXPECT_EQ(str(R"("%d %s".format([1, "A"]))"), "1 A");
  EXPECT_EQ(str(R"("%s".format([1, 2]))"), "1");  // unused arguments are not a runtime error
  EXPECT_EQ(str(R"("%.2d".format([5]))"), "5");   // precision is parsed, and only %f/%e use it
}

TEST(StringsExtFormat, Numbers) {
  EXPECT_EQ(str(R"("%d %d %d".format([-5, 18446744073709551615u, 2.5]))"),
            "-5 18446744073709551615 2.5");
  EXPECT_EQ(str(R"("%d".format([1e100]))"), "1" + std::string(100, '0'));
  EXPECT_EQ(str(R"("%d %s".format([1e-7, -0.0]))"), "0.0000001 -0");
  EXPECT_EQ(str(R"("%s %s %s %s".format([100.0, -123.456, 0.1, 1.5e21]))"),
            "100 -123.456 0.1 1500000000000000000000");
  EXPECT_EQ(str(R"("%s".format([5e-324]))"), "0." + std::string(323, '0') + "5");
  EXPECT_EQ(str(R"("%s".format([1.7976931348623157e308]))"),
            "17976931348623157" + std::string(292, '0'));
  EXPECT_EQ(str(R"("%.3f".format([1.2345]))"), "1.234");
  EXPECT_EQ(str(R"("%.2f".format([2.675]))"), "2.67");  // 2.675 is 2.67499999... in binary
  EXPECT_EQ(str(R"("%.0f %.0f".format([2.5, 3.5]))"), "2 4");
  EXPECT_EQ(str(R"("%f %f".format([2, 3u]))"), "2.000000 3.000000");
  EXPECT_EQ(str(R"("%f".format([-0.0]))"), "-0.000000");
  EXPECT_EQ(str(R"("%.6e".format([1052.032911275]))"), "1.052033e+03");
  EXPECT_EQ(str(R"("%e %.0e %.3e".format([1e-300, 15.0, 0.0]))"), "1.000000e-300 2e+01 0.000e+00");
  EXPECT_EQ(str(R"("%e %f %d".format([double("NaN"), double("Infinity"), double("-Infinity")]))"),
            "NaN Infinity -Infinity");
  EXPECT_EQ(str(R"("%b %b %b %b".format([5, -5, 64u, false]))"), "101 -101 1000000 0");
  EXPECT_EQ(str(R"("%o %o".format([-8, 65535u]))"), "-10 177777");
  EXPECT_EQ(str(R"("%x %X %x".format([-30, 255u, 500u]))"), "-1e FF 1f4");
  EXPECT_EQ(str(R"("%x %X".format(["Hi!", b"\xff\x00"]))"), "486921 FF00");
}

TEST(StringsExtFormat, StringClauseOnEveryKind) {
  EXPECT_EQ(str(R"("%s %s %s %s".format([null, true, b"xyz", type(1)]))"), "null true xyz int");
  EXPECT_EQ(str(R"("%s".format([[1, "a", 3.14, [b"b"], {}]]))"), "[1, a, 3.14, [b], {}]");
  EXPECT_EQ(str(R"("%s".format([{"b": 1, "a": [true], 2: 2u, false: null}]))"),
            "{2: 2, a: [true], b: 1, false: null}");
  EXPECT_EQ(str(R"("%s".format([[double("NaN"), double("-Infinity")]]))"), "[NaN, -Infinity]");
  // Bytes are copied as they are, even when they are not UTF-8.
  EXPECT_EQ(str(R"("%s".format([b"\xff"]))"), "\xFF");
}

TEST(StringsExtFormat, TimestampsAndDurations) {
  MapActivation vars;
  vars.set("t", Value::timestamp({1675467080, 0}));
  vars.set("t2", Value::timestamp({1257894000, 500000000}));
  vars.set("d", Value::duration({6347, 0}));
  vars.set("d2", Value::duration({-1, -500000000}));
  vars.set("d3", Value::duration({0, 1}));
  EXPECT_EQ(str(R"("%s %s".format([t, t2]))", vars), "2023-02-03T23:31:20Z 2009-11-10T23:00:00.5Z");
  EXPECT_EQ(str(R"("%s %s %s".format([d, d2, d3]))", vars), "6347s -1.5s 0.000000001s");
  EXPECT_EQ(str(R"("%s".format([{"k": [d, t]}]))", vars), "{k: [6347s, 2023-02-03T23:31:20Z]}");
  EXPECT_EQ(str(R"("%d".format([d]))", vars),
            "error: error during formatting: decimal clause can only be used on ints, uints, and "
            "doubles, was given google.protobuf.Duration");
}

TEST(StringsExtFormat, ClauseErrors) {
  EXPECT_EQ(str(R"("%a".format([1]))"),
            R"(error: could not parse formatting clause: unrecognized formatting clause "a")");
  EXPECT_EQ(str(R"("%E".format([0.5]))"),
            R"(error: could not parse formatting clause: unrecognized formatting clause "E")");
  EXPECT_EQ(str(R"("%5d".format([1]))"),
            R"(error: could not parse formatting clause: unrecognized formatting clause "5")");
  EXPECT_EQ(str("'%\\u00e9'.format([1])"),
            "error: could not parse formatting clause: unrecognized formatting clause \"Ã\"");
  EXPECT_EQ(str(R"("%d %d %d".format([0, 1]))"), "error: index 2 out of range");
  EXPECT_EQ(str(R"("%".format([]))"), "error: index 0 out of range");
  EXPECT_EQ(str(R"("%".format([1]))"), "error: unexpected end of string");
  EXPECT_EQ(str(R"("%.5".format([1]))"),
            "error: could not parse formatting clause: error while parsing precision: could not "
            "find end of precision specifier");
  EXPECT_EQ(str(R"("%.f".format([1.0]))"),
            "error: could not parse formatting clause: error while parsing precision: error while "
            "converting precision to integer: strconv.Atoi: parsing \"\": invalid syntax");
  EXPECT_EQ(str(R"("%.99999999999999999999f".format([1.0]))"),
            "error: could not parse formatting clause: error while parsing precision: error while "
            "converting precision to integer: strconv.Atoi: parsing \"99999999999999999999\": "
            "value out of range");
  EXPECT_EQ(str(R"("%.1001f".format([1.0]))"),
            "error: could not parse formatting clause: error while parsing precision: precision "
            "1001 exceeds maximum allowed precision 1000");
  EXPECT_EQ(str(R"("%.1000f".format([1.0]))").size(), 1002u);
  EXPECT_EQ(str(R"("%s".format(1))"), "error: no such overload: format(string, int)");
  EXPECT_EQ(str(R"((1).format([]))"), "error: no such overload: format(int, list)");
}

TEST(StringsExtFormat, KindErrors) {
  const std::string during = "error: error during formatting: ";
  EXPECT_EQ(str(R"("%d".format([null]))"),
            during +
                "decimal clause can only be used on ints, uints, and doubles, was given "
                "null_type");
  EXPECT_EQ(str(R"("%f".format(["1.0"]))"),
            during +
                "fixed-point clause can only be used on ints, uints, and doubles, was "
                "given string");
  EXPECT_EQ(str(R"("%e".format([true]))"),
            during +
                "scientific clause can only be used on ints, uints, and doubles, was given "
                "bool");
  EXPECT_EQ(str(R"("%b".format(["abc"]))"),
            during + "only ints, uints, and bools can be formatted as binary, was given string");
  EXPECT_EQ(str(R"("%o".format([1.5]))"),
            during + "octal clause can only be used on ints and uints, was given double");
  EXPECT_EQ(
      str(R"("%X".format([[]]))"),
      during + "only ints, uints, bytes, and strings can be formatted as hex, was given list");
  EXPECT_EQ(str(R"("%s".format([[1, optional.none()]]))"),
            during +
                "string clause can only be used on strings, bools, bytes, ints, doubles, "
                "maps, lists, types, durations, and timestamps, was given optional_type");
}

TEST(StringsExtFormat, LimitsOnSizeAndNesting) {
  Value nested = Value::list({});
  for (int i = 0; i < 300; ++i) nested = Value::list({nested});
  EXPECT_EQ(str(R"("%s".format([s]))", with_s(nested)),
            "error: error during formatting: values nested deeper than 256");
  const auto big = with_s(Value::string(std::string(9u << 20, 'a')));
  EXPECT_EQ(str(R"("%s%s".format([s, s]))", big),
            "error: error during formatting: result exceeds 16777216 bytes");
  EXPECT_EQ(str(R"("%x".format([s]))", big),
            "error: error during formatting: result exceeds 16777216 bytes");
  EXPECT_EQ(str(R"("%s".format([[s, s]]))", big),
            "error: error during formatting: result exceeds 16777216 bytes");
  EXPECT_EQ(str(R"("%s".format([{'a': s, 'b': s}]))", big),
            "error: error during formatting: result exceeds 16777216 bytes");
}

}  // namespace
}  // namespace sluice::cel
