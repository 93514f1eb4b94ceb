// Conditions over yes/no facts looked up in a table: the same results as
// running their programs, for every combination of the facts.
#include "eligibility/condition_table.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "divert/cel/cel.h"
#include "divert/v1/encounter.pb.h"
#include "gtest/gtest.h"

namespace divert::eligibility {
namespace {

using Truth = ConditionTable::Result::Truth;

// The table's result is the program's value: the same truth, and for an
// unknown the same attributes.
void ExpectSameResult(const cel::Value& expected,
                      const ConditionTable::Result& found, int combination) {
  switch (expected.kind()) {
    case cel::ValueKind::kBool:
      EXPECT_EQ(found.truth,
                expected.bool_value() ? Truth::kTrue : Truth::kFalse)
          << combination;
      break;
    case cel::ValueKind::kUnknown:
      EXPECT_EQ(found.truth, Truth::kUnknown) << combination;
      EXPECT_EQ(found.unknown_attributes,
                std::vector<std::string>(expected.unknown().attributes().begin(),
                                         expected.unknown().attributes().end()))
          << combination;
      break;
    default:
      ADD_FAILURE() << "the program gave " << cel::KindName(expected.kind())
                    << " for combination " << combination;
  }
}

class ConditionTableTest : public ::testing::Test {
 protected:
  ConditionTableTest() {
    environment_.set_container("divert.v1");
    EXPECT_TRUE(
        environment_.DeclareVariable("encounter", "divert.v1.Encounter").ok());
    EXPECT_TRUE(
        environment_.DeclareVariable("charge", "divert.v1.Charge").ok());
    EXPECT_TRUE(environment_.DeclareVariable("max_grams", "double").ok());
  }

  std::shared_ptr<const cel::Program> Compile(const std::string& condition) {
    auto program = environment_.Compile(condition);
    EXPECT_TRUE(program.ok()) << program.status();
    return program.ok() ? *program : nullptr;
  }

  std::unique_ptr<ConditionTable> Table(const std::string& condition,
                                        bool charge_scope) {
    std::shared_ptr<const cel::Program> program = Compile(condition);
    if (program == nullptr) return nullptr;
    programs_.push_back(program);
    return ConditionTable::Build(program->checked_expr(), *program,
                                 parameters_, charge_scope);
  }

