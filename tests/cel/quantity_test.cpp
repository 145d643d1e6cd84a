// Kubernetes quantities: the Quantity type (parsing, canonical form, order, exact arithmetic) and
// the CEL library on top of it. Expected values follow apimachinery's resource.Quantity.
#include "cel/quantity.h"

#include "cel/eval_util.h"
#include "cel/program.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace sluice::cel {
namespace {

using testing::eval;

std::string canonical(std::string_view text) {
  auto q = Quantity::parse(text);
  return q.ok() ? q->to_string() : "error: " + q.error().message;
}

Quantity q(std::string_view text) {
  auto parsed = Quantity::parse(text);
  EXPECT_TRUE(parsed.ok()) << text;
  return parsed.ok() ? *parsed : Quantity();
}

TEST(CelQuantityType, ParsesSuffixesAndPrintsCanonicalForm) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"0", "0"},
      {"0Ki", "0"},
      {"-0", "0"},
      {"000", "0"},
      {"1", "1"},
      {"1Ki", "1Ki"},
      {"8Ki", "8Ki"},
      {"7Mi", "7Mi"},
      {"6Gi", "6Gi"},
      {"5Ti", "5Ti"},
      {"4Pi", "4Pi"},
      {"3Ei", "3Ei"},
      {"1024Mi", "1Gi"},
      {"1536Mi", "1536Mi"},
      {"1.5Gi", "1536Mi"},
      {"2000Ki", "2000Ki"},
      {"5n", "5n"},
      {"4u", "4u"},
      {"3m", "3m"},
      {"8k", "8k"},
      {"50k", "50k"},
      {"7M", "7M"},
      {"6G", "6G"},
      {"40T", "40T"},
      {"2P", "2P"},
      {"1E", "1E"},
      {"12E", "12E"},
      {"1000M", "1G"},
      {"1000m", "1"},
      {"1.5", "1500m"},
      {"9.01", "9010m"},
      {"8.1k", "8100"},
      {"100.035k", "100035"},
      {"10.035M", "10035k"},
      {"7.123456M", "7123456"},
      {"6.987654321G", "6987654321"},
      {"5.444T", "5444G"},
      {"2.5P", "2500T"},
      {"1.01E", "1010P"},
      {"0.001", "1m"},
      {"0.0005k", "500m"},
      {".001", "1m"},
      {".0001k", "100m"},
      {"1.", "1"},
      {"1.G", "1G"},
      {"+1Ki", "1Ki"},
      {"-1.5Gi", "-1536Mi"},
      {"-9.01", "-9010m"},
  };
  for (const auto& [in, out] : cases) EXPECT_EQ(canonical(in), out) << in;
}

TEST(CelQuantityType, DecimalExponentsKeepTheirFormat) {
  EXPECT_EQ(canonical("1E-3"), "1e-3");
  EXPECT_EQ(canonical("1e3"), "1e3");
  EXPECT_EQ(canonical("1E6"), "1e6");
  EXPECT_EQ(canonical("1e14"), "100e12");
  EXPECT_EQ(canonical("12e4"), "120e3");
  EXPECT_EQ(canonical("1.2e3"), "1200");
  EXPECT_EQ(canonical("1.3E+6"), "1300e3");
  EXPECT_EQ(canonical("0.5e0"), "500e-3");
  EXPECT_EQ(canonical("0.5e-1"), "50e-3");
  EXPECT_EQ(canonical("1e0003"), "1e3");
  EXPECT_EQ(q("1e3").format(), QuantityFormat::kDecimalExponent);
  EXPECT_EQ(q("1k").format(), QuantityFormat::kDecimalSI);
  EXPECT_EQ(q("1Ki").format(), QuantityFormat::kBinarySI);
}

