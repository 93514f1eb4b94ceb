#include "eligibility/rule_evaluator.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/str_cat.h"
#include "divert/cel/value.h"

namespace divert::eligibility {
namespace {

using Strings = std::vector<std::string>;

void SortUnique(Strings* strings) {
  if (strings->size() < 2) return;
  std::sort(strings->begin(), strings->end());
  strings->erase(std::unique(strings->begin(), strings->end()),
                 strings->end());
}

// Names a missing fact as the encounter sees it: for charge `index`,
// "charge.violent" is "encounter.charges[1].violent".
void AddMissing(absl::string_view attribute, int charge_index,
                Strings* missing) {
  absl::string_view rest = attribute;
  if (charge_index >= 0 &&
      (rest == "charge" || absl::ConsumePrefix(&rest, "charge."))) {
    std::string& path = missing->emplace_back();
    absl::StrAppend(&path, "encounter.charges[", charge_index, "]");
    if (rest != "charge") absl::StrAppend(&path, ".", rest);
    return;
  }
  missing->emplace_back(attribute);
}

struct Verdict {
  v1::RuleResult result = v1::RULE_DOES_NOT_HOLD;
  // For "any of": the alternative that holds, as an index into the rule's
  // conditions.
  int alternative = -1;
};

// Evaluates the rule's condition or alternatives with the current
// bindings (`encounter`, and `charge` for charge `charge_index`). Missing
// facts go to `missing`, the first error to `error`.
Verdict EvaluateConditions(const CompiledRule& rule, int charge_index,
                           const YesNoFacts& facts,
                           cel::Activation* activation, Strings* missing,
                           std::string* error) {
  bool unknown = false;
  bool failed = false;
  const int n = static_cast<int>(rule.conditions.size());
  for (int i = 0; i < n; ++i) {
    const CompiledCondition& condition = rule.conditions[i];
    const ConditionTable::Result* tabulated =
        condition.table != nullptr
            ? condition.table->Find(facts, /*charge_bound=*/charge_index >= 0)
            : nullptr;
    if (tabulated != nullptr) {
      switch (tabulated->truth) {
        case ConditionTable::Result::Truth::kTrue:
          missing->clear();
          error->clear();
          return {v1::RULE_HOLDS, rule.any_of ? i : -1};
        case ConditionTable::Result::Truth::kUnknown:
          unknown = true;
          for (const std::string& attribute : tabulated->unknown_attributes) {
            AddMissing(attribute, charge_index, missing);
          }
          break;
        case ConditionTable::Result::Truth::kFalse:
          break;
      }
      continue;
    }
    const cel::Value value = condition.program->Evaluate(*activation);
    switch (value.kind()) {
      case cel::ValueKind::kBool:
        if (value.bool_value()) {
          missing->clear();
          error->clear();
          return {v1::RULE_HOLDS, rule.any_of ? i : -1};
        }
        break;
      case cel::ValueKind::kUnknown:
        unknown = true;
        for (const std::string& attribute : value.unknown().attributes()) {
          AddMissing(attribute, charge_index, missing);
        }
        break;
      case cel::ValueKind::kError:
        if (!failed) {
          *error = std::string(value.error().status().message());
          if (rule.any_of) {
            *error = absl::StrCat(condition.alternative_id, ": ", *error);
          }
        }
        failed = true;
        break;
      default:
        if (!failed) {
          *error = absl::StrCat("the condition gave ",
                                cel::KindName(value.kind()), ", not a bool");
          if (rule.any_of) {
            *error = absl::StrCat(condition.alternative_id, ": ", *error);
          }
        }
        failed = true;
        break;
    }
  }
  if (unknown) {
    error->clear();
    SortUnique(missing);
    return {v1::RULE_UNKNOWN};
  }
  if (failed) return {v1::RULE_ERROR};
  return {v1::RULE_DOES_NOT_HOLD};
}

}  // namespace

bool BeginRule(const CompiledRule& rule, const v1::Encounter& encounter,
               const YesNoFacts& facts, cel::Activation* activation,
               RuleRecord* out) {
  if (!rule.AppliesTo(encounter.pathway())) {
    out->result = v1::RULE_NOT_APPLICABLE;
    return false;
  }
  if (rule.each_charge) {
    if (!encounter.charges().empty()) return true;
    if (encounter.pathway() == v1::SOCIAL_CONTACT) {
      out->result = v1::RULE_NOT_APPLICABLE;
    } else {
      out->result = v1::RULE_UNKNOWN;
      out->missing_facts.emplace_back("encounter.charges");
    }
    return false;
  }
  const Verdict verdict = EvaluateConditions(rule, -1, facts, activation,
                                             &out->missing_facts, &out->error);
  out->result = verdict.result;
  out->alternative = verdict.alternative;
  if (verdict.result != v1::RULE_ERROR) out->error.clear();
  return false;
}

void EvaluateCharge(const CompiledRule& rule, const v1::Encounter& encounter,
                    int index, const YesNoFacts& facts,
                    cel::Activation* activation, RuleRecord* out) {
  const v1::Charge& charge = encounter.charges(index);
  ChargeRecord& result = out->charges.emplace_back();
  std::string error;
  const Verdict verdict = EvaluateConditions(
      rule, index, facts, activation, &result.missing_facts, &error);
  result.result = verdict.result;
  result.alternative = verdict.alternative;
  // Until FinishEachCharge, `error` holds the first charge's error.
  if (verdict.result == v1::RULE_ERROR && out->error.empty()) {
    out->error = absl::StrCat("charge ", index + 1, " (",
                              charge.statute_code(), "): ", error);
  }
}

void FinishEachCharge(const CompiledRule& rule, RuleRecord* out) {
  const bool every = rule.kind == v1::CRITERION;
  int holds = 0, not_holds = 0, unknown = 0, failed = 0;
  for (const ChargeRecord& charge : out->charges) {
    switch (charge.result) {
      case v1::RULE_HOLDS:
        ++holds;
        break;
      case v1::RULE_DOES_NOT_HOLD:
        ++not_holds;
        break;
      case v1::RULE_UNKNOWN:
        ++unknown;
        break;
      default:
        ++failed;
        break;
    }
  }
  v1::RuleResult result;
  if (every) {
    result = not_holds > 0  ? v1::RULE_DOES_NOT_HOLD
             : unknown > 0  ? v1::RULE_UNKNOWN
             : failed > 0   ? v1::RULE_ERROR
                            : v1::RULE_HOLDS;
  } else {
    result = holds > 0      ? v1::RULE_HOLDS
             : unknown > 0  ? v1::RULE_UNKNOWN
             : failed > 0   ? v1::RULE_ERROR
                            : v1::RULE_DOES_NOT_HOLD;
  }
  out->result = result;
  if (result != v1::RULE_ERROR) out->error.clear();
  if (result == v1::RULE_UNKNOWN) {
    for (const ChargeRecord& charge : out->charges) {
      out->missing_facts.insert(out->missing_facts.end(),
                                charge.missing_facts.begin(),
                                charge.missing_facts.end());
    }
    SortUnique(&out->missing_facts);
  } else if (result == v1::RULE_HOLDS && rule.any_of && !out->charges.empty()) {
    if (every) {
      // Name the alternative when every charge met the same one.
      const int first = out->charges.front().alternative;
      bool same = true;
      for (const ChargeRecord& charge : out->charges) {
        same = same && charge.alternative == first;
      }
      if (same) out->alternative = first;
    } else {
      // The alternative of the first charge it holds for.
      for (const ChargeRecord& charge : out->charges) {
        if (charge.result == v1::RULE_HOLDS) {
          out->alternative = charge.alternative;
          break;
        }
      }
    }
  }
}

}  // namespace divert::eligibility
