// The order of precedence between rule results, on hand-made outcomes.
#include "eligibility/decision_builder.h"

#include <string>
#include <vector>

#include "eligibility/test_policies.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace divert::eligibility {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class EligibilityDecisionBuilderTest : public ::testing::Test {
 protected:
  // Rules: criterion c, exclusion x, trigger t (to the prosecutor), trigger
  // u (no reviewer named).
  void SetUp() override {
    rules_ = testing::ParseText<v1::PolicyVersion>(R"pb(
      rules { id: "c" kind: CRITERION }
      rules { id: "x" kind: EXCLUSION }
      rules { id: "t" kind: REVIEW_TRIGGER review_by: PROSECUTOR }
      rules { id: "u" kind: REVIEW_TRIGGER }
    )pb");
    for (const v1::Rule& rule : rules_.rules()) {
      CompiledRule compiled;
      compiled.rule = &rule;
      compiled.kind = rule.kind();
      version_.rules.push_back(std::move(compiled));
    }
    version_.version = &rules_;
  }

  // Decides with the given results of c, x, t and u; the decision as the
  // message door returns it.
  v1::Decision Decide(v1::RuleResult c, v1::RuleResult x, v1::RuleResult t,
                      v1::RuleResult u) {
    DecisionRecord record;
    record.Reset(4);
    const v1::RuleResult results[] = {c, x, t, u};
    for (int i = 0; i < 4; ++i) {
      RuleRecord& r = record.rules[i];
      r.result = results[i];
      if (results[i] == v1::RULE_UNKNOWN) {
        r.missing_facts.push_back("encounter.circumstances.able_to_consent");
      }
      if (results[i] == v1::RULE_ERROR) r.error = "boom";
    }
    const v1::Encounter encounter;
    DecideOutcome(version_, encounter, &record);
    v1::Decision d;
    ToDecision(version_, encounter, record, &d);
    return d;
  }

  static std::vector<std::string> Decisive(const v1::Decision& d) {
    std::vector<std::string> ids;
    for (const v1::RuleOutcome& r : d.rules()) {
      if (r.decisive()) ids.push_back(r.rule_id());
    }
    return ids;
  }

  v1::PolicyVersion rules_;
  CompiledVersion version_;
};

constexpr v1::RuleResult H = v1::RULE_HOLDS;
constexpr v1::RuleResult N = v1::RULE_DOES_NOT_HOLD;
constexpr v1::RuleResult U = v1::RULE_UNKNOWN;
constexpr v1::RuleResult E = v1::RULE_ERROR;
constexpr v1::RuleResult NA = v1::RULE_NOT_APPLICABLE;

TEST_F(EligibilityDecisionBuilderTest, ExclusionFirst) {
  const v1::Decision d = Decide(N, H, H, U);
  EXPECT_EQ(d.outcome(), v1::EXCLUDED);
  EXPECT_THAT(Decisive(d), ElementsAre("x"));
  EXPECT_THAT(d.missing_facts(), IsEmpty()) << "nothing can undo an exclusion";
}

TEST_F(EligibilityDecisionBuilderTest, ThenCriteria) {
  const v1::Decision d = Decide(N, N, H, E);
  EXPECT_EQ(d.outcome(), v1::NOT_ELIGIBLE);
  EXPECT_THAT(Decisive(d), ElementsAre("c"));
  EXPECT_THAT(d.review_by(), IsEmpty());
}

TEST_F(EligibilityDecisionBuilderTest, ThenReviewTriggers) {
  const v1::Decision d = Decide(H, U, H, H);
  EXPECT_EQ(d.outcome(), v1::NEEDS_REVIEW);
  EXPECT_THAT(Decisive(d), ElementsAre("t", "u"));
  EXPECT_THAT(d.review_by(), ElementsAre(v1::PROSECUTOR, v1::OPERATIONS_WORK_GROUP));
  ASSERT_EQ(d.missing_facts_size(), 1) << "the unknown exclusion could still exclude";
  EXPECT_THAT(d.missing_facts(0).rule_ids(), ElementsAre("x"));
}

TEST_F(EligibilityDecisionBuilderTest, ThenUnknowns) {
  const v1::Decision d = Decide(U, U, N, E);
  EXPECT_EQ(d.outcome(), v1::NEEDS_INFORMATION);
  EXPECT_THAT(Decisive(d), ElementsAre("c", "x"));
  ASSERT_EQ(d.missing_facts_size(), 1) << "one fact, asked once";
  EXPECT_EQ(d.missing_facts(0).question(), "Is the person able to give consent?");
  EXPECT_THAT(d.missing_facts(0).rule_ids(), ElementsAre("c", "x"));
}

TEST_F(EligibilityDecisionBuilderTest, ThenErrors) {
  const v1::Decision d = Decide(H, E, N, NA);
  EXPECT_EQ(d.outcome(), v1::NEEDS_REVIEW);
  EXPECT_THAT(Decisive(d), ElementsAre("x"));
  EXPECT_THAT(d.review_by(), ElementsAre(v1::DIVERSION_PANEL));
  EXPECT_THAT(d.notes(), ElementsAre("rule x could not be evaluated: boom"));
}

TEST_F(EligibilityDecisionBuilderTest, OtherwiseEligible) {
  const v1::Decision d = Decide(H, N, N, NA);
  EXPECT_EQ(d.outcome(), v1::ELIGIBLE);
  EXPECT_THAT(Decisive(d), ElementsAre("c", "x", "t"))
      << "every rule that applied produced the outcome";
}

}  // namespace
}  // namespace divert::eligibility
