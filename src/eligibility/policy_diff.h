// What changed between two versions of a policy: rules added, removed or
// changed (text, condition, kind, scope, pathways, reviewer, citation),
// parameters added, removed or changed, offense catalog entries added,
// removed or changed, and program settings changed. The rendered policy's
// "What changed from version X" section is built from this.
#ifndef DIVERT_SRC_ELIGIBILITY_POLICY_DIFF_H_
#define DIVERT_SRC_ELIGIBILITY_POLICY_DIFF_H_

#include <string>
#include <vector>

#include "divert/v1/policy.pb.h"

namespace divert::eligibility {

struct RuleChange {
  const v1::Rule* before = nullptr;
  const v1::Rule* after = nullptr;
  // What differs, in words: "text", "condition", "kind", "scope",
  // "pathways", "reviewer", "citation".
  std::vector<std::string> aspects;
};

// A parameter, offense or setting whose value changed; `before` or `after`
// is empty when it was added or removed.
struct ValueChange {
  std::string name;
  std::string before;
  std::string after;
};

struct OffenseChange {
  const v1::Offense* before = nullptr;
  const v1::Offense* after = nullptr;
  // The fields that differ: "description", "level", "violent", ...
  std::vector<std::string> fields;
};

struct PolicyDiff {
  std::vector<const v1::Rule*> rules_added;
  std::vector<const v1::Rule*> rules_removed;
  std::vector<RuleChange> rules_changed;
  std::vector<ValueChange> parameters;
  std::vector<const v1::Offense*> offenses_added;
  std::vector<const v1::Offense*> offenses_removed;
  std::vector<OffenseChange> offenses_changed;
  std::vector<ValueChange> settings;

  bool empty() const {
    return rules_added.empty() && rules_removed.empty() &&
           rules_changed.empty() && parameters.empty() &&
           offenses_added.empty() && offenses_removed.empty() &&
           offenses_changed.empty() && settings.empty();
  }
};

// The changes from `before` to `after`; both must outlive the result.
// Rules match by id, parameters by name, offenses by code (ignoring case
// and spacing), in `after`'s order (removed ones in `before`'s order).
PolicyDiff DiffVersions(const v1::PolicyVersion& before,
                        const v1::PolicyVersion& after);

// A parameter's value as a condition would write it: 3, 2.5, "x", true;
// "" when it has none.
std::string ParameterValueText(const v1::Parameter& parameter);

// A rule's condition; for an "any of" rule, its alternatives' conditions
// joined by " || ", each in parentheses.
std::string ConditionText(const v1::Rule& rule);

}  // namespace divert::eligibility

#endif  // DIVERT_SRC_ELIGIBILITY_POLICY_DIFF_H_
