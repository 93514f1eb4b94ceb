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

void Decide(const v1::SitePolicy& policy, const CompiledVersion& version,
            const v1::Encounter& encounter, v1::Decision* decision) {
  v1::Encounter& copy = EvaluationScratch::ForThisThread().enriched;
  copy = encounter;
  DecideInPlace(policy, version, &copy, decision);
  AddRuleNames(version, decision);
}

void DecideInPlace(const v1::SitePolicy& policy,
                   const CompiledVersion& version, v1::Encounter* encounter,
                   v1::Decision* decision) {
  EvaluationScratch& scratch = EvaluationScratch::ForThisThread();
  decision->Clear();
  // The id hashes the encounter as given, before enrichment.
  MakeDecisionId(policy.site_id(), version.version->version(), *encounter,
                 &scratch.encounter_bytes, decision->mutable_decision_id());
  decision->set_site_id(policy.site_id());
  decision->set_policy_version(version.version->version());
  *decision->mutable_policy_approved_on() = version.version->approved_on();
  decision->set_encounter_id(encounter->encounter_id());
  decision->set_pathway(encounter->pathway());

  // The rules see the charges completed from the catalog, and the messages
  // whose fields they read present, so that a missing fact is named by its
  // field ("...circumstances.able_to_consent") rather than by the message
  // around it.
  EnrichCharges(version.catalog, version.version->version(), encounter,
                decision);
  encounter->mutable_circumstances();
  encounter->mutable_person()->mutable_needs();
  const v1::Encounter& enriched = *encounter;

  cel::Activation* activation = scratch.ActivationFor(version);
  if (activation != nullptr) activation->BindMessage("encounter", enriched);
  const int n = static_cast<int>(version.rules.size());
  decision->mutable_rules()->Reserve(n);
  // Rules over the whole encounter are decided at once; charge rules wait
  // so that each charge is bound once for all of them.
  bool charge_rules = false;
  for (const CompiledRule& rule : version.rules) {
    charge_rules |=
        BeginRule(rule, enriched, activation, decision->add_rules());
  }
  if (charge_rules) {
    for (int c = 0; c < enriched.charges_size(); ++c) {
      activation->BindMessage("charge", enriched.charges(c));
      for (int i = 0; i < n; ++i) {
        const CompiledRule& rule = version.rules[i];
        v1::RuleOutcome* out = decision->mutable_rules(i);
        if (rule.each_charge && out->result() == v1::RULE_RESULT_UNSPECIFIED) {
          EvaluateCharge(rule, c, enriched.charges(c), activation, out);
        }
      }
    }
    for (int i = 0; i < n; ++i) {
      v1::RuleOutcome* out = decision->mutable_rules(i);
      if (out->result() == v1::RULE_RESULT_UNSPECIFIED) {
        FinishEachCharge(version.rules[i], out);
      }
    }
  }
  if (activation != nullptr) activation->Clear();

  DecideOutcome(version, enriched, decision);
  WriteSummary(version, enriched, *decision, decision->mutable_summary());
}

}  // namespace divert::eligibility
