// Tests of ColumnCoder (column_codes.cc): an empty array whose buffers are
// absent, as the Arrow C Data Interface allows for zero rows, codes no rows
// and reads none of them. Found by arrow_batch_fuzzer: a list column whose
// values were an empty large-text array without an offsets buffer.
#include "screening/column_codes.h"

#include <cstdint>
#include <string>

#include "gtest/gtest.h"
#include "screening/text_codes.h"

namespace divert::screening {
namespace {

void NoRelease(ArrowSchema*) {}
void NoRelease(ArrowArray*) {}

// An array of `format` with no rows, starting at `offset`, whose buffers
// are all null.
struct EmptyColumn {
  EmptyColumn(const char* format, int64_t offset, int64_t n_buffers) {
    schema.format = format;
    schema.name = "c1";
    schema.flags = ARROW_FLAG_NULLABLE;
    schema.release = NoRelease;
    array.length = 0;
    array.offset = offset;
    array.null_count = 0;
    array.n_buffers = n_buffers;
    array.buffers = buffers;
    array.release = NoRelease;
  }
  ArrowSchema schema = {};
  ArrowArray array = {};
  const void* buffers[3] = {nullptr, nullptr, nullptr};
};

TEST(ColumnCoderTest, CodesNoRowsOfAnEmptyTextArrayWithoutBuffers) {
  for (const char* format : {"u", "U"}) {
    for (int64_t offset : {0, 3}) {
      EmptyColumn column(format, offset, 3);
      absl::StatusOr<ColumnCoder> coder =
          ColumnCoder::Create(column.schema, column.array);
      ASSERT_TRUE(coder.ok()) << format << ": " << coder.status();
      TextCodes texts;
      int calls = 0;
      int32_t out[1] = {-7};
      EXPECT_TRUE(coder
                      ->Code(0, 0, &texts,
                             [&](const Cell&) {
                               ++calls;
                               return 1;
                             },
                             out)
                      .ok())
          << format;
      EXPECT_EQ(calls, 0) << format;
      EXPECT_EQ(out[0], -7) << format << ": nothing is written";
    }
  }
}

TEST(ColumnCoderTest, CodesNoRowsOfAnEmptyArrayOfValuesWithoutBuffers) {
  EmptyColumn column("l", 2, 2);
  absl::StatusOr<ColumnCoder> coder =
      ColumnCoder::Create(column.schema, column.array);
  ASSERT_TRUE(coder.ok()) << coder.status();
  TextCodes texts;
  int32_t out[1] = {-7};
  EXPECT_TRUE(
      coder->Code(0, 0, &texts, [](const Cell&) { return 1; }, out).ok());
  EXPECT_EQ(out[0], -7);
}

}  // namespace
}  // namespace divert::screening
