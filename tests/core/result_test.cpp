#include "core/result.h"

#include <gtest/gtest.h>

#include <memory>

namespace sluice {
namespace {

Result<int> parse_positive(int v) {
  if (v <= 0) {
    return make_error(ErrorCode::kInvalidArgument, "must be positive", "v");
  }
  return v;
}

TEST(Result, HoldsValueOrError) {
  auto good = parse_positive(3);
  ASSERT_TRUE(good.ok());
  EXPECT_EQ(*good, 3);
  auto bad = parse_positive(-1);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().field, "v");
}

TEST(Result, MovesOnlyValues) {
  Result<std::unique_ptr<int>> r(std::make_unique<int>(7));
  std::unique_ptr<int> taken = std::move(r).value();
  EXPECT_EQ(*taken, 7);
}

TEST(Status, DefaultIsOk) {
  Status s;
  EXPECT_TRUE(s.ok());
  Status e = make_error(ErrorCode::kNotFound, "x");
  EXPECT_FALSE(e.ok());
  EXPECT_EQ(http_status(e.error().code), 404);
}

TEST(ErrorCode, MapsToOpenAiStatuses) {
  EXPECT_EQ(http_status(ErrorCode::kInvalidArgument), 400);
  EXPECT_EQ(http_status(ErrorCode::kTooLarge), 413);
  EXPECT_EQ(http_status(ErrorCode::kRateLimited), 429);
  EXPECT_EQ(http_status(ErrorCode::kUnavailable), 503);
  EXPECT_EQ(error_code_name(ErrorCode::kTooLarge), "too_large");
}

}  // namespace
}  // namespace sluice
