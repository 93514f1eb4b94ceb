// Internals of the standard function library: the registry entry type,
// each family's table of entries, and helpers the families share.
#ifndef DIVERT_SRC_EXPR_FUNCTIONS_INTERNAL_H_
#define DIVERT_SRC_EXPR_FUNCTIONS_INTERNAL_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "divert/cel/value.h"
#include "expr/functions.h"

namespace divert::cel {

// How a function may be called.
enum class CallStyle {
  kGlobal,    // size(x)
  kReceiver,  // x.contains(y)
  kEither,    // both
};

// One registered function: `name` with `arity` arguments (receiver
// included). Its implementation dispatches on the argument kinds.
struct FunctionEntry {
  absl::string_view name;
  int arity;
  CallStyle style;
  FunctionImpl impl;
};

// The families (functions_<family>.cc, time_functions.cc).
absl::Span<const FunctionEntry> ArithmeticFunctions();
absl::Span<const FunctionEntry> ComparisonFunctions();
absl::Span<const FunctionEntry> StringFunctions();
absl::Span<const FunctionEntry> ConversionFunctions();
absl::Span<const FunctionEntry> ContainerFunctions();
// Declared in time_functions.h:
// absl::Span<const FunctionEntry> TimeFunctions();

// Formats a double as Go's strconv.FormatFloat(d, 'g', -1, 64) does, which
// is what CEL's string(double) produces: the shortest digits that read back
// as `d`, in exponent form when the decimal exponent is below -4 or at
// least 6 ("1e+06", "1.5e-05", "123456", "0.0001", "-0.0045", "NaN",
// "+Inf").
std::string FormatDoubleForCel(double d);

// An error value for `status`, allocated on `arena`.
inline Value Error(Arena* arena, absl::StatusCode code,
                   absl::string_view message) {
  return MakeError(arena, absl::Status(code, message));
}

}  // namespace divert::cel

#endif  // DIVERT_SRC_EXPR_FUNCTIONS_INTERNAL_H_
