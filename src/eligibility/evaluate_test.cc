// End-to-end decisions under the shortened Example 1 policy: outcomes,
// decisive rules, reasons, questions and summaries.
#include <string>

#include "absl/strings/match.h"
#include "divert/eligibility/policy.h"
#include "eligibility/test_policies.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace divert::eligibility {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::EligibleEncounter;
using testing::Example1;

const v1::RuleOutcome& Rule(const v1::Decision& d, absl::string_view id) {
  for (const v1::RuleOutcome& r : d.rules()) {
    if (r.rule_id() == id) return r;
  }
  ADD_FAILURE() << "no rule " << id;
  static const v1::RuleOutcome* none = new v1::RuleOutcome;
  return *none;
}

std::vector<std::string> Decisive(const v1::Decision& d) {
  std::vector<std::string> ids;
  for (const v1::RuleOutcome& r : d.rules()) {
    if (r.decisive()) ids.push_back(r.rule_id());
  }
  return ids;
}

v1::Decision Decide(const v1::Encounter& e) {
  absl::StatusOr<v1::Decision> d = Example1()->Evaluate(e);
  EXPECT_TRUE(d.ok()) << d.status();
  return d.ok() ? *d : v1::Decision();
}

TEST(EligibilityEvaluateTest, PetitLarcenyIsEligible) {
  const v1::Decision d = Decide(EligibleEncounter());
  EXPECT_EQ(d.outcome(), v1::ELIGIBLE);
  EXPECT_EQ(d.site_id(), "nyc-test");
  EXPECT_EQ(d.policy_version(), "2024-2");
  EXPECT_EQ(d.policy_approved_on().month(), 2);
  EXPECT_EQ(d.encounter_id(), "enc-1");
  EXPECT_EQ(d.pathway(), v1::ARREST_DIVERSION);
  EXPECT_EQ(d.rules_size(), 13) << "every rule of the version, in order";
  EXPECT_EQ(d.rules(0).rule_id(), "criterion.offense");
  EXPECT_EQ(d.rules(0).result(), v1::RULE_HOLDS);
  EXPECT_EQ(d.rules(0).alternative_id(), "misdemeanor");
  ASSERT_EQ(d.rules(0).charges_size(), 1);
  EXPECT_EQ(d.rules(0).charges(0).alternative_id(), "misdemeanor");
  EXPECT_EQ(Rule(d, "exclusion.violent").result(), v1::RULE_DOES_NOT_HOLD);
  EXPECT_EQ(Rule(d, "exclusion.violent").text(),
            "Probable cause exists for a violent offense.");
  EXPECT_TRUE(d.missing_facts().empty());
  EXPECT_TRUE(d.notes().empty());
  EXPECT_EQ(d.summary(),
            "Eligible for arrest diversion under policy 2024-2, approved "
            "2024-02-14: PL 155.25 Petit larceny is a non-violent Penal Law "
            "misdemeanor; no exclusion applies.");
}

TEST(EligibilityEvaluateTest, ViolentChargeExcludes) {
  v1::Encounter e = EligibleEncounter();
  e.add_charges()->set_statute_code("PL 120.00");
  const v1::Decision d = Decide(e);
  EXPECT_EQ(d.outcome(), v1::EXCLUDED);
  EXPECT_THAT(Decisive(d), ElementsAre("exclusion.violent"));
  const v1::RuleOutcome& violent = Rule(d, "exclusion.violent");
  ASSERT_EQ(violent.charges_size(), 2);
  EXPECT_EQ(violent.charges(0).result(), v1::RULE_DOES_NOT_HOLD);
  EXPECT_EQ(violent.charges(1).result(), v1::RULE_HOLDS);
  EXPECT_EQ(violent.charges(1).statute_code(), "PL 120.00");
  EXPECT_EQ(d.summary(),
            "Excluded from arrest diversion under policy 2024-2, approved "
            "2024-02-14: Probable cause exists for a violent offense (PL "
            "120.00 Assault in the third degree).");
}

