// From rule outcomes to a decision's outcome, in the policy's order of
// precedence: an exclusion that holds → EXCLUDED; a criterion that does not
// hold → NOT_ELIGIBLE; a review trigger that holds → NEEDS_REVIEW by the
// triggers' bodies; an unknown rule → NEEDS_INFORMATION with a question per
// missing fact; a rule that failed → NEEDS_REVIEW by the Diversion Panel;
// otherwise ELIGIBLE. Marks the decisive rules.
#ifndef DIVERT_SRC_ELIGIBILITY_DECISION_BUILDER_H_
#define DIVERT_SRC_ELIGIBILITY_DECISION_BUILDER_H_

#include "divert/v1/encounter.pb.h"
#include "eligibility/compiled_version.h"
#include "eligibility/decision_record.h"

namespace divert::eligibility {

// Sets the outcome, decisive flags, review_by, missing_facts (with their
// questions) and error notes of `decision`, whose rules hold the outcomes
// of `version`'s rules in order. `encounter` (enriched) names charges in
// questions.
//
// Missing facts are listed when they could change whether the person may
// be diverted: for NEEDS_INFORMATION and NEEDS_REVIEW, not for EXCLUDED or
// NOT_ELIGIBLE.
void DecideOutcome(const CompiledVersion& version,
                   const v1::Encounter& encounter, DecisionRecord* decision);

}  // namespace divert::eligibility

#endif  // DIVERT_SRC_ELIGIBILITY_DECISION_BUILDER_H_
