// Compile-time check of the offense codes and categories a condition names:
// `charge.statute_code == 'PL 999.99'` is a typo the catalog can catch
// before an officer meets it.
#ifndef DIVERT_SRC_ELIGIBILITY_CATALOG_LITERALS_H_
#define DIVERT_SRC_ELIGIBILITY_CATALOG_LITERALS_H_

#include <vector>

#include "absl/strings/string_view.h"
#include "divert/eligibility/policy.h"
#include "divert/v1/expr.pb.h"
#include "eligibility/offense_catalog.h"

namespace divert::eligibility {

// Appends an issue for every string literal compared (==, !=, in) with a
// `statute_code` field that is not a code of `catalog` exactly as the
// catalog writes it, and for every literal compared with an
// `offense_category` field that no catalog entry has. Checks nothing when
// the catalog is empty (the version has no catalog to check against).
void CheckCatalogLiterals(const v1::CheckedExpr& checked,
                          const OffenseIndex& catalog,
                          absl::string_view version,
                          absl::string_view rule_id,
                          std::vector<PolicyIssue>* issues);

}  // namespace divert::eligibility

#endif  // DIVERT_SRC_ELIGIBILITY_CATALOG_LITERALS_H_
