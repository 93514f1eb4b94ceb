// The C ABI's error handling: the thread-local last error, status codes
// from absl::Status, and the guard that keeps C++ exceptions inside.
#ifndef DIVERT_SRC_CAPI_ERRORS_H_
#define DIVERT_SRC_CAPI_ERRORS_H_

#include <cstddef>
#include <exception>
#include <new>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "divert/divert.h"

namespace divert::capi {

// Clears the calling thread's last error; returns DIVERT_OK.
int Ok();
// Sets the calling thread's last error; returns `code`.
int Fail(int code, absl::string_view message);
// The DIVERT_ERROR_* code for a status that is not OK.
int CodeOf(const absl::Status& status);
// Fail(CodeOf(status), status.message()).
int Fail(const absl::Status& status);
// Sets the last error to "out of memory" without allocating; returns
// DIVERT_ERROR_INTERNAL.
int FailOutOfMemory();

// Runs `body` (returning a status code), turning any C++ exception into
// DIVERT_ERROR_INTERNAL. Every exported function that can fail runs its
// body through Guard.
template <typename Body>
int Guard(Body&& body) noexcept {
  try {
    return body();
  } catch (const std::bad_alloc&) {
    return FailOutOfMemory();
  } catch (const std::exception& e) {
    try {
      return Fail(DIVERT_ERROR_INTERNAL,
                  std::string("internal error: ") + e.what());
    } catch (...) {
      return FailOutOfMemory();
    }
  } catch (...) {
    try {
      return Fail(DIVERT_ERROR_INTERNAL, "internal error: unknown exception");
    } catch (...) {
      return FailOutOfMemory();
    }
  }
}

// Reads a (pointer, length) input; DIVERT_NUL_TERMINATED means strlen. A
// NULL pointer is the empty text when `len` is 0 or DIVERT_NUL_TERMINATED,
// and an error otherwise. Returns false (and sets the last error, naming
// `what`) when the input is invalid.
bool ReadText(const char* text, size_t len, absl::string_view what,
              absl::string_view* out);

}  // namespace divert::capi

#endif  // DIVERT_SRC_CAPI_ERRORS_H_
