// Tests of arrow_build.cc: a buffer given back to a BufferPool is what the
// next Take of its size gets, among buffers of many sizes; a SharedText
// lent to many arrays outlives each of them; ExtendBatch adds columns to a
// batch it takes.
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
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

// The text of entry i of a utf8 array.
std::string TextAt(const ArrowArray& array, int64_t i) {
  const auto* offsets = static_cast<const int32_t*>(array.buffers[1]);
  const auto* chars = static_cast<const char*>(array.buffers[2]);
  return std::string(chars + offsets[i], offsets[i + 1] - offsets[i]);
}

TEST(SharedTextTest, EveryArrayLentTheTextReadsItUntilItsOwnRelease) {
  auto text = std::make_shared<const SharedText>(
      std::vector<std::string>{"HOLDS", "", "DOES_NOT_HOLD"});
  EXPECT_EQ(text->size(), 3);
  std::weak_ptr<const SharedText> watch = text;
  void* indices = nullptr;
  uint8_t* validity = nullptr;
  BuiltColumn first = DictionaryArrayToFill(text, 2, /*narrow=*/true,
                                            /*nullable=*/false, &indices, &validity);
  std::memset(indices, 2, 2);
  BuiltColumn second = DictionaryArrayToFill(std::move(text), 0, true, true,
                                             &indices, &validity);
  EXPECT_EQ(first.schema.release, nullptr);  // only the array is made
  EXPECT_NE(validity, nullptr);
  ASSERT_NE(first.array.dictionary, nullptr);
  EXPECT_EQ(first.array.dictionary->length, 3);
  EXPECT_EQ(TextAt(*first.array.dictionary, 1), "");
  EXPECT_EQ(TextAt(*first.array.dictionary, 2), "DOES_NOT_HOLD");
  EXPECT_EQ(static_cast<const int8_t*>(first.array.buffers[1])[1], 2);
  first.array.release(&first.array);
  first.array.release = nullptr;
  EXPECT_FALSE(watch.expired());
  EXPECT_EQ(TextAt(*second.array.dictionary, 0), "HOLDS");
  second.array.release(&second.array);
  second.array.release = nullptr;
  EXPECT_TRUE(watch.expired());
}

TEST(ExtendBatchTest, AddsColumnsAfterTheBatchsOwnAndTakesIt) {
  std::vector<BuiltColumn> columns;
  columns.push_back(Int64Column("ARREST_KEY", {1, 2, absl::nullopt}));
  columns.push_back(TextColumn("LAW_CODE", {"PL 1", absl::nullopt, "PL 2"}));
  BuiltColumn input = RecordBatch(std::move(columns), 3);
  std::vector<BuiltColumn> extra;
  extra.push_back(Int32Column("charge_index", {0, 1, 0}));
  absl::StatusOr<ArrowArray> batch =
      ExtendBatch(input.schema.n_children, &input.array, std::move(extra));
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(input.array.release, nullptr);  // taken
  EXPECT_EQ(batch->length, 3);
  ASSERT_EQ(batch->n_children, 3);
  EXPECT_EQ(TextAt(*batch->children[1], 2), "PL 2");
  EXPECT_EQ(static_cast<const int32_t*>(batch->children[2]->buffers[1])[1], 1);
  batch->release(&*batch);

  // A batch of another number of columns than its schema is refused.
  BuiltColumn other = RecordBatch({}, 0);
  EXPECT_FALSE(ExtendBatch(2, &other.array, {}).ok());
}

}  // namespace
}  // namespace divert::screening
