// CEL over divert's own messages, through the public API: field selection,
// enums, repeated charges, optional facts, timestamps and unknowns — the
// shapes every eligibility rule uses.
#include <memory>
#include <string>
#include <vector>

#include "divert/cel/cel.h"
#include "divert/v1/encounter.pb.h"
#include "gtest/gtest.h"

namespace divert::cel {
namespace {

class CelEncounterTest : public ::testing::Test {
 protected:
  CelEncounterTest() {
    env_.set_container("divert.v1");
    EXPECT_TRUE(env_.DeclareVariable("encounter", "divert.v1.Encounter").ok());
    encounter_.set_pathway(v1::ARREST_DIVERSION);
    encounter_.mutable_occurred_at()->set_seconds(1513264800);  // 2017-12-14T15:20:00Z
    v1::Person* person = encounter_.mutable_person();
    person->set_age(41);
    person->add_race_ethnicity(v1::BLACK_AFRICAN_AMERICAN_OR_AFRICAN);
    person->mutable_needs()->set_drugs(true);
    AddCharge("PL 155.25", v1::MISDEMEANOR, /*violent=*/false);
    encounter_.mutable_circumstances()->set_victim_present(false);
  }

  v1::Charge* AddCharge(const std::string& code, v1::OffenseLevel level,
                        bool violent) {
    v1::Charge* charge = encounter_.add_charges();
    charge->set_statute_code(code);
    charge->set_level(level);
    charge->set_violent(violent);
    return charge;
  }

  // Compiles `source` and evaluates it over encounter_; returns the result
  // rendered as text ("true", "unknown: ...", "error: ...").
  std::string Eval(const std::string& source, bool unset_is_unknown = false,
                   const std::vector<std::string>& unknown = {}) {
    auto program = env_.Compile(source);
    if (!program.ok()) return "compile error: " + std::string(program.status().message());
    Activation activation(**program);
    activation.BindMessage("encounter", encounter_);
    activation.set_unset_fields_are_unknown(unset_is_unknown);
    for (const std::string& attribute : unknown) {
      EXPECT_TRUE(activation.MarkUnknown(attribute).ok());
    }
    Value result = (*program)->Evaluate(activation);
    if (result.IsError()) {
      return "error: " + std::string(result.error().status().message());
    }
    if (result.IsUnknown()) {
      std::string text = "unknown:";
      for (const std::string& a : result.unknown().attributes()) text += " " + a;
      return text;
    }
    return DebugString(result);
  }

  Environment env_;
  v1::Encounter encounter_;
};

TEST_F(CelEncounterTest, SelectsNestedFields) {
  EXPECT_EQ(Eval("encounter.person.age >= 18"), "true");
  EXPECT_EQ(Eval("encounter.person.age >= 17.5"), "true");
  EXPECT_EQ(Eval("encounter.charges[0].statute_code"), "\"PL 155.25\"");
}

TEST_F(CelEncounterTest, ComparesEnumsByName) {
  EXPECT_EQ(Eval("encounter.pathway == Pathway.ARREST_DIVERSION"), "true");
  EXPECT_EQ(Eval("encounter.pathway == divert.v1.Pathway.SOCIAL_CONTACT"),
            "false");
  EXPECT_EQ(Eval("RaceEthnicity.BLACK_AFRICAN_AMERICAN_OR_AFRICAN in "
                 "encounter.person.race_ethnicity"),
            "true");
}

TEST_F(CelEncounterTest, DecidesOnEveryCharge) {
  const std::string no_violent_charge = "!encounter.charges.exists(c, c.violent)";
  EXPECT_EQ(Eval(no_violent_charge), "true");
  AddCharge("PL 120.00", v1::MISDEMEANOR, /*violent=*/true);
  AddCharge("PL 140.05", v1::VIOLATION, /*violent=*/false);
  EXPECT_EQ(Eval(no_violent_charge), "false");
  EXPECT_EQ(Eval("encounter.charges.filter(c, c.level == OffenseLevel.MISDEMEANOR)"
                 ".map(c, c.statute_code)"),
            "[\"PL 155.25\", \"PL 120.00\"]");
  EXPECT_EQ(Eval("encounter.charges.exists_one(c, c.level == OffenseLevel.VIOLATION)"),
            "true");
}

TEST_F(CelEncounterTest, ReadsTimestampsInTheSiteTimeZone) {
  EXPECT_EQ(Eval("encounter.occurred_at.getHours('America/New_York')"), "10");
  EXPECT_EQ(Eval("encounter.occurred_at < timestamp('2018-01-01T00:00:00Z')"),
            "true");
}

TEST_F(CelEncounterTest, HasReportsPresenceOfOptionalFacts) {
  EXPECT_EQ(Eval("has(encounter.circumstances.victim_present)"), "true");
  EXPECT_EQ(Eval("has(encounter.circumstances.able_to_consent)"), "false");
}

TEST_F(CelEncounterTest, UnsetFactsAreUnknownWhenAsked) {
  // Without the option an unset optional bool reads as false.
  EXPECT_EQ(Eval("encounter.circumstances.able_to_consent"), "false");
  EXPECT_EQ(Eval("encounter.circumstances.able_to_consent", true),
            "unknown: encounter.circumstances.able_to_consent");
  // A result that does not depend on the missing fact is still decided.
  EXPECT_EQ(Eval("encounter.circumstances.victim_present && "
                 "encounter.circumstances.able_to_consent",
                 true),
            "false");
}

TEST_F(CelEncounterTest, UnknownChargeFlagsNameTheCharge) {
  encounter_.mutable_charges(0)->clear_violent();
  AddCharge("PL 240.20", v1::VIOLATION, /*violent=*/false);
  EXPECT_EQ(Eval("encounter.charges.exists(c, c.violent)", true),
            "unknown: encounter.charges[0].violent");
  AddCharge("PL 120.00", v1::MISDEMEANOR, /*violent=*/true);
  EXPECT_EQ(Eval("encounter.charges.exists(c, c.violent)", true), "true");
}

TEST_F(CelEncounterTest, MarkedAttributesAreUnknown) {
  EXPECT_EQ(Eval("encounter.person.age >= 18", false, {"encounter.person.age"}),
            "unknown: encounter.person.age");
  EXPECT_EQ(Eval("encounter.pathway == Pathway.SOCIAL_CONTACT && "
                 "encounter.person.age >= 18",
                 false, {"encounter.person.age"}),
            "false");
}

TEST_F(CelEncounterTest, RejectsUnknownFieldsAtCompileTime) {
  std::vector<CompileIssue> issues;
  auto program = env_.Compile("encounter.person.agee >= 18 && x", &issues);
  ASSERT_FALSE(program.ok());
  ASSERT_EQ(issues.size(), 2u);
  EXPECT_EQ(issues[0].kind, CompileIssue::Kind::kType);
  EXPECT_EQ(issues[0].line, 1);
  EXPECT_NE(issues[0].message.find("agee"), std::string::npos);
  EXPECT_NE(program.status().message().find("^"), std::string::npos);
}

TEST_F(CelEncounterTest, RejectsTypeMismatchesAtCompileTime) {
  auto program = env_.Compile("encounter.person.age == 'forty'");
  ASSERT_FALSE(program.ok());
  EXPECT_NE(program.status().message().find("no matching overload"),
            std::string::npos);
}

}  // namespace
}  // namespace divert::cel
