// Kubernetes' semver library: parsing as blang/semver does, normalization, the component
// getters, semver 2.0 precedence and the hand-off of non-Semver comparisons to the library
// registered before it.
#include "cel/eval_util.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sluice::cel {
namespace {

using testing::eval;

TEST(CelSemver, ParsesValidVersions) {
  EXPECT_EQ(eval("semver('1.2.3')"), R"(semver("1.2.3"))");
  EXPECT_EQ(eval("semver('0.1.0-alpha.1')"), R"(semver("0.1.0-alpha.1"))");
  EXPECT_EQ(eval("semver('1.0.0-x-y.7+build.0-9.001')"), R"(semver("1.0.0-x-y.7+build.0-9.001"))");
  EXPECT_EQ(eval("semver('1.0.0--')"), R"(semver("1.0.0--"))") << "'-' is an identifier";
  EXPECT_EQ(eval("semver('18446744073709551615.0.0')"), R"(semver("18446744073709551615.0.0"))");
  EXPECT_EQ(eval("type(semver('1.2.3')) == type(semver('4.5.6'))"), "true");
  EXPECT_EQ(eval("type(semver('1.2.3'))"), "kubernetes.Semver");
}

TEST(CelSemver, RejectsInvalidVersions) {
  EXPECT_EQ(eval("semver('200K')"),
            R"(error: invalid semver "200K": version is not major.minor.patch)");
  EXPECT_EQ(eval("semver('')"), R"(error: invalid semver "": version is empty)");
  EXPECT_EQ(eval("semver('1.2')"),
            R"(error: invalid semver "1.2": version is not major.minor.patch)");
  EXPECT_EQ(eval("semver('v1.2.3')"),
            R"(error: invalid semver "v1.2.3": major version has invalid characters)");
  EXPECT_EQ(eval("semver('01.2.3')"),
            R"(error: invalid semver "01.2.3": major version has a leading zero)");
  EXPECT_EQ(eval("semver('1..3')"), R"(error: invalid semver "1..3": minor version is empty)");
  EXPECT_EQ(eval("semver('1.02.3')"),
            R"(error: invalid semver "1.02.3": minor version has a leading zero)");
  EXPECT_EQ(eval("semver('1.2.03')"),
            R"(error: invalid semver "1.2.03": patch version has a leading zero)");
  EXPECT_EQ(eval("semver('1.2.3.4')"),
            R"(error: invalid semver "1.2.3.4": patch version has invalid characters)");
  EXPECT_EQ(eval("semver('1.2.-1')"), R"(error: invalid semver "1.2.-1": patch version is empty)");
  EXPECT_EQ(eval("semver('18446744073709551616.0.0')"),
            R"(error: invalid semver "18446744073709551616.0.0": major version is out of range)");
  EXPECT_EQ(eval("semver('1.2.3-')"),
            R"(error: invalid semver "1.2.3-": pre-release identifier is empty)");
  EXPECT_EQ(eval("semver('1.2.3-a..b')"),
            R"(error: invalid semver "1.2.3-a..b": pre-release identifier is empty)");
  EXPECT_EQ(eval("semver('1.2.3-01')"),
            R"(error: invalid semver "1.2.3-01": pre-release identifier has a leading zero)");
  EXPECT_EQ(eval("semver('1.2.3-a_b')"),
            R"(error: invalid semver "1.2.3-a_b": pre-release identifier has invalid characters)");
  EXPECT_EQ(
      eval("semver('1.2.3-99999999999999999999')"),
      R"(error: invalid semver "1.2.3-99999999999999999999": pre-release identifier is out of range)");
  EXPECT_EQ(eval("semver('1.2.3+')"),
            R"(error: invalid semver "1.2.3+": build metadata identifier is empty)");
  EXPECT_EQ(
      eval("semver('1.2.3+a+b')"),
      R"(error: invalid semver "1.2.3+a+b": build metadata identifier has invalid characters)");
  EXPECT_EQ(eval("semver(' 1.2.3')"),
            R"(error: invalid semver " 1.2.3": major version has invalid characters)");
}

TEST(CelSemver, ErrorMessagesQuoteBoundedPrintableText) {
  MapActivation vars;
  vars.set("long", Value::string(std::string(100000, '9') + ".0.0"));
  vars.set("binary", Value::string(std::string("1.\xff\"\n.0", 7)));
  EXPECT_EQ(eval("semver(long)", vars), "error: invalid semver \"" + std::string(64, '9') +
                                            "\"...: major version is out of range");
  EXPECT_EQ(eval("semver(binary)", vars),
            R"(error: invalid semver "1.\xff\x22\x0a.0": minor version has invalid characters)");
  EXPECT_EQ(eval("isSemver(long)", vars), "false");
  EXPECT_EQ(eval("isSemver(binary, true)", vars), "false");
}

TEST(CelSemver, Normalizes) {
  EXPECT_EQ(eval("semver('v1.0.0', true)"), R"(semver("1.0.0"))");
  EXPECT_EQ(eval("semver('1.0', true)"), R"(semver("1.0.0"))");
  EXPECT_EQ(eval("semver('1', true)"), R"(semver("1.0.0"))");
  EXPECT_EQ(eval("semver('01.01.01', true)"), R"(semver("1.1.1"))");
  EXPECT_EQ(eval("semver('v00.000.0', true)"), R"(semver("0.0.0"))");
  EXPECT_EQ(eval("semver('v1.2.3-rc.1+b', true)"), R"(semver("1.2.3-rc.1+b"))");
  EXPECT_EQ(eval("semver('1.2.007-rc.01', true)"),
            R"(error: invalid semver "1.2.007-rc.01": pre-release identifier has a leading zero)")
      << "only the first three parts lose their zeros";
  EXPECT_EQ(eval("semver('1.2.-1', true)"), R"(semver("1.2.0-1"))")
      << "Kubernetes' normalization turns a non-digit start into 0";
  EXPECT_EQ(eval("semver('1.2.3', false)"), R"(semver("1.2.3"))");
  EXPECT_EQ(eval("semver('v1.0', false)"),
            R"(error: invalid semver "v1.0": version is not major.minor.patch)");
  EXPECT_EQ(
      eval("semver('1.0-alpha', true)"),
      R"(error: invalid semver "1.0-alpha": version is shortened but has pre-release or build metadata)");
  EXPECT_EQ(
      eval("semver('1+b', true)"),
      R"(error: invalid semver "1+b": version is shortened but has pre-release or build metadata)");
  EXPECT_EQ(eval("semver('', true)"), R"(error: invalid semver "": major version is empty)");
  EXPECT_EQ(eval("semver('vv1.0.0', true)"),
            R"(error: invalid semver "vv1.0.0": major version has invalid characters)");
}

TEST(CelSemver, IsSemver) {
  EXPECT_EQ(eval("isSemver('1.0.0')"), "true");
  EXPECT_EQ(eval("isSemver('1.0.0-rc.1+build')"), "true");
  EXPECT_EQ(eval("isSemver('hello')"), "false");
  EXPECT_EQ(eval("isSemver('v1.0')"), "false");
  EXPECT_EQ(eval("isSemver('v1.0', true)"), "true");
  EXPECT_EQ(eval("isSemver('01.01.01', true)"), "true");
  EXPECT_EQ(eval("isSemver('1.0-rc', true)"), "false");
  EXPECT_EQ(eval("isSemver('1.0', false)"), "false");
}

TEST(CelSemver, WrongArgumentsAreNoOverload) {
  EXPECT_EQ(eval("semver(1)"), "error: no such overload: semver(int)");
  EXPECT_EQ(eval("semver('1.0.0', 1)"), "error: no such overload: semver(string, int)");
  EXPECT_EQ(eval("semver('1.0.0', true, true)"),
            "error: no such overload: semver(string, bool, bool)");
  EXPECT_EQ(eval("isSemver()"), "error: no such overload: isSemver()");
  EXPECT_EQ(eval("isSemver(b'1.0.0')"), "error: no such overload: isSemver(bytes)");
  EXPECT_EQ(eval("(1).major()"), "error: no such overload: major(int)");
  EXPECT_EQ(eval("semver('1.0.0').minor(1)"),
            "error: no such overload: minor(kubernetes.Semver, int)");
  EXPECT_EQ(eval("'1.0.0'.patch()"), "error: no such overload: patch(string)");
}

TEST(CelSemver, Components) {
  EXPECT_EQ(eval("semver('1.2.3').major()"), "1");
  EXPECT_EQ(eval("semver('1.2.3').minor()"), "2");
  EXPECT_EQ(eval("semver('1.2.3-rc.4').patch()"), "3");
  EXPECT_EQ(eval("semver('9223372036854775807.0.0').major()"), "9223372036854775807");
  EXPECT_EQ(eval("semver('9223372036854775808.0.0').major()"),
            "error: major(): version number out of int range");
  EXPECT_EQ(eval("semver('0.18446744073709551615.0').minor()"),
            "error: minor(): version number out of int range");
  EXPECT_EQ(eval("semver('0.0.18446744073709551615').patch()"),
            "error: patch(): version number out of int range");
}

TEST(CelSemver, PrecedenceFollowsSemver2) {
  // semver.org's example chain, each lower than the next.
  const char* chain[] = {"1.0.0-alpha",  "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta",
                         "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1",       "1.0.0",
                         "1.0.1",        "1.1.0",         "2.0.0-0",          "2.0.0"};
  for (std::size_t i = 0; i + 1 < std::size(chain); ++i) {
    const std::string lo = std::string("semver('") + chain[i] + "')";
    const std::string hi = std::string("semver('") + chain[i + 1] + "')";
    EXPECT_EQ(eval(lo + ".isLessThan(" + hi + ")"), "true") << chain[i];
    EXPECT_EQ(eval(hi + ".isLessThan(" + lo + ")"), "false") << chain[i];
    EXPECT_EQ(eval(hi + ".isGreaterThan(" + lo + ")"), "true") << chain[i];
    EXPECT_EQ(eval(lo + ".isGreaterThan(" + hi + ")"), "false") << chain[i];
    EXPECT_EQ(eval(lo + ".compareTo(" + hi + ")"), "-1") << chain[i];
    EXPECT_EQ(eval(hi + ".compareTo(" + lo + ")"), "1") << chain[i];
  }
  EXPECT_EQ(eval("semver('1.0.0-9').isLessThan(semver('1.0.0-10'))"), "true")
      << "numeric identifiers compare as numbers";
  EXPECT_EQ(eval("semver('1.0.0-10').isLessThan(semver('1.0.0-9a'))"), "true")
      << "numeric identifiers rank below alphanumeric ones";
  EXPECT_EQ(eval("semver('1.0.0-B').isLessThan(semver('1.0.0-a'))"), "true") << "ASCII order";
  EXPECT_EQ(eval("semver('10.0.0').isGreaterThan(semver('9.99.99'))"), "true");
  EXPECT_EQ(eval("semver('1.2.3').compareTo(semver('1.2.3'))"), "0");
  EXPECT_EQ(eval("semver('1.2.3').isLessThan(semver('1.2.3'))"), "false");
  EXPECT_EQ(eval("semver('1.2.3').isGreaterThan(semver('1.2.3'))"), "false");
}

TEST(CelSemver, EqualityIgnoresBuildMetadata) {
  EXPECT_EQ(eval("semver('1.0.0+a').compareTo(semver('1.0.0+b'))"), "0");
  EXPECT_EQ(eval("semver('1.0.0+a') == semver('1.0.0+b')"), "true");
  EXPECT_EQ(eval("semver('1.0.0') == semver('1.0.0', true)"), "true");
  EXPECT_EQ(eval("semver('v1', true) == semver('1.0.0')"), "true");
  EXPECT_EQ(eval("semver('1.0.0') == semver('1.0.0-0')"), "false");
  EXPECT_EQ(eval("semver('1.0.0') != semver('1.0.1')"), "true");
  EXPECT_EQ(eval("semver('1.0.0') == '1.0.0'"), "false");
  EXPECT_EQ(eval("semver('1.0.0') in [semver('0.9.0'), semver('1.0.0+x')]"), "true");
}

// Not a comparison of two Semvers: handed to what was registered before (Quantity's methods),

TEST(CelSemver, MixedComparisonsAreNoOverload) {
  const std::string r = eval("semver('1.0.0').isLessThan(1)");
  EXPECT_EQ(r.rfind("error: no such overload", 0), 0U) << r;
  const std::string c = eval("semver('1.0.0').compareTo('1.0.0')");
  EXPECT_EQ(c.rfind("error: no such overload", 0), 0U) << c;
}

}  // namespace
}  // namespace sluice::cel
