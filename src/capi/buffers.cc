// Buffers the C ABI hands to its callers (see buffers.h).
#include "capi/buffers.h"

#include <cstdlib>
#include <cstring>

#include "capi/errors.h"
#include "divert/divert.h"

namespace divert::capi {

char* NewBuffer(size_t size) {
  // malloc, not new: divert_buffer_free releases it with free().
  char* buffer = static_cast<char*>(std::malloc(size + 1));
  if (buffer != nullptr) buffer[size] = '\0';
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

}  // namespace divert::capi

extern "C" {

DIVERT_EXPORT void divert_buffer_free(void* buffer) { std::free(buffer); }

}  // extern "C"
