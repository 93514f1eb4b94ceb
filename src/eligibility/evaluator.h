// One decision, start to finish: enrich the encounter's charges from the
// catalog, evaluate every rule of the version, decide the outcome, ask for
// what is missing, summarize, and give the decision its stable id.
#ifndef DIVERT_SRC_ELIGIBILITY_EVALUATOR_H_
#define DIVERT_SRC_ELIGIBILITY_EVALUATOR_H_

#include "absl/status/status.h"
#include "divert/v1/decision.pb.h"
#include "divert/v1/encounter.pb.h"
#include "divert/v1/policy.pb.h"
#include "eligibility/compiled_version.h"

namespace divert::eligibility {

// Fails with InvalidArgument when the encounter has no date or pathway.
absl::Status CheckEncounter(const v1::Encounter& encounter);

// Decides `encounter` under `version` of `policy` into `decision`, which
// is cleared first. Uses this thread's scratch memory.
void Decide(const v1::SitePolicy& policy, const CompiledVersion& version,
            const v1::Encounter& encounter, v1::Decision* decision);

// As Decide, but enriches `encounter` in place instead of copying it, and
// leaves the rules' ids, kinds and texts out of `decision` (WriteDecision
// serializes the decision with them): for callers that own an encounter they no longer
// need as given and want the decision serialized.
void DecideInPlace(const v1::SitePolicy& policy,
                   const CompiledVersion& version, v1::Encounter* encounter,
                   v1::Decision* decision);

}  // namespace divert::eligibility

#endif  // DIVERT_SRC_ELIGIBILITY_EVALUATOR_H_
