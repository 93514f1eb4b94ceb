#include "eligibility/catalog_literals.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "eligibility/condition_walk.h"
#include "expr/source_position.h"

namespace divert::eligibility {

void CheckCatalogLiterals(const v1::CheckedExpr& checked,
                          const OffenseIndex& catalog,
                          absl::string_view version,
                          absl::string_view rule_id,
                          std::vector<PolicyIssue>* issues) {
  if (catalog.empty()) return;
  for (const FieldLiteral& found :
       FieldLiterals(checked, {"statute_code", "offense_category"})) {
    std::string message;
    if (found.field == "statute_code") {
      const v1::Offense* offense = catalog.Find(found.literal);
      if (offense == nullptr) {
        message = absl::StrCat("unknown offense code '", found.literal, "'");
      } else if (offense->code() != found.literal) {
        // Charges are matched to the catalog and carry its code, so only
        // the catalog's spelling can ever be equal.
        message = absl::StrCat("offense code '", found.literal,
                               "' is written '", offense->code(),
                               "' in the catalog; write it that way");
      }
    } else if (!catalog.HasCategory(found.literal)) {
      message = absl::StrCat("unknown offense category '", found.literal, "'");
    }
    if (message.empty()) continue;
    const cel::LineColumn at =
        cel::PositionOfExpr(checked.source_info(), found.expr_id);
    issues->push_back({std::string(version), std::string(rule_id), at.line,
                       at.column, std::move(message)});
  }
}

}  // namespace divert::eligibility
