#include "core/strings.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sluice {
namespace {

TEST(SplitList, TrimsDropsEmptyItemsAndStopsAtTheBound) {
  EXPECT_EQ(split_list(" a, b ,,c ", 10), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(split_list("a,b,c,d", 2), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(split_list("", 10).empty());
  EXPECT_TRUE(split_list(" , ,", 10).empty());
}

TEST(AsciiLower, LowersOnlyAsciiLetters) { EXPECT_EQ(ascii_lower("X-Gateway-Ä1"), "x-gateway-Ä1"); }

}  // namespace
}  // namespace sluice
