#include "bench/stage_plan.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace sluice::bench {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

const std::filesystem::path kExamples =
    std::filesystem::path(__FILE__).parent_path() / "../../examples/bench";

StageSpec no_defaults() { return StageSpec{}; }

StagePlan must_parse(std::string_view yaml, const StageSpec& defaults = no_defaults()) {
  auto plan = parse_stage_plan_yaml(yaml, defaults);
  EXPECT_TRUE(plan.ok()) << yaml << "\n-> " << (plan.ok() ? "" : plan.error().message);
  return plan.ok() ? std::move(plan).value() : StagePlan{};
}

Error must_fail(std::string_view yaml, const StageSpec& defaults = no_defaults()) {
  auto plan = parse_stage_plan_yaml(yaml, defaults, "plan.yaml");
  EXPECT_FALSE(plan.ok()) << yaml;
  if (plan.ok()) return Error{};
  EXPECT_EQ(plan.error().code, ErrorCode::kInvalidArgument) << plan.error().message;
  return std::move(plan).error();
}

TEST(StagePlan, ParsesTheDocumentedExample) {
  const StagePlan plan = must_parse(R"(
interval: 2s
warmup: {rate: 10, duration: 5s}
stages:
  - {rate: 10, duration: 30s}
  - {rate: 50, duration: 30s, arrival: poisson}
  - {rate: 20, num_requests: 600, arrival: gamma, burstiness: 0.5}
  - {concurrency: 16, num_requests: 500, name: closed-16}
)");
  EXPECT_EQ(plan.interval, seconds(2));
  ASSERT_EQ(plan.stages.size(), 5U);

  const StageSpec& w = plan.stages[0];
  EXPECT_EQ(w.name, "warmup");
  EXPECT_TRUE(w.warmup);
  EXPECT_EQ(w.rate, 10.0);
  EXPECT_EQ(w.duration, seconds(5));

  const StageSpec& a = plan.stages[1];
  EXPECT_EQ(a.name, "rate-10");
  EXPECT_FALSE(a.warmup);
  EXPECT_EQ(a.rate, 10.0);
  EXPECT_EQ(a.concurrency, 0);
  EXPECT_EQ(a.arrival, ArrivalKind::kConstant);
  EXPECT_EQ(a.duration, seconds(30));
  EXPECT_EQ(a.num_requests, 0U);

  EXPECT_EQ(plan.stages[2].name, "rate-50");
  EXPECT_EQ(plan.stages[2].arrival, ArrivalKind::kPoisson);

  const StageSpec& g = plan.stages[3];
  EXPECT_EQ(g.arrival, ArrivalKind::kGamma);
  EXPECT_DOUBLE_EQ(g.burstiness, 0.5);
  EXPECT_EQ(g.num_requests, 600U);
  EXPECT_EQ(g.duration, Duration{});

  const StageSpec& c = plan.stages[4];
  EXPECT_EQ(c.name, "closed-16");
  EXPECT_FALSE(c.rate.has_value());
  EXPECT_EQ(c.concurrency, 16);
  EXPECT_EQ(c.num_requests, 500U);
}

TEST(StagePlan, BlockStyleAndOptionalTopLevelKeys) {
  const StagePlan plan = must_parse(
      "stages:\n"
      "  - name: only\n"
      "    rate: 2.5\n"
      "    duration: 1m30s\n"
      "    warmup: true\n");
  EXPECT_EQ(plan.interval, Duration{});
  ASSERT_EQ(plan.stages.size(), 1U);
  EXPECT_EQ(plan.stages[0].name, "only");
  EXPECT_EQ(plan.stages[0].rate, 2.5);
  EXPECT_EQ(plan.stages[0].duration, seconds(90));
  EXPECT_TRUE(plan.stages[0].warmup);
}

TEST(StagePlan, DefaultNamesAreUniqueAndNeverTakeAnExplicitName) {
  const StagePlan plan = must_parse(R"(
stages:
  - {rate: 10, duration: 1}
  - {rate: 10, duration: 1}
  - {rate: 0.25, duration: 1}
  - {concurrency: 4, duration: 1}
  - {rate: 7, duration: 1}
  - {rate: 1, duration: 1, name: rate-7}
)");
  std::vector<std::string> names;
  for (const auto& s : plan.stages) names.push_back(s.name);
  EXPECT_EQ(names, (std::vector<std::string>{"rate-10", "rate-10-2", "rate-0.25", "concurrency-4",
                                             "rate-7-2", "rate-7"}));
}

