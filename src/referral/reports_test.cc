// Disclosure under consent, the OWG agenda and the participant roster.
#include <string>

#include "absl/strings/match.h"
#include "absl/time/civil_time.h"
#include "divert/referral/disclosure.h"
#include "divert/referral/referrals.h"
#include "divert/referral/reports.h"
#include "gtest/gtest.h"
#include "referral/testing/events.h"

namespace divert {
namespace {

using testing::MakeEvent;

int64_t Day(int month, int day) {
  return testing::Noon(absl::CivilDay(2024, month, day));
}

v1::Recipient Recipient(const std::string& agency, const std::string& role = "") {
  v1::Recipient recipient;
  recipient.set_agency(agency);
  recipient.set_role(role);
  return recipient;
}

class ReportsTest : public ::testing::Test {
 protected:
  ReportsTest() : referrals_(*LifecycleRules::Create(testing::SampleProgram())) {
    // r-1: enrolled, consent to the DA (prosecutor) for status and referral
    // details, and to the clinic for services including substance use.
    for (const v1::ReferralEvent& e : testing::ValidLifeCycle("r-1", Day(3, 1))) {
      Add(e);
    }
    Add(MakeEvent("r-1", Day(5, 2), R"pb(roi_signed { roi {
      roi_id: "roi-clinic" disclosers: "HRS" recipients { agency: "Clinic" }
      information: SERVICES information: SUBSTANCE_USE purposes: CARE_COORDINATION
      expires_on { year: 2025 month: 1 day: 1 } right_to_revoke_explained: true
      signed_on { year: 2024 month: 5 day: 2 } } })pb", v1::ROLE_CASE_MANAGER));
    Add(MakeEvent("r-1", Day(5, 3), R"pb(service_referred {
      service_referral_id: "svc-2" need: SUBSTANCE_USE_TREATMENT provider: "Clinic" })pb",
                  v1::ROLE_CASE_MANAGER));
    Add(MakeEvent("r-1", Day(5, 4), R"pb(arrest_after_enrollment {
      case_id: "arr-1" charge_codes: "PL 140.05" outcome: DIVERTED_AGAIN officer_id: "4411" })pb"));
    // s-1: social contact, pending vetting; s-2 approved; s-3 denied.
    Add(MakeEvent("s-1", Day(5, 6), R"pb(social_contact_referred {
      source: "Street outreach" officer_id: "77" agency: "Outreach Team" })pb"));
    Add(MakeEvent("s-2", Day(5, 6), R"pb(social_contact_referred { source: "NYPD" agency: "NYPD" })pb"));
    Add(MakeEvent("s-3", Day(5, 6), R"pb(social_contact_referred { source: "NYPD" agency: "NYPD" })pb"));
    Add(MakeEvent("s-1", Day(5, 10), R"pb(vetting_pending { reason: "awaiting contact" })pb",
                  v1::ROLE_OWG));
    Add(MakeEvent("s-2", Day(5, 10), R"pb(referral_approved { approved_by: "Sgt. Reyes" })pb",
                  v1::ROLE_SERGEANT));
    Add(MakeEvent("s-3", Day(5, 10), R"pb(referral_denied { reason: "not in the target population" })pb",
                  v1::ROLE_OWG));
  }
  void Add(const v1::ReferralEvent& event) {
    absl::Status status = referrals_.Append(event);
    ASSERT_TRUE(status.ok()) << status;
  }
  const v1::ReferralState& State(const char* id) { return *referrals_.Find(id); }

  Referrals referrals_;
};

