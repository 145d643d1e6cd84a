#include "sim/lora_slots.h"

#include <gtest/gtest.h>

namespace sluice::sim {
namespace {

TEST(LoraSlotsTest, RegisterAndUnregister) {
  LoraSlots slots(2);
  auto a = slots.register_adapter("a");
  ASSERT_TRUE(a.ok());
  auto dup = slots.register_adapter("a");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kInvalidArgument);
  auto b = slots.register_adapter("b");
  ASSERT_TRUE(b.ok());
  EXPECT_NE(*a, *b);
  EXPECT_EQ(slots.id("b"), *b);
  EXPECT_EQ(slots.names(), (std::vector<std::string>{"a", "b"}));
  EXPECT_NE(slots.cache_seed(*a), slots.cache_seed(*b));

  slots.add_waiting(*a);
  auto busy = slots.unregister_adapter("a");
  ASSERT_FALSE(busy.ok());
  EXPECT_EQ(busy.error().code, ErrorCode::kUnavailable);
  slots.remove_waiting(*a);
  EXPECT_TRUE(slots.unregister_adapter("a").ok());
  EXPECT_FALSE(slots.known(*a));
  EXPECT_EQ(slots.unregister_adapter("a").error().code, ErrorCode::kNotFound);

  // Ids are never reused, the cache seed follows the name.
  const std::uint64_t old_seed = slots.cache_seed(*b);
  ASSERT_TRUE(slots.unregister_adapter("b").ok());
  auto b2 = slots.register_adapter("b");
  ASSERT_TRUE(b2.ok());
  EXPECT_NE(*b2, *b);
  EXPECT_EQ(slots.cache_seed(*b2), old_seed);
}

TEST(LoraSlotsTest, DisabledWhenMaxLorasIsZero) {
  LoraSlots slots(0);
  auto r = slots.register_adapter("a");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
}

TEST(LoraSlotsTest, SlotLimitAndLruEvictionOfIdleAdapters) {
  LoraSlots slots(2);
  const int a = *slots.register_adapter("a");
  const int b = *slots.register_adapter("b");
  const int c = *slots.register_adapter("c");

  EXPECT_FALSE(slots.plan(-1).load);  // base model needs no slot
  auto pa = slots.plan(a);
  EXPECT_TRUE(pa.ok && pa.load && pa.evict < 0);
  slots.admit(a, pa, 1);
  auto pb = slots.plan(b);
  slots.admit(b, pb, 2);
  EXPECT_EQ(slots.resident_count(), 2u);
  EXPECT_FALSE(slots.plan(a).load);  // resident: free to admit more

  // Both resident adapters are busy: c cannot get a slot.
  EXPECT_FALSE(slots.plan(c).ok);
  EXPECT_EQ(slots.running_names(), (std::vector<std::string>{"a", "b"}));

  slots.remove_running(b, 3);
  slots.remove_running(a, 4);  // a used more recently than b
  auto pc = slots.plan(c);
  ASSERT_TRUE(pc.ok);
  EXPECT_EQ(pc.evict, b);
  slots.admit(c, pc, 5);
  EXPECT_FALSE(slots.resident(b));
  EXPECT_TRUE(slots.resident(a));
  EXPECT_TRUE(slots.resident(c));
  EXPECT_EQ(slots.loads(), 3u);
}

}  // namespace
}  // namespace sluice::sim
