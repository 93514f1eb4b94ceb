// Hash tables keyed by text, for ids and codes (person keys, referral and
// decision ids, precincts, officers). Text of at most 16 bytes is held as
// two integers and its length (ShortText), so such a table hashes and
// compares integers instead of reading and comparing bytes; longer text is
// held as strings.
#ifndef DIVERT_SRC_METRICS_TEXT_MAP_H_
#define DIVERT_SRC_METRICS_TEXT_MAP_H_

#include <cstdint>
#include <cstring>
#include <functional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "metrics/block_cache.h"

namespace divert::metrics {

class ShortText {
 public:
  static constexpr size_t kMaxSize = 16;

  // `text` must be at most kMaxSize bytes.
  explicit ShortText(absl::string_view text) : size_(text.size()) {
    const char* p = text.data();
    const size_t n = text.size();
    // Two loads that overlap when the text is shorter than both together:
    // with the length, they determine the text.
    if (n >= 8) {
      head_ = Load<uint64_t>(p);
      tail_ = Load<uint64_t>(p + n - 8);
    } else if (n >= 4) {
      head_ = Load<uint32_t>(p);
      tail_ = Load<uint32_t>(p + n - 4);
    } else if (n > 0) {
      head_ = static_cast<unsigned char>(p[0]) |
              static_cast<uint64_t>(static_cast<unsigned char>(p[n / 2])) << 8 |
              static_cast<uint64_t>(static_cast<unsigned char>(p[n - 1])) << 16;
    }
  }

  friend bool operator==(const ShortText& a, const ShortText& b) {
    return a.head_ == b.head_ && a.tail_ == b.tail_ && a.size_ == b.size_;
  }
  template <typename H>
  friend H AbslHashValue(H h, const ShortText& text) {
    return H::combine(std::move(h), text.head_, text.tail_, text.size_);
  }

 private:
  template <typename T>
  static T Load(const char* p) {
    T value;
    std::memcpy(&value, p, sizeof(value));
    return value;
  }

  uint64_t head_ = 0;
  uint64_t tail_ = 0;
  size_t size_ = 0;
};

// A map from text to values of type V.
template <typename V>
class TextMap {
 public:
  TextMap() = default;
  // Short keys' table in blocks of `cache` (see block_cache.h), which must
  // outlive the map.
  explicit TextMap(BlockCache* cache) : short_(ShortAllocator(cache)) {}

  // Makes room for `keys` keys (of up to 16 bytes) without growing again.
  void Reserve(size_t keys) { short_.reserve(keys); }
  // Loads the memory a lookup of `key` will read (see Dictionary::Prefetch).
  void Prefetch(absl::string_view key) const {
    if (key.size() <= ShortText::kMaxSize) {
      short_.prefetch(ShortText(key));
    } else {
      long_.prefetch(key);
    }
  }
  // Adds `key` with `value` unless it is there; returns its value and
  // whether it was added.
  std::pair<V*, bool> TryEmplace(absl::string_view key, V value) {
    if (key.size() <= ShortText::kMaxSize) {
      auto [it, added] = short_.try_emplace(ShortText(key), value);
      return {&it->second, added};
    }
    auto [it, added] = long_.try_emplace(key, value);
    return {&it->second, added};
  }
  // nullptr when `key` is not there.
  const V* Find(absl::string_view key) const {
    if (key.size() <= ShortText::kMaxSize) {
      auto it = short_.find(ShortText(key));
      return it == short_.end() ? nullptr : &it->second;
    }
    auto it = long_.find(key);
    return it == long_.end() ? nullptr : &it->second;
  }
  bool Contains(absl::string_view key) const { return Find(key) != nullptr; }

 private:
  using ShortAllocator = RecyclingAllocator<std::pair<const ShortText, V>>;
  absl::flat_hash_map<ShortText, V, absl::Hash<ShortText>, std::equal_to<ShortText>,
                      ShortAllocator>
      short_;
  absl::flat_hash_map<std::string, V> long_;
};

}  // namespace divert::metrics

#endif  // DIVERT_SRC_METRICS_TEXT_MAP_H_
