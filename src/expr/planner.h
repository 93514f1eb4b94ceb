// The planner: a checked (or parsed) expression to an executable Program.
#ifndef DIVERT_SRC_EXPR_PLANNER_H_
#define DIVERT_SRC_EXPR_PLANNER_H_

#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "divert/cel/cel.h"
#include "divert/v1/expr.pb.h"
#include "expr/variable_table.h"

namespace google::protobuf {
class DescriptorPool;
}

namespace divert::cel {

// Builds a Program from a checked expression. Identifiers resolve to slots
// of `variables` (through the checker's reference_map); enum constants
// become constants; field selections on messages resolve their field
// descriptors now, not at evaluation time. A problem (such as a function
// no implementation exists for) is also appended to `issues` when it is
// not null.
absl::StatusOr<std::shared_ptr<const Program>> PlanChecked(
    v1::CheckedExpr checked, std::shared_ptr<const VariableTable> variables,
    const google::protobuf::DescriptorPool* pool,
    std::vector<CompileIssue>* issues = nullptr);

// Builds a Program from an unchecked expression: free identifiers become
// variables of type dyn in a table of the program's own (declared
// variables first, in `declared`'s order), and every operation dispatches
// on the kinds of its operands at run time.
absl::StatusOr<std::shared_ptr<const Program>> PlanUnchecked(
    v1::ParsedExpr parsed, const VariableTable& declared,
    const google::protobuf::DescriptorPool* pool,
    std::vector<CompileIssue>* issues = nullptr);

}  // namespace divert::cel

#endif  // DIVERT_SRC_EXPR_PLANNER_H_
