// Buffers the C ABI hands to its callers (see buffers.h).
//
// Each buffer is one malloc'd block: a header that holds the block's
// capacity, then the bytes the caller sees. divert_buffer_free keeps the
// calling thread's most recently released block (up to kMaxKeptCapacity)
// for the thread's next buffer that fits, so a thread that asks for
// decision after decision reuses one warm block instead of a malloc and a
// free for each (a decision is a few KB, beyond glibc's per-thread cache).
#include "capi/buffers.h"

#include <cstddef>
#include <cstdlib>
#include <cstring>

#include "capi/errors.h"
#include "divert/divert.h"

namespace divert::capi {
namespace {

// Larger blocks go back to malloc at once.
constexpr size_t kMaxKeptCapacity = 64 * 1024;

// Before each buffer; its size keeps the buffer as aligned as malloc's.
struct alignas(std::max_align_t) BlockHeader {
  size_t capacity;  // bytes after the header
};

BlockHeader* HeaderOf(void* buffer) {
  return reinterpret_cast<BlockHeader*>(static_cast<char*>(buffer) -
                                        sizeof(BlockHeader));
}

char* BufferOf(BlockHeader* header) {
  return reinterpret_cast<char*>(header) + sizeof(BlockHeader);
}

// The calling thread's kept block; released when the thread exits.
struct KeptBlock {
  BlockHeader* block = nullptr;
  ~KeptBlock() { std::free(block); }
};

thread_local KeptBlock kept;

}  // namespace

char* NewBuffer(size_t size) {
  BlockHeader* header = nullptr;
  if (kept.block != nullptr && kept.block->capacity > size) {
    header = kept.block;
    kept.block = nullptr;
  } else {
    if (size >= SIZE_MAX - sizeof(BlockHeader)) return nullptr;
    header = static_cast<BlockHeader*>(
        std::malloc(sizeof(BlockHeader) + size + 1));
    if (header == nullptr) return nullptr;
    header->capacity = size + 1;
  }
  char* buffer = BufferOf(header);
  buffer[size] = '\0';
  return buffer;
}

int HandOverBuffer(char* buffer, size_t size, char** out, size_t* len) {
  *out = buffer;
  if (len != nullptr) *len = size;
  return Ok();
}

int ReturnBuffer(absl::string_view text, char** out, size_t* len) {
  char* buffer = NewBuffer(text.size());
  if (buffer == nullptr) {
    ClearBuffer(out, len);
    return FailOutOfMemory();
  }
  if (!text.empty()) std::memcpy(buffer, text.data(), text.size());
  return HandOverBuffer(buffer, text.size(), out, len);
}

void ClearBuffer(char** out, size_t* len) {
  if (out != nullptr) *out = nullptr;
  if (len != nullptr) *len = 0;
}

void ReleaseBuffer(void* buffer) {
  if (buffer == nullptr) return;
  BlockHeader* header = HeaderOf(buffer);
  if (header->capacity > kMaxKeptCapacity) {
    std::free(header);
    return;
  }
  std::free(kept.block);
  kept.block = header;
}

}  // namespace divert::capi

extern "C" {

DIVERT_EXPORT void divert_buffer_free(void* buffer) {
  divert::capi::ReleaseBuffer(buffer);
}

}  // extern "C"
