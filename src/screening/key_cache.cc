#include "screening/key_cache.h"

namespace divert::screening {

void KeyCache::Reset(int bits) {
  map_.clear();
  direct_.clear();
  if (bits <= kDirectBits) direct_.assign(size_t{1} << bits, -1);
}

void KeyCache::FindAll(const uint64_t* keys, int64_t n, int32_t* values) const {
  if (!direct_.empty()) {
    const int32_t* direct = direct_.data();
    for (int64_t i = 0; i < n; ++i) values[i] = direct[keys[i]];
    return;
  }
  for (int64_t i = 0; i < n; ++i) {
    auto it = map_.find(keys[i]);
    values[i] = it == map_.end() ? -1 : it->second;
  }
}

void KeyCache::Insert(uint64_t key, int32_t value) {
  if (!direct_.empty()) {
    direct_[key] = value;
  } else {
    map_[key] = value;
  }
}

}  // namespace divert::screening
