// ColumnReader refuses arrays whose structure breaks the Arrow C Data
// Interface's rules — offsets that decrease or run past their data, missing
// buffers, wrong buffer counts, dictionary indices outside the dictionary,
// views outside their buffers — with an error naming the column, instead
// of reading outside the producer's memory. (Regression tests for what
// tests/fuzz/arrow_batch_fuzzer.cc exercises.)
#include "screening/arrow_input.h"

#include <cstdint>
#include <cstring>
#include <limits>
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

// The size every text of a column has, when they all have one: a text
// column of dates or statute codes is then read without its offsets.
TEST(ArrowInputTest, KnowsWhenEveryTextHasOneSize) {
  auto width = [](const char* format, int64_t length, const void* offsets,
                  int64_t offset = 0) {
    Column c(format, length, {nullptr, offsets, kData});
    c.array.offset = offset;
    auto reader = ColumnReader::Create(c.schema, c.array);
    EXPECT_TRUE(reader.ok()) << reader.status();
    return reader.ok() ? (*reader)->text_width() : -2;
  };
  const int32_t two_each[] = {0, 2, 4, 6};
  const int64_t two_each_large[] = {0, 2, 4, 6};
  const int32_t empty_each[] = {0, 0, 0};
  EXPECT_EQ(width("u", 3, two_each), 2);
  EXPECT_EQ(width("U", 3, two_each_large), 2);
  EXPECT_EQ(width("u", 2, empty_each), 0);
  EXPECT_EQ(width("u", 2, kOffsets), -1);  // "ab", "cde"
  EXPECT_EQ(width("u", 1, kOffsets, 1), 3);  // "cde" alone
  EXPECT_EQ(width("u", 0, kOffsets), -1);
  // Not a text column.
  const int64_t values[] = {1, 2};
  Column numbers("l", 2, {nullptr, values});
  EXPECT_EQ((*ColumnReader::Create(numbers.schema, numbers.array))->text_width(), -1);
}

TEST(ArrowInputTest, RefusesDecreasingOrNegativeOffsets) {
  const int32_t decreasing[] = {0, 4, 2};
  Column c("u", 2, {nullptr, decreasing, kData});
  EXPECT_THAT(c.Read().message(), HasSubstr("column 'LAW_CODE'"));
  EXPECT_THAT(c.Read().message(), HasSubstr("offsets decrease at row 1"));

  const int32_t negative[] = {-8, 2, 5};
  Column n("u", 2, {nullptr, negative, kData});
  EXPECT_THAT(n.Read().message(), HasSubstr("negative"));

  // A negative offset after the first is a decrease, and so is a step
  // from the largest offset to the smallest, which wraps around when
  // subtracted.
  const int32_t later_negative[] = {0, -3, 5};
  Column l("u", 2, {nullptr, later_negative, kData});
  EXPECT_THAT(l.Read().message(), HasSubstr("offsets decrease at row 0"));
  const int32_t wraps[] = {0, std::numeric_limits<int32_t>::max(),
                           std::numeric_limits<int32_t>::min()};
  Column w("u", 2, {nullptr, wraps, kData});
  EXPECT_THAT(w.Read().message(), HasSubstr("offsets decrease at row 1"));
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

// Reading values back: every integer width, both floating-point widths,
// booleans, dates and timestamps, large text, views, dictionaries with
// every index type and large lists, with the array's offset and nulls.

TEST(ArrowInputTest, ReadsEveryIntegerWidthFromTheArraysOffset) {
  const int8_t i8[] = {9, -8, 7};
  const uint8_t u8[] = {9, 200, 7};
  const int16_t i16[] = {9, -300, 7};
  const uint16_t u16[] = {9, 60000, 7};
  const int32_t i32[] = {9, -70000, 7};
  const uint32_t u32[] = {9, 4000000000u, 7};
  const int64_t i64[] = {9, -5000000000, 7};
  const uint64_t u64[] = {9, 5000000000u, 7};
  const struct {
    const char* format;
    const void* values;
    int64_t second;
  } columns[] = {{"c", i8, -8},     {"C", u8, 200},         {"s", i16, -300},
                 {"S", u16, 60000}, {"i", i32, -70000},     {"I", u32, 4000000000},
                 {"l", i64, -5000000000}, {"L", u64, 5000000000}};
  for (const auto& column : columns) {
    SCOPED_TRACE(column.format);
    Column c(column.format, 2, {nullptr, column.values});
    c.array.offset = 1;  // rows 0 and 1 are slots 1 and 2
    auto reader = ColumnReader::Create(c.schema, c.array);
    ASSERT_TRUE(reader.ok()) << reader.status();
    const Cell cell = (*reader)->Get(0);
    EXPECT_EQ(cell.kind, Cell::Kind::kInt);
    EXPECT_EQ(cell.integer, column.second);
    EXPECT_EQ((*reader)->Get(1).integer, 7);
  }
}

TEST(ArrowInputTest, ReadsFloatsBooleansAndNulls) {
  const float floats[] = {1.5f, -2.25f};
  const double doubles[] = {1e300, 0.125};
  const uint8_t validity[] = {0x02};  // row 0 is null
  Column f("f", 2, {validity, floats});
  f.array.null_count = 1;
  auto reader = ColumnReader::Create(f.schema, f.array);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->Get(0).kind, Cell::Kind::kNull);
  EXPECT_EQ((*reader)->Get(1).kind, Cell::Kind::kDouble);
  EXPECT_EQ((*reader)->Get(1).real, -2.25);

  Column g("g", 2, {nullptr, doubles});
  reader = ColumnReader::Create(g.schema, g.array);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->Get(0).real, 1e300);

  const uint8_t bits[] = {0x05};  // true, false, true
  Column b("b", 3, {nullptr, bits});
  reader = ColumnReader::Create(b.schema, b.array);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->Get(0).kind, Cell::Kind::kBool);
  EXPECT_TRUE((*reader)->Get(0).boolean);
  EXPECT_FALSE((*reader)->Get(1).boolean);
  EXPECT_TRUE((*reader)->Get(2).boolean);
}

