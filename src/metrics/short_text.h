// Text of at most 16 bytes held as two integers and its length, so that a
// hash table keyed by short ids and codes (person keys, referral and
// decision ids, precincts, officers) hashes and compares integers instead
// of reading and comparing bytes.
#ifndef DIVERT_SRC_METRICS_SHORT_TEXT_H_
#define DIVERT_SRC_METRICS_SHORT_TEXT_H_

#include <cstdint>
#include <cstring>
#include <utility>

#include "absl/strings/string_view.h"

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

}  // namespace divert::metrics

#endif  // DIVERT_SRC_METRICS_SHORT_TEXT_H_
