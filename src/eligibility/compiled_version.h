// One policy version, compiled: its rules' programs, its indexed offense
// catalog and its parameters. Immutable after compilation and shared by
// every thread that evaluates with it.
#ifndef DIVERT_SRC_ELIGIBILITY_COMPILED_VERSION_H_
#define DIVERT_SRC_ELIGIBILITY_COMPILED_VERSION_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "divert/cel/cel.h"
#include "divert/cel/value.h"
#include "divert/v1/decision.pb.h"
#include "divert/v1/policy.pb.h"
#include "eligibility/condition_table.h"
#include "eligibility/offense_catalog.h"

namespace divert::eligibility {

// The number of RuleResult values: RULE_RESULT_UNSPECIFIED to
// RULE_NOT_APPLICABLE.
constexpr int kRuleResultCount = v1::RuleResult_ARRAYSIZE;

// A rule's condition, or one alternative of an "any of" rule.
struct CompiledCondition {
  // The alternative's id; "" for the rule's own condition.
  std::string alternative_id;
  std::shared_ptr<const cel::Program> program;
  // For an alternative with text: how the summary says a charge meets it
  // (summary.h's ChargeMeetsPhrase); "" otherwise.
  std::string charge_meets_phrase;
  // The program's results by the yes/no facts it reads, when it reads
  // nothing else (condition_table.h); null otherwise.
  std::shared_ptr<const ConditionTable> table;
};

struct CompiledRule {
  // Points into the CompiledPolicy's SitePolicy.
  const v1::Rule* rule = nullptr;
  // rule->kind(), kept here for the decisions that ask it of every rule.
  v1::RuleKind kind = v1::RULE_KIND_UNSPECIFIED;
  // The condition sees `charge`, once per charge.
  bool each_charge = false;
  // Whether the rule applies to each pathway, by v1::Pathway value.
  bool applies_to[3] = {false, false, false};
  // The rule's condition, or its alternatives in order (any_of).
  std::vector<CompiledCondition> conditions;
  bool any_of = false;
  // A RuleOutcome's rule_id, kind, result and text fields, encoded for
  // WriteDecision, for each RuleResult value (the index).
  std::array<std::string, kRuleResultCount> head_fields;
  // A Decision's whole `rules` field (tag, length and RuleOutcome) for an
  // outcome of this rule with nothing but those fields and `decisive`, by
  // result and decisive (0 or 1): most outcomes, copied as they are.
  std::array<std::array<std::string, 2>, kRuleResultCount> plain_outcomes;

  bool AppliesTo(v1::Pathway pathway) const {
    return pathway > 0 && pathway < 3 && applies_to[pathway];
  }
};

struct CompiledVersion {
  // Points into the CompiledPolicy's SitePolicy.
  const v1::PolicyVersion* version = nullptr;
  // The policy's site id.
  std::string site_id;
  // A Decision's site_id, policy_version and policy_approved_on fields,
  // encoded for WriteDecision: the same in every decision of the version.
  std::string decision_header_fields;
  absl::CivilDay effective_from;
  // The first instant of effective_from in the site's time zone.
  absl::Time in_force_from = absl::InfinitePast();
  // "2024-02-14".
  std::string approved_on;
  // SummaryOpening (summary.h) by outcome and pathway; NEEDS_REVIEW's are
  // made per decision.
  std::array<std::array<std::string, v1::Pathway_ARRAYSIZE>,
             v1::Outcome_ARRAYSIZE>
      summary_openings;
  OffenseIndex catalog;
  // Declares `encounter`, `charge` and the parameters. Every program of
  // the version is compiled here, so one Activation serves them all.
  std::unique_ptr<cel::Environment> environment;
  std::vector<CompiledRule> rules;
  // Any program of the version (to make activations); null without rules.
  const cel::Program* some_program = nullptr;
  // The parameters' values; strings view the policy's own storage.
  std::vector<std::pair<std::string, cel::Value>> parameters;
  // Unique in the process (never reused), so that per-thread caches of
  // activations cannot mistake one version for another.
  uint64_t id = 0;
};

}  // namespace divert::eligibility

#endif  // DIVERT_SRC_ELIGIBILITY_COMPILED_VERSION_H_
