#include "eligibility/decision_writer.h"

#include <string>

#include "divert/v1/decision.pb.h"
#include "eligibility/compiled_version.h"
#include "eligibility/decision_record.h"
#include "gtest/gtest.h"

namespace divert::eligibility {
namespace {

// A version of site "nyc" with two rules — an "any of" criterion over each
// charge and an exclusion — whose ids, kinds and texts the writer takes
// from the policy, and an encounter with two charges.
class DecisionWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    policy_version_.set_version("2018-1");
    policy_version_.mutable_approved_on()->set_year(2018);
    policy_version_.mutable_approved_on()->set_month(1);
    policy_version_.mutable_approved_on()->set_day(15);
    rules_[0].set_id("criterion.offense");
    rules_[0].set_kind(v1::CRITERION);
    rules_[0].set_text("Each offense is a non-violent misdemeanor.");
    rules_[1].set_id("exclusion.violent");
    rules_[1].set_kind(v1::EXCLUSION);
    rules_[1].set_text(std::string(300, 'x'));  // a two-byte length
    Compile();

    encounter_.set_encounter_id("e-1");
    encounter_.set_pathway(v1::ARREST_DIVERSION);
    encounter_.add_charges()->set_statute_code("PL 155.25");
    encounter_.add_charges();  // no statute code
  }

  void Compile() {
    version_.version = &policy_version_;
    version_.site_id = "nyc";
    version_.decision_header_fields =
        EncodeDecisionHeaderFields("nyc", policy_version_);
    version_.rules.clear();
    for (const v1::Rule& rule : rules_) {
      CompiledRule compiled;
      compiled.rule = &rule;
      compiled.kind = rule.kind();
      compiled.head_fields = EncodeRuleHeadFields(rule);
      compiled.plain_outcomes = EncodePlainRuleOutcomes(rule);
      version_.rules.push_back(std::move(compiled));
    }
    version_.rules[0].any_of = true;
    version_.rules[0].conditions.push_back(
        {"pl_violation", nullptr, "", nullptr});
    version_.rules[0].conditions.push_back(
        {"pl_misdemeanor", nullptr, "", nullptr});
  }

  // What protobuf writes for the decision the record describes.
  std::string Expected(const DecisionRecord& record) const {
    v1::Decision decision;
    ToDecision(version_, encounter_, record, &decision);
    return decision.SerializeAsString();
  }

  v1::PolicyVersion policy_version_;
  v1::Rule rules_[2];
  CompiledVersion version_;
  v1::Encounter encounter_;
};

TEST_F(DecisionWriterTest, WritesWhatProtobufWrites) {
  DecisionRecord d;
  d.Reset(2);
  d.decision_id = "dec-0123456789abcdef";
  d.outcome = v1::NEEDS_REVIEW;
  d.review_by = {v1::OPERATIONS_WORK_GROUP, v1::DIVERSION_PANEL};
  RuleRecord& offense = d.rules[0];
  offense.result = v1::RULE_HOLDS;
  offense.alternative = 1;
  offense.decisive = true;
  offense.charges.push_back({v1::RULE_HOLDS, 1, {}});
  offense.charges.push_back(
      {v1::RULE_UNKNOWN, -1, {"encounter.charges[1].violent"}});
  RuleRecord& violent = d.rules[1];
  violent.result = v1::RULE_ERROR;
  violent.error = "no such field 'violent'";
  violent.missing_facts.push_back("encounter.circumstances.able_to_consent");
  d.missing_facts.push_back({"encounter.circumstances.able_to_consent",
                             "Is the person able to consent?", {1, 0}});
  d.summary = std::string(200, 's');
  d.notes = {"charge 2 (PL 999.99) is not in the offense catalog", ""};

  std::string written;
  WriteDecision(version_, encounter_, d, &written);
  EXPECT_EQ(written, Expected(d));
}

TEST_F(DecisionWriterTest, WritesAnUndecidedRecordAsProtobufDoes) {
  DecisionRecord d;
  d.Reset(2);
  std::string written = "left over from the last decision";
  WriteDecision(version_, encounter_, d, &written);
  EXPECT_EQ(written, Expected(d));
}

TEST_F(DecisionWriterTest, WritesNegativeNumbersAsProtobufDoes) {
  policy_version_.mutable_approved_on()->set_year(-1);
  Compile();
  DecisionRecord d;
  d.Reset(2);
  std::string written;
  WriteDecision(version_, encounter_, d, &written);
  EXPECT_EQ(written, Expected(d));
}

TEST_F(DecisionWriterTest, TheMessageNamesRulesAlternativesAndCharges) {
  DecisionRecord d;
  d.Reset(2);
  d.rules[0].result = v1::RULE_HOLDS;
  d.rules[0].alternative = 1;
  d.rules[0].charges.push_back({v1::RULE_HOLDS, 1, {}});
  d.rules[1].result = v1::RULE_DOES_NOT_HOLD;
  d.missing_facts.push_back({"encounter.person.age", "How old?", {1}});
  v1::Decision m;
  ToDecision(version_, encounter_, d, &m);
  EXPECT_EQ(m.site_id(), "nyc");
  EXPECT_EQ(m.policy_version(), "2018-1");
  EXPECT_EQ(m.policy_approved_on().year(), 2018);
  EXPECT_EQ(m.encounter_id(), "e-1");
  ASSERT_EQ(m.rules_size(), 2);
  EXPECT_EQ(m.rules(0).rule_id(), "criterion.offense");
  EXPECT_EQ(m.rules(0).kind(), v1::CRITERION);
  EXPECT_EQ(m.rules(0).text(), "Each offense is a non-violent misdemeanor.");
  EXPECT_EQ(m.rules(0).alternative_id(), "pl_misdemeanor");
  ASSERT_EQ(m.rules(0).charges_size(), 1);
  EXPECT_EQ(m.rules(0).charges(0).statute_code(), "PL 155.25");
  EXPECT_EQ(m.rules(0).charges(0).alternative_id(), "pl_misdemeanor");
  EXPECT_EQ(m.rules(1).rule_id(), "exclusion.violent");
  EXPECT_EQ(m.rules(1).text(), std::string(300, 'x'));
  ASSERT_EQ(m.missing_facts_size(), 1);
  EXPECT_EQ(m.missing_facts(0).rule_ids(0), "exclusion.violent");
}

}  // namespace
}  // namespace divert::eligibility
