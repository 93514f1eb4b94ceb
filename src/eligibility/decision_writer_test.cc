#include "eligibility/decision_writer.h"

#include <string>

#include "divert/v1/decision.pb.h"
#include "eligibility/compiled_version.h"
#include "gtest/gtest.h"

namespace divert::eligibility {
namespace {

// A version with two rules whose ids, kinds and texts the writer takes from
// the policy.
class DecisionWriterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    rules_[0].set_id("criterion.offense");
    rules_[0].set_kind(v1::CRITERION);
    rules_[0].set_text("Each offense is a non-violent misdemeanor.");
    rules_[1].set_id("exclusion.violent");
    rules_[1].set_kind(v1::EXCLUSION);
    rules_[1].set_text(std::string(300, 'x'));  // a two-byte length
    for (const v1::Rule& rule : rules_) {
      CompiledRule compiled;
      compiled.rule = &rule;
      compiled.id_and_kind_fields = EncodeRuleIdAndKindFields(rule);
      compiled.text_field = EncodeRuleTextField(rule);
      version_.rules.push_back(std::move(compiled));
    }
  }

  // What protobuf writes for `decision` with the rules' names filled in.
  std::string Expected(v1::Decision decision) const {
    AddRuleNames(version_, &decision);
    return decision.SerializeAsString();
  }

  v1::Rule rules_[2];
  CompiledVersion version_;
};

TEST_F(DecisionWriterTest, WritesWhatProtobufWrites) {
  v1::Decision d;
  d.set_decision_id("dec-0123456789abcdef");
  d.set_site_id("nyc");
  d.set_policy_version("2018-1");
  d.mutable_policy_approved_on()->set_year(2018);
  d.mutable_policy_approved_on()->set_month(1);
  d.mutable_policy_approved_on()->set_day(15);
  d.set_encounter_id("e-1");
  d.set_pathway(v1::ARREST_DIVERSION);
  d.set_outcome(v1::NEEDS_REVIEW);
  d.add_review_by(v1::OPERATIONS_WORK_GROUP);
  d.add_review_by(v1::DIVERSION_PANEL);
  v1::RuleOutcome* offense = d.add_rules();
  offense->set_result(v1::RULE_HOLDS);
  offense->set_alternative_id("pl_misdemeanor");
  offense->set_decisive(true);
  v1::ChargeResult* charge = offense->add_charges();
  charge->set_charge_index(0);
  charge->set_statute_code("PL 155.25");
  charge->set_result(v1::RULE_HOLDS);
  charge->set_alternative_id("pl_misdemeanor");
  charge = offense->add_charges();
  charge->set_charge_index(1);
  charge->set_result(v1::RULE_UNKNOWN);
  charge->add_missing_facts("encounter.charges[1].violent");
  v1::RuleOutcome* violent = d.add_rules();
  violent->set_result(v1::RULE_ERROR);
  violent->set_error("no such field 'violent'");
  violent->add_missing_facts("encounter.circumstances.able_to_consent");
  v1::MissingFact* fact = d.add_missing_facts();
  fact->set_field_path("encounter.circumstances.able_to_consent");
  fact->set_question("Is the person able to consent?");
  fact->add_rule_ids("exclusion.unable_to_consent");
  d.set_summary(std::string(200, 's'));
  d.add_notes("charge 2 (PL 999.99) is not in the offense catalog");
  d.add_notes("");

  std::string written;
  WriteDecision(version_, d, &written);
  EXPECT_EQ(written, Expected(d));
}

TEST_F(DecisionWriterTest, WritesAnEmptyDecisionAsNothing) {
  std::string written = "left over from the last decision";
  WriteDecision(version_, v1::Decision(), &written);
  EXPECT_EQ(written, "");
}

TEST_F(DecisionWriterTest, WritesNegativeNumbersAsProtobufDoes) {
  v1::Decision d;
  d.mutable_policy_approved_on()->set_year(-1);
  d.add_rules()->add_charges()->set_charge_index(-3);
  std::string written;
  WriteDecision(version_, d, &written);
  EXPECT_EQ(written, Expected(d));
}

TEST_F(DecisionWriterTest, AddsTheNamesOfTheVersionsRules) {
  v1::Decision d;
  d.add_rules()->set_result(v1::RULE_HOLDS);
  d.add_rules()->set_result(v1::RULE_DOES_NOT_HOLD);
  AddRuleNames(version_, &d);
  EXPECT_EQ(d.rules(0).rule_id(), "criterion.offense");
  EXPECT_EQ(d.rules(0).kind(), v1::CRITERION);
  EXPECT_EQ(d.rules(0).text(), "Each offense is a non-violent misdemeanor.");
  EXPECT_EQ(d.rules(1).rule_id(), "exclusion.violent");
  EXPECT_EQ(d.rules(1).text(), std::string(300, 'x'));
}

}  // namespace
}  // namespace divert::eligibility