TEST(CelQuantityType, RoundsBelowNanoAwayFromZero) {
  EXPECT_EQ(canonical("3.001n"), "4n");
  EXPECT_EQ(canonical("1.1E-9"), "2e-9");
  EXPECT_EQ(canonical("0.0000000001"), "1n");
  EXPECT_EQ(canonical("0.0000000005"), "1n");
  EXPECT_EQ(canonical("0.5e-9"), "1e-9");
  EXPECT_EQ(canonical("0.9n"), "1n");
  EXPECT_EQ(canonical("-0.9n"), "-1n");
  EXPECT_EQ(canonical("0.00000012345"), "124n");
  EXPECT_EQ(canonical("0.00000012354"), "124n");
  EXPECT_EQ(canonical("-.484785E-7466"), "-1e-9");
  EXPECT_EQ(canonical("1e-2147483647"), "1e-9");
  EXPECT_EQ(canonical("0.0000000000e5"), "0");
  // More digits than 38 are fine when they only decide the rounding.
  EXPECT_EQ(canonical("1.00000000000000000000000000000000000000000000001"), "1000000001n");
}

TEST(CelQuantityType, BinaryFractionsAndTheInt64Cap) {
  EXPECT_EQ(canonical("100.035Ki"), "102435840m");
  EXPECT_EQ(canonical("0.5Mi"), "512Ki");
  EXPECT_EQ(canonical("0.05Gi"), "53687091200m");
  EXPECT_EQ(canonical("0.025Ti"), "27487790694400m");
  EXPECT_EQ(canonical("1.5Ki"), "1536");  // whole but not a multiple of 1024
  EXPECT_EQ(canonical("0.5Ki"), "512");   // below 1024: decimal SI
  EXPECT_EQ(canonical(".001Ki"), "1024m");
  EXPECT_EQ(canonical(".000001Ki"), "1024u");
  EXPECT_EQ(canonical(".000000001Ki"), "1024n");
  EXPECT_EQ(canonical(".000000000001Ki"), "2n");
  EXPECT_EQ(q(".000000000001Ki").format(), QuantityFormat::kDecimalSI);
  EXPECT_EQ(canonical("9Ei"), "9223372036854775807");
  EXPECT_EQ(canonical("-9Ei"), "-9223372036854775807");
  EXPECT_EQ(canonical("9223372036854775807Ki"), "9223372036854775807");
  EXPECT_EQ(canonical("99999999999999999999999999999999999999999999Ei"), "9223372036854775807");
  EXPECT_EQ(canonical("8191.9999999999999999999Pi"), "9223372036854775807");  // over by 1e-4
  EXPECT_EQ(canonical("8191.99999999999999Pi"), "9223372036854775796741000932n");
  EXPECT_EQ(canonical("7.99999999999Ei"), "9223372036843246592953931531n");
  EXPECT_EQ(canonical("1e30Ki").substr(0, 40), "error: quantities must match the regular");
}

TEST(CelQuantityType, HugeValuesUseExponents) {
  EXPECT_EQ(canonical("1000E"), "1e21");
  EXPECT_EQ(canonical("5000E"), "5e21");
  EXPECT_EQ(canonical("1e2147483647"), "10e2147483646");
  EXPECT_EQ(canonical("9999999999999999999999999999999999999G"),
            "9999999999999999999999999999999999999G");
  EXPECT_EQ(canonical("1" + std::string(41, '0')), "100e39");
  // Binary beyond Ei (only reachable by arithmetic) prints in decimal, as Kubernetes does.
  EXPECT_EQ(q("1Ei").mul(1024)->to_string(), "1180591620717411303424");
  EXPECT_EQ(q("1Ei").mul(1000)->to_string(), "1000Ei");
}

TEST(CelQuantityType, RejectsMalformedText) {
  const std::string format =
      "error: quantities must match the regular expression "
      "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
  const std::string suffix = "error: unable to parse quantity's suffix";
  for (const char* text : {"", "1.1.M", "1+1.0M", "aoeu", " 1", "1 ", "10Mo", "Mi", "-", "+",
                           "1e3e", "1,3G", "Three", "0.1am"}) {
    EXPECT_EQ(canonical(text), format) << text;
    EXPECT_FALSE(Quantity::is_valid(text)) << text;
  }
  for (const char* text : {"0.1mi", ".5i", "1i", "-3.01i", "-3.01e-", "10Mm", "200K", "1e", "1E+",
                           "1ee3", "1k3", "1-3", "1e4294967297", "1e2147483648", "1e-2147483648"}) {
    EXPECT_EQ(canonical(text), suffix) << text;
  }
  EXPECT_EQ(canonical("."), "error: unable to parse numeric part of quantity");
  EXPECT_EQ(canonical("-."), "error: unable to parse numeric part of quantity");
}

