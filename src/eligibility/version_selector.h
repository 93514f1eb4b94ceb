// Which version of a policy decides: checking that versions follow one
// another (strictly increasing effective dates, distinct labels, approval
// before effect, real dates) and picking the version in force on a date.
#ifndef DIVERT_SRC_ELIGIBILITY_VERSION_SELECTOR_H_
#define DIVERT_SRC_ELIGIBILITY_VERSION_SELECTOR_H_

#include <memory>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "divert/eligibility/policy.h"
#include "divert/v1/policy.pb.h"
#include "eligibility/compiled_version.h"

namespace divert::eligibility {

// Appends a problem for every version without a label or with a label used
// before, with a missing or impossible date, approved after it takes
// effect, or not strictly after the version before it.
void CheckVersionOrder(const v1::SitePolicy& policy,
                       std::vector<PolicyIssue>* issues);

// The version in force on `day`: the one with the latest effective date on
// or before it. `versions` are oldest first. Null when `day` is before
// the first version.
const CompiledVersion* VersionInForce(
    const std::vector<std::unique_ptr<CompiledVersion>>& versions,
    absl::CivilDay day);

// The version in force at `time`: the same as VersionInForce on the day
// `time` falls on in the site's zone, found by comparing instants.
const CompiledVersion* VersionInForceAt(
    const std::vector<std::unique_ptr<CompiledVersion>>& versions,
    absl::Time time);

// The version labelled `label`, or null.
const CompiledVersion* VersionLabelled(
    const std::vector<std::unique_ptr<CompiledVersion>>& versions,
    absl::string_view label);

}  // namespace divert::eligibility

#endif  // DIVERT_SRC_ELIGIBILITY_VERSION_SELECTOR_H_