TEST(ArrowInputTest, ReadsDatesAndTimestampsInTheirUnits) {
  const absl::Time noon = absl::FromUnixSeconds(1513252800);  // 2017-12-14 12:00 UTC
  const int32_t days[] = {17514};                             // 2017-12-14
  const int64_t millis[] = {1513252800000};
  const int64_t seconds[] = {1513252800};
  const int64_t micros[] = {1513252800000000};
  const int64_t nanos[] = {1513252800000000000};
  const struct {
    const char* format;
    const void* values;
    absl::Time time;
    Cell::Kind kind;
  } columns[] = {
      {"tdD", days, absl::FromUnixSeconds(1513209600), Cell::Kind::kCivilTime},
      {"tdm", millis, noon, Cell::Kind::kCivilTime},
      {"tss:", seconds, noon, Cell::Kind::kCivilTime},
      {"tsm:UTC", millis, noon, Cell::Kind::kTime},
      {"tsu:America/New_York", micros, noon, Cell::Kind::kTime},
      {"tsn:", nanos, noon, Cell::Kind::kCivilTime},
  };
  for (const auto& column : columns) {
    SCOPED_TRACE(column.format);
    Column c(column.format, 1, {nullptr, column.values});
    auto reader = ColumnReader::Create(c.schema, c.array);
    ASSERT_TRUE(reader.ok()) << reader.status();
    EXPECT_EQ((*reader)->Get(0).kind, column.kind);
    EXPECT_EQ((*reader)->Get(0).time, column.time);
  }
  Column unknown_unit("tsx:", 1, {nullptr, seconds});
  EXPECT_THAT(unknown_unit.Read().message(), HasSubstr("format 'tsx:'"));
}

TEST(ArrowInputTest, ReadsLargeTextAndViewsInlineOrInTheirBuffers) {
  const int64_t offsets[] = {0, 2, 5};
  Column large("U", 2, {nullptr, offsets, kData});
  auto reader = ColumnReader::Create(large.schema, large.array);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->Get(0).text, "ab");
  EXPECT_EQ((*reader)->Get(1).text, "cde");

  // Row 0 inline ("PL 155.25"), row 1 (17 bytes) at offset 3 of buffer 0.
  uint8_t views[32] = {};
  const int32_t short_length = 9, long_length = 17, buffer = 0, offset = 3;
  std::memcpy(views, &short_length, 4);
  std::memcpy(views + 4, "PL 155.25", 9);
  std::memcpy(views + 16, &long_length, 4);
  std::memcpy(views + 24, &buffer, 4);
  std::memcpy(views + 28, &offset, 4);
  const char data[] = "xxxPL 220.03 AB 1234";
  const int64_t sizes[] = {sizeof data};
  Column v("vu", 2, {nullptr, views, data, sizes});
  reader = ColumnReader::Create(v.schema, v.array);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->Get(0).text, "PL 155.25");
  EXPECT_EQ((*reader)->Get(1).text, "PL 220.03 AB 1234");

  Column no_sizes("vu", 2, {nullptr, views, data, nullptr});
  EXPECT_THAT(no_sizes.Read().message(), HasSubstr("buffer of data buffer sizes is missing"));
  int32_t negative = -1;
  std::memcpy(views, &negative, 4);
  EXPECT_THAT(v.Read().message(), HasSubstr("the view of row 0 has a negative length"));
}