TEST(EligibilityEvaluateTest, ExclusionWinsOverFailedCriterion) {
  v1::Encounter e = EligibleEncounter();
  e.mutable_charges(0)->set_statute_code("PL 215.51");  // a felony, too
  const v1::Decision d = Decide(e);
  EXPECT_EQ(d.outcome(), v1::EXCLUDED);
  EXPECT_EQ(Rule(d, "criterion.offense").result(), v1::RULE_DOES_NOT_HOLD);
  EXPECT_FALSE(Rule(d, "criterion.offense").decisive());
  EXPECT_THAT(Decisive(d), ElementsAre("exclusion.order_of_protection"));
}

TEST(EligibilityEvaluateTest, FelonyIsNotEligible) {
  v1::Encounter e = EligibleEncounter();
  e.mutable_charges(0)->set_statute_code("PL 220.39");
  const v1::Decision d = Decide(e);
  EXPECT_EQ(d.outcome(), v1::NOT_ELIGIBLE);
  EXPECT_THAT(Decisive(d), ElementsAre("criterion.offense"));
  EXPECT_EQ(d.summary(),
            "Not eligible for arrest diversion under policy 2024-2, approved "
            "2024-02-14: criterion not met: Probable cause exists for a "
            "non-violent Penal Law misdemeanor or violation, or a non-violent "
            "city ordinance offense (PL 220.39 Criminal sale of a controlled "
            "substance in the third degree).");
}

TEST(EligibilityEvaluateTest, SupervisionNeedsReviewByTheSupervisingAgency) {
  v1::Encounter e = EligibleEncounter();
  e.mutable_circumstances()->set_on_supervision(true);
  e.mutable_circumstances()->set_outstanding_warrants(true);
  const v1::Decision d = Decide(e);
  EXPECT_EQ(d.outcome(), v1::NEEDS_REVIEW);
  EXPECT_THAT(d.review_by(),
              ElementsAre(v1::SUPERVISING_AGENCY, v1::ISSUING_COURT));
  EXPECT_THAT(Decisive(d), ElementsAre("review.supervision", "review.warrants"));
  EXPECT_EQ(d.summary(),
            "Needs review by the supervising agency and the issuing court "
            "under policy 2024-2, approved 2024-02-14: The person is on "
            "supervision: decided with the supervising agency; The person has "
            "outstanding warrants: decided with the issuing court.");
}

TEST(EligibilityEvaluateTest, ReviewTriggerWithoutBodyGoesToTheOwg) {
  auto policy = CompiledPolicy::FromTextFormat(R"pb(
    site_id: "s" versions {
      version: "1" approved_on { year: 2024 month: 1 day: 1 }
      effective_from { year: 2024 month: 1 day: 1 }
      rules { id: "review.age" kind: REVIEW_TRIGGER text: "Under 18." condition: "encounter.person.age < 18" }
    })pb");
  ASSERT_TRUE(policy.ok()) << policy.status();
  v1::Encounter e = EligibleEncounter();
  e.mutable_person()->set_age(16);
  auto d = (*policy)->Evaluate(e);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->outcome(), v1::NEEDS_REVIEW);
  EXPECT_THAT(d->review_by(), ElementsAre(v1::OPERATIONS_WORK_GROUP));
  EXPECT_THAT(d->summary(), HasSubstr("Needs review by the Operations Work Group"));
}

TEST(EligibilityEvaluateTest, UnknownConsentAsksForIt) {
  v1::Encounter e = EligibleEncounter();
  e.mutable_circumstances()->clear_able_to_consent();
  const v1::Decision d = Decide(e);
  EXPECT_EQ(d.outcome(), v1::NEEDS_INFORMATION);
  const v1::RuleOutcome& consent = Rule(d, "exclusion.consent");
  EXPECT_EQ(consent.result(), v1::RULE_UNKNOWN);
  EXPECT_THAT(consent.missing_facts(),
              ElementsAre("encounter.circumstances.able_to_consent"));
  EXPECT_TRUE(consent.decisive());
  ASSERT_EQ(d.missing_facts_size(), 1);
  EXPECT_EQ(d.missing_facts(0).field_path(),
            "encounter.circumstances.able_to_consent");
  EXPECT_EQ(d.missing_facts(0).question(), "Is the person able to give consent?");
  EXPECT_THAT(d.missing_facts(0).rule_ids(), ElementsAre("exclusion.consent"));
  EXPECT_EQ(d.summary(),
            "Needs information under policy 2024-2, approved 2024-02-14: is "
            "the person able to give consent?");
}

