// The C ABI's last error and status codes (see errors.h).
#include "capi/errors.h"

#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "divert/divert.h"

namespace divert::capi {
namespace {

// The calling thread's last error. `fixed` (a static string) wins over
// `message` when set, so that running out of memory can be reported
// without allocating.
struct LastError {
  std::string message;
  const char* fixed = nullptr;
};

LastError& ThreadLastError() {
  thread_local LastError last_error;
  return last_error;
}

}  // namespace

int Ok() {
  LastError& last = ThreadLastError();
  last.message.clear();  // keeps the capacity: never allocates
  last.fixed = nullptr;
  return DIVERT_OK;
}

int Fail(int code, absl::string_view message) {
  LastError& last = ThreadLastError();
  last.fixed = nullptr;
  last.message.assign(message.data(), message.size());
  return code;
}

int FailOutOfMemory() {
  LastError& last = ThreadLastError();
  last.message.clear();
  last.fixed = "out of memory";
  return DIVERT_ERROR_INTERNAL;
}

int CodeOf(const absl::Status& status) {
  switch (status.code()) {
    case absl::StatusCode::kOk:
      return DIVERT_OK;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kAlreadyExists:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return DIVERT_ERROR_INVALID_ARGUMENT;
    case absl::StatusCode::kNotFound:
      return DIVERT_ERROR_NOT_FOUND;
    case absl::StatusCode::kResourceExhausted:
      return DIVERT_ERROR_LIMIT;
    default:
      return DIVERT_ERROR_INTERNAL;
  }
}

int Fail(const absl::Status& status) {
  if (status.ok()) return Ok();
  return Fail(CodeOf(status), status.message());
}

bool ReadText(const char* text, size_t len, absl::string_view what,
              absl::string_view* out) {
  if (text == nullptr) {
    if (len == 0 || len == DIVERT_NUL_TERMINATED) {
      *out = absl::string_view();
      return true;
    }
    Fail(DIVERT_ERROR_INVALID_ARGUMENT,
         absl::StrCat(what, " is NULL but its length is not 0"));
    return false;
  }
  *out = absl::string_view(text, len == DIVERT_NUL_TERMINATED
                                     ? std::strlen(text)
                                     : len);
  return true;
}

}  // namespace divert::capi

extern "C" {

DIVERT_EXPORT const char* divert_last_error(void) {
  const divert::capi::LastError& last = divert::capi::ThreadLastError();
  return last.fixed != nullptr ? last.fixed : last.message.c_str();
}

}  // extern "C"
