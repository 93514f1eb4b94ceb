#include "eligibility/summary.h"

#include <algorithm>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "eligibility/words.h"

namespace divert::eligibility {
namespace {

// At most this many questions are spelled out.
constexpr int kMaxQuestions = 3;

// "PL 155.25 Petit larceny": charge `index`'s code and the catalog's
// description.
void AppendChargeName(const v1::Encounter& encounter,
                      const DecisionRecord& decision, int index,
                      std::string* out) {
  absl::StrAppend(out, encounter.charges(index).statute_code());
  const v1::Offense* offense =
      static_cast<size_t>(index) < decision.offenses.size()
          ? decision.offenses[index]
          : nullptr;
  if (offense != nullptr && !offense->description().empty()) {
    absl::StrAppend(out, " ", offense->description());
  }
}

// ChargeMeetsPhrase of the "any of" alternative that holds for charge
// `index`; "" when no alternative criterion names one.
absl::string_view HoldingAlternativePhrase(const CompiledVersion& version,
                                           const DecisionRecord& decision,
                                           int index) {
  const size_t rules = std::min(decision.rules.size(), version.rules.size());
  for (size_t i = 0; i < rules; ++i) {
    const std::vector<ChargeRecord>& charges = decision.rules[i].charges;
    if (index >= static_cast<int>(charges.size())) continue;
    const int alternative = charges[index].alternative;
    if (AlternativeId(version.rules[i], alternative).empty()) continue;
    return version.rules[i].conditions[alternative].charge_meets_phrase;
  }
  return "";
}

// "PL 155.25 Petit larceny is a non-violent Penal Law misdemeanor": the
// alternative that made the charge eligible, or else its level.
void AppendChargeDescription(const CompiledVersion& version,
                             const v1::Encounter& encounter,
                             const DecisionRecord& decision, int index,
                             std::string* out) {
  const v1::Charge& charge = encounter.charges(index);
  AppendChargeName(encounter, decision, index, out);
  const absl::string_view phrase =
      HoldingAlternativePhrase(version, decision, index);
  if (!phrase.empty()) {
    out->append(phrase.data(), phrase.size());
    return;
  }
  absl::string_view level = LevelWords(charge.level());
  if (level.empty()) return;
  const bool non_violent = charge.has_violent() && !charge.violent();
  absl::StrAppend(out, " is ", Article(non_violent ? "non-violent" : level),
                  " ", non_violent ? "non-violent " : "", level);
}

// The rule's text without its final period, or "rule <id>".
void AppendRuleText(const v1::Rule& rule, std::string* out) {
  if (rule.text().empty()) {
    absl::StrAppend(out, "rule ", rule.id());
  } else {
    absl::StrAppend(out, WithoutFinalPeriod(rule.text()));
  }
}

// " (PL 120.00 Assault in the third degree)": the charges of an EACH_CHARGE
// rule that have `result`.
void AppendCharges(const v1::Encounter& encounter,
                   const DecisionRecord& decision, const RuleRecord& rule,
                   v1::RuleResult result, std::string* out) {
  bool first = true;
  const int n = std::min(static_cast<int>(rule.charges.size()),
                         encounter.charges_size());
  for (int c = 0; c < n; ++c) {
    if (rule.charges[c].result != result) continue;
    absl::StrAppend(out, first ? " (" : ", ");
    AppendChargeName(encounter, decision, c, out);
    first = false;
  }
  if (!first) absl::StrAppend(out, ")");
}

// The decisive rules' texts, "; "-separated, each with its charges.
void AppendDecisiveRules(const CompiledVersion& version,
                         const v1::Encounter& encounter,
                         const DecisionRecord& decision, v1::RuleResult result,
                         std::string* out) {
  bool first = true;
  for (size_t i = 0; i < decision.rules.size(); ++i) {
    const RuleRecord& rule = decision.rules[i];
    if (!rule.decisive) continue;
    if (!first) absl::StrAppend(out, "; ");
    AppendRuleText(*version.rules[i].rule, out);
    AppendCharges(encounter, decision, rule, result, out);
    first = false;
  }
}

int CountDecisive(const DecisionRecord& decision) {
  int n = 0;
  for (const RuleRecord& rule : decision.rules) n += rule.decisive;
  return n;
}

void AppendPathway(absl::string_view before, v1::Pathway pathway,
                   std::string* out) {
  absl::StrAppend(out, before, pathway == v1::SOCIAL_CONTACT ? "a " : "",
                  PathwayWords(pathway));
}

// " under policy 2024-2, approved 2024-02-14: ".
void AppendUnderPolicy(const CompiledVersion& version, std::string* out) {
  absl::StrAppend(out, " under policy ", version.version->version(),
                  ", approved ", version.approved_on, ": ");
}

}  // namespace

std::string ChargeMeetsPhrase(absl::string_view alternative_text) {
  if (alternative_text.empty()) return "";
  std::string text = LowerFirst(WithoutFinalPeriod(alternative_text));
  const bool has_article = absl::StartsWith(text, "a ") ||
                           absl::StartsWith(text, "an ") ||
                           absl::StartsWith(text, "the ");
  return absl::StrCat(" is ", has_article ? "" : Article(text),
                      has_article ? "" : " ", text);
}

std::string SummaryOpening(const CompiledVersion& version, v1::Outcome outcome,
                           v1::Pathway pathway) {
  std::string out;
  switch (outcome) {
    case v1::ELIGIBLE:
      AppendPathway("Eligible for ", pathway, &out);
      break;
    case v1::NOT_ELIGIBLE:
      AppendPathway("Not eligible for ", pathway, &out);
      break;
    case v1::EXCLUDED:
      AppendPathway("Excluded from ", pathway, &out);
      break;
    case v1::NEEDS_INFORMATION:
      absl::StrAppend(&out, "Needs information");
      break;
    default:
      absl::StrAppend(&out, "Undecided");
      break;
  }
  AppendUnderPolicy(version, &out);
  return out;
}

void WriteSummary(const CompiledVersion& version,
                  const v1::Encounter& encounter,
                  const DecisionRecord& decision, std::string* out) {
  out->clear();
  const v1::Pathway pathway = encounter.pathway();
  if (decision.outcome == v1::NEEDS_REVIEW) {
    absl::StrAppend(out, "Needs review by ");
    const size_t bodies = decision.review_by.size();
    for (size_t i = 0; i < bodies; ++i) {
      if (i > 0) absl::StrAppend(out, i + 1 == bodies ? " and " : ", ");
      absl::StrAppend(out, ReviewBodyWords(decision.review_by[i]));
    }
    AppendUnderPolicy(version, out);
  } else if (pathway >= 0 && pathway < v1::Pathway_ARRAYSIZE &&
             decision.outcome >= 0 &&
             decision.outcome < v1::Outcome_ARRAYSIZE) {
    *out = version.summary_openings[decision.outcome][pathway];
  } else {
    *out = SummaryOpening(version, decision.outcome, pathway);
  }

  switch (decision.outcome) {
    case v1::ELIGIBLE: {
      if (pathway == v1::SOCIAL_CONTACT) {
        absl::StrAppend(out,
                        "every criterion is met; exclusions do not apply to "
                        "social contact referrals.");
        break;
      }
      for (int i = 0; i < encounter.charges_size(); ++i) {
        if (i > 0) absl::StrAppend(out, "; ");
        AppendChargeDescription(version, encounter, decision, i, out);
      }
      absl::StrAppend(out, encounter.charges().empty()
                               ? "every criterion is met; no exclusion applies."
                               : "; no exclusion applies.");
      break;
    }
    case v1::EXCLUDED:
      AppendDecisiveRules(version, encounter, decision, v1::RULE_HOLDS, out);
      absl::StrAppend(out, ".");
      break;
    case v1::NOT_ELIGIBLE:
      absl::StrAppend(out, CountDecisive(decision) == 1 ? "criterion not met: "
                                                        : "criteria not met: ");
      AppendDecisiveRules(version, encounter, decision, v1::RULE_DOES_NOT_HOLD,
                          out);
      absl::StrAppend(out, ".");
      break;
    case v1::NEEDS_REVIEW: {
      bool errors = false;
      for (const RuleRecord& rule : decision.rules) {
        errors = errors || (rule.decisive && rule.result == v1::RULE_ERROR);
      }
      if (errors) {
        absl::StrAppend(out, CountDecisive(decision) == 1 ? "rule " : "rules ");
        bool first = true;
        for (size_t i = 0; i < decision.rules.size(); ++i) {
          if (!decision.rules[i].decisive) continue;
          absl::StrAppend(out, first ? "" : ", ", version.rules[i].rule->id());
          first = false;
        }
        absl::StrAppend(out, " could not be evaluated.");
      } else {
        AppendDecisiveRules(version, encounter, decision, v1::RULE_HOLDS, out);
        absl::StrAppend(out, ".");
      }
      break;
    }
    case v1::NEEDS_INFORMATION: {
      const int n = static_cast<int>(decision.missing_facts.size());
      for (int i = 0; i < n && i < kMaxQuestions; ++i) {
        const std::string& question = decision.missing_facts[i].question;
        if (i == 0) {
          absl::StrAppend(out, LowerFirst(question));
        } else {
          absl::StrAppend(out, " ", question);
        }
      }
      if (n > kMaxQuestions) {
        absl::StrAppend(out, " (and ", n - kMaxQuestions,
                        n - kMaxQuestions == 1 ? " more question)"
                                               : " more questions)");
      }
      break;
    }
    default:
      break;
  }
}

}  // namespace divert::eligibility