TEST(StagePlan, InheritsStopConditionAsAUnitAndArrivalFromDefaults) {
  StageSpec defaults;
  defaults.duration = seconds(60);
  defaults.num_requests = 1000;
  defaults.arrival = ArrivalKind::kGamma;
  defaults.burstiness = 0.25;
  defaults.rate = 99;  // never inherited
  defaults.concurrency = 8;
  const StagePlan plan = must_parse(R"(
stages:
  - {rate: 5}
  - {rate: 5, num_requests: 50}
  - {rate: 5, duration: 10s, arrival: poisson}
  - {rate: 5, duration: 10s, burstiness: 2}
  - {concurrency: 3}
)",
                                    defaults);
  ASSERT_EQ(plan.stages.size(), 5U);
  EXPECT_EQ(plan.stages[0].duration, seconds(60));
  EXPECT_EQ(plan.stages[0].num_requests, 1000U);
  EXPECT_EQ(plan.stages[0].arrival, ArrivalKind::kGamma);
  EXPECT_DOUBLE_EQ(plan.stages[0].burstiness, 0.25);
  EXPECT_EQ(plan.stages[0].concurrency, 0);
  // Setting one limit drops the other default: --duration must not cap a num_requests stage.
  EXPECT_EQ(plan.stages[1].num_requests, 50U);
  EXPECT_EQ(plan.stages[1].duration, Duration{});
  EXPECT_EQ(plan.stages[2].num_requests, 0U);
  EXPECT_EQ(plan.stages[2].arrival, ArrivalKind::kPoisson);
  EXPECT_EQ(plan.stages[3].arrival, ArrivalKind::kGamma);
  EXPECT_DOUBLE_EQ(plan.stages[3].burstiness, 2);
  EXPECT_EQ(plan.stages[4].concurrency, 3);
  EXPECT_FALSE(plan.stages[4].rate.has_value());
  EXPECT_EQ(plan.stages[4].duration, seconds(60));
}

TEST(ParseDuration, AcceptedForms) {
  const std::vector<std::pair<std::string, Duration>> cases = {
      {"30s", seconds(30)},
      {"500ms", milliseconds(500)},
      {"2m", seconds(120)},
      {"1h", seconds(3600)},
      {"250us", std::chrono::microseconds(250)},
      {"30", seconds(30)},
      {"0.5", milliseconds(500)},
      {"1.5s", milliseconds(1500)},
      {"1m30s", seconds(90)},
      {"1h0m5s", seconds(3605)},
      {"0", Duration{}},
      {" 2s ", seconds(2)},
      {"290ms", milliseconds(290)},
      {"0.29", milliseconds(290)},
  };
  for (const auto& [text, want] : cases) {
    auto d = parse_duration(text);
    ASSERT_TRUE(d.ok()) << text << ": " << d.error().message;
    EXPECT_EQ(*d, want) << text;
  }
}

TEST(ParseDuration, RejectedForms) {
  for (const char* text : {"", "s", "-1", "-2s", "1x", "10 s", "1m-5s", "inf", "nan", "1e300", "5e",
                           "+3s", "1d", "m5"}) {
    auto d = parse_duration(text);
    EXPECT_FALSE(d.ok()) << text;
    if (!d.ok()) {
      EXPECT_NE(d.error().message.find(text), std::string::npos) << d.error().message;
    }
  }
}

struct ErrorCase {
  const char* yaml;
  const char* field;     // Error::field
  const char* contains;  // also in the message
  int line;              // 1-based line in the message, 0 = no position expected
};