TEST_F(ReportsTest, DisclosesOnlyWhatTheConsentPermits) {
  auto to_da = DiscloseReferral(State("r-1"), Recipient("District Attorney", "prosecutor"),
                                v1::OPERATIONS_REVIEW, absl::CivilDay(2024, 5, 20));
  ASSERT_TRUE(to_da.ok()) << to_da.status();
  ASSERT_TRUE(to_da->permitted());
  EXPECT_EQ(to_da->roi_ids(0), "roi-1");
  const v1::ReferralState& shared = to_da->referral();
  EXPECT_EQ(shared.stage(), v1::ENROLLED);            // PROGRAM_STATUS
  EXPECT_EQ(shared.officer_id(), "4411");             // REFERRAL_DETAILS
  EXPECT_TRUE(shared.cases().empty());                // CRIMINAL_JUSTICE: withheld
  EXPECT_TRUE(shared.services().empty());             // SERVICES: withheld
  EXPECT_TRUE(shared.charge_codes().empty());
  EXPECT_NE(std::find(to_da->withheld().begin(), to_da->withheld().end(), "cases"),
            to_da->withheld().end());

  auto to_clinic = DiscloseReferral(State("r-1"), Recipient("Clinic"),
                                    v1::CARE_COORDINATION, absl::CivilDay(2024, 5, 20));
  ASSERT_TRUE(to_clinic.ok());
  ASSERT_TRUE(to_clinic->permitted());
  EXPECT_EQ(to_clinic->referral().services_size(), 2);  // with substance use
  EXPECT_EQ(to_clinic->referral().stage(), v1::REFERRAL_STAGE_UNSPECIFIED);
  EXPECT_EQ(to_clinic->referral().referral_id(), "r-1");
}

TEST_F(ReportsTest, DeniesWithAReasonWhenNothingMayBeShared) {
  auto wrong_purpose = DiscloseReferral(State("r-1"), Recipient("Clinic"),
                                        v1::EVALUATION, absl::CivilDay(2024, 5, 20));
  ASSERT_TRUE(wrong_purpose.ok());
  EXPECT_FALSE(wrong_purpose->permitted());
  EXPECT_FALSE(wrong_purpose->has_referral());
  EXPECT_EQ(wrong_purpose->denial_reason(),
            "no release of information in force on 2024-05-20 permits disclosure "
            "to Clinic for EVALUATION");
  auto before_signing = DiscloseReferral(State("r-1"), Recipient("Clinic"),
                                         v1::CARE_COORDINATION,
                                         absl::CivilDay(2024, 3, 1));
  EXPECT_EQ(before_signing->denial_reason(),
            "no release of information is in force on 2024-03-01");
  auto expired = DiscloseReferral(State("r-1"), Recipient("Clinic"),
                                  v1::CARE_COORDINATION, absl::CivilDay(2025, 2, 1));
  EXPECT_FALSE(expired->permitted());
  auto decision = DiscloseDecision(State("r-1"), v1::Decision(),
                                   Recipient("Clinic"), v1::CARE_COORDINATION,
                                   absl::CivilDay(2024, 5, 20));
  EXPECT_FALSE(decision->permitted());
  EXPECT_TRUE(absl::StrContains(decision->denial_reason(), "eligibility"));
  EXPECT_EQ(DiscloseReferral(State("r-1"), Recipient(""), v1::CARE_COORDINATION,
                             absl::CivilDay(2024, 5, 20))
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ReportsTest, SubstanceUseNeedsItsOwnConsent) {
  Add(MakeEvent("r-1", Day(5, 11), R"pb(roi_signed { roi {
    roi_id: "roi-housing" disclosers: "HRS" recipients { agency: "Housing Authority" }
    information: SERVICES purposes: CARE_COORDINATION expires_upon_event: "end"
    right_to_revoke_explained: true signed_on { year: 2024 month: 5 day: 11 } } })pb",
                v1::ROLE_CASE_MANAGER));
  auto housing = DiscloseReferral(State("r-1"), Recipient("Housing Authority"),
                                  v1::CARE_COORDINATION, absl::CivilDay(2024, 5, 20));
  ASSERT_TRUE(housing->permitted());
  ASSERT_EQ(housing->referral().services_size(), 1);
  EXPECT_EQ(housing->referral().services(0).need(), v1::EMERGENCY_HOUSING);
  EXPECT_NE(std::find(housing->withheld().begin(), housing->withheld().end(),
                      "services[1]"),
            housing->withheld().end());
}

