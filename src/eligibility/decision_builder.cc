#include "eligibility/decision_builder.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "eligibility/questions.h"

namespace divert::eligibility {
namespace {

// What a rule's result can decide, as bits, in the order of precedence
// between them.
enum Deciding : uint8_t {
  kExcludes = 1,        // an exclusion that holds
  kFailsCriterion = 2,  // a criterion that does not hold
  kTriggersReview = 4,  // a review trigger that holds
  kUnknown = 8,
  kFailed = 16,
  kApplies = 32,  // every rule that applies, for an eligible decision
};

uint8_t DecidingOf(v1::RuleKind kind, v1::RuleResult result) {
  switch (result) {
    case v1::RULE_HOLDS:
      return kApplies | (kind == v1::EXCLUSION        ? kExcludes
                         : kind == v1::REVIEW_TRIGGER ? kTriggersReview
                                                      : 0);
    case v1::RULE_DOES_NOT_HOLD:
      return kApplies | (kind == v1::CRITERION ? kFailsCriterion : 0);
    case v1::RULE_UNKNOWN:
      return kApplies | kUnknown;
    case v1::RULE_ERROR:
      return kApplies | kFailed;
    case v1::RULE_NOT_APPLICABLE:
      return 0;
    default:
      return kApplies;
  }
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
  const size_t n = std::min(decision->rules.size(), version.rules.size());
  absl::InlinedVector<uint8_t, 32> deciding_list(n);
  uint8_t* deciding = deciding_list.data();
  const CompiledRule* rules = version.rules.data();
  RuleRecord* outcomes = decision->rules.data();
  uint8_t present = 0;
  for (size_t i = 0; i < n; ++i) {
    deciding[i] = DecidingOf(rules[i].kind, outcomes[i].result);
    present |= deciding[i];
  }
  // The first in precedence decides; the rules that have it are decisive.
  uint8_t decides = kApplies;
  for (uint8_t bit : {kExcludes, kFailsCriterion, kTriggersReview, kUnknown,
                      kFailed}) {
    if (present & bit) {
      decides = bit;
      break;
    }
  }
  for (size_t i = 0; i < n; ++i) {
    if (deciding[i] & decides) outcomes[i].decisive = true;
  }

  switch (decides) {
    case kExcludes:
      decision->outcome = v1::EXCLUDED;
      break;
    case kFailsCriterion:
      decision->outcome = v1::NOT_ELIGIBLE;
      break;
    case kTriggersReview:
      decision->outcome = v1::NEEDS_REVIEW;
      for (size_t i = 0; i < n; ++i) {
        if (!decision->rules[i].decisive) continue;
        const v1::ReviewBody body = version.rules[i].rule->review_by();
        AddReviewer(body == v1::REVIEW_BODY_UNSPECIFIED
                        ? v1::OPERATIONS_WORK_GROUP
                        : body,
                    decision);
      }
      AddMissingFacts(encounter, decision);
      break;
    case kUnknown:
      decision->outcome = v1::NEEDS_INFORMATION;
      AddMissingFacts(encounter, decision);
      break;
    case kFailed:
      decision->outcome = v1::NEEDS_REVIEW;
      AddReviewer(v1::DIVERSION_PANEL, decision);
      for (size_t i = 0; i < n; ++i) {
        const RuleRecord& rule = decision->rules[i];
        if (rule.result != v1::RULE_ERROR) continue;
        decision->notes.push_back(absl::StrCat(
            "rule ", version.rules[i].rule->id(),
            " could not be evaluated: ", rule.error));
      }
      break;
    default:
      decision->outcome = v1::ELIGIBLE;
      break;
  }
}

}  // namespace divert::eligibility
