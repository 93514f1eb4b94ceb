// The CEL parser: source text to an expression tree with macros expanded.
#ifndef DIVERT_SRC_EXPR_PARSER_H_
#define DIVERT_SRC_EXPR_PARSER_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "divert/cel/cel.h"
#include "divert/v1/expr.pb.h"

namespace divert::cel {

// Parses `source` (UTF-8) into a ParsedExpr.
//
// Every node gets a unique id (from 1) and its code point offset in
// source_info.positions; source_info.line_offsets records where each line
// after the first starts. Macros are expanded into Comprehension nodes (see
// the expansion table in macros.h); `has(a.b)` becomes a test-only Select.
// Chains of `&&` and of `||` are built as balanced trees so that long chains
// stay shallow.
//
// On failure returns InvalidArgument and appends every issue found to
// `issues` (kSyntax, or kLimit when a Limits bound is exceeded). The parser
// never recurses deeper than limits.max_nesting_depth levels of the
// grammar, so hostile input cannot overflow the stack.
absl::StatusOr<v1::ParsedExpr> Parse(absl::string_view source,
                                     const Limits& limits,
                                     std::vector<CompileIssue>* issues);

}  // namespace divert::cel

#endif  // DIVERT_SRC_EXPR_PARSER_H_
