// Line and column in JSON text, for policy files written as JSON: the
// first syntax error, and where a field named in a protobuf parse error
// ("versions[0].rules[1].kind") is written. The protobuf JSON parser names
// paths but not positions; this fills in the positions.
#ifndef DIVERT_SRC_ELIGIBILITY_JSON_POSITIONS_H_
#define DIVERT_SRC_ELIGIBILITY_JSON_POSITIONS_H_

#include <string>

#include "absl/strings/string_view.h"

namespace divert::eligibility {

struct JsonPosition {
  // 1-based; 0 when unknown.
  int line = 0;
  // 1-based, in code points.
  int column = 0;
};

// The first syntax error in `json`, with a message; false when `json` is
// one well-formed JSON value.
bool FindJsonSyntaxError(absl::string_view json, JsonPosition* position,
                         std::string* message);

// Where the member named by `path` is written: "versions[0].rules[1].kind"
// points at the key "kind" of the second rule of the first version. Keys
// match in camelCase or snake_case. A path of one name with no dots or
// brackets ("bogus") finds the first key of that name anywhere. {0, 0}
// when not found.
JsonPosition FindJsonPath(absl::string_view json, absl::string_view path);

}  // namespace divert::eligibility

#endif  // DIVERT_SRC_ELIGIBILITY_JSON_POSITIONS_H_
