#include "config/duration.h"

#include <gtest/gtest.h>

namespace sluice::config {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(ParseDuration, Units) {
  EXPECT_EQ(*parse_duration("50ms"), milliseconds(50));
  EXPECT_EQ(*parse_duration("2s"), seconds(2));
  EXPECT_EQ(*parse_duration("1m30s"), seconds(90));
  EXPECT_EQ(*parse_duration("1.5h"), seconds(5400));
  EXPECT_EQ(*parse_duration("250us"), std::chrono::microseconds(250));
  EXPECT_EQ(*parse_duration("7ns"), std::chrono::nanoseconds(7));
  EXPECT_EQ(*parse_duration("0"), Duration::zero());
  EXPECT_EQ(*parse_duration("0.5s"), milliseconds(500));
}

TEST(ParseDuration, Rejects) {
  for (const char* bad : {"", "5", "s", "5 s", "-1s", "1.2.3s", "5d", "1e3s", "ms"}) {
    Result<Duration> r = parse_duration(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    }
  }
  EXPECT_FALSE(parse_duration("999999999h").ok());
}

}  // namespace
}  // namespace sluice::config
