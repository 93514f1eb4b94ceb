#include "eligibility/decision_builder.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "eligibility/questions.h"

namespace divert::eligibility {
namespace {

bool Is(const CompiledRule& rule, const RuleRecord& outcome,
        v1::RuleKind kind, v1::RuleResult result) {
  return rule.rule->kind() == kind && outcome.result == result;
}

// Marks every rule `pick` chooses as decisive; returns how many.
template <typename Pick>
int MarkDecisive(const CompiledVersion& version, DecisionRecord* decision,
                 Pick pick) {
  int n = 0;
  const size_t rules = std::min(decision->rules.size(), version.rules.size());
  for (size_t i = 0; i < rules; ++i) {
    RuleRecord& outcome = decision->rules[i];
    if (pick(version.rules[i], outcome)) {
      outcome.decisive = true;
      ++n;
    }
  }
  return n;
}

void AddReviewer(v1::ReviewBody body, DecisionRecord* decision) {
  std::vector<v1::ReviewBody>& bodies = decision->review_by;
  if (std::find(bodies.begin(), bodies.end(), body) == bodies.end()) {
    bodies.push_back(body);
  }
}

void AddMissingFacts(const v1::Encounter& encounter, DecisionRecord* decision) {
  for (size_t i = 0; i < decision->rules.size(); ++i) {
    const RuleRecord& rule = decision->rules[i];
    if (rule.result != v1::RULE_UNKNOWN) continue;
    for (const std::string& path : rule.missing_facts) {
      MissingFactRecord* fact = nullptr;
      for (MissingFactRecord& existing : decision->missing_facts) {
        if (existing.field_path == path) {
          fact = &existing;
          break;
        }
      }
      if (fact == nullptr) {
        fact = &decision->missing_facts.emplace_back();
        fact->field_path = path;
        fact->question = QuestionFor(path, encounter);
      }
      fact->rules.push_back(static_cast<int>(i));
    }
  }
}

}  // namespace

void DecideOutcome(const CompiledVersion& version,
                   const v1::Encounter& encounter, DecisionRecord* decision) {
  if (MarkDecisive(version, decision, [](const CompiledRule& rule,
                                         const RuleRecord& r) {
        return Is(rule, r, v1::EXCLUSION, v1::RULE_HOLDS);
      }) > 0) {
    decision->outcome = v1::EXCLUDED;
    return;
  }
  if (MarkDecisive(version, decision, [](const CompiledRule& rule,
                                         const RuleRecord& r) {
        return Is(rule, r, v1::CRITERION, v1::RULE_DOES_NOT_HOLD);
      }) > 0) {
    decision->outcome = v1::NOT_ELIGIBLE;
    return;
  }
  if (MarkDecisive(version, decision, [](const CompiledRule& rule,
                                         const RuleRecord& r) {
        return Is(rule, r, v1::REVIEW_TRIGGER, v1::RULE_HOLDS);
      }) > 0) {
    decision->outcome = v1::NEEDS_REVIEW;
    for (size_t i = 0; i < decision->rules.size(); ++i) {
      if (!decision->rules[i].decisive) continue;
      const v1::ReviewBody body = version.rules[i].rule->review_by();
      AddReviewer(body == v1::REVIEW_BODY_UNSPECIFIED ? v1::OPERATIONS_WORK_GROUP
                                                      : body,
                  decision);
    }
    AddMissingFacts(encounter, decision);
    return;
  }
  if (MarkDecisive(version, decision,
                   [](const CompiledRule&, const RuleRecord& r) {
                     return r.result == v1::RULE_UNKNOWN;
                   }) > 0) {
    decision->outcome = v1::NEEDS_INFORMATION;
    AddMissingFacts(encounter, decision);
    return;
  }
  if (MarkDecisive(version, decision,
                   [](const CompiledRule&, const RuleRecord& r) {
                     return r.result == v1::RULE_ERROR;
                   }) > 0) {
    decision->outcome = v1::NEEDS_REVIEW;
    AddReviewer(v1::DIVERSION_PANEL, decision);
    for (size_t i = 0; i < decision->rules.size(); ++i) {
      const RuleRecord& rule = decision->rules[i];
      if (rule.result != v1::RULE_ERROR) continue;
      decision->notes.push_back(absl::StrCat("rule ",
                                             version.rules[i].rule->id(),
                                             " could not be evaluated: ",
                                             rule.error));
    }
    return;
  }
  MarkDecisive(version, decision,
               [](const CompiledRule&, const RuleRecord& r) {
                 return r.result != v1::RULE_NOT_APPLICABLE;
               });
  decision->outcome = v1::ELIGIBLE;
}

}  // namespace divert::eligibility