TEST(StagePlan, ErrorsNameTheFieldTheStageAndTheLine) {
  const std::vector<ErrorCase> cases = {
      {"stages:\n  - {rate: 10, duration: 1}\n  - {rate: -1, duration: 1}\n", "stages[1].rate",
       "must be > 0", 3},
      {"stages:\n  - {rate: 0, duration: 1}\n", "stages[0].rate", "must be > 0", 2},
      {"stages:\n  - {rate: 1e7, duration: 1}\n", "stages[0].rate", "at most", 2},
      {"stages:\n  - {rate: .inf, duration: 1}\n", "stages[0].rate", "finite", 2},
      {"stages:\n  - {rate: fast, duration: 1}\n", "stages[0].rate", "'fast'", 2},
      {"stages:\n  - {rate: [1], duration: 1}\n", "stages[0].rate", "got a list", 2},
      {"stages:\n  - {rate:, duration: 1}\n", "stages[0].rate", "got nothing", 0},
      {"stages:\n  - {rte: 10, duration: 1}\n", "stages[0].rte", "unknown key 'rte'", 2},
      {"stages:\n  - {rate: 1, rate: 2, duration: 1}\n", "stages[0].rate", "twice", 2},
      {"stages:\n  - {rate: 1, concurrency: 2, duration: 1}\n", "stages[0]", "not both", 2},
      {"stages:\n  - {duration: 1}\n", "stages[0]", "needs a load", 2},
      {"stages:\n  - {rate: 1}\n", "stages[0]", "needs duration or num_requests", 2},
      {"stages:\n  - {concurrency: 0, duration: 1}\n", "stages[0].concurrency", "[1, 100000]", 2},
      {"stages:\n  - {concurrency: 2.5, duration: 1}\n", "stages[0].concurrency", "integer", 2},
      {"stages:\n  - {concurrency: 1000000, duration: 1}\n", "stages[0].concurrency", "100000", 2},
      {"stages:\n  - {rate: 1, num_requests: -5}\n", "stages[0].num_requests", "'-5'", 2},
      {"stages:\n  - {rate: 1, num_requests: 99999999999999999999999}\n", "stages[0].num_requests",
       "at most", 2},
      {"stages:\n  - {rate: 1, duration: 0s}\n", "stages[0].duration", "must be > 0", 2},
      {"stages:\n  - {rate: 1, duration: 8d}\n", "stages[0].duration", "unknown unit 'd'", 2},
      {"stages:\n  - {rate: 1, duration: 200h}\n", "stages[0].duration", "at most", 2},
      {"stages:\n  - {rate: 1, duration: 1, arrival: uniform}\n", "stages[0].arrival", "uniform",
       2},
      {"stages:\n  - {concurrency: 1, duration: 1, arrival: poisson}\n", "stages[0].arrival",
       "rate stages only", 2},
      {"stages:\n  - {rate: 1, duration: 1, burstiness: 0.5}\n", "stages[0].burstiness",
       "gamma only", 2},
      {"stages:\n  - {rate: 1, duration: 1, arrival: gamma, burstiness: 0}\n",
       "stages[0].burstiness", "must be > 0", 2},
      {"stages:\n  - {rate: 1, duration: 1, warmup: yes}\n", "stages[0].warmup", "true or false",
       2},
      {"stages:\n  - {rate: 1, duration: 1, name: a}\n  - {rate: 2, duration: 1, name: a}\n",
       "stages[1].name", "duplicate stage name 'a'", 3},
      {"stages:\n  - {rate: 1, duration: 1, name: \"\"}\n", "stages[0].name", "1 to 128", 2},
      {"stages:\n  - 10\n", "stages[0]", "expected a mapping", 2},
      {"stages: []\n", "stages", "at least one stage", 1},
      {"stages: {rate: 1}\n", "stages", "expected a list", 1},
      {"interval: 1s\n", "stages", "missing", 1},
      {"interval: -1s\nstages:\n  - {rate: 1, duration: 1}\n", "interval", "negative", 1},
      {"interval: 2h\nstages:\n  - {rate: 1, duration: 1}\n", "interval", "at most", 1},
      {"intervall: 1s\nstages:\n  - {rate: 1, duration: 1}\n", "intervall", "unknown key", 1},
      {"warmup: {rate: -3, duration: 1}\nstages:\n  - {rate: 1, duration: 1}\n", "warmup.rate",
       "must be > 0", 1},
      {"warmup: 5s\nstages:\n  - {rate: 1, duration: 1}\n", "warmup", "expected a mapping", 1},
      {"- {rate: 1, duration: 1}\n", "", "expected a mapping with a 'stages' list", 1},
      {"", "", "empty stage plan", 0},
      {"stages:\n  - {rate: 1, duration: 1}\n---\nstages: []\n", "", "one YAML document", 0},
      {"stages:\n  - {rate: 1, duration: 1\n", "", "plan.yaml:", 0},  // YAML syntax error
      {"stages:\n\t- {rate: 1}\n", "", "invalid YAML", 2},
  };
  for (const ErrorCase& c : cases) {
    const Error e = must_fail(c.yaml);
    EXPECT_EQ(e.field, c.field) << c.yaml << "\n-> " << e.message;
    EXPECT_NE(e.message.find(c.contains), std::string::npos) << c.yaml << "\n-> " << e.message;
    EXPECT_EQ(e.message.rfind("plan.yaml", 0), 0U) << e.message;
    if (!std::string_view(c.field).empty()) {
      EXPECT_NE(e.message.find(std::string(c.field) + ": "), std::string::npos) << e.message;
    }
    if (c.line > 0) {
      const std::string where = "plan.yaml:" + std::to_string(c.line) + ":";
      EXPECT_EQ(e.message.rfind(where, 0), 0U) << c.yaml << "\n-> " << e.message;
    }
  }
}

