#include "eligibility/questions.h"

#include "gtest/gtest.h"

namespace divert::eligibility {
namespace {

v1::Encounter TwoCharges() {
  v1::Encounter e;
  e.add_charges()->set_statute_code("PL 155.25");
  e.add_charges()->set_statute_code("PL 120.00");
  return e;
}

TEST(EligibilityQuestionsTest, KnownCircumstances) {
  const v1::Encounter e;
  EXPECT_EQ(QuestionFor("encounter.circumstances.able_to_consent", e),
            "Is the person able to give consent?");
  EXPECT_EQ(QuestionFor("encounter.circumstances.victim_declines_prosecution", e),
            "Is the victim willing to decline prosecution?");
  EXPECT_EQ(QuestionFor("encounter.circumstances.outstanding_warrants", e),
            "Does the person have outstanding warrants?");
  EXPECT_EQ(QuestionFor("encounter.person.needs.mental_health", e),
            "Does the person have a known history of mental health needs?");
  EXPECT_EQ(QuestionFor("encounter.person.age", e), "How old is the person?");
  EXPECT_EQ(QuestionFor("encounter.charges", e),
            "For which offenses does probable cause exist?");
}

TEST(EligibilityQuestionsTest, ChargeQuestionsNameTheCharge) {
  const v1::Encounter e = TwoCharges();
  EXPECT_EQ(QuestionFor("encounter.charges[1].violent", e),
            "Is charge 2 (PL 120.00) a violent offense?");
  EXPECT_EQ(QuestionFor("encounter.charges[0].drug_quantity_grams", e),
            "How many grams of drugs does charge 1 (PL 155.25) involve?");
  EXPECT_EQ(QuestionFor("encounter.charges[5].violent", e),
            "Is charge 6 a violent offense?")
      << "a charge the encounter does not have is named by number only";
}

TEST(EligibilityQuestionsTest, OtherFieldsGetTheGenericQuestion) {
  const v1::Encounter e = TwoCharges();
  EXPECT_EQ(QuestionFor("encounter.place.beat_code", e),
            "What is the beat code of the place of the encounter?");
  EXPECT_EQ(QuestionFor("encounter.charges[0].local_flag", e),
            "What is the local flag of charge 1 (PL 155.25)?");
  EXPECT_EQ(QuestionFor("risk_score", e), "What is the risk score?");
}

}  // namespace
}  // namespace divert::eligibility
