// CEL's standard functions and operators as typed overload declarations,
// which the type checker resolves calls against.
//
// Overload ids follow cel-go's (`add_int64`, `less_int64_double`, `equals`,
// `size_string`, `timestamp_to_year_with_tz`, ...), so that a checked
// expression reads the same as one checked by another CEL implementation.
// Generic overloads use type parameters named "A" and "B"
// (`add_list: (list(A), list(A)) -> list(A)`); the checker gives them fresh
// type variables at every call.
#ifndef DIVERT_SRC_EXPR_STANDARD_DECLARATIONS_H_
#define DIVERT_SRC_EXPR_STANDARD_DECLARATIONS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "divert/v1/expr.pb.h"

namespace divert::cel {

struct OverloadDecl {
  std::string id;
  // Called as `target.name(args)`; params[0] is the target's type.
  bool receiver_style = false;
  std::vector<v1::Type> params;
  v1::Type result;
  // CEL compares numbers across types (`1 == 1u`, `2u in [1, 2]`,
  // `{1: 'a'}[1u]`): when no overload matches exactly, an overload with
  // this flag also accepts any of int, uint and double wherever it expects
  // one of them.
  bool numeric_equivalence = false;
};

struct FunctionDecl {
  // The function's name, or the operator's internal name (`_+_`, `@in`).
  std::string name;
  std::vector<OverloadDecl> overloads;
};

// Every standard function, in a fixed order.
const std::vector<FunctionDecl>& StandardFunctions();

// The standard function called `name`, or nullptr.
const FunctionDecl* FindStandardFunction(absl::string_view name);

}  // namespace divert::cel

#endif  // DIVERT_SRC_EXPR_STANDARD_DECLARATIONS_H_