TEST_F(ReportsTest, TheOwgAgendaFollowsAppendixEiv) {
  auto agenda = BuildOwgAgenda(referrals_, absl::CivilDay(2024, 4, 30),
                               absl::CivilDay(2024, 5, 14),
                               absl::CivilDay(2024, 5, 28));
  ASSERT_TRUE(agenda.ok()) << agenda.status();
  ASSERT_EQ(agenda->pending_size(), 1);
  EXPECT_EQ(agenda->pending(0).referral_id(), "s-1");
  EXPECT_EQ(agenda->pending(0).reason(), "awaiting contact");
  ASSERT_EQ(agenda->approved_size(), 1);
  EXPECT_EQ(agenda->approved(0).approved_by(), "Sgt. Reyes");
  ASSERT_EQ(agenda->denied_size(), 1);
  EXPECT_EQ(agenda->denied(0).reason(), "not in the target population");
  ASSERT_EQ(agenda->new_referrals_size(), 3);  // r-1 was referred in March
  EXPECT_EQ(agenda->new_referrals(0).agency(), "Outreach Team");
  EXPECT_EQ(agenda->new_referrals(0).officer_id(), "77");
  ASSERT_EQ(agenda->cases_size(), 1);
  EXPECT_EQ(agenda->cases(0).criminal_case().case_id(), "arr-1");
  // s-1's vetting is due (since its referral); s-2's intake is due in June.
  ASSERT_EQ(agenda->due_size(), 1);
  EXPECT_EQ(agenda->due(0).referral_id(), "s-1");

  const std::string markdown = RenderAgendaMarkdown(*agenda);
  EXPECT_TRUE(absl::StrContains(markdown, "# LEAD Operations Work Group — 2024-05-14"));
  EXPECT_TRUE(absl::StrContains(markdown, "| s-1 | 2024-05-06 | awaiting contact |"));
  EXPECT_TRUE(absl::StrContains(markdown, "| s-2 | 2024-05-06 | Sgt. Reyes |"));
  EXPECT_TRUE(absl::StrContains(markdown, "- s-1: Social contact, Outreach Team, officer 77, referred by Street outreach"));
  EXPECT_TRUE(absl::StrContains(markdown, "arrest after enrolment arr-1 of 2024-05-04 (PL 140.05), diverted again"));

  EXPECT_FALSE(BuildOwgAgenda(referrals_, absl::CivilDay(2024, 5, 14),
                              absl::CivilDay(2024, 5, 14),
                              absl::CivilDay(2024, 5, 28))
                   .ok());
}

TEST_F(ReportsTest, TheRosterIsLimitedToWhatConsentAllows) {
  auto roster = BuildRoster(referrals_, Recipient("District Attorney", "prosecutor"),
                            v1::OPERATIONS_REVIEW, absl::CivilDay(2024, 5, 20));
  ASSERT_TRUE(roster.ok()) << roster.status();
  // r-1 is shared; s-2 (approved, in intake) has signed nothing yet.
  ASSERT_EQ(roster->rows_size(), 1);
  EXPECT_EQ(roster->withheld_participants(), 1);
  const v1::RosterRow& row = roster->rows(0);
  EXPECT_EQ(row.referral_id(), "r-1");
  EXPECT_TRUE(row.intake_completed());
  EXPECT_EQ(row.case_manager_id(), "cm-1");
  EXPECT_EQ(row.services(), "");  // SERVICES not released to the DA
  const std::string csv = RenderRosterCsv(*roster);
  EXPECT_TRUE(absl::StartsWith(csv, "referral_id,referral_type,diverted_charges,"));
  EXPECT_TRUE(absl::StrContains(csv, "r-1,arrest diversion,,2024-03-01,cm-1,4411,yes,2024-03-04,ACTIVE,1,,"));

  auto clinic = BuildRoster(referrals_, Recipient("Clinic"), v1::CARE_COORDINATION,
                            absl::CivilDay(2024, 5, 20));
  ASSERT_EQ(clinic->rows_size(), 1);
  EXPECT_EQ(clinic->rows(0).services(),
            "EMERGENCY_HOUSING connected; SUBSTANCE_USE_TREATMENT referred");
}

}  // namespace
}  // namespace divert
