#include "eligibility/decision_record.h"

#include <algorithm>
#include <string>

namespace divert::eligibility {

void DecisionRecord::Reset(size_t rule_count) {
  decision_id.clear();
  outcome = v1::OUTCOME_UNSPECIFIED;
  review_by.clear();
  rules.resize(rule_count);
  for (RuleRecord& rule : rules) {
    rule.result = v1::RULE_RESULT_UNSPECIFIED;
    rule.alternative = -1;
    rule.missing_facts.clear();
    rule.error.clear();
    rule.charges.clear();
    rule.decisive = false;
  }
  missing_facts.clear();
  offenses.clear();
  summary.clear();
  notes.clear();
}

void ToDecision(const CompiledVersion& version, const v1::Encounter& encounter,
                const DecisionRecord& record, v1::Decision* decision) {
  decision->Clear();
  decision->set_decision_id(record.decision_id);
  decision->set_site_id(version.site_id);
  decision->set_policy_version(version.version->version());
  *decision->mutable_policy_approved_on() = version.version->approved_on();
  decision->set_encounter_id(encounter.encounter_id());
  decision->set_pathway(encounter.pathway());
  decision->set_outcome(record.outcome);
  for (v1::ReviewBody body : record.review_by) decision->add_review_by(body);
  const size_t n = std::min(record.rules.size(), version.rules.size());
  for (size_t i = 0; i < n; ++i) {
    const CompiledRule& rule = version.rules[i];
    const RuleRecord& in = record.rules[i];
    v1::RuleOutcome* out = decision->add_rules();
    out->set_rule_id(rule.rule->id());
    out->set_kind(rule.rule->kind());
    out->set_result(in.result);
    out->set_text(rule.rule->text());
    out->set_alternative_id(std::string(AlternativeId(rule, in.alternative)));
    for (const std::string& fact : in.missing_facts) {
      out->add_missing_facts(fact);
    }
    out->set_error(in.error);
    for (size_t c = 0; c < in.charges.size(); ++c) {
      const ChargeRecord& charge = in.charges[c];
      v1::ChargeResult* result = out->add_charges();
      result->set_charge_index(static_cast<int>(c));
      if (static_cast<int>(c) < encounter.charges_size()) {
        result->set_statute_code(encounter.charges(c).statute_code());
      }
      result->set_result(charge.result);
      result->set_alternative_id(
          std::string(AlternativeId(rule, charge.alternative)));
      for (const std::string& fact : charge.missing_facts) {
        result->add_missing_facts(fact);
      }
    }
    out->set_decisive(in.decisive);
  }
  for (const MissingFactRecord& fact : record.missing_facts) {
    v1::MissingFact* out = decision->add_missing_facts();
    out->set_field_path(fact.field_path);
    out->set_question(fact.question);
    for (int rule : fact.rules) {
      out->add_rule_ids(version.rules[rule].rule->id());
    }
  }
  decision->set_summary(record.summary);
  for (const std::string& note : record.notes) decision->add_notes(note);
}

}  // namespace divert::eligibility
