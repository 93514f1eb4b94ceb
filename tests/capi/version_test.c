/* The version functions of the C ABI, from plain C99: the header's macros
** and the library agree, and divert_version_check() accepts this header
** and older minors of its major version, and refuses newer minors and
** other majors with both versions in the last error. */
#include <stdio.h>
#include <string.h>

#include "divert/divert.h"

static int failures = 0;

static void expect(int ok, const char* what) {
  if (!ok) {
    fprintf(stderr, "FAIL: %s\n", what);
    ++failures;
  }
}

int main(void) {
  char text[32];
  snprintf(text, sizeof text, "%d.%d.%d", DIVERT_VERSION_MAJOR,
           DIVERT_VERSION_MINOR, DIVERT_VERSION_PATCH);
  expect(divert_version_number() == DIVERT_VERSION_NUMBER,
         "divert_version_number() is DIVERT_VERSION_NUMBER");
  expect(strcmp(divert_version_string(), DIVERT_VERSION_STRING) == 0,
         "divert_version_string() is DIVERT_VERSION_STRING");
  expect(strcmp(DIVERT_VERSION_STRING, text) == 0,
         "DIVERT_VERSION_STRING spells the three numbers");

  expect(divert_version_check(DIVERT_VERSION_NUMBER) == DIVERT_OK,
         "the library serves its own header");
  expect(strcmp(divert_last_error(), "") == 0, "success clears the last error");
  expect(divert_version_check(DIVERT_VERSION_MAJOR * 10000) == DIVERT_OK,
         "the library serves the first header of its major version");

  /* A header one minor version newer: it may declare functions this
  ** library does not have. */
  expect(divert_version_check(DIVERT_VERSION_NUMBER + 100 -
                              DIVERT_VERSION_PATCH) ==
             DIVERT_ERROR_INVALID_ARGUMENT,
         "a newer minor version is refused");
  expect(strstr(divert_last_error(), DIVERT_VERSION_STRING) != NULL,
         "the last error names the library's version");
  expect(divert_version_check((DIVERT_VERSION_MAJOR + 1) * 10000) ==
             DIVERT_ERROR_INVALID_ARGUMENT,
         "another major version is refused");
  expect(divert_version_check(-1) == DIVERT_ERROR_INVALID_ARGUMENT,
         "a negative version is refused");

  if (failures == 0) printf("version: %s, all checks passed\n", text);
  return failures == 0 ? 0 : 1;
}