TEST(CelQuantityType, RejectsWhatNeedsMoreThan38Digits) {
  const std::string digits = "error: quantity needs more than 38 significant digits";
  EXPECT_EQ(canonical("123456789012345678901234567890123456789"), digits);
  EXPECT_EQ(canonical("12345678901234567890123456789012345678"),
            "12345678901234567890123456789012345678");
  EXPECT_EQ(canonical("1234567890123456789012345678901.1"), "1234567890123456789012345678901100m");
  EXPECT_EQ(canonical("12345678901234567890123456789012.0000000001"), digits);  // 42 at nano
  EXPECT_EQ(canonical("1.0000000000000000000000000000000000001Ki"), digits);    // * 1024: too wide
  EXPECT_EQ(canonical("1.00000000000000000000000001Ki"), "1024000000001n");
  EXPECT_EQ(canonical("10e2147483647"), "error: quantity exponent out of range");
  EXPECT_EQ(canonical("1" + std::string(100000, '0') + "e2147483647"),
            "error: quantity exponent out of range");
}

TEST(CelQuantityType, ComparesByValueAcrossFormats) {
  EXPECT_EQ(q("1Gi").compare(q("1024Mi")), 0);
  EXPECT_EQ(q("200M").compare(q("0.2G")), 0);
  EXPECT_EQ(q("1e3").compare(q("1k")), 0);
  EXPECT_EQ(q("50M").compare(q("50Mi")), -1);
  EXPECT_EQ(q("50Mi").compare(q("50M")), 1);
  EXPECT_EQ(q("10000T").compare(q("100Gi")), 1);
  EXPECT_EQ(q("100m").compare(q("50m")), 1);
  EXPECT_EQ(q("-1").compare(q("1n")), -1);
  EXPECT_EQ(q("-2").compare(q("-1")), -1);
  EXPECT_EQ(q("-1E").compare(q("-1n")), -1);
  EXPECT_EQ(q("0").compare(q("-0Ki")), 0);
  EXPECT_EQ(q("0").compare(q("1n")), -1);
  EXPECT_EQ(q("1e2147483647").compare(q("99999999999999999999999999999999999999E")), 1);
  EXPECT_EQ(q("-1e2147483647").compare(q("-9E")), -1);
  EXPECT_EQ(q("1e38").compare(q("99999999999999999999999999999999999999")), 1);
  EXPECT_EQ(q("1e37").compare(q("10000000000000000000000000000000000000")), 0);
  EXPECT_TRUE(q("1.5Gi") == q("1536Mi"));
}

TEST(CelQuantityType, ConvertsToIntegersAndDoubles) {
  EXPECT_EQ(q("50k").as_int64(), 50000);
  EXPECT_EQ(q("1000m").as_int64(), 1);  // by value (Kubernetes says no for this spelling)
  EXPECT_EQ(q("1.5Gi").as_int64(), 1610612736);
  EXPECT_EQ(q("9223372036854775807").as_int64(), INT64_MAX);
  EXPECT_EQ(q("-9223372036854775808").as_int64(), INT64_MIN);
  EXPECT_EQ(q("9223372036854775808").as_int64(), std::nullopt);
  EXPECT_EQ(q("1.5").as_int64(), std::nullopt);
  EXPECT_EQ(q("1e19").as_int64(), std::nullopt);
  EXPECT_EQ(q("0").as_int64(), 0);
  EXPECT_DOUBLE_EQ(q("50.703k").as_double(), 50703.0);
  EXPECT_DOUBLE_EQ(q("1.5").as_double(), 1.5);
  EXPECT_DOUBLE_EQ(q("1n").as_double(), 1e-9);
  EXPECT_DOUBLE_EQ(q("1Gi").as_double(), 1073741824.0);
  EXPECT_DOUBLE_EQ(q("1e30").as_double(), 1e30);
  EXPECT_EQ(q("1e400").as_double(), std::numeric_limits<double>::infinity());
  EXPECT_EQ(q("-1e400").as_double(), -std::numeric_limits<double>::infinity());
}

