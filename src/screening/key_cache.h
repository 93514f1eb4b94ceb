// A cache in front of the screener's map from an arrest's key (the tuple
// of its key values) to its result: when the tuple's parts are small dense
// integers, they are packed into one 64-bit word, and the word is looked
// up here: in a flat array when the packed keys have at most 20 bits, else
// in a hash map of words. The cache only remembers; the screener's own map
// stays the truth, and the cache is emptied whenever the packing changes.
#ifndef DIVERT_SRC_SCREENING_KEY_CACHE_H_
#define DIVERT_SRC_SCREENING_KEY_CACHE_H_

#include <cstdint>
#include <vector>

#include "absl/container/flat_hash_map.h"

namespace divert::screening {

class KeyCache {
 public:
  // Empties the cache, for keys of `bits` bits.
  void Reset(int bits);

  // The value of `key`, or -1.
  int32_t Find(uint64_t key) const {
    if (!direct_.empty()) return direct_[key];
    auto it = map_.find(key);
    return it == map_.end() ? -1 : it->second;
  }

  // Looks up n keys; values[i] is -1 for a key not in the cache.
  void FindAll(const uint64_t* keys, int64_t n, int32_t* values) const;

  void Insert(uint64_t key, int32_t value);

 private:
  static constexpr int kDirectBits = 20;
  std::vector<int32_t> direct_;
  absl::flat_hash_map<uint64_t, int32_t> map_;
};

}  // namespace divert::screening

#endif  // DIVERT_SRC_SCREENING_KEY_CACHE_H_