  cel::Environment environment_;
  std::vector<std::pair<std::string, cel::Value>> parameters_ = {
      {"max_grams", cel::Value::Double(1.0)}};
  std::vector<std::shared_ptr<const cel::Program>> programs_;
};

TEST_F(ConditionTableTest, TabulatesConditionsOverYesNoFactsOnly) {
  EXPECT_NE(Table("encounter.circumstances.on_supervision", false), nullptr);
  EXPECT_NE(Table("!charge.violent", true), nullptr);
  EXPECT_NE(Table("charge.drug_sale && encounter.circumstances.sale_for_profit",
                  true),
            nullptr);
  // A string, an enum, a number, a parameter, a list, a presence test.
  EXPECT_EQ(Table("charge.statute_code.startsWith('PL ')", true), nullptr);
  EXPECT_EQ(Table("charge.level == OffenseLevel.MISDEMEANOR", true), nullptr);
  EXPECT_EQ(Table("charge.drug_quantity_grams > max_grams", true), nullptr);
  EXPECT_EQ(Table("encounter.charges.size() > 0", false), nullptr);
  EXPECT_EQ(Table("has(encounter.circumstances.on_supervision)", false),
            nullptr);
  EXPECT_EQ(Table("encounter.charges.exists(c, c.violent)", false), nullptr);
  // `charge` is not bound outside charge rules.
  EXPECT_EQ(Table("charge.violent", false), nullptr);
  // Seven facts: more than the table takes.
  EXPECT_EQ(Table("encounter.circumstances.victim_present || "
                  "encounter.circumstances.victim_declines_prosecution || "
                  "encounter.circumstances.able_to_consent || "
                  "encounter.circumstances.imminent_danger || "
                  "encounter.circumstances.on_supervision || "
                  "encounter.circumstances.outstanding_warrants || "
                  "encounter.circumstances.exploits_minors_or_others",
                  false),
            nullptr);
}

// Sets an optional bool to 0 unset, 1 false or 2 true.
template <typename M>
void SetState(int state, M* message, void (M::*set)(bool),
              void (M::*clear)()) {
  if (state == 0) {
    (message->*clear)();
  } else {
    (message->*set)(state == 2);
  }
}

// Every combination of three facts, from the encounter (two levels deep)
// and the charge, against the program itself.
TEST_F(ConditionTableTest, GivesWhatTheProgramGivesForEveryCombination) {
  const std::string condition =
      "(encounter.person.needs.alcohol || !charge.violent) && "
      "encounter.circumstances.able_to_consent";
  std::unique_ptr<ConditionTable> table = Table(condition, true);
  ASSERT_NE(table, nullptr);
  std::shared_ptr<const cel::Program> program = Compile(condition);
  cel::Activation activation(*program);
  activation.set_unset_fields_are_unknown(true);
  int unknowns = 0;
  for (int combination = 0; combination < 27; ++combination) {
    v1::Encounter encounter;
    encounter.set_encounter_id("e-1");  // a field the condition does not read
    v1::ContributingNeeds* needs = encounter.mutable_person()->mutable_needs();
    SetState(combination % 3, needs, &v1::ContributingNeeds::set_alcohol,
             &v1::ContributingNeeds::clear_alcohol);
    v1::Charge* charge = encounter.add_charges();
    SetState(combination / 3 % 3, charge, &v1::Charge::set_violent,
             &v1::Charge::clear_violent);
    SetState(combination / 9, encounter.mutable_circumstances(),
             &v1::Circumstances::set_able_to_consent,
             &v1::Circumstances::clear_able_to_consent);
    activation.BindMessage("encounter", encounter);
    activation.BindMessage("charge", *charge);
    const cel::Value expected = program->Evaluate(activation);
    YesNoFacts facts;
    facts.ReadEncounter(encounter);
    facts.ReadCharge(*charge);
    const ConditionTable::Result* found = table->Find(facts, true);
    ASSERT_NE(found, nullptr) << combination;
    ExpectSameResult(expected, *found, combination);
    if (found->truth == Truth::kUnknown) ++unknowns;
  }
  EXPECT_GT(unknowns, 0);
}

// Six facts, the most a table holds: 729 combinations, built in another
// order than the one they are looked up in.
TEST_F(ConditionTableTest, GivesWhatTheProgramGivesForSixFacts) {
  const std::string condition =
      "(encounter.circumstances.victim_present && "
      "!encounter.circumstances.victim_declines_prosecution) || "
      "encounter.circumstances.able_to_consent != "
      "encounter.circumstances.imminent_danger || "
      "(encounter.circumstances.on_supervision && "
      "!encounter.circumstances.outstanding_warrants)";
  std::unique_ptr<ConditionTable> table = Table(condition, false);
  ASSERT_NE(table, nullptr);
  std::shared_ptr<const cel::Program> program = Compile(condition);
  cel::Activation activation(*program);
  activation.set_unset_fields_are_unknown(true);
  using Setter = void (v1::Circumstances::*)(bool);
  using Clearer = void (v1::Circumstances::*)();
  const std::vector<std::pair<Setter, Clearer>> facts = {
      {&v1::Circumstances::set_victim_present,
       &v1::Circumstances::clear_victim_present},
      {&v1::Circumstances::set_victim_declines_prosecution,
       &v1::Circumstances::clear_victim_declines_prosecution},
      {&v1::Circumstances::set_able_to_consent,
       &v1::Circumstances::clear_able_to_consent},
      {&v1::Circumstances::set_imminent_danger,
       &v1::Circumstances::clear_imminent_danger},
      {&v1::Circumstances::set_on_supervision,
       &v1::Circumstances::clear_on_supervision},
      {&v1::Circumstances::set_outstanding_warrants,
       &v1::Circumstances::clear_outstanding_warrants}};
  int results[3] = {};
  for (int combination = 0; combination < 729; ++combination) {
    v1::Encounter encounter;
    int digits = combination;
    for (const auto& [set, clear] : facts) {
      SetState(digits % 3, encounter.mutable_circumstances(), set, clear);
      digits /= 3;
    }
    activation.BindMessage("encounter", encounter);
    const cel::Value expected = program->Evaluate(activation);
    YesNoFacts states;
    states.ReadEncounter(encounter);
    const ConditionTable::Result* found = table->Find(states, false);
    ASSERT_NE(found, nullptr) << combination;
    ExpectSameResult(expected, *found, combination);
    ++results[static_cast<int>(found->truth)];
  }
  EXPECT_GT(results[static_cast<int>(Truth::kFalse)], 0);
  EXPECT_GT(results[static_cast<int>(Truth::kTrue)], 0);
  EXPECT_GT(results[static_cast<int>(Truth::kUnknown)], 0);
}

TEST_F(ConditionTableTest, LeavesAnAbsentMessageToTheProgram) {
  std::unique_ptr<ConditionTable> table =
      Table("encounter.person.needs.drugs", false);
  ASSERT_NE(table, nullptr);
  v1::Encounter encounter;
  YesNoFacts facts;
  facts.ReadEncounter(encounter);
  EXPECT_EQ(table->Find(facts, false), nullptr)
      << "no person: the program names encounter.person";
  encounter.mutable_person()->mutable_needs();
  facts.ReadEncounter(encounter);
  const ConditionTable::Result* unset = table->Find(facts, false);
  ASSERT_NE(unset, nullptr);
  EXPECT_EQ(unset->truth, Truth::kUnknown);
  EXPECT_EQ(unset->unknown_attributes,
            std::vector<std::string>{"encounter.person.needs.drugs"});
  encounter.mutable_person()->mutable_needs()->set_drugs(true);
  facts.ReadEncounter(encounter);
  EXPECT_EQ(table->Find(facts, false)->truth, Truth::kTrue);
}

TEST_F(ConditionTableTest, LeavesChargeFactsToTheProgramWhenNoChargeIsBound) {
  std::unique_ptr<ConditionTable> table = Table("charge.violent", true);
  ASSERT_NE(table, nullptr);
  v1::Charge charge;
  charge.set_violent(true);
  YesNoFacts facts;
  facts.ReadEncounter(v1::Encounter());
  facts.ReadCharge(charge);
  EXPECT_EQ(table->Find(facts, false), nullptr);
  ASSERT_NE(table->Find(facts, true), nullptr);
  EXPECT_EQ(table->Find(facts, true)->truth, Truth::kTrue);
}

}  // namespace
}  // namespace divert::eligibility
