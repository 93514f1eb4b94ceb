// Buffers the C ABI hands to its callers (released with divert_buffer_free).
#ifndef DIVERT_SRC_CAPI_BUFFERS_H_
#define DIVERT_SRC_CAPI_BUFFERS_H_

#include <cstddef>

#include "absl/strings/string_view.h"

namespace divert::capi {

// Copies `text` into a new NUL-terminated buffer for the caller: *out gets
// it and *len (when not null) its length without the NUL. Returns
// DIVERT_OK, or DIVERT_ERROR_INTERNAL ("out of memory") with *out = NULL.
int ReturnBuffer(absl::string_view text, char** out, size_t* len);

// Room for `size` bytes followed by a NUL, which it already holds, for a
// buffer the caller will release with divert_buffer_free; null when out of
// memory. For writers that fill the buffer themselves (HandOverBuffer).
char* NewBuffer(size_t size);

// Gives `buffer`, from NewBuffer(size) and filled, to the caller: *out gets
// it and *len (when not null) `size`. Returns DIVERT_OK.
int HandOverBuffer(char* buffer, size_t size, char** out, size_t* len);

// Sets a buffer out-parameter to "nothing" (NULL, 0); either may be null.
void ClearBuffer(char** out, size_t* len);

// Releases a buffer from NewBuffer (divert_buffer_free); null is a no-op.
void ReleaseBuffer(void* buffer);

}  // namespace divert::capi

#endif  // DIVERT_SRC_CAPI_BUFFERS_H_
