// An exact map from byte strings to integer codes, built for the inner
// loop of screening a text column. Most values are short (dates, statute
// codes, labels): a text of up to 15 bytes is its own key of two words
// (its bytes, zero-padded, and its size in the last byte), loaded with two
// word loads and masks rather than branches, hashed with two
// multiplications and compared with two word comparisons in an
// open-addressing table, through a ShortTable a row loop keeps in
// registers. A column of one-byte texts is looked up by that byte; longer
// texts go to an ordinary hash map. It only grows.
#ifndef DIVERT_SRC_SCREENING_TEXT_CODES_H_
#define DIVERT_SRC_SCREENING_TEXT_CODES_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "absl/base/config.h"
#include "absl/base/optimization.h"
#include "absl/container/flat_hash_map.h"

namespace divert::screening {

class TextCodes {
 public:
  TextCodes();

  // The code of the `size` bytes at `data`, or -1 when the text has none
  // yet. `limit` is the end of the memory that may be read: when 16 bytes
  // from `data` fit before it, a short text is loaded in two words.
  int32_t Find(const char* data, size_t size, const char* limit) const {
    if (ABSL_PREDICT_TRUE(size < 16 && limit - data >= 16)) {
      return Short().Find(data, size);
    }
    return FindElsewhere(data, size);
  }

  // A text of one byte (a sex, a borough, a level) is its own index.
  int32_t FindByte(char byte) const {
    return byte_codes_[static_cast<uint8_t>(byte)];
  }

  // A column of texts of one size from 2 to 15 bytes is looked up without
  // branching on it: its masks and size byte, kept in registers.
  struct Width {
    uint64_t lo_mask, hi_mask, size_byte;
  };
  static Width WidthOf(size_t size) {
    return {kLowMask[size], kHighMask[size], SizeByte(size)};
  }

 private:
  // A short text's key: its bytes in `lo` and `hi` (little-endian, zero
  // past the end) and its size plus one in the top byte of `hi`, so no
  // key is all zeros, as an empty slot is.
  struct Slot {
    uint64_t lo = 0, hi = 0;
    int32_t code = -1;
  };

 public:
  // The table of texts of up to 15 bytes, as a value for a row loop to
  // keep in registers: a loop that stores codes through an int32_t
  // pointer would otherwise reload the table's place and size after every
  // store, since the store might have changed them. Valid until the next
  // Insert.
  class ShortTable {
   public:
    // The code of the text of `size` < 16 bytes at `data`, or -1 when it
    // has none yet; 16 bytes from `data` may be read.
    int32_t Find(const char* data, size_t size) const {
      return FindKey(Load(data, 0) & kLowMask[size],
                     (Load(data, 8) & kHighMask[size]) | SizeByte(size));
    }
    // Find(data, size) for a size from 2 to 15 bytes given as `width`.
    int32_t FindOfWidth(const char* data, const Width& width) const {
      return FindKey(Load(data, 0) & width.lo_mask,
                     (Load(data, 8) & width.hi_mask) | width.size_byte);
    }

   private:
    friend class TextCodes;
    ShortTable(const Slot* slots, size_t mask, int shift)
        : slots_(slots), mask_(mask), shift_(shift) {}
    // Most texts are in their first slot (the table is at most an eighth
    // full): one comparison, one branch; the others out of line.
    int32_t FindKey(uint64_t lo, uint64_t hi) const {
      const size_t at = Home(lo, hi, shift_);
      const Slot& slot = slots_[at];
      if (ABSL_PREDICT_TRUE(((slot.lo ^ lo) | (slot.hi ^ hi)) == 0)) return slot.code;
      return FindPastHome(lo, hi, at);
    }
    ABSL_ATTRIBUTE_NOINLINE int32_t FindPastHome(uint64_t lo, uint64_t hi,
                                                 size_t at) const;

    const Slot* slots_;
    size_t mask_;
    int shift_;
  };

  // The table of short texts (every text of fewer than 16 bytes, those of
  // one byte included).
  ShortTable Short() const { return ShortTable(slots_.data(), mask_, shift_); }

  // Records `code` (>= 0) for a text Find does not know.
  void Insert(const char* data, size_t size, int32_t code);

  // The number of texts recorded.
  size_t size() const { return size_; }

 private:
  static uint64_t SizeByte(size_t size) {
    return static_cast<uint64_t>(size + 1) << 56;
  }
  // A key's first slot: the top bits of the exclusive or of its words,
  // each multiplied by an odd constant (a product's top bits depend on
  // every bit of the word). Cheaper than folding a 128-bit product: text
  // columns screen 5-8% faster.
  static size_t Home(uint64_t lo, uint64_t hi, int shift) {
    return static_cast<size_t>(((lo * 0x9e3779b97f4a7c15ULL) ^
                                (hi * 0xc2b2ae3d27d4eb4fULL)) >> shift);
  }
  // The little-endian word at data + at.
  static uint64_t Load(const char* data, size_t at) {
    uint64_t word;
    std::memcpy(&word, data + at, 8);
#if !defined(ABSL_IS_LITTLE_ENDIAN)
    word = __builtin_bswap64(word);
#endif
    return word;
  }

  // Texts of 16 bytes or more, and short texts too near the end of their
  // buffer to be loaded in two words.
  int32_t FindElsewhere(const char* data, size_t size) const;

  // The bytes of a text of `size` < 16 bytes in its first and second
  // little-endian word.
  static constexpr uint64_t kAll = ~uint64_t{0};
  static constexpr uint64_t kLowMask[16] = {
      0, 0xff, 0xffff, 0xffffff, 0xffffffff, 0xffffffffff, 0xffffffffffff,
      0xffffffffffffff, kAll, kAll, kAll, kAll, kAll, kAll, kAll, kAll};
  static constexpr uint64_t kHighMask[16] = {
      0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xffff, 0xffffff, 0xffffffff,
      0xffffffffff, 0xffffffffffff, 0xffffffffffffff};

  // The codes of the texts of one byte, by byte (-1: none yet).
  int32_t byte_codes_[256];
  // Texts of up to 15 bytes (those of one byte here too). At most an
  // eighth full: a text found past its first slot costs a mispredicted
  // branch, and in a half-full table that was a fifth to a third of the
  // texts of a column (the 30 dates of a month).
  std::vector<Slot> slots_;
  size_t mask_;
  int shift_;  // 64 - log2(slots_.size())
  size_t slots_used_ = 0;
  // Texts recorded, of every size.
  size_t size_ = 0;
  absl::flat_hash_map<std::string, int32_t> long_codes_;
};

}  // namespace divert::screening

#endif  // DIVERT_SRC_SCREENING_TEXT_CODES_H_
