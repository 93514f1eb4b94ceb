// Tests of ColumnCoder (column_codes.cc): text columns are coded alike
// whether their texts all have one size (read without their offsets) or
// not; an empty array whose buffers are absent, as the Arrow C Data
// Interface allows for zero rows, codes no rows and reads none of them
// (found by arrow_batch_fuzzer: a list column whose values were an empty
// large-text array without an offsets buffer).
#include "screening/column_codes.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/types/optional.h"
#include "gtest/gtest.h"
#include "screening/arrow_build.h"
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

// Codes rows [begin, end) of `values` as a utf8 column, giving each new
// text the next code; every row's code must be its text's.
void ExpectTextsCodedAlike(const std::vector<absl::optional<std::string>>& values,
                           int64_t begin, int64_t end) {
  BuiltColumn column = TextColumn("c1", values);
  absl::StatusOr<ColumnCoder> coder = ColumnCoder::Create(column.schema, column.array);
  ASSERT_TRUE(coder.ok()) << coder.status();
  TextCodes texts;
  std::map<std::string, int32_t> code_of_text;
  auto code_of = [&](const Cell& cell) {
    EXPECT_EQ(code_of_text.count(std::string(cell.text)), 0u) << "coded twice";
    const int32_t code = static_cast<int32_t>(code_of_text.size()) + 1;
    code_of_text[std::string(cell.text)] = code;
    return code;
  };
  std::vector<int32_t> out(static_cast<size_t>(end - begin), -7);
  // Two chunks, as the screener codes a batch.
  const int64_t middle = begin + (end - begin) / 2;
  ASSERT_TRUE(coder->Code(begin, middle, &texts, code_of, out.data()).ok());
  ASSERT_TRUE(coder->Code(middle, end, &texts, code_of, out.data() + (middle - begin)).ok());
  for (int64_t r = begin; r < end; ++r) {
    const absl::optional<std::string>& value = values[static_cast<size_t>(r)];
    EXPECT_EQ(out[static_cast<size_t>(r - begin)], value ? code_of_text[*value] : 0)
        << "row " << r;
  }
}

TEST(ColumnCoderTest, CodesTextsOfOneSizeAsTextsOfManySizes) {
  const std::vector<std::vector<absl::optional<std::string>>> columns = {
      {"12/26/2017", "12/01/2017", "12/26/2017", "12/31/2017", "12/01/2017",
       "12/26/2017", "12/02/2017", "12/26/2017"},
      {"M", "F", "M", "M", "\xff", "M", "F", "M"},
      {"PL 1553502", "PL 155350", "PL 1553502", "PL 15535021", "", "PL 1553502",
       "PL 1553502", "PL 1553502"},
      {"a text of sixteen", "a text of sixteen", "b text of sixteen",
       "a text of sixteen", "a text of sixteen", "b text of sixteen",
       "a text of sixteen", "b text of sixteen"},
      {"", "", "", "", "", "", "", ""},
      {"BLACK", absl::nullopt, "WHITE", "BLACK", absl::nullopt, "BLACK",
       "WHITE", "WHITE"},
  };
  for (size_t c = 0; c < columns.size(); ++c) {
    SCOPED_TRACE(c);
    // The whole column (its last texts too near the end of the data to be
    // loaded in two words), and rows well inside it.
    ExpectTextsCodedAlike(columns[c], 0, 8);
    ExpectTextsCodedAlike(columns[c], 1, 5);
  }
}

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
