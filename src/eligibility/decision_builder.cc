#include "eligibility/decision_builder.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "eligibility/questions.h"

namespace divert::eligibility {
namespace {

// The rules' ids and kinds come from `version`: the decision's rules may
// not carry them (see DecideInPlace).
bool Is(const CompiledRule& rule, const v1::RuleOutcome& outcome,
        v1::RuleKind kind, v1::RuleResult result) {
  return rule.rule->kind() == kind && outcome.result() == result;
}

// Marks every rule `pick` chooses as decisive; returns how many.
template <typename Pick>
int MarkDecisive(const CompiledVersion& version, v1::Decision* decision,
                 Pick pick) {
  int n = 0;
  for (int i = 0; i < decision->rules_size(); ++i) {
    v1::RuleOutcome* outcome = decision->mutable_rules(i);
    if (pick(version.rules[i], *outcome)) {
      outcome->set_decisive(true);
      ++n;
    }
  }
  return n;
}

void AddReviewer(v1::ReviewBody body, v1::Decision* decision) {
  const auto& bodies = decision->review_by();
  if (std::find(bodies.begin(), bodies.end(), body) == bodies.end()) {
    decision->add_review_by(body);
  }
}

void AddMissingFacts(const CompiledVersion& version,
                     const v1::Encounter& encounter, v1::Decision* decision) {
  for (int i = 0; i < decision->rules_size(); ++i) {
    const v1::RuleOutcome& rule = decision->rules(i);
    if (rule.result() != v1::RULE_UNKNOWN) continue;
    for (const std::string& path : rule.missing_facts()) {
      v1::MissingFact* fact = nullptr;
      for (v1::MissingFact& existing : *decision->mutable_missing_facts()) {
        if (existing.field_path() == path) {
          fact = &existing;
          break;
        }
      }
      if (fact == nullptr) {
        fact = decision->add_missing_facts();
        fact->set_field_path(path);
        fact->set_question(QuestionFor(path, encounter));
      }
      fact->add_rule_ids(version.rules[i].rule->id());
    }
  }
}

}  // namespace

void DecideOutcome(const CompiledVersion& version,
                   const v1::Encounter& encounter, v1::Decision* decision) {
  if (MarkDecisive(version, decision, [](const CompiledRule& rule,
                                         const v1::RuleOutcome& r) {
        return Is(rule, r, v1::EXCLUSION, v1::RULE_HOLDS);
      }) > 0) {
    decision->set_outcome(v1::EXCLUDED);
    return;
  }
  if (MarkDecisive(version, decision, [](const CompiledRule& rule,
                                         const v1::RuleOutcome& r) {
        return Is(rule, r, v1::CRITERION, v1::RULE_DOES_NOT_HOLD);
      }) > 0) {
    decision->set_outcome(v1::NOT_ELIGIBLE);
    return;
  }
  if (MarkDecisive(version, decision, [](const CompiledRule& rule,
                                         const v1::RuleOutcome& r) {
        return Is(rule, r, v1::REVIEW_TRIGGER, v1::RULE_HOLDS);
      }) > 0) {
    decision->set_outcome(v1::NEEDS_REVIEW);
    for (int i = 0; i < decision->rules_size(); ++i) {
      if (!decision->rules(i).decisive()) continue;
      const v1::ReviewBody body = version.rules[i].rule->review_by();
      AddReviewer(body == v1::REVIEW_BODY_UNSPECIFIED ? v1::OPERATIONS_WORK_GROUP
                                                      : body,
                  decision);
    }
    AddMissingFacts(version, encounter, decision);
    return;
  }
  if (MarkDecisive(version, decision,
                   [](const CompiledRule&, const v1::RuleOutcome& r) {
                     return r.result() == v1::RULE_UNKNOWN;
                   }) > 0) {
    decision->set_outcome(v1::NEEDS_INFORMATION);
    AddMissingFacts(version, encounter, decision);
    return;
  }
  if (MarkDecisive(version, decision,
                   [](const CompiledRule&, const v1::RuleOutcome& r) {
                     return r.result() == v1::RULE_ERROR;
                   }) > 0) {
    decision->set_outcome(v1::NEEDS_REVIEW);
    AddReviewer(v1::DIVERSION_PANEL, decision);
    for (int i = 0; i < decision->rules_size(); ++i) {
      const v1::RuleOutcome& rule = decision->rules(i);
      if (rule.result() != v1::RULE_ERROR) continue;
      decision->add_notes(absl::StrCat("rule ", version.rules[i].rule->id(),
                                       " could not be evaluated: ",
                                       rule.error()));
    }
    return;
  }
  MarkDecisive(version, decision,
               [](const CompiledRule&, const v1::RuleOutcome& r) {
                 return r.result() != v1::RULE_NOT_APPLICABLE;
               });
  decision->set_outcome(v1::ELIGIBLE);
}

}  // namespace divert::eligibility
