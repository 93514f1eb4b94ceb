// Tests of BufferPool (arrow_build.cc): a buffer given back is what the
// next Take of its size gets, among buffers of many sizes.
#include <cstdint>
#include <memory>
#include <vector>

#include "gtest/gtest.h"
#include "screening/arrow_build.h"

namespace divert::screening {
namespace {

TEST(BufferPoolTest, TakeGetsTheBufferLastGivenOfItsSize) {
  BufferPool pool(1 << 20);
  std::unique_ptr<uint8_t[]> first = pool.Take(64);
  std::unique_ptr<uint8_t[]> second = pool.Take(64);
  const uint8_t* first_address = first.get();
  const uint8_t* second_address = second.get();
  pool.Give(std::move(first), 64);
  pool.Give(std::move(second), 64);
  EXPECT_EQ(pool.Take(64).get(), second_address);
  EXPECT_EQ(pool.Take(64).get(), first_address);
}

TEST(BufferPoolTest, FindsEachSizeAmongManySizes) {
  BufferPool pool(1 << 20);
  std::vector<const uint8_t*> given(300);
  for (size_t bytes = 1; bytes < given.size(); ++bytes) {
    std::unique_ptr<uint8_t[]> buffer = pool.Take(bytes);
    given[bytes] = buffer.get();
    pool.Give(std::move(buffer), bytes);
  }
  // Taken back in another order: each size gets its own buffer.
  std::vector<std::unique_ptr<uint8_t[]>> taken;
  for (size_t bytes = given.size() - 1; bytes >= 1; --bytes) {
    taken.push_back(pool.Take(bytes));
    EXPECT_EQ(taken.back().get(), given[bytes]) << bytes << " bytes";
  }
}

TEST(BufferPoolTest, KeepsNoMoreThanItsLimit) {
  BufferPool pool(100);
  std::unique_ptr<uint8_t[]> kept = pool.Take(60);
  std::unique_ptr<uint8_t[]> dropped = pool.Take(60);
  std::unique_ptr<uint8_t[]> small = pool.Take(40);
  const uint8_t* kept_address = kept.get();
  const uint8_t* small_address = small.get();
  pool.Give(std::move(kept), 60);
  pool.Give(std::move(dropped), 60);  // 120 bytes would pass the limit
  pool.Give(std::move(small), 40);    // 100 bytes do not
  EXPECT_EQ(pool.Take(40).get(), small_address);
  EXPECT_EQ(pool.Take(60).get(), kept_address);
}

}  // namespace
}  // namespace divert::screening
