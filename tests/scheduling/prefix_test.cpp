#include "scheduling/prefix_hash.h"
#include "scheduling/prefix_index.h"
#include "scheduling_test_util.h"

#include <gtest/gtest.h>

namespace sluice::scheduling {
namespace {

using testing::endpoint;
using testing::pointers;

TEST(PromptBlockHashesTest, FullBlocksOnlyChainedAndModelSeeded) {
  const std::string text(64 * 3 + 10, 'a');
  const auto h = prompt_block_hashes("llama", text, 64, 256);
  ASSERT_EQ(h.size(), 3u);
  // Identical blocks still hash differently: each hash covers the whole prefix.
  EXPECT_NE(h[0], h[1]);
  EXPECT_NE(h[1], h[2]);
  EXPECT_NE(prompt_block_hashes("mistral", text, 64, 256)[0], h[0]);
  // A shared prefix gives a shared hash prefix; divergence changes every later hash.
  std::string other = text;
  other[64 + 5] = 'b';
  const auto h2 = prompt_block_hashes("llama", other, 64, 256);
  EXPECT_EQ(h2[0], h[0]);
  EXPECT_NE(h2[1], h[1]);
  EXPECT_NE(h2[2], h[2]);
}

TEST(PromptBlockHashesTest, MaxBlocksAndDegenerateInputs) {
  const std::string text(1 << 20, 'x');
  EXPECT_EQ(prompt_block_hashes("m", text, 64, 256).size(), 256u);
  EXPECT_TRUE(prompt_block_hashes("m", "short", 64, 256).empty());
  EXPECT_TRUE(prompt_block_hashes("m", text, 0, 256).empty());
  std::vector<std::uint64_t> out = {1, 2, 3};
  prompt_block_hashes("m", "short", 64, 256, out);
  EXPECT_TRUE(out.empty());  // reused buffers are cleared
}

TEST(PrefixIndexTest, LongestMatchIsContiguousFromStart) {
  PrefixIndex idx(100);
  const std::vector<std::uint64_t> a = {10, 11, 12, 13};
  idx.record(1, a);
  EXPECT_EQ(idx.longest_match(1, a), 4u);
  EXPECT_EQ(idx.longest_match(1, std::vector<std::uint64_t>{10, 11, 99, 13}), 2u);
  EXPECT_EQ(idx.longest_match(1, std::vector<std::uint64_t>{99, 10}), 0u);
  EXPECT_EQ(idx.longest_match(2, a), 0u);
  EXPECT_EQ(idx.blocks(1), 4u);
  idx.record(1, a);  // re-recording does not duplicate
  EXPECT_EQ(idx.blocks(1), 4u);
  EXPECT_EQ(idx.total_blocks(), 4u);
}

TEST(PrefixIndexTest, LongestMatchesAgreesWithPerEndpointLookup) {
  PrefixIndex idx(100);
  idx.record(1, std::vector<std::uint64_t>{1, 2, 3, 4});
  idx.record(2, std::vector<std::uint64_t>{1, 2});
  idx.record(3, std::vector<std::uint64_t>{7, 8});
  idx.record(4, std::vector<std::uint64_t>{2, 3, 4});  // not a prefix: must not count
  std::vector<EndpointView> eps = {endpoint(4), endpoint(3), endpoint(2), endpoint(1), endpoint(9)};
  const std::vector<std::uint64_t> q = {1, 2, 3, 4, 5};
  std::vector<std::uint32_t> out(eps.size());
  idx.longest_matches(q, pointers(eps), out);
  EXPECT_EQ(out, (std::vector<std::uint32_t>{0, 0, 2, 4, 0}));
  for (std::size_t i = 0; i < eps.size(); ++i) {
    EXPECT_EQ(out[i], idx.longest_match(eps[i].id, q));
  }
  // Second call with different hashes: stale scratch must not leak.
  const std::vector<std::uint64_t> q2 = {7, 8};
  idx.longest_matches(q2, pointers(eps), out);
  EXPECT_EQ(out, (std::vector<std::uint32_t>{0, 2, 0, 0, 0}));
}

TEST(PrefixIndexTest, LruEvictionKeepsCapacityAndPrefersPrefixHeads) {
  PrefixIndex idx(4);
  idx.record(1, std::vector<std::uint64_t>{1, 2, 3});
  idx.record(1, std::vector<std::uint64_t>{4, 5});  // evicts the LRU block: 3 (tail of 1st)
  EXPECT_EQ(idx.blocks(1), 4u);
  EXPECT_EQ(idx.longest_match(1, std::vector<std::uint64_t>{1, 2, 3}), 2u);
  EXPECT_EQ(idx.longest_match(1, std::vector<std::uint64_t>{4, 5}), 2u);
  // Touching 1,2 makes them recent; new blocks evict 4,5 first.
  idx.record(1, std::vector<std::uint64_t>{1, 2});
  idx.record(1, std::vector<std::uint64_t>{6, 7});
  EXPECT_EQ(idx.longest_match(1, std::vector<std::uint64_t>{1, 2}), 2u);
  EXPECT_EQ(idx.longest_match(1, std::vector<std::uint64_t>{4}), 0u);
  EXPECT_EQ(idx.longest_match(1, std::vector<std::uint64_t>{6, 7}), 2u);
  // A prompt longer than the capacity keeps its first blocks.
  std::vector<std::uint64_t> longp;
  for (std::uint64_t i = 100; i < 110; ++i) {
    longp.push_back(i);
  }
  idx.record(2, longp);
  EXPECT_EQ(idx.blocks(2), 4u);
  EXPECT_EQ(idx.longest_match(2, longp), 4u);
  EXPECT_EQ(idx.total_blocks(), 8u);
}

TEST(PrefixIndexTest, EndpointBoundAndRemoval) {
  PrefixIndex idx(10, 2);
  idx.record(1, std::vector<std::uint64_t>{1});
  idx.record(2, std::vector<std::uint64_t>{1});
  idx.record(1, std::vector<std::uint64_t>{2});  // 1 is now the most recent
  idx.record(3, std::vector<std::uint64_t>{1});  // drops endpoint 2
  EXPECT_EQ(idx.endpoints(), 2u);
  EXPECT_EQ(idx.blocks(2), 0u);
  EXPECT_EQ(idx.longest_match(1, std::vector<std::uint64_t>{1, 2}), 2u);
  EXPECT_EQ(idx.longest_match(3, std::vector<std::uint64_t>{1}), 1u);
  idx.remove_endpoint(1);
  EXPECT_EQ(idx.endpoints(), 1u);
  EXPECT_EQ(idx.longest_match(1, std::vector<std::uint64_t>{1}), 0u);
  EXPECT_EQ(idx.longest_match(3, std::vector<std::uint64_t>{1}), 1u);  // shared hash survives
  EXPECT_EQ(idx.total_blocks(), 1u);
  idx.remove_endpoint(42);  // unknown: no-op
  EXPECT_EQ(idx.total_blocks(), 1u);
}

TEST(PrefixIndexTest, StaysBoundedUnderChurn) {
  PrefixIndex idx(64, 8);
  std::uint64_t next = 1;
  for (int round = 0; round < 2000; ++round) {
    std::vector<std::uint64_t> h;
    for (int b = 0; b < 32; ++b) {
      h.push_back(next++);
    }
    idx.record(static_cast<std::uint32_t>(round % 13), h);
    ASSERT_LE(idx.total_blocks(), 64u * 8u);
    ASSERT_LE(idx.endpoints(), 8u);
  }
}

}  // namespace
}  // namespace sluice::scheduling
