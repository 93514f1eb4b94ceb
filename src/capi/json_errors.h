// Reading the errors of protobuf's JSON parser without repeating the input:
// its messages may quote the value they found, which may be a person's
// identifying value. The C ABI's errors name the field instead.
#ifndef DIVERT_SRC_CAPI_JSON_ERRORS_H_
#define DIVERT_SRC_CAPI_JSON_ERRORS_H_

#include <string>

#include "absl/strings/string_view.h"

namespace divert::capi {

// The parts of a parser message that name where the problem is. The
// messages start with the field: "(people[0].age): invalid value \"x\"
// ...", "(people[0]) personKy: Cannot find field.", "bogus: Cannot find
// field."; a syntax error shows the text around it on the lines after the
// first.
struct JsonError {
  // "people[0].age", "people[0]"; "" when the message names no field.
  std::string path;
  // "personKy" for a field the message type does not have; "" otherwise.
  std::string unknown_field;
  // The message's first line: for a message that names no field.
  std::string first_line;
};
JsonError ReadJsonError(absl::string_view message);

// "people[0]: unknown field 'personKy'", "people[0].age: not a valid value
// for this field", or else the message's first line.
std::string JsonProblem(absl::string_view message);

}  // namespace divert::capi

#endif  // DIVERT_SRC_CAPI_JSON_ERRORS_H_
