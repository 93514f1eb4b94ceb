#include "screening/text_codes.h"

#include <algorithm>
#include <iterator>
#include <utility>

#include "absl/strings/string_view.h"

namespace divert::screening {
namespace {

// A short text's two key words, read without reading past its end, in
// the byte order TextCodes::Find loads them on a little-endian machine.
void ShortKey(const char* data, size_t size, uint64_t* lo, uint64_t* hi) {
  *lo = 0;
  *hi = static_cast<uint64_t>(size + 1) << 56;
  for (size_t i = 0; i < size; ++i) {
    const uint64_t byte = static_cast<uint8_t>(data[i]);
    if (i < 8) {
      *lo |= byte << (8 * i);
    } else {
      *hi |= byte << (8 * (i - 8));
    }
  }
}

}  // namespace

TextCodes::TextCodes() : slots_(512), mask_(511), shift_(64 - 9) {
  std::fill(std::begin(byte_codes_), std::end(byte_codes_), -1);
}

int32_t TextCodes::FindElsewhere(const char* data, size_t size) const {
  if (size >= 16) {
    auto it = long_codes_.find(absl::string_view(data, size));
    return it == long_codes_.end() ? -1 : it->second;
  }
  uint64_t lo, hi;
  ShortKey(data, size, &lo, &hi);
  return Short().FindKey(lo, hi);
}

int32_t TextCodes::ShortTable::FindPastHome(uint64_t lo, uint64_t hi,
                                            size_t at) const {
  while (true) {
    const Slot& slot = slots_[at];
    if (((slot.lo ^ lo) | (slot.hi ^ hi)) == 0) return slot.code;
    if (slot.code < 0) return -1;
    at = (at + 1) & mask_;
  }
}

void TextCodes::Insert(const char* data, size_t size, int32_t code) {
  ++size_;
  if (size == 1) byte_codes_[static_cast<uint8_t>(*data)] = code;
  if (size >= 16) {
    long_codes_.emplace(std::string(data, size), code);
    return;
  }
  if (8 * (slots_used_ + 1) > slots_.size()) {
    // Grow to keep the table at most an eighth full (see slots_).
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.size() * 2, Slot());
    mask_ = slots_.size() - 1;
    --shift_;
    for (const Slot& slot : old) {
      if (slot.code < 0) continue;
      size_t at = Home(slot.lo, slot.hi, shift_);
      while (slots_[at].code >= 0) at = (at + 1) & mask_;
      slots_[at] = slot;
    }
  }
  Slot slot;
  ShortKey(data, size, &slot.lo, &slot.hi);
  slot.code = code;
  size_t at = Home(slot.lo, slot.hi, shift_);
  while (slots_[at].code >= 0) at = (at + 1) & mask_;
  slots_[at] = slot;
  ++slots_used_;
}

}  // namespace divert::screening
