// Timestamps and durations: parsing and printing, arithmetic and its range errors, conversions,
// the calendar getters in UTC, fixed offsets and IANA zones, and the TZif / POSIX TZ readers
// behind them, including hostile input.
#include "cel/eval_util.h"
#include "cel/time_format.h"
#include "cel/time_zone.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace sluice::cel {
namespace {

using testing::eval;

bool is_error(std::string_view expr) { return eval(expr).rfind("error: ", 0) == 0; }

/// `expr` evaluated with the string variable `s`, so that any bytes reach the function.
std::string eval_with(std::string_view expr, std::string s) {
  MapActivation vars;
  vars.set("s", Value::string(std::move(s)));
  return eval(expr, vars);
}

TEST(CelTimeParse, TimestampsInRfc3339) {
  EXPECT_EQ(eval("timestamp('2009-02-13T23:31:30Z')"), R"(timestamp("2009-02-13T23:31:30Z"))");
  EXPECT_EQ(eval("int(timestamp('2009-02-13T23:31:30Z'))"), "1234567890");
  // Offsets are folded into UTC.
  EXPECT_EQ(eval("string(timestamp('2009-02-14T01:01:30+01:30'))"), R"("2009-02-13T23:31:30Z")");
  EXPECT_EQ(eval("string(timestamp('2009-02-13T20:31:30-03:00'))"), R"("2009-02-13T23:31:30Z")");
  EXPECT_EQ(eval("string(timestamp('2023-02-03T23:31:20+00:00'))"), R"("2023-02-03T23:31:20Z")");
  // Any number of fraction digits; beyond nanoseconds they are dropped.
  EXPECT_EQ(eval("string(timestamp('2009-02-13T23:31:30.5Z'))"), R"("2009-02-13T23:31:30.5Z")");
  EXPECT_EQ(eval("string(timestamp('2009-02-13T23:31:30.000000001Z'))"),
            R"("2009-02-13T23:31:30.000000001Z")");
  EXPECT_EQ(eval("string(timestamp('2009-02-13T23:31:30.1234567899999Z'))"),
            R"("2009-02-13T23:31:30.123456789Z")");
  EXPECT_EQ(eval("string(timestamp('2009-02-13T23:31:30.120Z'))"), R"("2009-02-13T23:31:30.12Z")");
  // Leap days.
  EXPECT_EQ(eval("timestamp('2000-02-29T00:00:00Z').getDayOfYear()"), "59");
  EXPECT_EQ(eval("timestamp('2024-12-31T00:00:00Z').getDayOfYear()"), "365");
  EXPECT_EQ(eval("timestamp('2023-12-31T00:00:00Z').getDayOfYear()"), "364");
}

TEST(CelTimeParse, TimestampLimits) {
  EXPECT_EQ(eval("string(timestamp('0001-01-01T00:00:00Z'))"), R"("0001-01-01T00:00:00Z")");
  EXPECT_EQ(eval("int(timestamp('0001-01-01T00:00:00Z'))"), "-62135596800");
  EXPECT_EQ(eval("string(timestamp('9999-12-31T23:59:59.999999999Z'))"),
            R"("9999-12-31T23:59:59.999999999Z")");
  EXPECT_EQ(eval("int(timestamp('9999-12-31T23:59:59Z'))"), "253402300799");
  EXPECT_EQ(eval("timestamp('0000-01-01T00:00:00Z')"),
            "error: timestamp out of range: '0000-01-01T00:00:00Z'");
  // In range as written, out of range in UTC.
  EXPECT_TRUE(is_error("timestamp('0001-01-01T00:00:00+01:00')"));
  EXPECT_TRUE(is_error("timestamp('9999-12-31T23:59:59-00:01')"));
  EXPECT_EQ(eval("string(timestamp('0001-01-01T00:00:00-01:00'))"), R"("0001-01-01T01:00:00Z")");
}

TEST(CelTimeParse, MalformedTimestampsAreErrors) {
  for (const char* text : {"",
                           "2009",
                           "2009-02-13",
                           "2009-02-13 23:31:30Z",
                           "2009-02-13t23:31:30Z",
                           "2009-02-13T23:31:30z",
                           "2009-02-13T23:31:30",
                           "2009-02-13T23:31Z",
                           "10000-01-01T00:00:00Z",
                           "2009-2-13T23:31:30Z",
                           "2009-02-13T23:31:30.Z",
                           "2009-02-13T23:31:30+0100",
                           "2009-02-13T23:31:30+01",
                           "2009-02-13T23:31:30Z ",
                           " 2009-02-13T23:31:30Z",
                           "2009-02-13T23:31:30ZZ",
                           "2009-13-01T00:00:00Z",
                           "2009-00-01T00:00:00Z",
                           "2009-02-29T00:00:00Z",
                           "1900-02-29T00:00:00Z",
                           "2009-04-31T00:00:00Z",
                           "2009-02-00T00:00:00Z",
                           "2009-02-13T24:00:00Z",
                           "2009-02-13T23:60:00Z",
                           "2009-02-13T23:31:60Z",
                           "2009-02-13T23:31:30+24:00",
                           "2009-02-13T23:31:30+01:60",
                           "2009-02-13T23:31:30\xff"}) {
    EXPECT_EQ(eval_with("timestamp(s)", text).rfind("error: ", 0), 0u) << text;
  }
  // A huge input is quoted back only in part.
  const std::string huge(100000, '9');
  const std::string message = eval_with("timestamp(s)", huge);
  EXPECT_EQ(message.rfind("error: invalid timestamp", 0), 0u);
  EXPECT_LT(message.size(), 300u);
}

TEST(CelTimeParse, TimestampFromOtherKinds) {
  EXPECT_EQ(eval("timestamp(0)"), R"(timestamp("1970-01-01T00:00:00Z"))");
  EXPECT_EQ(eval("timestamp(1000000000) == timestamp('2001-09-09T01:46:40Z')"), "true");
  EXPECT_EQ(eval("timestamp(-62135596800)"), R"(timestamp("0001-01-01T00:00:00Z"))");
  EXPECT_EQ(eval("timestamp(253402300799)"), R"(timestamp("9999-12-31T23:59:59Z"))");
  EXPECT_EQ(eval("timestamp(-62135596801)"), "error: timestamp out of range");
  EXPECT_EQ(eval("timestamp(253402300800)"), "error: timestamp out of range");
  EXPECT_EQ(eval("timestamp(-9223372036854775807 - 1)"), "error: timestamp out of range");
  EXPECT_EQ(eval("timestamp(timestamp(7)) == timestamp(7)"), "true");
  EXPECT_EQ(eval("timestamp(1.5)"), "error: no such overload: timestamp(double)");
  EXPECT_EQ(eval("timestamp(1u)"), "error: no such overload: timestamp(uint)");
  EXPECT_EQ(eval("timestamp(duration('1s'))"),
            "error: no such overload: timestamp(google.protobuf.Duration)");
  EXPECT_EQ(eval("timestamp('a', 'b')"), "error: no such overload: timestamp(string, string)");
  EXPECT_EQ(eval("timestamp()"), "error: no such overload: timestamp()");
}

TEST(CelTimeParse, DurationsInGoSyntax) {
  EXPECT_EQ(eval("string(duration('1h2m3.5s'))"), R"("3723.5s")");
  EXPECT_EQ(eval("string(duration('-1.5s'))"), R"("-1.5s")");
  EXPECT_EQ(eval("string(duration('+1.5s'))"), R"("1.5s")");
  EXPECT_EQ(eval("string(duration('100ms'))"), R"("0.1s")");
  EXPECT_EQ(eval("int(duration('1us'))"), "1000");
  EXPECT_EQ(eval("int(duration('1\u00b5s'))"), "1000");  // micro sign
  EXPECT_EQ(eval("int(duration('1\u03bcs'))"), "1000");  // Greek mu
  EXPECT_EQ(eval("int(duration('1ns'))"), "1");
  EXPECT_EQ(eval("int(duration('0'))"), "0");
  EXPECT_EQ(eval("int(duration('-0'))"), "0");
  EXPECT_EQ(eval("int(duration('.5s'))"), "500000000");
  EXPECT_EQ(eval("int(duration('5.s'))"), "5000000000");
  EXPECT_EQ(eval("int(duration('1.5h'))"), "5400000000000");
  EXPECT_EQ(eval("int(duration('1h1h'))"), "7200000000000");  // repeated units add up, as in Go
  EXPECT_EQ(eval("int(duration('0.1234567890123456789012345s'))"), "123456789");
  EXPECT_EQ(eval("int(duration('0.000000000999h'))"), "3596");  // 3596.4ns, truncated
  EXPECT_EQ(eval("duration('1h30m') == duration('90m')"), "true");
  EXPECT_EQ(eval("duration(duration('100s')) == duration('100s')"), "true");
}

TEST(CelTimeParse, DurationLimits) {
  EXPECT_EQ(eval("int(duration('9223372036.854775807s'))"), "9223372036854775807");
  EXPECT_EQ(eval("int(duration('-9223372036.854775808s'))"), "-9223372036854775808");
  EXPECT_EQ(eval("int(duration('2562047h'))"), "9223369200000000000");
  for (const char* text :
       {"9223372036.854775808s", "-9223372036.854775809s", "2562048h", "320000000000s",
        "-320000000000s", "99999999999999999999999ns", "2562047h1h", "9223372036854775807ns1ns"}) {
    EXPECT_EQ(eval("duration('" + std::string(text) + "')"),
              "error: duration out of range: '" + std::string(text) + "'");
  }
}

TEST(CelTimeParse, MalformedDurationsAreErrors) {
  for (const char* text :
       {"",   "-",   "+",   "1",   "1.5",   "s",    ".s",   "-.s",   "1x",    "1sec",
        "1S", "1 s", " 1s", "1s ", "1h-2m", "--1s", "1e3s", "0x10s", "1..5s", "\xff"}) {
    EXPECT_EQ(eval_with("duration(s)", text).rfind("error: ", 0), 0u) << text;
  }
  EXPECT_EQ(eval("duration('1')"), "error: missing unit in duration (h, m, s, ms, us or ns): '1'");
  EXPECT_EQ(eval("duration('1d')"), "error: unknown unit 'd' in duration: '1d'");
  EXPECT_EQ(eval("duration(1)"), "error: no such overload: duration(int)");
  EXPECT_EQ(eval("duration(timestamp(0))"),
            "error: no such overload: duration(google.protobuf.Timestamp)");
}

TEST(CelTimeConvert, StringsAsCelGoPrintsThem) {
  EXPECT_EQ(eval("string(duration('1000000s'))"), R"("1000000s")");
  EXPECT_EQ(eval("string(duration('1m1ms'))"), R"("60.001s")");
  EXPECT_EQ(eval("string(duration('0s'))"), R"("0s")");
  EXPECT_EQ(eval("string(duration('1ns'))"), R"("0.000000001s")");
  EXPECT_EQ(eval("string(duration('-1ns'))"), R"("-0.000000001s")");
  EXPECT_EQ(eval("string(duration('2h'))"), R"("7200s")");
  // Seconds go through a double as in cel-go, so very long durations keep ~16 digits.
  EXPECT_EQ(eval("string(duration('9223372036.854775807s'))"), R"("9223372036.854776s")");
  EXPECT_EQ(eval("string(timestamp('1969-12-31T23:59:59.5Z'))"), R"("1969-12-31T23:59:59.5Z")");
  // int(timestamp) is the floor of the Unix time in seconds, as Go's Unix().
  EXPECT_EQ(eval("int(timestamp('1969-12-31T23:59:59.5Z'))"), "-1");
  EXPECT_EQ(eval("int(duration('-1.5s'))"), "-1500000000");
  EXPECT_EQ(eval("type(timestamp(0))"), "google.protobuf.Timestamp");
  EXPECT_EQ(eval("type(duration('1s'))"), "google.protobuf.Duration");
  EXPECT_EQ(eval("dyn(duration('0s')) == null"), "false");
  EXPECT_EQ(eval("double(timestamp(0))"),
            "error: no such overload: double(google.protobuf.Timestamp)");
  EXPECT_EQ(eval("uint(duration('1s'))"),
            "error: no such overload: uint(google.protobuf.Duration)");
  EXPECT_EQ(eval("bool(timestamp(0))"), "error: no such overload: bool(google.protobuf.Timestamp)");
}

TEST(CelTimeArithmetic, TimestampsAndDurations) {
  EXPECT_EQ(eval("timestamp('2009-02-13T23:00:00Z') + duration('240s')"),
            R"(timestamp("2009-02-13T23:04:00Z"))");
  EXPECT_EQ(eval("duration('120s') + timestamp('2009-02-13T23:01:00Z')"),
            R"(timestamp("2009-02-13T23:03:00Z"))");
  EXPECT_EQ(eval("timestamp('2009-02-13T23:10:00Z') - duration('600s')"),
            R"(timestamp("2009-02-13T23:00:00Z"))");
  EXPECT_EQ(eval("timestamp('2009-02-13T23:31:00Z') - timestamp('2009-02-13T23:29:00Z')"),
            R"(duration("120s"))");
  EXPECT_EQ(eval("timestamp('2009-02-13T23:29:00Z') - timestamp('2009-02-13T23:31:00.5Z')"),
            R"(duration("-120.5s"))");
  EXPECT_EQ(eval("duration('600s') + duration('50s')"), R"(duration("650s"))");
  EXPECT_EQ(eval("duration('900s') - duration('42s')"), R"(duration("858s"))");
  EXPECT_EQ(eval("duration('1s') - duration('1.5s')"), R"(duration("-0.5s"))");
  // Nanoseconds carry and borrow across the second.
  EXPECT_EQ(eval("timestamp('0001-01-01T00:00:01.000000001Z') + duration('-999999999ns')"),
            R"(timestamp("0001-01-01T00:00:00.000000002Z"))");
  EXPECT_EQ(eval("timestamp('1970-01-01T00:00:00.999999999Z') + duration('2ns')"),
            R"(timestamp("1970-01-01T00:00:01.000000001Z"))");
  EXPECT_EQ(eval("timestamp('1970-01-01T00:00:00Z') - duration('1ns')"),
            R"(timestamp("1969-12-31T23:59:59.999999999Z"))");
  // Subtracting the most negative duration cannot negate it first.
  EXPECT_EQ(eval("timestamp(0) - duration('-9223372036.854775808s')"),
            R"(timestamp("2262-04-11T23:47:16.854775808Z"))");
  EXPECT_EQ(eval("timestamp(0) + duration('-9223372036.854775808s')"),
            R"(timestamp("1677-09-21T00:12:43.145224192Z"))");
}

TEST(CelTimeArithmetic, RangeErrors) {
  EXPECT_EQ(eval("timestamp('0001-01-01T00:00:00Z') + duration('-1ns')"),
            "error: timestamp out of range");
  EXPECT_EQ(eval("timestamp('9999-12-31T23:59:59.999999999Z') + duration('1ns')"),
            "error: timestamp out of range");
  EXPECT_EQ(eval("timestamp('9999-12-31T23:59:59Z') - duration('-1s')"),
            "error: timestamp out of range");
  EXPECT_EQ(eval("timestamp('9999-12-31T23:59:59Z') - timestamp('0001-01-01T00:00:00Z')"),
            "error: duration out of range");
  EXPECT_EQ(eval("timestamp('2262-04-11T23:47:16.854775807Z') - timestamp(0)"),
            R"(duration("9223372036.854775807s"))");
  EXPECT_EQ(eval("timestamp('2262-04-11T23:47:16.854775808Z') - timestamp(0)"),
            "error: duration out of range");
  EXPECT_EQ(eval("duration('9223372036s') + duration('1s')"), "error: duration out of range");
  EXPECT_EQ(eval("duration('-9223372036s') - duration('1s')"), "error: duration out of range");
  EXPECT_EQ(eval("duration('-9223372036.854775808s') - duration('1ns')"),
            "error: duration out of range");
}

TEST(CelTimeArithmetic, MeaninglessCombinationsHaveNoOverload) {
  EXPECT_EQ(eval("timestamp(0) + timestamp(0)"),
            "error: no such overload: _+_(google.protobuf.Timestamp, google.protobuf.Timestamp)");
  EXPECT_EQ(eval("duration('1s') - timestamp(0)"),
            "error: no such overload: _-_(google.protobuf.Duration, google.protobuf.Timestamp)");
  EXPECT_EQ(eval("timestamp(0) + 1"),
            "error: no such overload: _+_(google.protobuf.Timestamp, int)");
  EXPECT_EQ(eval("duration('1s') * 2"),
            "error: no such overload: _*_(google.protobuf.Duration, int)");
  EXPECT_EQ(eval("timestamp(1) > timestamp(0) && duration('1s') < duration('2s')"), "true");
}

TEST(CelTimeGetters, CalendarFieldsInUtc) {
  // 2009-02-13T23:31:30.123Z was a Friday.
  const std::string t = "timestamp('2009-02-13T23:31:30.123456789Z')";
  EXPECT_EQ(eval(t + ".getFullYear()"), "2009");
  EXPECT_EQ(eval(t + ".getMonth()"), "1");
  EXPECT_EQ(eval(t + ".getDayOfYear()"), "43");
  EXPECT_EQ(eval(t + ".getDayOfMonth()"), "12");
  EXPECT_EQ(eval(t + ".getDate()"), "13");
  EXPECT_EQ(eval(t + ".getDayOfWeek()"), "5");
  EXPECT_EQ(eval(t + ".getHours()"), "23");
  EXPECT_EQ(eval(t + ".getMinutes()"), "31");
  EXPECT_EQ(eval(t + ".getSeconds()"), "30");
  EXPECT_EQ(eval(t + ".getMilliseconds()"), "123");
  EXPECT_EQ(eval("timestamp('0001-01-01T00:00:00Z').getDayOfWeek()"), "1");  // a Monday
  EXPECT_EQ(eval("timestamp('9999-12-31T23:59:59Z').getDayOfWeek()"), "5");  // a Friday
  EXPECT_EQ(eval("timestamp('1969-12-31T23:59:59Z').getDayOfWeek()"), "3");  // a Wednesday
  EXPECT_EQ(eval("timestamp('1969-12-31T23:59:59Z').getFullYear()"), "1969");
}

TEST(CelTimeGetters, FixedOffsets) {
  const std::string t = "timestamp('2009-02-13T23:31:30Z')";
  EXPECT_EQ(eval(t + ".getHours('02:00')"), "1");
  EXPECT_EQ(eval(t + ".getHours('+02:00')"), "1");
  EXPECT_EQ(eval(t + ".getHours('2:00')"), "1");
  EXPECT_EQ(eval(t + ".getMinutes('+05:30')"), "1");
  EXPECT_EQ(eval(t + ".getDayOfMonth('+11:00')"), "13");
  EXPECT_EQ(eval(t + ".getSeconds('-00:00')"), "30");
  EXPECT_EQ(eval(t + ".getFullYear('-09:30')"), "2009");
  EXPECT_EQ(eval("timestamp('2009-02-13T02:00:00Z').getDayOfMonth('-02:30')"), "11");
  EXPECT_EQ(eval("timestamp('2009-02-13T02:00:00Z').getMinutes('-00:30')"), "30");
  EXPECT_EQ(eval("timestamp('2009-02-13T02:00:00Z').getHours('-00:30')"), "1");
  // A local time beyond the timestamp range is still a date.
  EXPECT_EQ(eval("timestamp('9999-12-31T23:00:00Z').getFullYear('+05:00')"), "10000");
  EXPECT_EQ(eval("timestamp('0001-01-01T00:00:00Z').getFullYear('-05:00')"), "0");
  for (const char* zone : {"+24:00", "+01:60", "+1:5", "+:30", "+123:00", "1:2:3", "+ab:cd", ":",
                           "+05:30 ", "05:300"}) {
    EXPECT_TRUE(is_error(t + ".getHours('" + zone + "')")) << zone;
  }
}

TEST(CelTimeGetters, UtcNames) {
  const std::string t = "timestamp('2009-02-13T23:31:30Z')";
  EXPECT_EQ(eval(t + ".getHours('UTC')"), "23");
  EXPECT_EQ(eval(t + ".getHours('Z')"), "23");
  EXPECT_EQ(eval(t + ".getHours('')"), "23");
  EXPECT_EQ(eval(t + ".getHours('Etc/UTC')"), "23");
}

TEST(CelTimeGetters, IanaZones) {
  const std::string t = "timestamp('2009-02-13T23:31:30Z')";
  EXPECT_EQ(eval(t + ".getDate('Australia/Sydney')"), "14");
  EXPECT_EQ(eval(t + ".getDayOfMonth('US/Central')"), "12");
  EXPECT_EQ(eval(t + ".getMinutes('Asia/Kathmandu')"), "16");
  EXPECT_EQ(eval("timestamp('2009-02-13T02:00:00Z').getDayOfMonth('America/St_Johns')"), "11");
  // Daylight saving time, from the transition table.
  EXPECT_EQ(eval("timestamp('2024-01-01T12:00:00Z').getHours('America/Los_Angeles')"), "4");
  EXPECT_EQ(eval("timestamp('2024-07-01T12:00:00Z').getHours('America/Los_Angeles')"), "5");
  EXPECT_EQ(eval("timestamp('2024-03-10T09:59:59Z').getHours('America/Los_Angeles')"), "1");
  EXPECT_EQ(eval("timestamp('2024-03-10T10:00:00Z').getHours('America/Los_Angeles')"), "3");
  // After the table: the footer's POSIX rule.
  EXPECT_EQ(eval("timestamp('2100-03-14T09:59:59Z').getHours('America/Los_Angeles')"), "1");
  EXPECT_EQ(eval("timestamp('2100-03-14T10:00:00Z').getHours('America/Los_Angeles')"), "3");
  EXPECT_EQ(eval("timestamp('2050-01-01T00:00:00Z').getHours('Australia/Sydney')"), "11");
  // Dublin's "negative" daylight saving (winter time is the DST) and Lord Howe's half hour.
  EXPECT_EQ(eval("timestamp('2030-07-01T12:00:00Z').getHours('Europe/Dublin')"), "13");
  EXPECT_EQ(eval("timestamp('2030-01-01T12:00:00Z').getHours('Europe/Dublin')"), "12");
  EXPECT_EQ(eval("timestamp('2030-07-01T12:00:00Z').getMinutes('Australia/Lord_Howe')"), "30");
  EXPECT_EQ(eval("timestamp('2030-01-01T12:00:00Z').getHours('Australia/Lord_Howe')"), "23");
}

TEST(CelTimeGetters, BadZoneNamesAreErrorsWithoutTouchingFiles) {
  const std::string t = "timestamp(0)";
  EXPECT_EQ(eval(t + ".getHours('Nowhere/City')"), "error: unknown time zone 'Nowhere/City'");
  EXPECT_EQ(eval(t + ".getHours('../../../etc/passwd')"),
            "error: invalid time zone name '../../../etc/passwd'");
  EXPECT_EQ(eval(t + ".getHours('/etc/passwd')"), "error: invalid time zone name '/etc/passwd'");
  EXPECT_EQ(eval(t + ".getHours('America/..')"), "error: invalid time zone name 'America/..'");
  EXPECT_TRUE(is_error(t + ".getHours('America')"));   // a directory
  EXPECT_TRUE(is_error(t + ".getHours('zone.tab')"));  // not a TZif file
  EXPECT_EQ(eval_with("timestamp(0).getHours(s)", std::string("Europe/Paris\0", 13))
                .rfind("error: invalid time zone name", 0),
            0u);
  EXPECT_TRUE(is_error(t + ".getHours('Europe/Paris\\x00')"));
  EXPECT_TRUE(is_error(t + ".getHours('Europe Paris')"));
  EXPECT_TRUE(is_error(t + ".getHours('" + std::string(1000, 'A') + "')"));
  EXPECT_LT(eval_with("timestamp(0).getHours(s)", std::string(100000, '%')).size(), 300u);
}

TEST(CelTimeGetters, DurationsConvertToTotals) {
  EXPECT_EQ(eval("duration('10000s').getHours()"), "2");
  EXPECT_EQ(eval("duration('3730s').getMinutes()"), "62");
  EXPECT_EQ(eval("duration('3730s').getSeconds()"), "3730");
  EXPECT_EQ(eval("duration('-3730s').getMinutes()"), "-62");
  // getMilliseconds is the milliseconds part of the last second, not a total.
  EXPECT_EQ(eval("duration('1.234s').getMilliseconds()"), "234");
  EXPECT_EQ(eval("duration('123.321456789s').getMilliseconds()"), "321");
  EXPECT_EQ(eval("duration('-1.234s').getMilliseconds()"), "-234");
  EXPECT_EQ(eval("duration('1s').getFullYear()"),
            "error: no such overload: getFullYear(google.protobuf.Duration)");
  EXPECT_EQ(eval("duration('1s').getHours('UTC')"),
            "error: no such overload: getHours(google.protobuf.Duration, string)");
}

TEST(CelTimeGetters, WrongArgumentsHaveNoOverload) {
  EXPECT_EQ(eval("(1).getHours()"), "error: no such overload: getHours(int)");
  EXPECT_EQ(eval("timestamp(0).getHours(1)"),
            "error: no such overload: getHours(google.protobuf.Timestamp, int)");
  EXPECT_EQ(eval("timestamp(0).getHours('UTC', 'UTC')"),
            "error: no such overload: getHours(google.protobuf.Timestamp, string, string)");
  EXPECT_TRUE(is_error("getHours(timestamp(0))"));
}

TEST(CelTimeGetters, ValuesFromOutsideTheRangeAreErrors) {
  MapActivation vars;
  vars.set("t", Value::timestamp(Timestamp{INT64_MAX, 0}));
  vars.set("bad_nanos", Value::timestamp(Timestamp{0, -1}));
  vars.set("d", Value::duration(Duration{315576000000, 0}));  // 10,000 years: beyond int64 ns
  vars.set("ok", Value::duration(Duration{123, 321456789}));
  EXPECT_EQ(eval("t.getHours()", vars), "error: timestamp out of range");
  EXPECT_EQ(eval("string(t)", vars), "error: timestamp out of range");
  EXPECT_EQ(eval("t + duration('1s')", vars), "error: timestamp out of range");
  EXPECT_EQ(eval("t - timestamp(0)", vars), "error: duration out of range");
  EXPECT_EQ(eval("bad_nanos.getSeconds()", vars), "error: timestamp out of range");
  EXPECT_EQ(eval("d.getHours()", vars), "error: duration out of range");
  EXPECT_EQ(eval("string(d)", vars), "error: duration out of range");
  EXPECT_EQ(eval("d + duration('1s')", vars), "error: duration out of range");
  EXPECT_EQ(eval("timestamp(0) + d", vars), "error: duration out of range");
  EXPECT_EQ(eval("ok.getMilliseconds()", vars), "321");
}

TEST(CelTimeGetters, ConcurrentZoneLookupsAgree) {
  // Many threads resolve many zones at once (more than the shared cache holds), through the
  // per-thread and process-wide caches; every answer must match the single-threaded one.
  const std::vector<std::string> zones = {
      "America/Los_Angeles", "Europe/Paris",      "Asia/Kolkata",  "Australia/Sydney",
      "America/St_Johns",    "Asia/Kathmandu",    "Europe/Dublin", "Pacific/Chatham",
      "America/Sao_Paulo",   "Africa/Casablanca", "Asia/Tokyo",    "America/New_York"};
  std::vector<std::string> expected;
  for (const std::string& z : zones) {
    expected.push_back(eval("timestamp('2030-07-01T12:00:00Z').getHours('" + z + "')"));
  }
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int k = 0; k < 4; ++k) {
    threads.emplace_back([&, k] {
      auto program = Program::compile("t.getHours(z)");
      for (int i = 0; i < 400; ++i) {
        const std::size_t z = static_cast<std::size_t>(i * 7 + k) % zones.size();
        MapActivation vars;
        vars.set("t", Value::timestamp(Timestamp{1908964800, 0}));  // 2030-07-01T12:00:00Z
        vars.set("z", Value::string(zones[z]));
        const Value v = program->evaluate(vars);
        if (v.is_error() || std::to_string(v.as_int()) != expected[z]) ++mismatches;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(mismatches.load(), 0);
  // More distinct zones than the cache keeps, then the first ones again.
  for (const char* z : {"Etc/GMT+1", "Etc/GMT+2", "Etc/GMT+3", "Etc/GMT+4", "Etc/GMT+5",
                        "Etc/GMT+6", "Etc/GMT+7", "Etc/GMT+8", "Etc/GMT+9", "Etc/GMT+10"}) {
    EXPECT_FALSE(is_error(std::string("timestamp(0).getHours('") + z + "')"));
  }
  for (int i = 1; i <= 12; ++i) {
    EXPECT_EQ(eval("timestamp(0).getHours('Etc/GMT-" + std::to_string(i) + "')"),
              std::to_string(i));
  }
  EXPECT_EQ(eval("timestamp('2030-07-01T12:00:00Z').getHours('America/Los_Angeles')"), "5");
}

// ---- the readers behind the getters ------------------------------------------------------------

std::string be32(std::uint32_t v) {
  std::string out;
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xFF);
  return out;
}

std::string be64(std::int64_t v) {
  const auto u = static_cast<std::uint64_t>(v);
  return be32(static_cast<std::uint32_t>(u >> 32)) + be32(static_cast<std::uint32_t>(u));
}

struct TzifSpec {
  char version = '2';
  std::vector<std::int64_t> times;
  std::vector<std::uint8_t> types;
  std::vector<std::int32_t> offsets;
  std::string footer;  // written as "\n" + footer + "\n" for version 2+
};

/// A TZif file: for version 2+, an empty v1 block then the 64-bit block and the footer.
std::string tzif(const TzifSpec& s) {
  auto header = [&](char version, std::size_t timecnt, std::size_t typecnt) {
    return "TZif" + std::string(1, version) + std::string(15, '\0') + be32(0) + be32(0) + be32(0) +
           be32(static_cast<std::uint32_t>(timecnt)) + be32(static_cast<std::uint32_t>(typecnt)) +
           be32(4);
  };
  auto block = [&](bool wide) {
    std::string out;
    for (std::int64_t t : s.times) out += wide ? be64(t) : be32(static_cast<std::uint32_t>(t));
    for (std::uint8_t type : s.types) out += static_cast<char>(type);
    for (std::int32_t offset : s.offsets) {
      out += be32(static_cast<std::uint32_t>(offset)) + std::string(2, '\0');
    }
    return out + std::string("ABC\0", 4);
  };
  if (s.version == '\0') return header('\0', s.times.size(), s.offsets.size()) + block(false);
  return header(s.version, 0, 1) + be32(0) + std::string(2, '\0') + std::string("ABC\0", 4) +
         header(s.version, s.times.size(), s.offsets.size()) + block(true) + "\n" + s.footer + "\n";
}

using detail::PosixTzRule;
using detail::TimeZone;

TEST(CelTimeZoneReader, TransitionTablesAndFooters) {
  TzifSpec spec;
  spec.times = {0, 1000};
  spec.types = {1, 0};
  spec.offsets = {3600, 7200};
  spec.footer = "<+03>-3";
  auto zone = TimeZone::parse_tzif(tzif(spec));
  ASSERT_TRUE(zone.ok()) << zone.error().message;
  EXPECT_EQ(zone->offset_at(-1), 3600);  // before the first transition: type 0
  EXPECT_EQ(zone->offset_at(0), 7200);
  EXPECT_EQ(zone->offset_at(999), 7200);
  EXPECT_EQ(zone->offset_at(1000), 10800);  // after the last: the footer
  spec.footer.clear();
  zone = TimeZone::parse_tzif(tzif(spec));
  ASSERT_TRUE(zone.ok()) << zone.error().message;
  EXPECT_EQ(zone->offset_at(5000), 3600);  // no footer: the last transition's type
  spec.version = '\0';
  zone = TimeZone::parse_tzif(tzif(spec));
  ASSERT_TRUE(zone.ok()) << zone.error().message;
  EXPECT_EQ(zone->offset_at(500), 7200);
  EXPECT_EQ(zone->offset_at(5000), 3600);
}

TEST(CelTimeZoneReader, RejectsMalformedFiles) {
  TzifSpec good;
  good.times = {0, 1000};
  good.types = {0, 1};
  good.offsets = {0, 3600};
  const std::string bytes = tzif(good);
  ASSERT_TRUE(TimeZone::parse_tzif(bytes).ok());
  // Every truncation fails cleanly (the last byte is the footer's newline).
  for (std::size_t n = 0; n + 1 < bytes.size(); ++n) {
    EXPECT_FALSE(TimeZone::parse_tzif(bytes.substr(0, n)).ok()) << n;
  }
  EXPECT_FALSE(TimeZone::parse_tzif("TZjf" + bytes.substr(4)).ok());
  TzifSpec spec = good;
  spec.types = {0, 2};  // no type 2
  EXPECT_FALSE(TimeZone::parse_tzif(tzif(spec)).ok());
  spec = good;
  spec.times = {1000, 0};  // out of order
  EXPECT_FALSE(TimeZone::parse_tzif(tzif(spec)).ok());
  spec = good;
  spec.offsets = {0, INT32_MIN};
  EXPECT_FALSE(TimeZone::parse_tzif(tzif(spec)).ok());
  spec = good;
  spec.offsets.clear();
  spec.types.clear();
  spec.times.clear();
  EXPECT_FALSE(TimeZone::parse_tzif(tzif(spec)).ok());  // no local time types
  spec = good;
  spec.footer = "nonsense";
  EXPECT_FALSE(TimeZone::parse_tzif(tzif(spec)).ok());
  // Huge counts must not be trusted.
  std::string huge = bytes;
  huge.replace(44 + 10 + 32, 4, be32(0xFFFFFFFF));  // second header's timecnt
  EXPECT_FALSE(TimeZone::parse_tzif(huge).ok());
}

TEST(CelTimeZoneReader, PosixRules) {
  auto la = PosixTzRule::parse("PST8PDT,M3.2.0,M11.1.0");
  ASSERT_TRUE(la.ok());
  EXPECT_EQ(la->offset_at(4107542400), -28800);  // 2100-03-01: winter
  EXPECT_EQ(la->offset_at(4118083200), -25200);  // 2100-07-01: summer
  // Instants far outside CEL's range still get one of the two offsets.
  for (std::int64_t t : {INT64_MIN, INT64_MAX}) {
    const std::int32_t offset = la->offset_at(t);
    EXPECT_TRUE(offset == -28800 || offset == -25200) << offset;
  }
  // No dates: the US rules.
  auto implicit = PosixTzRule::parse("EST5EDT");
  ASSERT_TRUE(implicit.ok());
  EXPECT_EQ(implicit->offset_at(1719835200), -14400);  // 2024-07-01T12:00Z
  // Julian days, explicit DST offsets and times, negative times.
  auto julian = PosixTzRule::parse("<-02>2<-01>1,J60/0,300/-1:30");
  ASSERT_TRUE(julian.ok());
  EXPECT_EQ(julian->offset_at(1719835200), -3600);
  EXPECT_EQ(julian->offset_at(1704110400), -7200);  // 2024-01-01T12:00Z
  // Permanent daylight saving (the all-year DST idiom).
  auto always = PosixTzRule::parse("XXX3YYY,0/0,J365/25");
  ASSERT_TRUE(always.ok());
  EXPECT_EQ(always->offset_at(1704110400), -7200);
  EXPECT_EQ(always->offset_at(1719835200), -7200);
  for (const char* bad : {"", "AB1", "<AB>1", "ABC", "ABC+", "ABC25", "ABC1DEF,M13.1.0,M1.1.0",
                          "ABC1DEF,M3.6.0,M11.1.0", "ABC1DEF,M3.2.7,M11.1.0", "ABC1DEF,J0,J1",
                          "ABC1DEF,366,1", "ABC1DEF,M3.2.0", "ABC1DEF,M3.2.0,M11.1.0/168",
                          "ABC1DEF,M3.2.0,M11.1.0x", "ABC1:60", "<A B>1", "<ABC1"}) {
    EXPECT_FALSE(PosixTzRule::parse(bad).ok()) << bad;
  }
}

TEST(CelTimeZoneReader, UtcOffsets) {
  EXPECT_EQ(*detail::utc_offset("UTC", 0), 0);
  EXPECT_EQ(*detail::utc_offset("+05:30", 0), 19800);
  EXPECT_EQ(*detail::utc_offset("-08:00", 0), -28800);
  EXPECT_EQ(*detail::utc_offset("Asia/Kolkata", 0), 19800);
  const auto missing = detail::utc_offset("Mars/Olympus_Mons", 0);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  const auto malformed = detail::utc_offset("../x", 0);
  ASSERT_FALSE(malformed.ok());
  EXPECT_EQ(malformed.error().code, ErrorCode::kInvalidArgument);
}

TEST(CelTimeFormat, CivilCalendar) {
  EXPECT_EQ(detail::days_from_civil(1970, 1, 1), 0);
  EXPECT_EQ(detail::days_from_civil(2000, 3, 1), 11017);
  EXPECT_EQ(detail::days_from_civil(1, 1, 1), -719162);
  const detail::CivilTime c = detail::civil_from_seconds(-1);
  EXPECT_EQ(c.year, 1969);
  EXPECT_EQ(c.month, 12);
  EXPECT_EQ(c.day, 31);
  EXPECT_EQ(c.hour, 23);
  EXPECT_EQ(c.second, 59);
  EXPECT_EQ(c.day_of_year, 364);
  // Round trip over every day of a leap-year cycle around the epoch and at the range ends.
  for (std::int64_t base : {std::int64_t{-800}, std::int64_t{-719162}, std::int64_t{2932000}}) {
    for (std::int64_t day = base; day < base + 1461; ++day) {
      const detail::CivilTime t = detail::civil_from_seconds(day * 86400 + 43200);
      ASSERT_EQ(detail::days_from_civil(t.year, t.month, t.day), day);
      ASSERT_EQ(t.hour, 12);
    }
  }
}

}  // namespace
}  // namespace sluice::cel
