// Compiling one rule of a version: its kind, pathways and review body are
// checked, and its condition (or each alternative) is compiled as CEL in
// the version's environment, with the catalog checking the offense codes
// and categories it names.
#ifndef DIVERT_SRC_ELIGIBILITY_RULE_COMPILER_H_
#define DIVERT_SRC_ELIGIBILITY_RULE_COMPILER_H_

#include <string>
#include <vector>

#include "divert/cel/cel.h"
#include "divert/eligibility/policy.h"
#include "divert/v1/policy.pb.h"
#include "eligibility/compiled_version.h"
#include "eligibility/offense_catalog.h"

namespace divert::eligibility {

// What a version's rules are compiled against.
struct RuleContext {
  const cel::Environment* environment = nullptr;
  const OffenseIndex* catalog = nullptr;
  std::string version;
};

// Compiles `rule` (which must outlive `out`) into `out`, appending every
// problem found to `issues`.
void CompileRule(const v1::Rule& rule, const RuleContext& context,
                 CompiledRule* out, std::vector<PolicyIssue>* issues);

}  // namespace divert::eligibility

#endif  // DIVERT_SRC_ELIGIBILITY_RULE_COMPILER_H_
