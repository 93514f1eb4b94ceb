// The C ABI's version functions.
#include "absl/strings/str_cat.h"
#include "capi/errors.h"
#include "divert/divert.h"
#include "divert/version.h"

extern "C" {

DIVERT_EXPORT int divert_version_number(void) { return DIVERT_VERSION_NUMBER; }

DIVERT_EXPORT const char* divert_version_string(void) {
  return DIVERT_VERSION_STRING;
}

DIVERT_EXPORT int divert_version_check(int header_version) {
  return divert::capi::Guard([&] {
    const int major = header_version / 10000;
    const int minor = header_version / 100 % 100;
    const int patch = header_version % 100;
    if (header_version >= 0 && major == DIVERT_VERSION_MAJOR &&
        minor <= DIVERT_VERSION_MINOR) {
      return divert::capi::Ok();
    }
    return divert::capi::Fail(
        DIVERT_ERROR_INVALID_ARGUMENT,
        absl::StrCat("divert.h ", major, ".", minor, ".", patch,
                     " needs libdivert ", major, ".", minor, " or a later ",
                     major, ".x; this is ", DIVERT_VERSION_STRING));
  });
}

}  // extern "C"
