// The C ABI's version functions.
#include "divert/divert.h"
#include "divert/version.h"

extern "C" {

DIVERT_EXPORT int divert_version_number(void) { return DIVERT_VERSION_NUMBER; }

DIVERT_EXPORT const char* divert_version_string(void) {
  return DIVERT_VERSION_STRING;
}

}  // extern "C"