TEST(CelQuantityType, AddAndSubAreExactAndFollowKubernetesFormats) {
  EXPECT_EQ(q("50k").add(q("20"))->to_string(), "50020");
  EXPECT_EQ(q("1Gi").add(q("1Gi"))->to_string(), "2Gi");
  EXPECT_EQ(q("1Gi").sub(q("512Mi"))->to_string(), "512Mi");
  EXPECT_EQ(q("1").sub(q("1n"))->to_string(), "999999999n");
  EXPECT_EQ(q("100m").add(q("0"))->to_string(), "100m");
  EXPECT_EQ(q("0").add(q("1Gi"))->to_string(), "1Gi");  // zero takes the other's format
  EXPECT_EQ(q("0").sub(q("1Gi"))->to_string(), "-1Gi");
  EXPECT_EQ(q("1Gi").sub(q("1Gi"))->to_string(), "0");
  EXPECT_EQ(q("1e38").sub(q("99999999999999999999999999999999999999"))->to_string(), "1");
  EXPECT_EQ(q("1e30").add(q("1n")).error().message,
            "quantity needs more than 38 significant digits");
  EXPECT_EQ(q("1e2147483647").add(q("1e2147483647"))->to_string(), "20e2147483646");
}

TEST(CelQuantityType, MultipliesExactly) {
  EXPECT_EQ(q("50k").mul(2)->to_string(), "100k");
  EXPECT_EQ(q("1.5Gi").mul(2)->to_string(), "3Gi");
  EXPECT_EQ(q("1m").mul(-3)->to_string(), "-3m");
  EXPECT_EQ(q("7").mul(0)->to_string(), "0");
  EXPECT_EQ(q("1").mul(INT64_MIN)->to_string(), "-9223372036854775808");
  EXPECT_EQ(q("99999999999999999999999999999999999999").mul(1000)->to_string(),
            "99999999999999999999999999999999999999k");
  EXPECT_FALSE(q("99999999999999999999999999999999999999").mul(3).ok());
  EXPECT_FALSE(q("9e2147483647").mul(10).ok());
}

