// Hash tables keyed by text, for ids and codes (person keys, referral and
// decision ids, precincts, officers). Text of at most 15 bytes is held as
// two integers (ShortText), in a table of its own (ShortTextTable) whose
// lookups compare integers and mostly read one slot, the one a Prefetch
// loads; longer text is held as strings.
#ifndef DIVERT_SRC_METRICS_TEXT_MAP_H_
#define DIVERT_SRC_METRICS_TEXT_MAP_H_

#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/config.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "metrics/block_cache.h"

namespace divert::metrics {

// A text of at most kMaxSize bytes as two words: its bytes, little-endian
// and zero past its end, and its size plus one in the top byte of the
// second word (no text's words are both zero).
class ShortText {
 public:
  static constexpr size_t kMaxSize = 15;

  // `text` must be at most kMaxSize bytes.
  explicit ShortText(absl::string_view text) {
    const char* p = text.data();
    const size_t n = text.size();
    // Loads that overlap when the text is shorter than both together;
    // overlapping bytes are equal, so or-ing them is harmless.
    if (n > 8) {
      lo_ = Load<uint64_t>(p);
      hi_ = Load<uint64_t>(p + n - 8) >> (8 * (16 - n));
    } else if (n == 8) {
      lo_ = Load<uint64_t>(p);
    } else if (n >= 4) {
      lo_ = Load<uint32_t>(p) | Load<uint32_t>(p + n - 4) << (8 * (n - 4));
    } else if (n > 0) {
      lo_ = static_cast<uint64_t>(static_cast<unsigned char>(p[0])) |
            static_cast<uint64_t>(static_cast<unsigned char>(p[n / 2])) << (8 * (n / 2)) |
            static_cast<uint64_t>(static_cast<unsigned char>(p[n - 1])) << (8 * (n - 1));
    }
    hi_ |= static_cast<uint64_t>(n + 1) << 56;
  }

  uint64_t lo() const { return lo_; }
  uint64_t hi() const { return hi_; }
  friend bool operator==(const ShortText& a, const ShortText& b) {
    return a.lo_ == b.lo_ && a.hi_ == b.hi_;
  }

 private:
  // The little-endian number in the sizeof(T) bytes at `p`.
  template <typename T>
  static uint64_t Load(const char* p) {
    T value;
    std::memcpy(&value, p, sizeof(value));
#if defined(ABSL_IS_BIG_ENDIAN)
    if constexpr (sizeof(T) == 8) {
      value = __builtin_bswap64(value);
    } else {
      value = __builtin_bswap32(value);
    }
#endif
    return value;
  }

  uint64_t lo_ = 0;
  uint64_t hi_ = 0;
};

// An open-addressing table from ShortText to values of type V, probed
// linearly and kept at most half full: a key is mostly in its first slot
// or the next, so Prefetch of the first slot loads what a lookup reads.
template <typename V>
class ShortTextTable {
 public:
  // Its slots in blocks of `cache` (block_cache.h; null for none), which
  // must outlive it.
  explicit ShortTextTable(BlockCache* cache = nullptr)
      : slots_(RecyclingAllocator<Slot>(cache)) {}

