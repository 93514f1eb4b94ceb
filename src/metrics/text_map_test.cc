// ShortText is equal exactly when the texts are; a TextMap and a
// Dictionary treat short and long text alike.
#include "metrics/text_map.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "metrics/fact_table.h"

namespace divert::metrics {
namespace {

// Every text of up to 15 bytes over a small alphabet that differs from
// another in one place or in length.
std::vector<std::string> Texts() {
  std::vector<std::string> texts;
  for (size_t size = 0; size <= ShortText::kMaxSize; ++size) {
    const std::string base(size, 'a');
    texts.push_back(base);
    for (size_t at = 0; at < size; ++at) {
      for (char c : {'b', '\0', '\xff'}) {
        std::string text = base;
        text[at] = c;
        texts.push_back(text);
      }
    }
  }
  return texts;
}

TEST(ShortTextTest, EqualExactlyWhenTheTextsAre) {
  const std::vector<std::string> texts = Texts();
  for (const std::string& a : texts) {
    for (const std::string& b : texts) {
      EXPECT_EQ(ShortText(a) == ShortText(b), a == b)
          << "sizes " << a.size() << " and " << b.size();
    }
    EXPECT_EQ(ShortText(a), ShortText(std::string(a)));
  }
}

TEST(TextMapTest, FindsShortAndLongKeys) {
  TextMap<int> map;
  const std::string long_key(30, 'k');
  EXPECT_TRUE(map.TryEmplace("R1", 1).second);
  EXPECT_TRUE(map.TryEmplace(long_key, 2).second);
  EXPECT_TRUE(map.TryEmplace("", 3).second);
  const auto again = map.TryEmplace("R1", 9);
  EXPECT_FALSE(again.second);
  EXPECT_EQ(*again.first, 1);
  EXPECT_FALSE(map.TryEmplace(long_key, 9).second);
  ASSERT_NE(map.Find(long_key), nullptr);
  EXPECT_EQ(*map.Find(long_key), 2);
  EXPECT_EQ(*map.Find(""), 3);
  EXPECT_TRUE(map.Contains("R1"));
  EXPECT_FALSE(map.Contains("R2"));
  EXPECT_FALSE(map.Contains(std::string(30, 'j')));
}

TEST(TextMapTest, KeepsEveryKeyAsItGrows) {
  // The short texts that differ in one byte or in length, and ids numbered
  // in order (keys that differ in their last bytes only), in a table that
  // grows from its smallest size.
  std::vector<std::string> keys = Texts();
  for (int i = 0; i < 20000; ++i) keys.push_back(absl::StrCat("R-", i));
  TextMap<int> map;
  for (size_t i = 0; i < keys.size(); ++i) {
    ASSERT_TRUE(map.TryEmplace(keys[i], static_cast<int>(i)).second) << keys[i];
  }
  for (size_t i = 0; i < keys.size(); ++i) {
    const int* value = map.Find(keys[i]);
    ASSERT_NE(value, nullptr) << keys[i];
    EXPECT_EQ(*value, static_cast<int>(i));
    EXPECT_FALSE(map.TryEmplace(keys[i], -1).second);
  }
  EXPECT_FALSE(map.Contains("R-20000"));
  EXPECT_FALSE(map.Contains("R-"));
  // A table made room for first finds the same.
  TextMap<int> reserved;
  reserved.Reserve(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) reserved.TryEmplace(keys[i], static_cast<int>(i));
  for (size_t i = 0; i < keys.size(); i += 97) EXPECT_EQ(*reserved.Find(keys[i]), static_cast<int>(i));
}

TEST(TextMapTest, DictionaryCodesShortAndLongTextInOrderOfFirstSight) {
  Dictionary dictionary;
  const std::string long_text(40, 'x');
  EXPECT_EQ(dictionary.Code("P1"), 0);
  EXPECT_EQ(dictionary.Code(long_text), 1);
  EXPECT_EQ(dictionary.Code(""), 2);
  EXPECT_EQ(dictionary.Code("sixteen-bytes-ab"), 3);
  EXPECT_EQ(dictionary.Code("seventeen-bytes-a"), 4);
  EXPECT_EQ(dictionary.Code("P1"), 0);
  EXPECT_EQ(dictionary.Code(long_text), 1);
  EXPECT_EQ(dictionary.Find("sixteen-bytes-ab"), 3);
  EXPECT_EQ(dictionary.Find("seventeen-bytes-a"), 4);
  EXPECT_EQ(dictionary.Find("P2"), kNone);
  EXPECT_EQ(dictionary.Find(std::string(41, 'x')), kNone);
  EXPECT_EQ(dictionary.size(), 5);
  EXPECT_EQ(dictionary.Value(1), long_text);
  EXPECT_EQ(dictionary.Value(2), "");
}

}  // namespace
}  // namespace divert::metrics
