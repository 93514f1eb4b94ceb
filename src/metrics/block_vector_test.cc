// A BlockVector: elements stay where they were added, across blocks and
// after clear().
#include "metrics/block_vector.h"

#include <cstdint>

#include "gtest/gtest.h"

namespace divert::metrics {
namespace {

struct Pair {
  int32_t a;
  int32_t b;
};

TEST(BlockVectorTest, HoldsWhatWasAddedAcrossBlocks) {
  BlockVector<Pair> pairs;
  EXPECT_TRUE(pairs.empty());
  const size_t n = 3 * BlockVector<Pair>::kBlockSize + 5;
  for (size_t i = 0; i < n; ++i) {
    pairs.push_back({static_cast<int32_t>(i), -static_cast<int32_t>(i)});
  }
  ASSERT_EQ(pairs.size(), n);
  for (size_t i = 0; i < n; i += 997) {
    EXPECT_EQ(pairs[i].a, static_cast<int32_t>(i));
    EXPECT_EQ(pairs[i].b, -static_cast<int32_t>(i));
  }
  pairs[n - 1].b = 7;
  EXPECT_EQ(pairs[n - 1].b, 7);
}

TEST(BlockVectorTest, ElementsDoNotMoveAsItGrows) {
  BlockVector<Pair> pairs;
  pairs.push_back({1, 2});
  const Pair* first = &pairs[0];
  for (int i = 0; i < 100000; ++i) pairs.push_back({i, i});
  EXPECT_EQ(&pairs[0], first);
  EXPECT_EQ(first->b, 2);
}

TEST(BlockVectorTest, ClearKeepsTheBlocksForTheNextElements) {
  BlockVector<Pair> pairs;
  for (int i = 0; i < 10; ++i) pairs.push_back({i, i});
  const Pair* first = &pairs[0];
  pairs.clear();
  EXPECT_EQ(pairs.size(), 0u);
  pairs.push_back({5, 6});
  EXPECT_EQ(&pairs[0], first);
  EXPECT_EQ(pairs[0].a, 5);

  BlockVector<Pair> other;
  other.swap(pairs);
  EXPECT_EQ(other.size(), 1u);
  EXPECT_EQ(&other[0], first);
  EXPECT_TRUE(pairs.empty());
}

}  // namespace
}  // namespace divert::metrics
