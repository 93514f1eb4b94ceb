// The fidelity check: where each version of a policy departs from LEAD's
// non-negotiables and recommended practice (toolkit III.G, IV.A, VI, IX and
// the FAQ). Each finding has a severity, a stable code programs can count,
// the version, the rule when there is one, and the toolkit section.
//
//   code                                  severity   section
//   exclusion_applies_to_social_contact   VIOLATION  IV.A
//   intake_deadline_missing               VIOLATION  VI
//   intake_deadline_too_long (> 30 days)  VIOLATION  VI
//   maximum_caseload_too_high (> 25)      VIOLATION  IX
//   preferred_caseload_high (> 15)        WARNING    IX
//   caseload_not_set                      NOTE       IX
//   participation_time_limit              VIOLATION  III.G
//   requires_abstinence                   VIOLATION  III.G
//   mandates_treatment                    VIOLATION  III.G
//   charge_held_in_abeyance               VIOLATION  III.G
//   no_review_for_supervision             WARNING    V
//   no_review_for_warrants                WARNING    V
//   rule_reads_race_or_gender             VIOLATION  III
//   no_social_contact_referral_source     NOTE       IV.A
//   extensions_not_allowed                WARNING    VI
//   catalog_needs_verification            NOTE       IV.B
#ifndef DIVERT_SRC_ELIGIBILITY_FIDELITY_H_
#define DIVERT_SRC_ELIGIBILITY_FIDELITY_H_

#include <memory>
#include <vector>

#include "divert/v1/decision.pb.h"
#include "divert/v1/policy.pb.h"
#include "eligibility/compiled_version.h"

namespace divert::eligibility {

// Checks every version of `policy`, compiled as `versions`.
v1::FidelityReport CheckFidelity(
    const v1::SitePolicy& policy,
    const std::vector<std::unique_ptr<CompiledVersion>>& versions);

}  // namespace divert::eligibility

#endif  // DIVERT_SRC_ELIGIBILITY_FIDELITY_H_