TEST(EligibilityEvaluateTest, UnsetCircumstancesNameEachField) {
  v1::Encounter e = EligibleEncounter();
  e.clear_circumstances();
  const v1::Decision d = Decide(e);
  EXPECT_EQ(d.outcome(), v1::NEEDS_INFORMATION);
  std::vector<std::string> paths;
  for (const v1::MissingFact& f : d.missing_facts()) paths.push_back(f.field_path());
  EXPECT_THAT(paths, ::testing::Contains("encounter.circumstances.able_to_consent"));
  EXPECT_THAT(paths, ::testing::Contains("encounter.circumstances.victim_present"));
  EXPECT_THAT(paths, Not(::testing::Contains("encounter.circumstances")))
      << "the missing message is not what to ask for";
  EXPECT_THAT(d.summary(), HasSubstr("(and "));
}

TEST(EligibilityEvaluateTest, ChargeOutsideTheCatalogIsNotedAndItsFlagsUnknown) {
  v1::Encounter e = EligibleEncounter();
  v1::Charge* c = e.add_charges();
  c->set_statute_code("PL 999.99");
  c->set_level(v1::MISDEMEANOR);
  const v1::Decision d = Decide(e);
  EXPECT_THAT(d.notes(), ElementsAre("charge 2 (PL 999.99) is not in the "
                                     "offense catalog of policy 2024-2"));
  EXPECT_EQ(d.outcome(), v1::NEEDS_INFORMATION);
  const v1::RuleOutcome& violent = Rule(d, "exclusion.violent");
  EXPECT_EQ(violent.result(), v1::RULE_UNKNOWN);
  EXPECT_THAT(violent.missing_facts(), ElementsAre("encounter.charges[1].violent"))
      << "a charge rule's facts are named by the charge's place";
  ASSERT_EQ(violent.charges_size(), 2);
  EXPECT_THAT(violent.charges(1).missing_facts(),
              ElementsAre("encounter.charges[1].violent"));
  bool asked = false;
  for (const v1::MissingFact& f : d.missing_facts()) {
    if (f.field_path() == "encounter.charges[1].violent") {
      EXPECT_EQ(f.question(), "Is charge 2 (PL 999.99) a violent offense?");
      EXPECT_THAT(f.rule_ids(), ElementsAre("criterion.offense", "exclusion.violent"));
      asked = true;
    }
  }
  EXPECT_TRUE(asked);
}

TEST(EligibilityEvaluateTest, OfficersExplicitFlagWinsOverTheCatalog) {
  v1::Encounter e = EligibleEncounter();
  e.mutable_charges(0)->set_statute_code("PL 120.00");
  e.mutable_charges(0)->set_violent(false);
  const v1::Decision d = Decide(e);
  EXPECT_EQ(Rule(d, "exclusion.violent").result(), v1::RULE_DOES_NOT_HOLD);
  EXPECT_EQ(d.outcome(), v1::ELIGIBLE);
}

TEST(EligibilityEvaluateTest, AliasesAndSpacingFindTheCatalogEntry) {
  v1::Encounter e = EligibleEncounter();
  e.mutable_charges(0)->set_statute_code("pl   1552500 ");
  const v1::Decision d = Decide(e);
  EXPECT_EQ(d.outcome(), v1::ELIGIBLE);
  EXPECT_TRUE(d.notes().empty());
  EXPECT_EQ(Rule(d, "criterion.offense").charges(0).statute_code(), "PL 155.25")
      << "charges carry the catalog's code";
}

