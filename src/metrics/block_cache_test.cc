// A BlockCache gives a block kept back for a request of its size, and a
// RecyclingAllocator without a cache is plain new and delete.
#include "metrics/block_cache.h"

#include <cstdint>
#include <vector>

#include "gtest/gtest.h"

namespace divert::metrics {
namespace {

TEST(BlockCacheTest, AKeptBlockServesTheNextRequestOfItsSize) {
  BlockCache cache;
  void* block = cache.Take(1 << 20, 16);
  cache.Keep(block, 1 << 20, 16);
  void* other_size = cache.Take(1 << 19, 16);
  EXPECT_NE(other_size, block);
  EXPECT_EQ(cache.Take(1 << 20, 16), block);
  cache.Keep(other_size, 1 << 19, 16);
  cache.Keep(block, 1 << 20, 16);
}

TEST(BlockCacheTest, KeepsAFewBlocksAndFreesTheOldest) {
  BlockCache cache;
  std::vector<void*> blocks;
  for (size_t i = 0; i < 18; ++i) blocks.push_back(cache.Take(64, 8));
  for (void* b : blocks) cache.Keep(b, 64, 8);
  // Sixteen kept (the last sixteen), in the order kept; the first two freed.
  EXPECT_EQ(cache.Take(64, 8), blocks[2]);
  cache.Keep(blocks[2], 64, 8);
}

TEST(RecyclingAllocatorTest, VectorsReuseTheirCachesBlocks) {
  BlockCache cache;
  const int32_t* first = nullptr;
  {
    std::vector<int32_t, RecyclingAllocator<int32_t>> v{RecyclingAllocator<int32_t>(&cache)};
    v.reserve(1000);
    first = v.data();
  }
  std::vector<int32_t, RecyclingAllocator<int32_t>> again{RecyclingAllocator<int32_t>(&cache)};
  again.reserve(1000);
  EXPECT_EQ(again.data(), first);
  std::vector<int32_t, RecyclingAllocator<int32_t>> plain;
  plain.assign(1000, 7);
  EXPECT_EQ(plain[999], 7);
}

}  // namespace
}  // namespace divert::metrics
