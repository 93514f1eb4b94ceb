// A cache in front of the screener's map from an arrest's key (the tuple
// of its key values) to its result: when the tuple's parts are small dense
// integers, they are packed into one 64-bit word, and the word is looked
// up here: keys of at most 20 bits in a flat array, wider ones (every key
// of such a packing, narrow or not: one place to look, so no branch to
// mispredict) in an open-addressing table of words (one multiplication
// to hash, linear probing, at most half full), whose slots FindAll fetches
// ahead once the table outgrows the processor's L2 cache. The cache only
// remembers; the screener's own map stays the truth, and the cache is
// emptied whenever the packing changes.
#ifndef DIVERT_SRC_SCREENING_KEY_CACHE_H_
#define DIVERT_SRC_SCREENING_KEY_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace divert::screening {

class KeyCache {
 public:
  // Empties the cache, for keys of `bits` bits.
  void Reset(int bits);

  // The value of `key`, or -1.
  int32_t Find(uint64_t key) const {
    if (key < direct_.size()) return direct_[key];
    for (size_t at = Slot(key);; at = (at + 1) & mask_) {
      const Entry& e = table_[at];
      if (e.value < 0 || e.key == key) return e.value;
    }
  }

  // Looks up n keys; values[i] is -1 for a key not in the cache.
  void FindAll(const uint64_t* keys, int64_t n, int32_t* values) const;

  // Records `value` (>= 0) for `key`.
  void Insert(uint64_t key, int32_t value);

 private:
  struct Entry {
    uint64_t key = 0;
    int32_t value = -1;  // -1: an empty slot
  };
  static constexpr int kDirectBits = 20;

  size_t Slot(uint64_t key) const {
    return static_cast<size_t>((key * 0x9e3779b97f4a7c15ULL) >> shift_);
  }

  std::vector<int32_t> direct_;
  std::vector<Entry> table_;
  size_t mask_ = 0;
  size_t used_ = 0;
  int shift_ = 64;
};

}  // namespace divert::screening

#endif  // DIVERT_SRC_SCREENING_KEY_CACHE_H_