TEST(EligibilityEvaluateTest, ParametersAreVariables) {
  v1::Encounter e = EligibleEncounter();
  e.mutable_charges(0)->set_statute_code("PL 220.03");
  e.mutable_charges(0)->set_drug_quantity_grams(1.5);
  EXPECT_EQ(Decide(e).outcome(), v1::ELIGIBLE) << "2024-2 allows 2 grams";
  e.mutable_occurred_at()->set_seconds(1706000000);  // 2024-01-23: 2024-1
  const v1::Decision d = Decide(e);
  EXPECT_EQ(d.policy_version(), "2024-1");
  EXPECT_EQ(d.outcome(), v1::EXCLUDED) << "2024-1 allows 1 gram";
  EXPECT_THAT(Decisive(d), ElementsAre("exclusion.drug_quantity"));
}

TEST(EligibilityEvaluateTest, SocialContactIsNotSubjectToExclusions) {
  v1::Encounter e = EligibleEncounter();
  e.set_pathway(v1::SOCIAL_CONTACT);
  e.clear_charges();
  e.mutable_circumstances()->set_imminent_danger(true);
  const v1::Decision d = Decide(e);
  EXPECT_EQ(d.outcome(), v1::ELIGIBLE);
  EXPECT_EQ(Rule(d, "exclusion.imminent_danger").result(), v1::RULE_NOT_APPLICABLE);
  EXPECT_EQ(Rule(d, "criterion.offense").result(), v1::RULE_NOT_APPLICABLE)
      << "a charge criterion has nothing to check without charges";
  EXPECT_EQ(Rule(d, "criterion.needs").result(), v1::RULE_HOLDS);
  EXPECT_FALSE(Rule(d, "criterion.offense").decisive());
  EXPECT_TRUE(Rule(d, "criterion.needs").decisive());
  EXPECT_EQ(d.summary(),
            "Eligible for a social contact referral under policy 2024-2, "
            "approved 2024-02-14: every criterion is met; exclusions do not "
            "apply to social contact referrals.");
}

TEST(EligibilityEvaluateTest, ArrestWithoutChargesAsksForThem) {
  v1::Encounter e = EligibleEncounter();
  e.clear_charges();
  const v1::Decision d = Decide(e);
  EXPECT_EQ(d.outcome(), v1::NEEDS_INFORMATION);
  EXPECT_THAT(Rule(d, "criterion.offense").missing_facts(),
              ElementsAre("encounter.charges"));
  ASSERT_GE(d.missing_facts_size(), 1);
  EXPECT_EQ(d.missing_facts(0).question(),
            "For which offenses does probable cause exist?");
}

TEST(EligibilityEvaluateTest, ExplicitPathwaysOverrideTheDefault) {
  auto policy = CompiledPolicy::FromTextFormat(R"pb(
    site_id: "s" versions {
      version: "1" approved_on { year: 2024 month: 1 day: 1 }
      effective_from { year: 2024 month: 1 day: 1 }
      rules { id: "x" kind: EXCLUSION text: "Danger." condition: "encounter.circumstances.imminent_danger"
              pathways: ARREST_DIVERSION pathways: SOCIAL_CONTACT }
      rules { id: "c" kind: CRITERION text: "Arrests only." condition: "false" pathways: ARREST_DIVERSION }
    })pb");
  ASSERT_TRUE(policy.ok()) << policy.status();
  v1::Encounter e = EligibleEncounter();
  e.set_pathway(v1::SOCIAL_CONTACT);
  e.mutable_circumstances()->set_imminent_danger(true);
  auto d = (*policy)->Evaluate(e);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->outcome(), v1::EXCLUDED);
  EXPECT_EQ(d->rules(1).result(), v1::RULE_NOT_APPLICABLE);
}

TEST(EligibilityEvaluateTest, RuntimeErrorGoesToTheDiversionPanel) {
  auto policy = CompiledPolicy::FromTextFormat(R"pb(
    site_id: "s" versions {
      version: "1" approved_on { year: 2024 month: 1 day: 1 }
      effective_from { year: 2024 month: 1 day: 1 }
      rules { id: "c.ratio" kind: CRITERION text: "Ratio." condition: "100 / encounter.person.age > 1" }
    })pb");
  ASSERT_TRUE(policy.ok()) << policy.status();
  v1::Encounter e = EligibleEncounter();
  e.clear_charges();  // this policy has no catalog to find them in
  e.mutable_person()->set_age(0);
  auto d = (*policy)->Evaluate(e);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->outcome(), v1::NEEDS_REVIEW);
  EXPECT_THAT(d->review_by(), ElementsAre(v1::DIVERSION_PANEL));
  EXPECT_EQ(d->rules(0).result(), v1::RULE_ERROR);
  EXPECT_THAT(d->rules(0).error(), HasSubstr("divi"));
  ASSERT_EQ(d->notes_size(), 1);
  EXPECT_THAT(d->notes(0), HasSubstr("rule c.ratio could not be evaluated: "));
  EXPECT_EQ(d->summary(),
            "Needs review by the Diversion Panel under policy 1, approved "
            "2024-01-01: rule c.ratio could not be evaluated.");
}

