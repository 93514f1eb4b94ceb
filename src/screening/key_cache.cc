#include "screening/key_cache.h"

#include <algorithm>
#include <utility>

namespace divert::screening {
namespace {

constexpr int kFirstTableBits = 10;

// A table this small stays in the processor's caches (L2) between
// lookups: fetching its slots ahead would only add work.
constexpr size_t kCachedTableBytes = size_t{256} << 10;

}  // namespace

void KeyCache::Reset(int bits) {
  table_.clear();
  used_ = 0;
  if (bits <= kDirectBits) {
    direct_.assign(size_t{1} << bits, -1);
    return;
  }
  direct_.clear();
  table_.assign(size_t{1} << kFirstTableBits, Entry());
  mask_ = table_.size() - 1;
  shift_ = 64 - kFirstTableBits;
}

void KeyCache::FindAll(const uint64_t* keys, int64_t n, int32_t* values) const {
  if (table_.empty()) {
    const int32_t* direct = direct_.data();
    for (int64_t i = 0; i < n; ++i) values[i] = direct[keys[i]];
    return;
  }
  if (table_.size() * sizeof(Entry) <= kCachedTableBytes) {
    for (int64_t i = 0; i < n; ++i) values[i] = Find(keys[i]);
    return;
  }
  // The table's slots are far apart in memory: each is fetched a few keys
  // ahead of its lookup.
  constexpr int64_t kAhead = 8;
  for (int64_t i = 0; i < n; ++i) {
    if (i + kAhead < n && keys[i + kAhead] >= direct_.size()) {
      __builtin_prefetch(&table_[Slot(keys[i + kAhead])]);
    }
    values[i] = Find(keys[i]);
  }
}

void KeyCache::Insert(uint64_t key, int32_t value) {
  if (key < direct_.size()) {
    direct_[key] = value;
    return;
  }
  if (2 * (used_ + 1) > table_.size()) {
    // Twice the slots, to stay at most half full.
    std::vector<Entry> old = std::move(table_);
    table_.assign(old.size() * 2, Entry());
    mask_ = table_.size() - 1;
    --shift_;
    for (const Entry& e : old) {
      if (e.value < 0) continue;
      size_t at = Slot(e.key);
      while (table_[at].value >= 0) at = (at + 1) & mask_;
      table_[at] = e;
    }
  }
  size_t at = Slot(key);
  while (table_[at].value >= 0 && table_[at].key != key) at = (at + 1) & mask_;
  if (table_[at].value < 0) ++used_;
  table_[at] = {key, value};
}

}  // namespace divert::screening
