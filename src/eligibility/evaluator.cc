#include "eligibility/evaluator.h"

#include "absl/strings/str_cat.h"
#include "divert/limits.h"
#include "eligibility/charge_enricher.h"
#include "eligibility/decision_builder.h"
#include "eligibility/decision_id.h"
#include "eligibility/decision_writer.h"
#include "eligibility/evaluation_scratch.h"
#include "eligibility/rule_evaluator.h"
#include "eligibility/summary.h"
#include "eligibility/yes_no_facts.h"

namespace divert::eligibility {

absl::Status CheckEncounter(const v1::Encounter& encounter) {
  if (!encounter.has_occurred_at()) {
    return absl::InvalidArgumentError(
        "the encounter has no date (occurred_at): the policy version in "
        "force cannot be chosen");
  }
  if (encounter.pathway() != v1::ARREST_DIVERSION &&
      encounter.pathway() != v1::SOCIAL_CONTACT) {
    return absl::InvalidArgumentError(
        "the encounter has no pathway: ARREST_DIVERSION or SOCIAL_CONTACT");
  }
  if (encounter.charges_size() > limits::kMaxCharges) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "the encounter has ", encounter.charges_size(), " charges; the limit is ",
        limits::kMaxCharges, " (docs/limits.md)"));
  }
  return absl::OkStatus();
}

void Decide(const CompiledVersion& version, const v1::Encounter& encounter,
            v1::Decision* decision) {
  EvaluationScratch& scratch = EvaluationScratch::ForThisThread();
  v1::Encounter& copy = scratch.enriched;
  copy = encounter;
  DecideInPlace(version, &copy, &scratch.record);
  ToDecision(version, copy, scratch.record, decision);
}

void DecideInPlace(const CompiledVersion& version, v1::Encounter* encounter,
                   DecisionRecord* record,
                   std::optional<absl::string_view> canonical_bytes) {
  EvaluationScratch& scratch = EvaluationScratch::ForThisThread();
  const int n = static_cast<int>(version.rules.size());
  record->Reset(n);
  // The id hashes the encounter as given, before enrichment.
  if (canonical_bytes.has_value()) {
    MakeDecisionIdFromBytes(version.site_id, version.version->version(),
                            *canonical_bytes, &record->decision_id);
  } else {
    MakeDecisionId(version.site_id, version.version->version(), *encounter,
                   &scratch.encounter_bytes, &record->decision_id);
  }

  // The rules see the charges completed from the catalog, and the messages
  // whose fields they read present, so that a missing fact is named by its
  // field ("...circumstances.able_to_consent") rather than by the message
  // around it.
  EnrichCharges(version.catalog, version.version->version(), encounter,
                &record->offenses, &record->notes);
  encounter->mutable_circumstances();
  encounter->mutable_person()->mutable_needs();
  const v1::Encounter& enriched = *encounter;

  cel::Activation* activation = scratch.ActivationFor(version);
  if (activation != nullptr) activation->BindMessage("encounter", enriched);
  YesNoFacts facts;
  facts.ReadEncounter(enriched);
  // Rules over the whole encounter are decided at once; charge rules wait
  // so that each charge is bound once for all of them.
  bool charge_rules = false;
  for (int i = 0; i < n; ++i) {
    charge_rules |= BeginRule(version.rules[i], enriched, facts, activation,
                              &record->rules[i]);
  }
  if (charge_rules) {
    for (int c = 0; c < enriched.charges_size(); ++c) {
      activation->BindMessage("charge", enriched.charges(c));
      facts.ReadCharge(enriched.charges(c));
      for (int i = 0; i < n; ++i) {
        const CompiledRule& rule = version.rules[i];
        RuleRecord& out = record->rules[i];
        if (rule.each_charge && out.result == v1::RULE_RESULT_UNSPECIFIED) {
          EvaluateCharge(rule, enriched, c, facts, activation, &out);
        }
      }
    }
    for (int i = 0; i < n; ++i) {
      RuleRecord& out = record->rules[i];
      if (out.result == v1::RULE_RESULT_UNSPECIFIED) {
        FinishEachCharge(version.rules[i], &out);
      }
    }
  }
  if (activation != nullptr) activation->Clear();

  DecideOutcome(version, enriched, record);
  WriteSummary(version, enriched, *record, &record->summary);
}

}  // namespace divert::eligibility
