// CEL values to and from JSON: how the C ABI (and tools) pass bindings in
// and results out.
//
// Bindings are one JSON object, a member per variable:
//
//   {"age": 34, "charges": ["theft"], "encounter": {"person": {"age": 34}},
//    "when": "2024-03-14T22:05:00Z", "big": "9223372036854775807"}
//
// Each member is converted according to the variable's declared type in the
// program (see BindJson). A result is encoded as
//
//   {"value": <json>}             the expression's value
//   {"unknown": ["attr", ...]}    it depends on attributes marked unknown
//
// Errors are never encoded: ResultToJson returns an error value's status,
// and the caller reports it as a status.
//
// Privacy: error messages name variables, paths ("bindings.charges[2]") and
// types, never the values themselves.
#ifndef DIVERT_SRC_EXPR_JSON_VALUES_H_
#define DIVERT_SRC_EXPR_JSON_VALUES_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "divert/cel/cel.h"
#include "divert/cel/value.h"

namespace divert::cel {

// Parses `json_object` (a JSON object, or empty text for no bindings) and
// binds each member to the variable of that name in `activation`,
// converting the JSON value as the variable's declared type in `program`'s
// variable table asks:
//
//   int, uint         an integral JSON number up to 2^53 in magnitude, or a
//                     decimal string ("9223372036854775807") for any value
//                     in range
//   double            a number, or "NaN", "Infinity", "-Infinity"
//   string, bool      a string, true/false
//   bytes             a base64 string (standard or URL-safe alphabet)
//   null_type         null
//   enum              a number, or the value's name ("FELONY")
//   list(T), map(K,V) an array, an object (keys converted to K)
//   google.protobuf.Timestamp   an RFC 3339 string, "2024-03-14T22:05:00Z"
//   google.protobuf.Duration    "1.5s" (proto3 JSON) or "1h30m" (Go style)
//   a message         its proto3 JSON object (or null); the message is
//                     created on the activation's arena, from the
//                     generated descriptor pool
//   dyn, undeclared   integral numbers → int, other numbers → double,
//                     strings, bools, null, arrays → list, objects →
//                     map(string, dyn)
//
// Members naming no variable of the program are ignored (an activation only
// has slots for the variables its programs refer to). Strings, lists, maps
// and messages are allocated on `activation.arena()`: they live until the
// activation is cleared, reset or destroyed, so bind again after Clear().
//
// On failure returns InvalidArgument naming the variable and the path,
// e.g. "bindings.age: expected an int, got a string", never the value; the
// activation may then hold some of the bindings.
absl::Status BindJson(absl::string_view json_object, const Program& program,
                      Activation& activation);

// Encodes a value as JSON: null, bools, ints and uints as numbers (exact,
// even beyond 2^53), doubles as numbers (shortest form that reads back
// exactly, always with a '.' or exponent; NaN and infinities as the strings
// "NaN", "Infinity", "-Infinity" as in proto3 JSON), strings, bytes as
// base64, lists as arrays, maps as objects (keys written as strings:
// "true", "42"), timestamps as RFC 3339 strings in UTC, durations as "1.5s",
// messages as proto3 JSON objects (proto field names, e.g. "occurred_at").
// Fails with the error's status for an error value, and with
// InvalidArgument for an unknown value or a value nested too deeply.
absl::StatusOr<std::string> ValueToJson(const Value& value);

// Encodes the result of an evaluation: {"value": <ValueToJson>} or, for an
// unknown value, {"unknown": ["attr", ...]} (sorted). For an error value
// (or an error inside a list or map) returns that error's status.
absl::StatusOr<std::string> ResultToJson(const Value& result);

}  // namespace divert::cel

#endif  // DIVERT_SRC_EXPR_JSON_VALUES_H_