  // Makes room for `keys` keys without growing again.
  void Reserve(size_t keys) {
    size_t capacity = kMinCapacity;
    while (capacity < 2 * keys) capacity *= 2;
    if (capacity > slots_.size()) Rehash(capacity);
  }
  void Prefetch(const ShortText& key) const {
    if (slots_.empty()) return;
    // The first slot and the line after it, which holds the next two or
    // three (a key not there is looked for up to the first empty slot).
    const char* at = reinterpret_cast<const char*>(&slots_[Home(key.lo(), key.hi())]);
    __builtin_prefetch(at);
    __builtin_prefetch(at + 64);
  }
  // nullptr when `key` is not there.
  const V* Find(const ShortText& key) const {
    if (slots_.empty()) return nullptr;
    for (size_t at = Home(key.lo(), key.hi());; at = (at + 1) & mask_) {
      const Slot& slot = slots_[at];
      if (slot.lo == key.lo() && slot.hi == key.hi()) return &slot.value;
      if (slot.hi == 0) return nullptr;
    }
  }
  // Adds `key` with `value` unless it is there; returns its value and
  // whether it was added.
  std::pair<V*, bool> TryEmplace(const ShortText& key, V value) {
    if (2 * (used_ + 1) > slots_.size()) {
      Rehash(slots_.empty() ? kMinCapacity : 2 * slots_.size());
    }
    for (size_t at = Home(key.lo(), key.hi());; at = (at + 1) & mask_) {
      Slot& slot = slots_[at];
      if (slot.lo == key.lo() && slot.hi == key.hi()) return {&slot.value, false};
      if (slot.hi == 0) {
        slot = {key.lo(), key.hi(), value};
        ++used_;
        return {&slot.value, true};
      }
    }
  }

 private:
  static constexpr size_t kMinCapacity = 16;
  // An empty slot has hi == 0, which no key has.
  struct Slot {
    uint64_t lo = 0;
    uint64_t hi = 0;
    V value{};
  };

  // A key's first slot: the top bits of the exclusive or of its words,
  // each multiplied by an odd constant (a product's top bits depend on
  // every bit of the word).
  size_t Home(uint64_t lo, uint64_t hi) const {
    return static_cast<size_t>(((lo * 0x9e3779b97f4a7c15ULL) ^ (hi * 0xc2b2ae3d27d4eb4fULL)) >>
                               shift_);
  }

  void Rehash(size_t capacity) {
    std::vector<Slot, RecyclingAllocator<Slot>> old(capacity, Slot(),
                                                    slots_.get_allocator());
    old.swap(slots_);
    mask_ = capacity - 1;
    shift_ = 64;
    for (size_t c = capacity; c > 1; c /= 2) --shift_;
    for (const Slot& slot : old) {
      if (slot.hi == 0) continue;
      size_t at = Home(slot.lo, slot.hi);
      while (slots_[at].hi != 0) at = (at + 1) & mask_;
      slots_[at] = slot;
    }
  }

  std::vector<Slot, RecyclingAllocator<Slot>> slots_;
  size_t mask_ = 0;
  int shift_ = 64;
  size_t used_ = 0;
};

// A map from text to values of type V.
template <typename V>
class TextMap {
 public:
  TextMap() = default;
  // Short keys' table in blocks of `cache` (see block_cache.h), which must
  // outlive the map.
  explicit TextMap(BlockCache* cache) : short_(cache) {}

  // Makes room for `keys` keys (of up to ShortText::kMaxSize bytes)
  // without growing again.
  void Reserve(size_t keys) { short_.Reserve(keys); }
  // Loads the memory a lookup of `key` will read (see Dictionary::Prefetch).
  void Prefetch(absl::string_view key) const {
    if (key.size() <= ShortText::kMaxSize) {
      short_.Prefetch(ShortText(key));
    } else {
      long_.prefetch(key);
    }
  }
  // Adds `key` with `value` unless it is there; returns its value and
  // whether it was added.
  std::pair<V*, bool> TryEmplace(absl::string_view key, V value) {
    if (key.size() <= ShortText::kMaxSize) return short_.TryEmplace(ShortText(key), value);
    auto [it, added] = long_.try_emplace(key, value);
    return {&it->second, added};
  }
  // nullptr when `key` is not there.
  const V* Find(absl::string_view key) const {
    if (key.size() <= ShortText::kMaxSize) return short_.Find(ShortText(key));
    auto it = long_.find(key);
    return it == long_.end() ? nullptr : &it->second;
  }
  bool Contains(absl::string_view key) const { return Find(key) != nullptr; }

 private:
  ShortTextTable<V> short_;
  absl::flat_hash_map<std::string, V> long_;
};

}  // namespace divert::metrics

#endif  // DIVERT_SRC_METRICS_TEXT_MAP_H_
