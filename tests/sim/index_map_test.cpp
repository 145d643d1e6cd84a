#include "sim/index_map.h"

#include "core/hash.h"

#include <gtest/gtest.h>

#include <unordered_map>

namespace sluice::sim {
namespace {

TEST(IndexMapTest, InsertFindErase) {
  IndexMap m;
  EXPECT_EQ(m.find(42), -1);
  EXPECT_TRUE(m.insert(42, 7));
  EXPECT_FALSE(m.insert(42, 8));  // present: unchanged
  EXPECT_EQ(m.find(42), 7);
  EXPECT_EQ(m.size(), 1u);
  EXPECT_TRUE(m.erase(42));
  EXPECT_FALSE(m.erase(42));
  EXPECT_EQ(m.find(42), -1);
  EXPECT_TRUE(m.empty());
}

TEST(IndexMapTest, ZeroAndMaxKeysAreOrdinaryKeys) {
  IndexMap m;
  EXPECT_TRUE(m.insert(0, 1));
  EXPECT_TRUE(m.insert(~std::uint64_t{0}, 2));
  EXPECT_EQ(m.find(0), 1);
  EXPECT_EQ(m.find(~std::uint64_t{0}), 2);
}

// Random inserts and erases (which exercise growth and backward-shift deletion) must agree with
// std::unordered_map at every step.
TEST(IndexMapTest, MatchesReferenceUnderChurn) {
  IndexMap m(4);
  std::unordered_map<std::uint64_t, std::int32_t> ref;
  std::uint64_t rng = 12345;
  for (int i = 0; i < 200000; ++i) {
    const std::uint64_t r = splitmix64(rng);
    const std::uint64_t key = r % 3000;  // small key space: many collisions and re-inserts
    if ((r >> 32) % 3 == 0) {
      EXPECT_EQ(m.erase(key), ref.erase(key) == 1);
    } else {
      const auto value = static_cast<std::int32_t>(i);
      EXPECT_EQ(m.insert(key, value), ref.emplace(key, value).second);
    }
    if (i % 997 == 0) {
      for (std::uint64_t k = 0; k < 3000; ++k) {
        const auto it = ref.find(k);
        ASSERT_EQ(m.find(k), it == ref.end() ? -1 : it->second) << "key " << k << " step " << i;
      }
    }
  }
  EXPECT_EQ(m.size(), ref.size());
}

}  // namespace
}  // namespace sluice::sim
