// CEL's standard functions and operators, dispatched on argument kinds.
//
// The evaluator handles the non-strict operators itself (`_&&_`, `_||_`,
// `_?_:_`, `@not_strictly_false`) and passes every other call here once
// its arguments are evaluated and none is an error or unknown.
#ifndef DIVERT_SRC_EXPR_FUNCTIONS_H_
#define DIVERT_SRC_EXPR_FUNCTIONS_H_

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "divert/cel/value.h"

namespace divert::cel {

// Computes a function over evaluated arguments (receiver first for
// receiver-style calls). Returns the result or an error value created on
// `arena` — "no matching overload ..." when the argument kinds fit no
// overload. Error messages never quote string or bytes arguments.
using FunctionImpl = Value (*)(absl::Span<const Value> args, Arena* arena);

// The implementation of `name` called with `arity` arguments (counting the
// receiver), receiver-style (`s.contains(t)`) or global (`size(s)`);
// nullptr when CEL has no such function.
FunctionImpl FindFunction(absl::string_view name, int arity,
                          bool receiver_style);

}  // namespace divert::cel

#endif  // DIVERT_SRC_EXPR_FUNCTIONS_H_
