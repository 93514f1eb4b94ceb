#include "screening/text_codes.h"

#include <utility>

#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"

namespace divert::screening {

TextCodes::TextCodes() : slots_(64), mask_(63) {}

uint64_t TextCodes::LongHash(const char* data, size_t size) {
  return absl::HashOf(absl::string_view(data, size));
}

void TextCodes::Insert(const char* data, size_t size, int32_t code) {
  if (2 * (used_ + 1) > slots_.size()) {
    // Grow to keep the table at most half full.
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.size() * 2, Slot());
    mask_ = slots_.size() - 1;
    for (const Slot& slot : old) {
      if (slot.code < 0) continue;
      // Short texts are read back from the slot's own words.
      const uint64_t words[2] = {slot.lo, slot.hi};
      const char* text = slot.size <= 16
                             ? reinterpret_cast<const char*>(words)
                             : long_texts_.data() + slot.offset;
      size_t at = Load(text, slot.size, text + slot.size).hash & mask_;
      while (slots_[at].code >= 0) at = (at + 1) & mask_;
      slots_[at] = slot;
    }
  }
  const Words w = Load(data, size, data + size);
  Slot slot;
  slot.lo = w.lo;
  slot.hi = w.hi;
  slot.size = static_cast<uint32_t>(size);
  slot.code = code;
  if (size > 16) {
    slot.offset = long_texts_.size();
    long_texts_.append(data, size);
  }
  size_t at = w.hash & mask_;
  while (slots_[at].code >= 0) at = (at + 1) & mask_;
  slots_[at] = slot;
  ++used_;
}

}  // namespace divert::screening
