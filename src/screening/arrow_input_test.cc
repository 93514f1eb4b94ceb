// ColumnReader refuses arrays whose structure breaks the Arrow C Data
// Interface's rules — offsets that decrease or run past their data, missing
// buffers, wrong buffer counts, dictionary indices outside the dictionary,
// views outside their buffers — with an error naming the column, instead
// of reading outside the producer's memory. (Regression tests for what
// tests/fuzz/arrow_batch_fuzzer.cc exercises.)
#include "screening/arrow_input.h"

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace divert::screening {
namespace {

using ::testing::HasSubstr;

// A schema and an array over buffers the test owns; no release callbacks
// are needed since nothing here is released.
struct Column {
  ArrowSchema schema;
  ArrowArray array;
  std::vector<const void*> buffers;
  std::vector<ArrowSchema*> schema_children;
  std::vector<ArrowArray*> array_children;

  Column(const char* format, int64_t length, std::vector<const void*> b)
      : buffers(std::move(b)) {
    std::memset(&schema, 0, sizeof(schema));
    std::memset(&array, 0, sizeof(array));
    schema.format = format;
    schema.name = "LAW_CODE";
    array.length = length;
    array.n_buffers = static_cast<int64_t>(buffers.size());
    array.buffers = buffers.data();
  }
  void AddChild(Column* child) {
    schema_children.push_back(&child->schema);
    array_children.push_back(&child->array);
    schema.n_children = array.n_children = 1;
    schema.children = schema_children.data();
    array.children = array_children.data();
  }
  void SetDictionary(Column* values) {
    schema.dictionary = &values->schema;
    array.dictionary = &values->array;
  }
  absl::Status Read() const { return ColumnReader::Create(schema, array).status(); }
};

const int32_t kOffsets[] = {0, 2, 5};
const char kData[] = "abcde";

TEST(ArrowInputTest, ReadsAWellFormedTextColumn) {
  Column c("u", 2, {nullptr, kOffsets, kData});
  auto reader = ColumnReader::Create(c.schema, c.array);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->Get(1).text, "cde");
}

TEST(ArrowInputTest, RefusesDecreasingOrNegativeOffsets) {
  const int32_t decreasing[] = {0, 4, 2};
  Column c("u", 2, {nullptr, decreasing, kData});
  EXPECT_THAT(c.Read().message(), HasSubstr("column 'LAW_CODE'"));
  EXPECT_THAT(c.Read().message(), HasSubstr("offsets decrease at row 1"));

  const int32_t negative[] = {-8, 2, 5};
  Column n("u", 2, {nullptr, negative, kData});
  EXPECT_THAT(n.Read().message(), HasSubstr("negative"));
}

TEST(ArrowInputTest, RefusesMissingBuffersAndWrongBufferCounts) {
  Column no_offsets("u", 2, {nullptr, nullptr, kData});
  EXPECT_THAT(no_offsets.Read().message(), HasSubstr("offsets buffer (buffer 1) is missing"));

  Column no_data("u", 2, {nullptr, kOffsets, nullptr});
  EXPECT_THAT(no_data.Read().message(), HasSubstr("data buffer (buffer 2) is missing"));

  Column two_buffers("u", 2, {nullptr, kOffsets});
  EXPECT_THAT(two_buffers.Read().message(),
              HasSubstr("format 'u' has 3 buffers, the array gives 2"));

  Column null_list("u", 2, {nullptr, kOffsets, kData});
  null_list.array.buffers = nullptr;
  EXPECT_THAT(null_list.Read().message(), HasSubstr("buffers is null"));

  const int64_t values[] = {1, 2};
  Column no_values("l", 2, {nullptr, nullptr});
  EXPECT_THAT(no_values.Read().message(), HasSubstr("values buffer (buffer 1) is missing"));
  Column ints("l", 2, {nullptr, values});
  EXPECT_TRUE(ints.Read().ok());
}

TEST(ArrowInputTest, RefusesNullsWithoutABitmapAndBadCounts) {
  Column c("u", 2, {nullptr, kOffsets, kData});
  c.array.null_count = 1;
  EXPECT_THAT(c.Read().message(), HasSubstr("no validity bitmap"));
  c.array.null_count = 3;
  EXPECT_THAT(c.Read().message(), HasSubstr("null_count 3 for a length of 2"));
  c.array.null_count = 0;
  c.array.offset = -1;
  EXPECT_THAT(c.Read().message(), HasSubstr("out of range"));
  c.array.offset = 0;
  c.array.length = -5;
  EXPECT_THAT(c.Read().message(), HasSubstr("out of range"));
}

TEST(ArrowInputTest, RefusesListOffsetsPastTheirValues) {
  Column values("u", 2, {nullptr, kOffsets, kData});
  const int32_t list_offsets[] = {0, 1, 3};  // three values, the child has two
  Column list("+l", 2, {nullptr, list_offsets});
  list.AddChild(&values);
  EXPECT_THAT(list.Read().message(), HasSubstr("last offset 3 is past the end of its 2"));

  const int32_t fits[] = {0, 1, 2};
  Column good("+l", 2, {nullptr, fits});
  good.AddChild(&values);
  EXPECT_TRUE(good.Read().ok());

  Column orphan("+l", 2, {nullptr, fits});
  orphan.AddChild(&values);
  orphan.array.n_children = 0;
  EXPECT_THAT(orphan.Read().message(), HasSubstr("a list has one child array"));
}

TEST(ArrowInputTest, RefusesDictionaryIndicesOutsideTheDictionary) {
  Column values("u", 2, {nullptr, kOffsets, kData});
  const int8_t indices[] = {1, 2};
  Column dict("c", 2, {nullptr, indices});
  dict.SetDictionary(&values);
  EXPECT_THAT(dict.Read().message(),
              HasSubstr("dictionary index 2 of row 1 is not in its dictionary of 2"));

  // A null row's index is not looked at.
  const uint8_t validity[] = {0x01};
  Column nulls("c", 2, {validity, indices});
  nulls.array.null_count = 1;
  nulls.SetDictionary(&values);
  EXPECT_TRUE(nulls.Read().ok());

  Column no_dictionary("c", 2, {nullptr, indices});
  no_dictionary.schema.dictionary = &values.schema;
  EXPECT_THAT(no_dictionary.Read().message(), HasSubstr("the array does not"));
}

// Indices are checked in their own width: a negative one is outside
// whatever the dictionary's size, an unsigned one is inside a dictionary
// larger than its type can count, and every index type is read.
TEST(ArrowInputTest, ChecksIndicesOfEveryWidthAgainstLargeDictionaries) {
  std::vector<int32_t> offsets(301, 0);
  Column values("u", 300, {nullptr, offsets.data(), kData});
  const int8_t narrow[] = {127, 0, -1};
  Column int8("c", 3, {nullptr, narrow});
  int8.SetDictionary(&values);
  EXPECT_THAT(int8.Read().message(), HasSubstr("dictionary index -1 of row 2"));
  int8.array.length = 2;
  EXPECT_TRUE(int8.Read().ok());
  const uint8_t unsigned_narrow[] = {255, 0};
  Column uint8("C", 2, {nullptr, unsigned_narrow});
  uint8.SetDictionary(&values);
  EXPECT_TRUE(uint8.Read().ok());
  const int16_t int16s[] = {299, 300};
  const uint16_t uint16s[] = {299, 300};
  const int32_t int32s[] = {299, 300};
  const uint32_t uint32s[] = {299, 300};
  const int64_t int64s[] = {299, 300};
  const uint64_t uint64s[] = {299, 300};
  const std::pair<const char*, const void*> wide[] = {
      {"s", int16s}, {"S", uint16s}, {"i", int32s},
      {"I", uint32s}, {"l", int64s}, {"L", uint64s}};
  for (const auto& [format, indices] : wide) {
    Column column(format, 2, {nullptr, indices});
    column.SetDictionary(&values);
    EXPECT_THAT(column.Read().message(),
                HasSubstr("dictionary index 300 of row 1 is not in its dictionary of 300"))
        << format;
    column.array.length = 1;
    EXPECT_TRUE(column.Read().ok()) << format;
  }
}

TEST(ArrowInputTest, RefusesViewsOutsideTheirBuffers) {
  // One long view (20 bytes) into data buffer 0, which holds 16 bytes.
  uint8_t views[16] = {};
  const int32_t length = 20, buffer = 0, offset = 0;
  std::memcpy(views, &length, 4);
  std::memcpy(views + 8, &buffer, 4);
  std::memcpy(views + 12, &offset, 4);
  const char data[32] = {};
  const int64_t sizes[] = {16};
  Column c("vu", 1, {nullptr, views, data, sizes});
  EXPECT_THAT(c.Read().message(), HasSubstr("the view of row 0 points outside"));

  const int64_t big[] = {32};
  Column fits("vu", 1, {nullptr, views, data, big});
  EXPECT_TRUE(fits.Read().ok());

  Column no_buffers("vu", 1, {nullptr, views, sizes});  // buffer 0 does not exist
  EXPECT_THAT(no_buffers.Read().message(), HasSubstr("points outside"));
}

TEST(ArrowInputTest, UnknownFormatsAreUnsupportedNotMalformed) {
  Column c("n", 2, {});
  EXPECT_THAT(c.Read().message(), HasSubstr("an Arrow type divert cannot read"));
  c.schema.format = nullptr;
  EXPECT_THAT(c.Read().message(), HasSubstr("cannot read"));
}

}  // namespace
}  // namespace divert::screening