TEST(ArrowInputTest, ReadsDictionariesWithEveryIndexType) {
  Column values("u", 2, {nullptr, kOffsets, kData});  // "ab", "cde"
  const int8_t i8[] = {1, 0};
  const uint8_t u8[] = {1, 0};
  const int16_t i16[] = {1, 0};
  const uint16_t u16[] = {1, 0};
  const int32_t i32[] = {1, 0};
  const uint32_t u32[] = {1, 0};
  const int64_t i64[] = {1, 0};
  const uint64_t u64[] = {1, 0};
  const std::pair<const char*, const void*> indices[] = {
      {"c", i8}, {"C", u8}, {"s", i16}, {"S", u16},
      {"i", i32}, {"I", u32}, {"l", i64}, {"L", u64}};
  for (const auto& [format, data] : indices) {
    SCOPED_TRACE(format);
    Column dict(format, 2, {nullptr, data});
    dict.SetDictionary(&values);
    auto reader = ColumnReader::Create(dict.schema, dict.array);
    ASSERT_TRUE(reader.ok()) << reader.status();
    ASSERT_TRUE((*reader)->is_dictionary());
    EXPECT_EQ((*reader)->dictionary_size(), 2);
    EXPECT_EQ((*reader)->DictionaryIndex(0), 1);
    EXPECT_EQ((*reader)->Get(0).text, "cde");
    EXPECT_EQ((*reader)->dictionary()->Get(0).text, "ab");
  }

  // Indices must be integers, and a dictionary's values not encoded again.
  Column text_indices("u", 2, {nullptr, kOffsets, kData});
  text_indices.SetDictionary(&values);
  EXPECT_THAT(text_indices.Read().message(), HasSubstr("cannot read (format 'u')"));
  Column inner("c", 2, {nullptr, i8});
  inner.SetDictionary(&values);
  Column nested("c", 2, {nullptr, i8});
  nested.SetDictionary(&inner);
  EXPECT_THAT(nested.Read().message(), HasSubstr("cannot read (format 'c')"));
}

TEST(ArrowInputTest, ReadsLargeListsAndRefusesListsOfLists) {
  Column values("u", 2, {nullptr, kOffsets, kData});
  const int64_t offsets[] = {0, 2, 2};
  const uint8_t validity[] = {0x01};  // row 1 is null
  Column list("+L", 2, {validity, offsets});
  list.array.null_count = 1;
  list.AddChild(&values);
  auto reader = ColumnReader::Create(list.schema, list.array);
  ASSERT_TRUE(reader.ok()) << reader.status();
  ASSERT_TRUE((*reader)->is_list());
  int64_t begin = -1, end = -1;
  (*reader)->ListRange(0, &begin, &end);
  EXPECT_EQ(begin, 0);
  EXPECT_EQ(end, 2);
  EXPECT_EQ((*reader)->values()->Get(1).text, "cde");
  (*reader)->ListRange(1, &begin, &end);
  EXPECT_EQ(begin, end);

  const int32_t one[] = {0, 1};
  Column inner("+l", 1, {nullptr, one});
  inner.AddChild(&values);
  Column outer("+l", 1, {nullptr, one});
  outer.AddChild(&inner);
  EXPECT_THAT(outer.Read().message(), HasSubstr("cannot read (format '+l')"));

  Column no_child_schema("+l", 1, {nullptr, one});
  EXPECT_THAT(no_child_schema.Read().message(), HasSubstr("cannot read (format '+l')"));
}

TEST(ArrowInputTest, AMissingDataBufferIsFineOnlyForEmptyText) {
  const int32_t empty[] = {0, 0, 0};
  Column c("u", 2, {nullptr, empty, nullptr});
  auto reader = ColumnReader::Create(c.schema, c.array);
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->Get(1).text, "");

  const int64_t large[] = {0, 0, 3};
  Column l("U", 2, {nullptr, large, nullptr});
  EXPECT_THAT(l.Read().message(), HasSubstr("data buffer (buffer 2) is missing"));
}

TEST(ArrowInputTest, UnknownFormatsAreUnsupportedNotMalformed) {
  Column c("n", 2, {});
  EXPECT_THAT(c.Read().message(), HasSubstr("an Arrow type divert cannot read"));
  c.schema.format = nullptr;
  EXPECT_THAT(c.Read().message(), HasSubstr("cannot read"));
}

}  // namespace
}  // namespace divert::screening
