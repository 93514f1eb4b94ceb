// KeyCache remembers exactly the values recorded for packed keys, in its
// flat array (packings of at most 20 bits) and in its open-addressing
// table (wider packings, through many rounds of growth), and forgets them
// on Reset.
#include "screening/key_cache.h"

#include <cstdint>
#include <vector>

#include "gtest/gtest.h"

namespace divert::screening {
namespace {

TEST(KeyCacheTest, FlatArrayForNarrowKeys) {
  KeyCache cache;
  cache.Reset(12);
  EXPECT_EQ(cache.Find(0), -1);
  EXPECT_EQ(cache.Find(4095), -1);
  cache.Insert(4095, 7);
  cache.Insert(0, 3);
  EXPECT_EQ(cache.Find(4095), 7);
  EXPECT_EQ(cache.Find(0), 3);
  EXPECT_EQ(cache.Find(1), -1);
  cache.Reset(12);
  EXPECT_EQ(cache.Find(4095), -1);
}

TEST(KeyCacheTest, TableForWideKeysThroughGrowth) {
  KeyCache cache;
  cache.Reset(59);
  // Keys that differ only in high bits, or only in low bits, and zero.
  std::vector<uint64_t> keys = {0, uint64_t{1} << 58, (uint64_t{1} << 58) | 1};
  for (uint64_t i = 1; i < 100000; ++i) keys.push_back(i * 0x10001 + (i << 40));
  for (size_t i = 0; i < keys.size(); ++i) {
    ASSERT_EQ(cache.Find(keys[i]), -1) << i;
    cache.Insert(keys[i], static_cast<int32_t>(i));
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    ASSERT_EQ(cache.Find(keys[i]), static_cast<int32_t>(i)) << i;
  }
  std::vector<int32_t> found(keys.size());
  cache.FindAll(keys.data(), static_cast<int64_t>(keys.size()), found.data());
  for (size_t i = 0; i < keys.size(); ++i) ASSERT_EQ(found[i], static_cast<int32_t>(i));
  EXPECT_EQ(cache.Find(2), -1);
  // Recording a key again replaces its value.
  cache.Insert(keys[5], 42);
  EXPECT_EQ(cache.Find(keys[5]), 42);
  EXPECT_EQ(cache.Find(keys[6]), 6);
  cache.Reset(40);
  EXPECT_EQ(cache.Find(keys[5]), -1);
  cache.Insert(keys[5], 1);
  EXPECT_EQ(cache.Find(keys[5]), 1);
}

TEST(KeyCacheTest, FindAllInASmallTable) {
  KeyCache cache;
  cache.Reset(40);
  // Narrow and wide keys of a wide packing mixed, few enough that the
  // table stays small; keys never recorded among them.
  std::vector<uint64_t> keys;
  for (uint64_t i = 0; i < 300; ++i) keys.push_back(i % 2 == 0 ? i : (i << 30) | i);
  for (size_t i = 0; i < keys.size(); i += 3) cache.Insert(keys[i], static_cast<int32_t>(i));
  std::vector<int32_t> found(keys.size());
  cache.FindAll(keys.data(), static_cast<int64_t>(keys.size()), found.data());
  for (size_t i = 0; i < keys.size(); ++i) {
    ASSERT_EQ(found[i], i % 3 == 0 ? static_cast<int32_t>(i) : -1) << i;
  }
}

}  // namespace
}  // namespace divert::screening