TEST(CelQuantityType, DividesWithDocumentedRounding) {
  EXPECT_EQ(q("10000").div(3)->to_string(), "3333333333333n");
  EXPECT_EQ(q("10k").div(2)->to_string(), "5k");
  EXPECT_EQ(q("1Gi").div(2)->to_string(), "512Mi");
  EXPECT_EQ(q("2").div(3)->to_string(), "666666667n");
  EXPECT_EQ(q("-2").div(3)->to_string(), "-666666667n");
  EXPECT_EQ(q("2").div(-3)->to_string(), "-666666667n");
  EXPECT_EQ(q("1n").div(2)->to_string(), "1n");  // half away from zero
  EXPECT_EQ(q("1n").div(3)->to_string(), "0");
  EXPECT_EQ(q("1").div(INT64_MIN)->to_string(), "0");
  // 38 digits, at a scale coarser than nano, when the quotient is that large.
  EXPECT_EQ(q("1e40").div(3)->to_string(), "3333333333333333333333333333333333333300");
  EXPECT_EQ(q("1").div(0).error().message, "division by zero");

  EXPECT_EQ(q("10000").div_int(3)->to_string(), "3333");
  EXPECT_EQ(q("-7").div_int(2)->to_string(), "-3");
  EXPECT_EQ(q("1.5").div_int(1)->to_string(), "1");
  EXPECT_EQ(q("999m").div_int(1)->to_string(), "0");
  EXPECT_EQ(q("1e40").div_int(7000000000000000000)->to_string(), "1428571428571428571428");
  EXPECT_EQ(q("1e40").div_int(2)->to_string(), "5e39");
  EXPECT_FALSE(q("1e40").div_int(3).ok());  // 40 significant digits
  EXPECT_EQ(q("1").div_int(0).error().message, "division by zero");

  EXPECT_DOUBLE_EQ(*q("80Gi").ratio(q("40Gi")), 2.0);
  EXPECT_DOUBLE_EQ(*q("1").ratio(q("4")), 0.25);
  EXPECT_DOUBLE_EQ(*q("1G").ratio(q("1Gi")), 1e9 / 1073741824.0);
  EXPECT_EQ(q("1").ratio(q("0")).error().message, "division by zero");

  EXPECT_EQ(*q("80Gi").div_int(q("30Gi")), 2);
  EXPECT_EQ(*q("-80Gi").div_int(q("30Gi")), -2);
  EXPECT_EQ(*q("1").div_int(q("1e30")), 0);
  EXPECT_EQ(*q("1e30").div_int(q("1e29")), 10);
  EXPECT_EQ(*q("1").div_int(q("1e2147483647")), 0);
  EXPECT_FALSE(q("1e30").div_int(q("1")).ok());
  EXPECT_FALSE(q("1e2147483647").div_int(q("1")).ok());
  EXPECT_EQ(q("1").div_int(q("0")).error().message, "division by zero");
}

TEST(CelQuantityType, FromIntUsesTheGivenFormat) {
  EXPECT_EQ(Quantity::from_int(1024, QuantityFormat::kBinarySI).to_string(), "1Ki");
  EXPECT_EQ(Quantity::from_int(1000000, QuantityFormat::kDecimalExponent).to_string(), "1e6");
  EXPECT_EQ(Quantity::from_int(1234000).to_string(), "1234k");
  EXPECT_EQ(Quantity::from_int(INT64_MIN).to_string(), "-9223372036854775808");
  EXPECT_EQ(Quantity().to_string(), "0");
}

