// One decision, start to finish: enrich the encounter's charges from the
// catalog, evaluate every rule of the version, decide the outcome, ask for
// what is missing, summarize, and give the decision its stable id.
#ifndef DIVERT_SRC_ELIGIBILITY_EVALUATOR_H_
#define DIVERT_SRC_ELIGIBILITY_EVALUATOR_H_

#include <optional>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "divert/v1/decision.pb.h"
#include "divert/v1/encounter.pb.h"
#include "eligibility/compiled_version.h"
#include "eligibility/decision_record.h"

namespace divert::eligibility {

// Fails with InvalidArgument when the encounter has no date or pathway.
absl::Status CheckEncounter(const v1::Encounter& encounter);

// Decides `encounter` under `version` into `decision`, whose contents are
// replaced. Uses this thread's scratch memory.
void Decide(const CompiledVersion& version, const v1::Encounter& encounter,
            v1::Decision* decision);

// Decides `encounter` under `version` into `record` (reset first),
// enriching the encounter in place: for callers that own an encounter they
// no longer need as given. ToDecision or WriteDecision, given the enriched
// encounter, turn the record into the decision. `canonical_bytes`, when
// given, is the encounter's deterministic serialization, which the decision
// id hashes (otherwise the encounter is serialized for it).
void DecideInPlace(const CompiledVersion& version, v1::Encounter* encounter,
                   DecisionRecord* record,
                   std::optional<absl::string_view> canonical_bytes =
                       std::nullopt);

}  // namespace divert::eligibility

#endif  // DIVERT_SRC_ELIGIBILITY_EVALUATOR_H_