TEST(EligibilityEvaluateTest, AnyOfIsUnknownUntilAnAlternativeHolds) {
  auto policy = CompiledPolicy::FromTextFormat(R"pb(
    site_id: "s" versions {
      version: "1" approved_on { year: 2024 month: 1 day: 1 }
      effective_from { year: 2024 month: 1 day: 1 }
      rules { id: "c" kind: CRITERION text: "In need."
        any_of { id: "drugs" condition: "encounter.person.needs.drugs" }
        any_of { id: "bad" condition: "100 / encounter.person.age > 1" }
        any_of { id: "alcohol" condition: "encounter.person.needs.alcohol" } }
    })pb");
  ASSERT_TRUE(policy.ok()) << policy.status();
  v1::Encounter e = EligibleEncounter();
  e.mutable_person()->set_age(0);
  e.mutable_person()->clear_needs();
  auto d = (*policy)->Evaluate(e);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->rules(0).result(), v1::RULE_UNKNOWN)
      << "an unknown alternative may still hold; it outranks an error";
  EXPECT_THAT(d->rules(0).missing_facts(),
              ElementsAre("encounter.person.needs.alcohol",
                          "encounter.person.needs.drugs"));
  e.mutable_person()->mutable_needs()->set_alcohol(true);
  d = (*policy)->Evaluate(e);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->rules(0).result(), v1::RULE_HOLDS);
  EXPECT_EQ(d->rules(0).alternative_id(), "alcohol");
  EXPECT_TRUE(d->rules(0).missing_facts().empty());
  e.mutable_person()->mutable_needs()->set_alcohol(false);
  e.mutable_person()->mutable_needs()->set_drugs(false);
  d = (*policy)->Evaluate(e);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->rules(0).result(), v1::RULE_ERROR);
  EXPECT_THAT(d->rules(0).error(), HasSubstr("bad: "));
}

TEST(EligibilityEvaluateTest, SummaryNeverRepeatsIdentifyingOrTypedText) {
  v1::Encounter e = EligibleEncounter();
  e.mutable_charges(0)->set_description("Took a phone from Zebediah Quill");
  e.mutable_person()->set_address("12 Elm St");
  for (v1::Pathway pathway : {v1::ARREST_DIVERSION, v1::SOCIAL_CONTACT}) {
    e.set_pathway(pathway);
    const v1::Decision d = Decide(e);
    const std::string text = d.summary() + d.DebugString();
    EXPECT_THAT(text, Not(HasSubstr("Zebediah")));
    EXPECT_THAT(text, Not(HasSubstr("Quill")));
    EXPECT_THAT(text, Not(HasSubstr("Elm")));
    EXPECT_THAT(text, Not(HasSubstr("P-0001")));
  }
}

