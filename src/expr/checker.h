// The CEL type checker: a parsed expression to a checked one.
#ifndef DIVERT_SRC_EXPR_CHECKER_H_
#define DIVERT_SRC_EXPR_CHECKER_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "divert/cel/cel.h"
#include "divert/v1/expr.pb.h"
#include "expr/variable_table.h"

namespace google::protobuf {
class DescriptorPool;
}

namespace divert::cel {

struct CheckerOptions {
  // Declared variables and their types.
  const VariableTable* variables = nullptr;
  // Where message and enum types are resolved; not null.
  const google::protobuf::DescriptorPool* pool = nullptr;
  // Namespace for resolving type and enum names, e.g. "divert.v1".
  std::string container;
};

// Type-checks `parsed` against CEL's standard function declarations and
// the declared variables. Fills type_map for every node and reference_map
// for identifiers (variables; enum constants carry their value) and calls
// (candidate overload ids).
//
// Heterogeneous numeric comparison is allowed (`age >= 17.5`, `1 == 1u`);
// every other mismatch, unknown variable, field or function is an error. On
// failure returns InvalidArgument and appends every issue found (kType) to
// `issues`, with the line and column of the offending node.
absl::StatusOr<v1::CheckedExpr> Check(const v1::ParsedExpr& parsed,
                                      const CheckerOptions& options,
                                      std::vector<CompileIssue>* issues);
// The same, taking `parsed`'s tree and source info instead of copying them
// (`parsed` is left empty).
absl::StatusOr<v1::CheckedExpr> Check(v1::ParsedExpr&& parsed,
                                      const CheckerOptions& options,
                                      std::vector<CompileIssue>* issues);

}  // namespace divert::cel

#endif  // DIVERT_SRC_EXPR_CHECKER_H_
