// The one- or two-sentence summary of a decision, for a sergeant:
//
//   Eligible for arrest diversion under policy 2024-2, approved 2024-02-14:
//   PL 155.25 Petit larceny is a non-violent Penal Law misdemeanor; no exclusion
//   applies.
//
// Built only from the pathway, the policy version and its approval date,
// statute codes, the catalog's descriptions and levels, rule texts and
// questions — never from a person's identifying values, nor from free text
// an officer typed.
#ifndef DIVERT_SRC_ELIGIBILITY_SUMMARY_H_
#define DIVERT_SRC_ELIGIBILITY_SUMMARY_H_

#include <string>

#include "absl/strings/string_view.h"
#include "divert/v1/encounter.pb.h"
#include "eligibility/compiled_version.h"
#include "eligibility/decision_record.h"

namespace divert::eligibility {

// How a summary says that a charge meets an alternative whose text the PCG
// approved as `alternative_text`: "A non-violent Penal Law misdemeanor."
// gives " is a non-violent Penal Law misdemeanor". Made once per
// alternative when the policy is compiled.
std::string ChargeMeetsPhrase(absl::string_view alternative_text);

// The summary's first words for a decision under `version` (its label and
// approval date set) with `outcome`, other than NEEDS_REVIEW (whose
// opening names the review bodies), on `pathway`: "Eligible for arrest
// diversion under policy 2024-2, approved 2024-02-14: ". Made once per
// outcome and pathway when the policy is compiled
// (CompiledVersion::summary_openings).
std::string SummaryOpening(const CompiledVersion& version, v1::Outcome outcome,
                           v1::Pathway pathway);

// Writes the summary of `decision` (outcome and rules already decided) to
// `out`, replacing its contents. `encounter` is the enriched encounter.
void WriteSummary(const CompiledVersion& version,
                  const v1::Encounter& encounter,
                  const DecisionRecord& decision, std::string* out);

}  // namespace divert::eligibility

#endif  // DIVERT_SRC_ELIGIBILITY_SUMMARY_H_
