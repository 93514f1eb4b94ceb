// Decision summaries: one or two sentences a sergeant can read.
#include <string>

#include "divert/eligibility/policy.h"
#include "eligibility/test_policies.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace divert::eligibility {
namespace {

using testing::EligibleEncounter;
using testing::Example1;

std::string Summary(const v1::Encounter& e) {
  auto d = Example1()->Evaluate(e);
  EXPECT_TRUE(d.ok()) << d.status();
  return d.ok() ? d->summary() : "";
}

TEST(EligibilitySummaryTest, EveryChargeOfAnEligibleEncounter) {
  v1::Encounter e = EligibleEncounter();
  e.add_charges()->set_statute_code("PL 240.20");
  e.add_charges()->set_statute_code("AC 10-125");
  EXPECT_EQ(Summary(e),
            "Eligible for arrest diversion under policy 2024-2, approved "
            "2024-02-14: PL 155.25 Petit larceny is a non-violent Penal Law "
            "misdemeanor; PL 240.20 Disorderly conduct is a non-violent Penal "
            "Law violation; AC 10-125 Consumption of alcohol in public is a "
            "non-violent city ordinance offense; no exclusion applies.");
}

TEST(EligibilitySummaryTest, EveryExclusionThatHolds) {
  v1::Encounter e = EligibleEncounter();
  e.mutable_charges(0)->set_statute_code("PL 120.00");
  e.add_charges()->set_statute_code("PL 215.51");
  e.mutable_circumstances()->set_able_to_consent(false);
  EXPECT_EQ(Summary(e),
            "Excluded from arrest diversion under policy 2024-2, approved "
            "2024-02-14: The person is unable to give consent; Probable cause "
            "exists for a violent offense (PL 120.00 Assault in the third "
            "degree); Probable cause exists for violating an order of "
            "protection (PL 215.51 Criminal contempt in the first degree).");
}

TEST(EligibilitySummaryTest, CriteriaNotMet) {
  v1::Encounter e = EligibleEncounter();
  e.mutable_person()->mutable_needs()->set_drugs(false);
  e.mutable_person()->mutable_needs()->set_homelessness(false);
  e.mutable_person()->mutable_needs()->set_alcohol(false);
  e.mutable_person()->mutable_needs()->set_poverty(false);
  e.mutable_person()->mutable_needs()->set_mental_health(false);
  e.mutable_circumstances()->set_victim_declines_prosecution(false);
  EXPECT_EQ(Summary(e),
            "Not eligible for arrest diversion under policy 2024-2, approved "
            "2024-02-14: criteria not met: The person has a known history of "
            "alcohol, drug, poverty, homelessness or mental health needs; Where "
            "a victim exists, the victim is willing to decline prosecution.");
}

TEST(EligibilitySummaryTest, AtMostThreeQuestions) {
  v1::Encounter e = EligibleEncounter();
  e.mutable_circumstances()->clear_able_to_consent();
  e.mutable_circumstances()->clear_imminent_danger();
  e.mutable_circumstances()->clear_sale_for_profit();
  e.mutable_circumstances()->clear_exploits_minors_or_others();
  EXPECT_EQ(Summary(e),
            "Needs information under policy 2024-2, approved 2024-02-14: is the "
            "person able to give consent? Is the suspected activity sale of "
            "drugs for profit above a subsistence level? Does the person "
            "exploit minors or other people? (and 1 more question)");
}

TEST(EligibilitySummaryTest, ChargesOutsideTheCatalogAreNamedByCodeOnly) {
  v1::Encounter e = EligibleEncounter();
  v1::Charge* c = e.add_charges();
  c->set_statute_code("PL 999.99");
  c->set_description("Something the officer typed about a person");
  c->set_level(v1::MISDEMEANOR);
  c->set_violent(false);
  c->set_order_of_protection_violation(false);
  const std::string summary = Summary(e);
  EXPECT_THAT(summary, ::testing::HasSubstr(
                           "; PL 999.99 is a non-violent Penal Law misdemeanor; no exclusion"));
  EXPECT_THAT(summary, ::testing::Not(::testing::HasSubstr("typed")));
}

}  // namespace
}  // namespace divert::eligibility
