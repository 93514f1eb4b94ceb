// An exact map from byte strings to integer codes, built for the inner
// loop of screening a text column: most values are short (dates, statute
// codes, labels), so a string of up to 16 bytes is held in the slot itself
// as two words, hashed with one multiplication and compared with two word
// comparisons; longer strings are compared byte for byte. Open addressing
// with linear probing; it only grows.
#ifndef DIVERT_SRC_SCREENING_TEXT_CODES_H_
#define DIVERT_SRC_SCREENING_TEXT_CODES_H_

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "absl/base/config.h"

namespace divert::screening {

class TextCodes {
 public:
  TextCodes();

  // The code of the `size` bytes at `data`, or -1 when the text has none
  // yet. `limit` is the end of the memory that may be read: when 16 bytes
  // from `data` fit before it, a short text is loaded in two words.
  int32_t Find(const char* data, size_t size, const char* limit) const {
    const Words w = Load(data, size, limit);
    size_t at = w.hash & mask_;
    while (true) {
      const Slot& slot = slots_[at];
      if (slot.code < 0) return -1;
      if (slot.lo == w.lo && slot.hi == w.hi && slot.size == size &&
          (size <= 16 || Tail(slot, data, size))) {
        return slot.code;
      }
      at = (at + 1) & mask_;
    }
  }

  // Records `code` (>= 0) for a text Find does not know.
  void Insert(const char* data, size_t size, int32_t code);

  // The number of texts recorded.
  size_t size() const { return used_; }

 private:
  struct Words {
    uint64_t lo = 0, hi = 0, hash = 0;
  };
  struct Slot {
    uint64_t lo = 0, hi = 0;
    // Texts longer than 16 bytes: where the whole text is in long_texts_.
    uint64_t offset = 0;
    uint32_t size = 0;
    int32_t code = -1;
  };

  static Words Load(const char* data, size_t size, const char* limit) {
    Words w;
#if defined(ABSL_IS_LITTLE_ENDIAN)
    if (size <= 16 && limit - data >= 16) {
      std::memcpy(&w.lo, data, 8);
      std::memcpy(&w.hi, data + 8, 8);
      if (size < 8) {
        w.lo = size == 0 ? 0 : w.lo & (~uint64_t{0} >> (64 - 8 * size));
        w.hi = 0;
      } else if (size < 16) {
        w.hi = size == 8 ? 0 : w.hi & (~uint64_t{0} >> (128 - 8 * size));
      }
      w.hash = Mix(w.lo, w.hi, size);
      return w;
    }
#else
    (void)limit;
#endif
    // An empty text may have no buffer at all (data == nullptr).
    if (size > 0) std::memcpy(&w.lo, data, size < 8 ? size : 8);
    if (size > 8) std::memcpy(&w.hi, data + 8, size < 16 ? size - 8 : 8);
    w.hash = Mix(w.lo, w.hi, size);
    if (size > 16) w.hash = Mix(w.hash, LongHash(data + 16, size - 16), size);
    return w;
  }

  static uint64_t Mix(uint64_t a, uint64_t b, uint64_t size) {
    const unsigned __int128 m =
        static_cast<unsigned __int128>(a ^ 0xa0761d6478bd642fULL ^ size) *
        (b ^ 0xe7037ed1a0b428dbULL);
    return static_cast<uint64_t>(m) ^ static_cast<uint64_t>(m >> 64);
  }
  static uint64_t LongHash(const char* data, size_t size);

  bool Tail(const Slot& slot, const char* data, size_t size) const {
    return std::memcmp(long_texts_.data() + slot.offset + 16, data + 16,
                       size - 16) == 0;
  }

  std::vector<Slot> slots_;
  size_t mask_;
  size_t used_ = 0;
  std::string long_texts_;
};

}  // namespace divert::screening

#endif  // DIVERT_SRC_SCREENING_TEXT_CODES_H_
