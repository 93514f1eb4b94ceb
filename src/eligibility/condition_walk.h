// Reading a checked condition's tree: which fields it reads, and which
// string literals it compares fields with. The compiler uses the literals
// to catch offense codes and categories missing from the catalog; the
// fidelity check uses the field reads ("does any review trigger read
// circumstances.on_supervision?").
#ifndef DIVERT_SRC_ELIGIBILITY_CONDITION_WALK_H_
#define DIVERT_SRC_ELIGIBILITY_CONDITION_WALK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "divert/v1/expr.pb.h"

namespace divert::eligibility {

// Calls `visit` on every node of `root`, parents before children. Uses an
// explicit stack, so a deep tree cannot exhaust the call stack.
void ForEachExpr(const v1::Expr& root,
                 absl::FunctionRef<void(const v1::Expr&)> visit);

// The fields `checked` selects (including has() tests), each as the full
// name of the message it is selected from and the field name, e.g.
// "divert.v1.Circumstances.on_supervision"; "?.field" when the checker
// could not tell the message. Sorted, without duplicates.
std::vector<std::string> FieldsRead(const v1::CheckedExpr& checked);

// A string literal compared with a field: `charge.statute_code == 'PL 1'`,
// `'PL 1' != c.statute_code`, `charge.statute_code in ['PL 1', 'PL 2']`.
struct FieldLiteral {
  std::string field;
  std::string literal;
  // The node of the literal, for its position.
  int64_t expr_id = 0;
};

// Every string literal compared (with ==, != or in) with a selection of
// one of `fields`, in the order they appear.
std::vector<FieldLiteral> FieldLiterals(
    const v1::CheckedExpr& checked,
    const std::vector<absl::string_view>& fields);

}  // namespace divert::eligibility

#endif  // DIVERT_SRC_ELIGIBILITY_CONDITION_WALK_H_