TEST(CelQuantity, ParsesAndValidatesStrings) {
  EXPECT_EQ(eval("quantity('1024Mi')"), "quantity(\"1Gi\")");
  EXPECT_EQ(eval("quantity('1.5')"), "quantity(\"1500m\")");
  EXPECT_EQ(eval("type(quantity('1'))"), "kubernetes.Quantity");
  EXPECT_EQ(eval("quantity('10Mo')"),
            "error: quantities must match the regular expression "
            "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  EXPECT_EQ(eval("quantity('10Mm')"), "error: unable to parse quantity's suffix");
  EXPECT_EQ(eval("isQuantity('20Mi') && isQuantity('1.3G') && isQuantity('10000k')"), "true");
  EXPECT_EQ(eval("isQuantity('20Mo') || isQuantity('10Mm') || isQuantity('200K')"), "false");
  EXPECT_EQ(eval("isQuantity('Mi') || isQuantity('1,3G') || isQuantity('')"), "false");
  EXPECT_EQ(eval("quantity(1)"), "error: no such overload: quantity(int)");
  EXPECT_EQ(eval("isQuantity([1])"), "error: no such overload: isQuantity(list)");
}

TEST(CelQuantity, EqualityIsNumeric) {
  EXPECT_EQ(eval("quantity('1Gi') == quantity('1024Mi')"), "true");
  EXPECT_EQ(eval("quantity('200M') == quantity('0.2G') && quantity('0.2G') == quantity('200M')"),
            "true");
  EXPECT_EQ(eval("quantity('2M') == quantity('0.002G') && quantity('2000k') == quantity('2M')"),
            "true");
  EXPECT_EQ(eval("quantity('200M') == quantity('0.3G')"), "false");
  EXPECT_EQ(eval("quantity('200M') != quantity('0.3G')"), "true");
  EXPECT_EQ(eval("quantity('1') == 1"), "false");
  EXPECT_EQ(eval("quantity('1k') in [quantity('1000')]"), "true");
}

TEST(CelQuantity, Comparisons) {
  EXPECT_EQ(eval("quantity('50M').isLessThan(quantity('50Mi'))"), "true");
  EXPECT_EQ(eval("quantity('100M').isLessThan(quantity('50M'))"), "false");
  EXPECT_EQ(eval("quantity('50Mi').isGreaterThan(quantity('50M'))"), "true");
  EXPECT_EQ(eval("quantity('50M').isGreaterThan(quantity('100M'))"), "false");
  EXPECT_EQ(eval("quantity('200M').compareTo(quantity('0.2G'))"), "0");
  EXPECT_EQ(eval("quantity('50M').compareTo(quantity('50Mi'))"), "-1");
  EXPECT_EQ(eval("quantity('50Mi').compareTo(quantity('50M'))"), "1");
  EXPECT_EQ(eval("quantity('1').compareTo(1)"),
            "error: no such overload: compareTo(kubernetes.Quantity, int)");
  EXPECT_EQ(eval("quantity('1').isLessThan('2')"),
            "error: no such overload: isLessThan(kubernetes.Quantity, string)");
  EXPECT_EQ(eval("quantity('1') < quantity('2')"),
            "error: no such overload: _<_(kubernetes.Quantity, kubernetes.Quantity)");
}

TEST(CelQuantity, ConversionsAndSign) {
  EXPECT_EQ(eval("quantity('50k').asInteger()"), "50000");
  EXPECT_EQ(eval("quantity('9999999999999999999999999999999999999G').asInteger()"),
            "error: cannot convert value to integer");
  EXPECT_EQ(eval("quantity('9999999999999999999999999999999999999G').isInteger()"), "false");
  EXPECT_EQ(eval("quantity('50').isInteger()"), "true");
  EXPECT_EQ(eval("quantity('1.5').isInteger()"), "false");
  EXPECT_EQ(eval("quantity('50.703k').asApproximateFloat()"), "50703.0");
  EXPECT_EQ(eval("quantity('1e400').asApproximateFloat() > 1e308"), "true");
  EXPECT_EQ(eval("quantity('-3').sign()"), "-1");
  EXPECT_EQ(eval("quantity('0Gi').sign()"), "0");
  EXPECT_EQ(eval("sign(quantity('1n'))"), "1");
  EXPECT_EQ(eval("sign(1)"), "error: no such overload: sign(int)");
  EXPECT_EQ(eval("quantity('1').asInteger(1)"),
            "error: no such overload: asInteger(kubernetes.Quantity, int)");
}

TEST(CelQuantity, Arithmetic) {
  EXPECT_EQ(eval("quantity('50k').add(quantity('20')) == quantity('50.02k')"), "true");
  EXPECT_EQ(eval("quantity('50k').add(20).isLessThan(quantity('50020'))"), "false");
  EXPECT_EQ(eval("quantity('50k').sub(quantity('20')) == quantity('49.98k')"), "true");
  EXPECT_EQ(eval("quantity('50k').sub(20) == quantity('49980')"), "true");
  EXPECT_EQ(eval("quantity('50k').add(20).sub(quantity('100k')).asInteger()"), "-49980");
  EXPECT_EQ(eval("quantity('50k').add(20).sub(quantity('100k')).sub(-50000).asInteger()"), "20");
  EXPECT_EQ(eval("quantity('0').add(5000)"), "quantity(\"5e3\")");  // an int is decimal-exponent
  EXPECT_EQ(eval("quantity('1Gi').add(quantity('1Gi'))"), "quantity(\"2Gi\")");
  EXPECT_EQ(eval("quantity('1').sub(-9223372036854775808)"), "quantity(\"9223372036854775809\")");
  EXPECT_EQ(eval("quantity('1e30').add(quantity('1n'))"),
            "error: quantity needs more than 38 significant digits");
  EXPECT_EQ(eval("quantity('1').add('1')"),
            "error: no such overload: add(kubernetes.Quantity, string)");
  EXPECT_EQ(eval("quantity('1').sub(1.0)"),
            "error: no such overload: sub(kubernetes.Quantity, double)");

  EXPECT_EQ(eval("quantity('50k').mul(2) == quantity('100000')"), "true");
  EXPECT_EQ(eval("quantity('1.5Gi').mul(2)"), "quantity(\"3Gi\")");
  EXPECT_EQ(eval("quantity('99999999999999999999999999999999999999').mul(3)"),
            "error: quantity needs more than 38 significant digits");
  EXPECT_EQ(eval("quantity('1').mul(quantity('2'))"),
            "error: no such overload: mul(kubernetes.Quantity, kubernetes.Quantity)");

  const std::string approx = eval("quantity('10000').div(3).asApproximateFloat()");
  EXPECT_NEAR(std::stod(approx), 3333.3333, 0.0001) << approx;
  EXPECT_EQ(eval("quantity('10k').div(2) == quantity('5000')"), "true");
  EXPECT_EQ(eval("quantity('1').div(0)"), "error: division by zero");
  EXPECT_EQ(eval("quantity('80Gi').div(quantity('40Gi'))"), "2.0");
  EXPECT_EQ(eval("quantity('1').div(quantity('0'))"), "error: division by zero");
  EXPECT_EQ(eval("quantity('1').div('2')"),
            "error: no such overload: div(kubernetes.Quantity, string)");

  EXPECT_EQ(eval("quantity('10000').divInt(3) == quantity('3333')"), "true");
  EXPECT_EQ(eval("quantity('-7').divInt(2)"), "quantity(\"-3\")");
  EXPECT_EQ(eval("quantity('1').divInt(0)"), "error: division by zero");
  EXPECT_EQ(eval("quantity('80Gi').divInt(quantity('30Gi'))"), "2");
  EXPECT_EQ(eval("quantity('1e30').divInt(quantity('1'))"),
            "error: quantity quotient out of int64 range");
  EXPECT_EQ(eval("quantity('1').divInt(quantity('0'))"), "error: division by zero");
  EXPECT_EQ(eval("'a'.divInt(1)"), "error: no such overload: divInt(string, int)");
}

TEST(CelQuantity, ValuesFromTheHostCompareInSelectors) {
  MapActivation vars;
  vars.set("memory", quantity_value(q("80Gi")));
  vars.set("small", quantity_value(q("16Gi")));
  vars.set("plain", Value::integer(1));
  EXPECT_EQ(eval("memory.compareTo(quantity('40Gi')) >= 0", vars), "true");
  EXPECT_EQ(eval("small.compareTo(quantity('40Gi')) >= 0", vars), "false");
  EXPECT_EQ(eval("memory.divInt(quantity('10Gi'))", vars), "8");
  EXPECT_EQ(eval("memory", vars), "quantity(\"80Gi\")");
  ASSERT_NE(quantity_of(quantity_value(q("1k"))), nullptr);
  EXPECT_EQ(quantity_of(quantity_value(q("1k")))->to_string(), "1k");
  EXPECT_EQ(quantity_of(Value::integer(1)), nullptr);
  EXPECT_EQ(quantity_of(Value::string("1k")), nullptr);
}

TEST(CelQuantity, RepeatedParsesReturnTheRightValue) {
  // Many distinct texts share the per-thread parse cache's slots: every lookup must still be
  // exact, on the first evaluation and on the repeat.
  for (int round = 0; round < 2; ++round) {
    for (int i = 1; i <= 300; ++i) {
      const std::string text = std::to_string(i) + "Ki";
      EXPECT_EQ(eval("quantity('" + text + "').asInteger()"), std::to_string(i * 1024)) << text;
    }
  }
  const std::string long_text = "1" + std::string(40, '0') + "e-20";  // too long to cache
  EXPECT_EQ(eval("quantity('" + long_text + "')"), "quantity(\"100e18\")");
  EXPECT_EQ(eval("quantity('" + long_text + "')"), "quantity(\"100e18\")");
}

}  // namespace
}  // namespace sluice::cel
