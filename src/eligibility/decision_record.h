// A decision as evaluation works it out, before it becomes a message or
// bytes: each rule's result (per charge for a rule over each charge), the
// outcome, the missing facts, the summary and the notes. It holds nothing
// that the policy or the encounter already holds (rule ids and texts, the
// site, statute codes): ToDecision adds those to build the v1::Decision of
// the message door, and WriteDecision (decision_writer.h) writes the same
// decision's bytes for the serialized doors without building the message.
//
// A thread reuses one record from decision to decision (Reset keeps its
// memory), so that a warm thread decides without allocating.
#ifndef DIVERT_SRC_ELIGIBILITY_DECISION_RECORD_H_
#define DIVERT_SRC_ELIGIBILITY_DECISION_RECORD_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "divert/v1/decision.pb.h"
#include "divert/v1/encounter.pb.h"
#include "divert/v1/policy.pb.h"
#include "eligibility/compiled_version.h"

namespace divert::eligibility {

// A rule's result for one charge; the charge is the record's position in
// RuleRecord::charges.
struct ChargeRecord {
  v1::RuleResult result = v1::RULE_RESULT_UNSPECIFIED;
  // The alternative that holds, as an index into the rule's conditions;
  // -1 when none does or the rule has no alternatives.
  int alternative = -1;
  // "encounter.charges[1].violent", sorted, without repeats.
  std::vector<std::string> missing_facts;
};

struct RuleRecord {
  v1::RuleResult result = v1::RULE_RESULT_UNSPECIFIED;
  int alternative = -1;
  std::vector<std::string> missing_facts;
  std::string error;
  // For a rule over each charge that was evaluated: one per charge of the
  // encounter, in order.
  std::vector<ChargeRecord> charges;
  bool decisive = false;
};

struct MissingFactRecord {
  std::string field_path;
  std::string question;
  // The rules that need the fact, as indices into the version's rules.
  std::vector<int> rules;
};

struct DecisionRecord {
  std::string decision_id;
  v1::Outcome outcome = v1::OUTCOME_UNSPECIFIED;
  std::vector<v1::ReviewBody> review_by;
  // One per rule of the version, in order.
  std::vector<RuleRecord> rules;
  std::vector<MissingFactRecord> missing_facts;
  // Each charge's entry in the version's offense catalog; null for a code
  // the catalog does not have.
  std::vector<const v1::Offense*> offenses;
  std::string summary;
  std::vector<std::string> notes;

  // Empties the record for a decision under a version of `rule_count`
  // rules, keeping the memory it has.
  void Reset(size_t rule_count);
};

// The alternative's id for `alternative` of `rule` (an index into its
// conditions); "" for -1.
inline absl::string_view AlternativeId(const CompiledRule& rule,
                                       int alternative) {
  if (alternative < 0) return "";
  return rule.conditions[alternative].alternative_id;
}

// Builds the v1::Decision `record` describes, decided under `version` for
// `encounter` (enriched: its statute codes are the catalog's). Replaces the
// contents of `decision`.
void ToDecision(const CompiledVersion& version, const v1::Encounter& encounter,
                const DecisionRecord& record, v1::Decision* decision);

}  // namespace divert::eligibility

#endif  // DIVERT_SRC_ELIGIBILITY_DECISION_RECORD_H_