TEST(StagePlan, SyntaxErrorReportsLine) {
  const Error e = must_fail("stages:\n  - {rate: 1, duration: 1}\n  - {rate: 2, duration: [}\n");
  EXPECT_NE(e.message.find("plan.yaml:3:"), std::string::npos) << e.message;
}

TEST(StagePlan, RejectsOversizedAndDeeplyNestedInput) {
  const std::string big(kMaxStagePlanBytes + 1, ' ');
  auto plan = parse_stage_plan_yaml(big, no_defaults());
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().code, ErrorCode::kTooLarge);

  // yaml-cpp recurses per nesting level; its depth guard must turn this into an error.
  const std::string deep = "stages: " + std::string(100000, '[');
  auto nested = parse_stage_plan_yaml(deep, no_defaults());
  EXPECT_FALSE(nested.ok());
}

TEST(StagePlan, TooManyStages) {
  std::string yaml = "stages:\n";
  for (std::size_t i = 0; i <= kMaxStages; ++i) yaml += "  - {rate: 1, duration: 1}\n";
  const Error e = must_fail(yaml);
  EXPECT_EQ(e.field, "stages");
  EXPECT_NE(e.message.find("at most 1000"), std::string::npos) << e.message;
}

TEST(StagePlan, ExampleFilesLoad) {
  StageSpec defaults;  // as if no --duration / --num-requests were given
  std::size_t files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(kExamples)) {
    if (entry.path().extension() != ".yaml") continue;
    ++files;
    auto plan = load_stage_plan(entry.path().string(), defaults);
    ASSERT_TRUE(plan.ok()) << entry.path() << ": " << plan.error().message;
    EXPECT_FALSE(plan->stages.empty());
    for (const StageSpec& s : plan->stages) {
      EXPECT_NE(s.rate.has_value(), s.concurrency > 0) << s.name;
      EXPECT_TRUE(s.duration.count() > 0 || s.num_requests > 0) << s.name;
    }
  }
  EXPECT_GE(files, 2U);

  auto ladder = load_stage_plan((kExamples / "rate_ladder.yaml").string(), defaults);
  ASSERT_TRUE(ladder.ok()) << ladder.error().message;
  ASSERT_EQ(ladder->stages.size(), 5U);
  EXPECT_TRUE(ladder->stages[0].warmup);
  EXPECT_EQ(ladder->interval, seconds(5));
  EXPECT_EQ(ladder->stages[4].rate, 80.0);
  EXPECT_EQ(ladder->stages[4].arrival, ArrivalKind::kPoisson);

  auto closed = load_stage_plan((kExamples / "closed_loop.yaml").string(), defaults);
  ASSERT_TRUE(closed.ok()) << closed.error().message;
  EXPECT_EQ(closed->stages.back().name, "closed-128");
  EXPECT_EQ(closed->stages.back().concurrency, 128);
  EXPECT_EQ(closed->stages.back().duration, seconds(120));

  auto bursty = load_stage_plan((kExamples / "bursty.yaml").string(), defaults);
  ASSERT_TRUE(bursty.ok()) << bursty.error().message;
  EXPECT_DOUBLE_EQ(bursty->stages.back().burstiness, 0.1);
}

TEST(StagePlan, LoadErrorsNameTheFile) {
  auto missing = load_stage_plan("/nonexistent/sluice/stages.yaml", no_defaults());
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound);
  EXPECT_NE(missing.error().message.find("/nonexistent/sluice/stages.yaml"), std::string::npos);

  auto dir = load_stage_plan(kExamples.string(), no_defaults());
  ASSERT_FALSE(dir.ok());
  EXPECT_EQ(dir.error().code, ErrorCode::kIo);

  const auto path = std::filesystem::temp_directory_path() /
                    ("sluice_stage_plan_test_" +
                     std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + ".yaml");
  {
    std::ofstream out(path);
    out << "# comment\nstages:\n  - {rate: 10, duration: 30s}\n  - {rate: 10, duraton: 30s}\n";
  }
  auto bad = load_stage_plan(path.string(), no_defaults());
  std::filesystem::remove(path);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().field, "stages[1].duraton");
  EXPECT_EQ(bad.error().message.rfind(path.string() + ":4:", 0), 0U) << bad.error().message;
}

}  // namespace
}  // namespace sluice::bench
