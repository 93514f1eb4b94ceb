// PolicyIssue::ToString: "version 2024-2, rule exclusion.violent, 1:12: ...".
#include "absl/strings/str_cat.h"
#include "divert/eligibility/policy.h"

namespace divert {

std::string PolicyIssue::ToString() const {
  std::string out;
  if (!version.empty()) absl::StrAppend(&out, "version ", version, ", ");
  if (!rule_id.empty()) absl::StrAppend(&out, "rule ", rule_id, ", ");
  if (line > 0) absl::StrAppend(&out, line, ":", column, ": ");
  absl::StrAppend(&out, message);
  return out;
}

}  // namespace divert
