// TextCodes gives back exactly the code recorded for the same bytes:
// short texts (held in the slot) and long ones, texts that differ only
// past a zero byte or in length, texts read near the end of their buffer,
// through many rounds of growth, and through the short-text table a row
// loop keeps in registers.
#include "screening/text_codes.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace divert::screening {
namespace {

int32_t FindIn(const TextCodes& codes, const std::string& text) {
  // The text at the very end of its buffer: no bytes to spare after it.
  return codes.Find(text.data(), text.size(), text.data() + text.size());
}

TEST(TextCodesTest, FindsExactlyTheTextsRecorded) {
  TextCodes codes;
  const std::vector<std::string> texts = {
      "",
      "M",
      "PL 1553502",
      "PL 155350",
      std::string("a\0b", 3),
      std::string("a\0c", 3),
      "exactly 8",
      "16 bytes exactly",
      "17 bytes, exactly",
      "ASIAN / PACIFIC ISLANDER",
      "ASIAN / PACIFIC ISLANDEr",
  };
  for (size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ(FindIn(codes, texts[i]), -1) << texts[i];
    codes.Insert(texts[i].data(), texts[i].size(), static_cast<int32_t>(i));
  }
  for (size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ(FindIn(codes, texts[i]), static_cast<int32_t>(i)) << texts[i];
  }
  EXPECT_EQ(FindIn(codes, "PL 15535021"), -1);
  EXPECT_EQ(FindIn(codes, std::string("M\0", 2)), -1);
  EXPECT_EQ(codes.size(), texts.size());
}

// An Arrow text column whose values are all empty may have no data buffer:
// the empty text then arrives as (nullptr, 0). Found by
// tests/fuzz/arrow_batch_fuzzer.cc (UBSan: null passed to memcpy).
TEST(TextCodesTest, TheEmptyTextWithoutABuffer) {
  TextCodes codes;
  EXPECT_EQ(codes.Find(nullptr, 0, nullptr), -1);
  codes.Insert(nullptr, 0, 7);
  EXPECT_EQ(codes.Find(nullptr, 0, nullptr), 7);
  EXPECT_EQ(FindIn(codes, ""), 7);
}

TEST(TextCodesTest, ReadsShortTextsInsideALargerBufferAlike) {
  TextCodes codes;
  const std::string buffer = "12/26/2017PL 1553502BLACK HISPANIC and more bytes";
  codes.Insert(buffer.data() + 10, 10, 7);  // "PL 1553502"
  // Found from a copy at the end of its own buffer, and in place with
  // bytes after it that must not count.
  EXPECT_EQ(FindIn(codes, "PL 1553502"), 7);
  EXPECT_EQ(codes.Find(buffer.data() + 10, 10, buffer.data() + buffer.size()), 7);
  EXPECT_EQ(codes.Find(buffer.data() + 10, 9, buffer.data() + buffer.size()), -1);
}

// A text's size is part of its key: texts that differ only by trailing
// zero bytes, texts of one byte (looked up by that byte), and texts on
// either side of the 15-byte boundary of the two-word keys are all apart.
TEST(TextCodesTest, TellsApartTextsOfEverySizeUpToTheLongOnes) {
  TextCodes codes;
  std::vector<std::string> texts;
  for (size_t size = 0; size <= 18; ++size) {
    texts.push_back(std::string(size, '\0'));
    if (size > 0) texts.push_back(std::string(size, 'x'));
  }
  texts.push_back("\xff");
  for (size_t i = 0; i < texts.size(); ++i) {
    ASSERT_EQ(FindIn(codes, texts[i]), -1) << i;
    codes.Insert(texts[i].data(), texts[i].size(), static_cast<int32_t>(i));
  }
  // Each found both at the end of its buffer and inside a larger one.
  for (size_t i = 0; i < texts.size(); ++i) {
    EXPECT_EQ(FindIn(codes, texts[i]), static_cast<int32_t>(i)) << i;
    const std::string padded = texts[i] + std::string(20, 'y');
    EXPECT_EQ(codes.Find(padded.data(), texts[i].size(), padded.data() + padded.size()),
              static_cast<int32_t>(i))
        << i;
  }
  EXPECT_EQ(codes.size(), texts.size());
}

TEST(TextCodesTest, KeepsEveryCodeThroughGrowth) {
  TextCodes codes;
  for (int i = 0; i < 50000; ++i) {
    const std::string text = absl::StrCat(i % 2 ? "PL " : "a longer text number ", i);
    codes.Insert(text.data(), text.size(), i);
  }
  for (int i = 0; i < 50000; ++i) {
    const std::string text = absl::StrCat(i % 2 ? "PL " : "a longer text number ", i);
    ASSERT_EQ(FindIn(codes, text), i) << text;
  }
  EXPECT_EQ(FindIn(codes, "PL 50001"), -1);
}

// A row loop looks short texts up through Short(): every text of under 16
// bytes (those of one byte too), in place with bytes after it, whether it
// is in its first slot or further on (thousands of texts in a table at
// most an eighth full: some share a first slot).
TEST(TextCodesTest, TheShortTableOfARowLoopFindsWhatFindFinds) {
  TextCodes codes;
  std::vector<std::string> texts;
  for (int i = 0; i < 5000; ++i) {
    // Sizes 1 to 15 in turn; repeated texts (those of one byte) are
    // recorded once.
    std::string text = absl::StrCat(i * 7919, "---------------");
    text.resize(1 + i % 15);
    texts.push_back(text);
  }
  std::vector<int32_t> code_of(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    code_of[i] = FindIn(codes, texts[i]);
    if (code_of[i] < 0) {
      code_of[i] = static_cast<int32_t>(codes.size());
      codes.Insert(texts[i].data(), texts[i].size(), code_of[i]);
    }
  }
  const TextCodes::ShortTable table = codes.Short();
  for (size_t i = 0; i < texts.size(); ++i) {
    const std::string& text = texts[i];
    ASSERT_LT(text.size(), 16u);
    const std::string padded = text + "0123456789abcdef";
    EXPECT_EQ(table.Find(padded.data(), text.size()), code_of[i]) << text;
    if (text.size() >= 2) {
      EXPECT_EQ(table.FindOfWidth(padded.data(), TextCodes::WidthOf(text.size())),
                code_of[i])
          << text;
    }
  }
  const std::string unknown = "no such text....";
  EXPECT_EQ(table.Find(unknown.data(), 12), -1);
  EXPECT_EQ(table.Find(unknown.data(), 1), -1);  // "n"
}

}  // namespace
}  // namespace divert::screening
