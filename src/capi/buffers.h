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

// Sets a buffer out-parameter to "nothing" (NULL, 0); either may be null.
void ClearBuffer(char** out, size_t* len);

}  // namespace divert::capi

#endif  // DIVERT_SRC_CAPI_BUFFERS_H_