TEST(EligibilityEvaluateTest, EncounterWithoutDateOrPathwayIsRejected) {
  v1::Encounter e = EligibleEncounter();
  e.clear_occurred_at();
  EXPECT_EQ(Example1()->Evaluate(e).status().code(),
            absl::StatusCode::kInvalidArgument);
  e = EligibleEncounter();
  e.clear_pathway();
  EXPECT_EQ(Example1()->Evaluate(e).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(EligibilityEvaluateTest, DecisionIdIsStable) {
  const v1::Decision a = Decide(EligibleEncounter());
  const v1::Decision b = Decide(EligibleEncounter());
  EXPECT_EQ(a.decision_id(), b.decision_id());
  EXPECT_TRUE(absl::StartsWith(a.decision_id(), "dec-"));
  EXPECT_EQ(a.decision_id().size(), 20u);
  v1::Encounter other = EligibleEncounter();
  other.set_encounter_id("enc-2");
  EXPECT_NE(Decide(other).decision_id(), a.decision_id());
  auto older = Example1()->EvaluateWithVersion(EligibleEncounter(), "2024-1");
  ASSERT_TRUE(older.ok());
  EXPECT_NE(older->decision_id(), a.decision_id())
      << "the version is part of the id";
}

TEST(EligibilityEvaluateTest, SerializedRoundTripMatchesEvaluate) {
  v1::Encounter e = EligibleEncounter();
  e.add_charges()->set_statute_code("PL 120.00");
  std::string out;
  ASSERT_TRUE(Example1()->EvaluateSerialized(e.SerializeAsString(), &out).ok());
  v1::Decision parsed;
  ASSERT_TRUE(parsed.ParseFromString(out));
  EXPECT_EQ(parsed.SerializeAsString(), Decide(e).SerializeAsString());
  EXPECT_EQ(Example1()->EvaluateSerialized("\xff\xff\xff", &out).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(EligibilityEvaluateTest, SerializedIntoTheCallersMemory) {
  const std::string encounter = EligibleEncounter().SerializeAsString();
  std::string expected;
  ASSERT_TRUE(Example1()->EvaluateSerialized(encounter, &expected).ok());
  std::string memory;
  int calls = 0;
  auto allocate = [&](size_t size) {
    ++calls;
    memory.assign(size, '\0');
    return memory.data();
  };
  ASSERT_TRUE(Example1()->EvaluateSerializedInto(encounter, allocate).ok());
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(memory, expected);

  EXPECT_EQ(
      Example1()->EvaluateSerializedInto("\xff\xff\xff", allocate).code(),
      absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(calls, 1) << "nothing is allocated for a failed evaluation";
  EXPECT_EQ(Example1()
                ->EvaluateSerializedInto(
                    encounter, [](size_t) -> char* { return nullptr; })
                .code(),
            absl::StatusCode::kResourceExhausted);
}

// An encounter's decision, id included, does not depend on how its bytes
// were written: canonical bytes are decoded directly, others parsed.
TEST(EligibilityEvaluateTest, AnyEncodingOfAnEncounterGetsTheSameDecision) {
  const v1::Encounter e = EligibleEncounter();
  const std::string canonical = e.SerializeAsString();
  // The same fields with the pathway written last: valid, not canonical.
  v1::Encounter without_pathway = e;
  without_pathway.clear_pathway();
  v1::Encounter only_pathway;
  only_pathway.set_pathway(e.pathway());
  const std::string reordered =
      without_pathway.SerializeAsString() + only_pathway.SerializeAsString();
  ASSERT_NE(reordered, canonical);
  std::string from_canonical, from_reordered;
  ASSERT_TRUE(Example1()->EvaluateSerialized(canonical, &from_canonical).ok());
  ASSERT_TRUE(Example1()->EvaluateSerialized(reordered, &from_reordered).ok());
  EXPECT_EQ(from_reordered, from_canonical);
  EXPECT_EQ(from_canonical, Decide(e).SerializeAsString());
}

TEST(EligibilityEvaluateTest, EvaluateIntoReusesTheDecision) {
  v1::Decision reused;
  v1::Encounter excluded = EligibleEncounter();
  excluded.add_charges()->set_statute_code("PL 120.00");
  ASSERT_TRUE(Example1()->EvaluateInto(excluded, &reused).ok());
  ASSERT_TRUE(Example1()->EvaluateInto(EligibleEncounter(), &reused).ok());
  EXPECT_EQ(reused.SerializeAsString(),
            Decide(EligibleEncounter()).SerializeAsString())
      << "nothing of the first decision remains";
  v1::Encounter undated;
  EXPECT_FALSE(Example1()->EvaluateInto(undated, &reused).ok());
  EXPECT_EQ(reused.ByteSizeLong(), 0u);
}

}  // namespace
}  // namespace divert::eligibility
