// Evaluating one rule against an encounter: the rule's result (holds, does
// not hold, unknown with the missing facts, error, not applicable), per
// charge for EACH_CHARGE rules, and the alternative that holds for an
// "any of" rule.
#ifndef DIVERT_SRC_ELIGIBILITY_RULE_EVALUATOR_H_
#define DIVERT_SRC_ELIGIBILITY_RULE_EVALUATOR_H_

#include "divert/cel/cel.h"
#include "divert/v1/encounter.pb.h"
#include "eligibility/compiled_version.h"
#include "eligibility/decision_record.h"
#include "eligibility/yes_no_facts.h"

namespace divert::eligibility {

// A rule is evaluated in up to three steps, so that a caller evaluating
// many rules binds each charge once for all of them:
//
//   facts.ReadEncounter(encounter);
//   if (BeginRule(rule, encounter, facts, activation, out)) {
//     for each charge i: activation->BindMessage("charge", charge i);
//                        facts.ReadCharge(charge i);
//                        EvaluateCharge(rule, encounter, i, facts,
//                                       activation, out);
//     FinishEachCharge(rule, out);
//   }
//
// `encounter` is the enriched encounter, bound in `activation` as
// `encounter` with unset fields unknown, and `facts` holds its yes/no facts
// (and in EvaluateCharge those of charge `index`); `out` is empty. A
// condition with a table (condition_table.h) is looked up in `facts`
// instead of run. Facts a charge rule misses are named
// "encounter.charges[i].field".
//
// An "any of" rule holds when an alternative holds (the first one is
// named), does not hold when none does, and is otherwise unknown (or an
// error when no alternative is unknown). A criterion over each charge must
// hold for every charge; an exclusion or trigger holds when it holds for
// any charge. Without charges, an EACH_CHARGE rule does not apply to a
// social contact referral and is unknown (missing "encounter.charges") for
// an arrest diversion.
//
// BeginRule fills everything for a rule over the whole encounter, a rule
// that does not apply, or an EACH_CHARGE rule without charges, and then
// returns false; it returns true when the rule waits for its charges.
bool BeginRule(const CompiledRule& rule, const v1::Encounter& encounter,
               const YesNoFacts& facts, cel::Activation* activation,
               RuleRecord* out);
// Evaluates the rule for the encounter's charge `index`, bound in
// `activation` as `charge`.
void EvaluateCharge(const CompiledRule& rule, const v1::Encounter& encounter,
                    int index, const YesNoFacts& facts,
                    cel::Activation* activation, RuleRecord* out);
// Combines the charges' results into the rule's result.
void FinishEachCharge(const CompiledRule& rule, RuleRecord* out);

}  // namespace divert::eligibility

#endif  // DIVERT_SRC_ELIGIBILITY_RULE_EVALUATOR_H_
