// The referral life cycle, event by event: an arrest diversion from the
// eligibility decision to enrolment, a social contact referral through OWG
// vetting, the intake deadline, participation, exits, and the rules that
// reject events.
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "divert/referral/lifecycle.h"
#include "divert/referral/referrals.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "referral/testing/events.h"

namespace divert {
namespace {

using testing::MakeEvent;
using testing::Noon;

int64_t Day(int month, int day) { return Noon(absl::CivilDay(2024, month, day)); }

class LifecycleTest : public ::testing::Test {
 protected:
  LifecycleTest()
      : referrals_(*LifecycleRules::Create(testing::SampleProgram(), "UTC")) {}

  absl::Status Append(absl::string_view id, int64_t when, absl::string_view kind,
                      v1::Role role = v1::ROLE_OFFICER) {
    return referrals_.Append(MakeEvent(id, when, kind, role));
  }
  void MustAppend(absl::string_view id, int64_t when, absl::string_view kind,
                  v1::Role role = v1::ROLE_OFFICER) {
    absl::Status status = Append(id, when, kind, role);
    ASSERT_TRUE(status.ok()) << kind << ": " << status;
  }
  // An arrest diversion accepted on March 1 and handed to cm-1.
  void Divert(absl::string_view id) {
    MustAppend(id, Day(3, 1), R"pb(eligibility_recorded {
      decision_id: "dec-00000000000000aa" outcome: ELIGIBLE officer_id: "4411"
      agency: "NYPD" charge_codes: "PL 220.03" })pb");
    MustAppend(id, Day(3, 1), "offer_made {}");
    MustAppend(id, Day(3, 1), "offer_accepted {}");
    MustAppend(id, Day(3, 1),
               R"pb(warm_hand_off { case_manager_id: "cm-1" setting: FIELD })pb");
  }
  // Expects `kind` to be rejected under `rule` with nothing changed.
  void ExpectRejected(absl::string_view id, int64_t when, absl::string_view kind,
                      absl::string_view rule, v1::Role role = v1::ROLE_OFFICER) {
    const size_t log_size = referrals_.events().size();
    const v1::ReferralState* state = referrals_.Find(id);
    const v1::ReferralState before = state ? *state : v1::ReferralState();
    absl::Status status = Append(id, when, kind, role);
    EXPECT_EQ(BrokenRule(status), rule) << status;
    EXPECT_EQ(referrals_.events().size(), log_size);
    const v1::ReferralState* after = referrals_.Find(id);
    if (state == nullptr) {
      EXPECT_EQ(after, nullptr);
    } else {
      EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(before, *after));
    }
  }

  Referrals referrals_;
};

TEST_F(LifecycleTest, ArrestDiversionFromDecisionToEnrolmentVoidsTheArrest) {
  Divert("r-1");
  MustAppend("r-1", Day(3, 1), R"pb(officer_report_filed { report_id: "rpt-9" })pb");
  MustAppend("r-1", Day(3, 2), R"pb(initial_screening {
    acute_needs { shelter: true }
    needs { need: EMERGENCY_HOUSING state: NEEDS }
    needs { need: IDENTIFICATION state: HAS } })pb",
             v1::ROLE_CASE_MANAGER);
  MustAppend("r-1", Day(3, 2), "consent_given {}", v1::ROLE_CASE_MANAGER);
  MustAppend("r-1", Day(3, 2), testing::kCompleteRoi, v1::ROLE_CASE_MANAGER);
  MustAppend("r-1", Day(3, 3), "assessment_completed {}", v1::ROLE_CASE_MANAGER);
  MustAppend("r-1", Day(3, 5), "service_plan_created {}", v1::ROLE_CASE_MANAGER);
  MustAppend("r-1", Day(3, 5), "enrolled {}", v1::ROLE_CASE_MANAGER);

  const v1::ReferralState& state = *referrals_.Find("r-1");
  EXPECT_EQ(state.stage(), v1::ENROLLED);
  EXPECT_EQ(state.pathway(), v1::ARREST_DIVERSION);
  EXPECT_EQ(state.referral_arrest(), v1::ARREST_VOIDED);
  EXPECT_EQ(state.case_manager_id(), "cm-1");
  EXPECT_EQ(state.hand_off_setting(), v1::FIELD);
  EXPECT_TRUE(state.officer_report_filed());
  EXPECT_EQ(state.intake_due().month(), 3);
  EXPECT_EQ(state.intake_due().day(), 31);
  EXPECT_EQ(state.enrolled_on().day(), 5);
  EXPECT_EQ(state.status(), v1::ACTIVE);
  ASSERT_EQ(state.needs_size(), 2);
  EXPECT_EQ(state.event_count(), 11);
  EXPECT_EQ(referrals_.places_taken(), 1);
}

TEST_F(LifecycleTest, DecliningTheOfferProcessesTheArrestAndClosesTheReferral) {
  MustAppend("r-2", Day(3, 1), R"pb(eligibility_recorded {
    decision_id: "dec-1" outcome: ELIGIBLE })pb");
  MustAppend("r-2", Day(3, 1), "offer_made {}");
  MustAppend("r-2", Day(3, 1), "offer_declined {}");
  EXPECT_EQ(referrals_.Find("r-2")->referral_arrest(), v1::ARREST_PROCESSED);
  ExpectRejected("r-2", Day(3, 2), "offer_accepted {}", "referral.closed");
}

TEST_F(LifecycleTest, RejectsWhatTheIssueNames) {
  Divert("r-3");
  // A second acceptance.
  ExpectRejected("r-3", Day(3, 2), "offer_accepted {}", "offer.already_answered");
  // An event dated before the referral.
  ExpectRejected("r-3", Day(2, 27), "consent_given {}", "event.before_referral");
  // Enrolment without consent and ROI.
  ExpectRejected("r-3", Day(3, 4), "enrolled {}",
                 "enrolment.requires_consent_and_roi");
  MustAppend("r-3", Day(3, 4), "consent_given {}");
  ExpectRejected("r-3", Day(3, 4), "enrolled {}",
                 "enrolment.requires_consent_and_roi");
  // An unknown case manager.
  MustAppend("r-4", Day(3, 1), R"pb(eligibility_recorded {
    decision_id: "dec-2" outcome: ELIGIBLE })pb");
  MustAppend("r-4", Day(3, 1), "offer_made {}");
  MustAppend("r-4", Day(3, 1), "offer_accepted {}");
  ExpectRejected("r-4", Day(3, 1),
                 R"pb(warm_hand_off { case_manager_id: "cm-9" setting: STATION })pb",
                 "handoff.unknown_case_manager");
  // An extension for a social contact referral.
  MustAppend("s-1", Day(3, 1), R"pb(social_contact_referred { source: "Street outreach" })pb");
  MustAppend("s-1", Day(3, 8), R"pb(referral_approved { approved_by: "Sgt. 12" })pb",
             v1::ROLE_SERGEANT);
  ExpectRejected("s-1", Day(4, 5),
                 R"pb(extension_granted { new_due { year: 2024 month: 4 day: 30 }
                      engagement_plan: "weekly check-ins" })pb",
                 "extension.social_contact", v1::ROLE_OWG);
  // Filing for a social contact referral.
  ExpectRejected("s-1", Day(4, 5), "charge_filed {}", "filing.social_contact",
                 v1::ROLE_PROSECUTOR);
}

TEST_F(LifecycleTest, RejectionsSayWhichRuleInTheMessageAndNameNoPerson) {
  Divert("r-5");
  absl::Status status = Append("r-5", Day(3, 2), "enrolled {}");
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(status.message(),
            "rule enrolment.requires_consent_and_roi: referral r-5 cannot enrol "
            "without written consent and a release of information in force");
  status = Append("r-5", Day(3, 2), "");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(BrokenRule(status), "event.kind");
}

TEST_F(LifecycleTest, SocialContactReferralsAreVettedByTheOwg) {
  ExpectRejected("s-2", Day(3, 1), R"pb(social_contact_referred { source: "Corner store" })pb",
                 "referral.unauthorized_source");
  MustAppend("s-2", Day(3, 1), R"pb(social_contact_referred {
    source: "NYPD" officer_id: "5120" agency: "NYPD" })pb");
  EXPECT_EQ(referrals_.Find("s-2")->stage(), v1::PENDING_VETTING);
  EXPECT_EQ(referrals_.Find("s-2")->referral_arrest(), v1::NO_REFERRAL_ARREST);
  MustAppend("s-2", Day(3, 8), R"pb(vetting_pending { reason: "awaiting outreach contact" })pb",
             v1::ROLE_OWG);
  EXPECT_EQ(referrals_.Find("s-2")->pending_reason(), "awaiting outreach contact");
  ExpectRejected("s-2", Day(3, 9), "consent_given {}", "intake.not_open");
  MustAppend("s-2", Day(3, 22), R"pb(referral_denied { reason: "not in the target population" })pb",
             v1::ROLE_OWG);
  EXPECT_EQ(referrals_.Find("s-2")->stage(), v1::DENIED);
  ExpectRejected("s-2", Day(3, 23), R"pb(referral_approved { approved_by: "Sgt. 12" })pb",
                 "referral.closed", v1::ROLE_SERGEANT);
}

TEST_F(LifecycleTest, ApprovalsWaitForCapacityWhenThePolicySaysSo) {
  v1::ProgramSettings small = testing::SampleProgram();
  small.set_maximum_caseload(1);
  small.mutable_case_managers()->DeleteSubrange(1, 1);
  Referrals referrals(*LifecycleRules::Create(small));
  ASSERT_TRUE(referrals.Append(MakeEvent("a", Day(3, 1), R"pb(social_contact_referred { source: "NYPD" })pb")).ok());
  ASSERT_TRUE(referrals.Append(MakeEvent("b", Day(3, 1), R"pb(social_contact_referred { source: "NYPD" })pb")).ok());
  ASSERT_TRUE(referrals.Append(MakeEvent("a", Day(3, 8), R"pb(referral_approved { approved_by: "Sgt. 1" })pb")).ok());
  absl::Status full = referrals.Append(
      MakeEvent("b", Day(3, 8), R"pb(referral_approved { approved_by: "Sgt. 1" })pb"));
  EXPECT_EQ(BrokenRule(full), "approval.no_capacity") << full;
  // A place frees up when a participant leaves.
  ASSERT_TRUE(referrals.Append(MakeEvent("a", Day(3, 9), "exited { reason: WITHDREW }")).ok());
  EXPECT_TRUE(referrals.Append(
      MakeEvent("b", Day(3, 9), R"pb(referral_approved { approved_by: "Sgt. 1" })pb")).ok());
}

TEST_F(LifecycleTest, TheDeadlineCanBeExtendedOrTheChargeFiled) {
  Divert("r-6");
  ExpectRejected("r-6", Day(3, 20), "charge_filed {}", "filing.before_deadline",
                 v1::ROLE_PROSECUTOR);
  ExpectRejected("r-6", Day(4, 1), "charge_filed {}", "filing.by_prosecutor");
  ExpectRejected("r-6", Day(3, 30),
                 R"pb(extension_granted { new_due { year: 2024 month: 4 day: 30 } })pb",
                 "extension.engagement_plan", v1::ROLE_OWG);
  ExpectRejected("r-6", Day(3, 30),
                 R"pb(extension_granted { new_due { year: 2024 month: 6 day: 30 }
                      engagement_plan: "meet at the drop-in center" })pb",
                 "extension.too_long", v1::ROLE_OWG);
  MustAppend("r-6", Day(3, 30),
             R"pb(extension_granted { new_due { year: 2024 month: 4 day: 30 }
                  engagement_plan: "meet at the drop-in center" })pb",
             v1::ROLE_OWG);
  EXPECT_EQ(referrals_.Find("r-6")->intake_due().month(), 4);
  ExpectRejected("r-6", Day(4, 15), "charge_filed {}", "filing.before_deadline",
                 v1::ROLE_PROSECUTOR);
  MustAppend("r-6", Day(5, 1), "charge_filed {}", v1::ROLE_PROSECUTOR);
  EXPECT_EQ(referrals_.Find("r-6")->referral_arrest(), v1::ARREST_FILED);
  EXPECT_EQ(referrals_.places_taken(), 0);
}

TEST_F(LifecycleTest, NothingCanBeFiledOnceTheIntakeIsComplete) {
  Divert("r-7");
  MustAppend("r-7", Day(3, 2), "consent_given {}");
  MustAppend("r-7", Day(3, 2), testing::kCompleteRoi);
  MustAppend("r-7", Day(3, 3), "enrolled {}");
  ExpectRejected("r-7", Day(4, 5), "charge_filed {}", "filing.after_intake",
                 v1::ROLE_PROSECUTOR);
  ExpectRejected("r-7", Day(4, 5),
                 R"pb(extension_granted { new_due { year: 2024 month: 4 day: 30 }
                      engagement_plan: "x" })pb",
                 "extension.after_intake", v1::ROLE_OWG);
}

TEST_F(LifecycleTest, ParticipationHasNoTimeLimitAndOnlyThreeExits) {
  Divert("r-8");
  MustAppend("r-8", Day(3, 2), "consent_given {}");
  MustAppend("r-8", Day(3, 2), testing::kCompleteRoi);
  MustAppend("r-8", Day(3, 3), "enrolled {}");
  MustAppend("r-8", Day(4, 1), R"pb(status_changed { status: INACTIVE tier: "2" })pb",
             v1::ROLE_CASE_MANAGER);
  MustAppend("r-8", Day(4, 2), "stage_of_change_assessed { stage: PREPARATION }",
             v1::ROLE_CASE_MANAGER);
  MustAppend("r-8", Day(4, 3), R"pb(service_referred {
    service_referral_id: "svc-1" need: SUBSTANCE_USE_TREATMENT provider: "Clinic" })pb",
             v1::ROLE_CASE_MANAGER);
  MustAppend("r-8", Day(4, 9), R"pb(service_connected { service_referral_id: "svc-1" })pb",
             v1::ROLE_CASE_MANAGER);
  ExpectRejected("r-8", Day(4, 9), R"pb(service_connected { service_referral_id: "svc-2" })pb",
                 "service.unknown", v1::ROLE_CASE_MANAGER);
  MustAppend("r-8", Day(6, 1), R"pb(arrest_after_enrollment {
    case_id: "arr-77" charge_codes: "PL 140.05" outcome: DIVERTED_AGAIN })pb");
  MustAppend("r-8", Day(6, 2), R"pb(legacy_case_recorded { case_id: "dkt-5" })pb",
             v1::ROLE_PROSECUTOR);
  MustAppend("r-8", Day(6, 10), R"pb(prosecutor_decided {
    case_id: "dkt-5" decision: DISMISS_WITHOUT_PREJUDICE })pb",
             v1::ROLE_PROSECUTOR);
  ExpectRejected("r-8", Day(6, 10), R"pb(prosecutor_decided {
    case_id: "dkt-6" decision: DECLINE_TO_FILE })pb",
                 "prosecutor.unknown_case", v1::ROLE_PROSECUTOR);
  // "Failed to engage" is no exit: the enum cannot say it, and an unknown
  // value is refused.
  ExpectRejected("r-8", Day(9, 1), "exited { reason: 7 }", "exit.reason",
                 v1::ROLE_CASE_MANAGER);
  MustAppend("r-8", Day(9, 1), "exited { reason: CODE_OF_CONDUCT_VIOLATION }",
             v1::ROLE_CASE_MANAGER);
  const v1::ReferralState& state = *referrals_.Find("r-8");
  EXPECT_EQ(state.stage(), v1::EXITED);
  ASSERT_EQ(state.status_history_size(), 2);
  EXPECT_EQ(state.status_history(1).status(), v1::INACTIVE);
  EXPECT_EQ(state.status_history(1).tier(), "2");
  EXPECT_EQ(state.cases(1).prosecutor_decision(), v1::DISMISS_WITHOUT_PREJUDICE);
  EXPECT_EQ(state.services(0).connected_on().day(), 9);
  ExpectRejected("r-8", Day(9, 2), R"pb(status_changed { status: ACTIVE })pb",
                 "referral.closed", v1::ROLE_CASE_MANAGER);
}

TEST_F(LifecycleTest, CriminalJusticeConsentCannotBeRevokedBeforeItsEvent) {
  Divert("r-9");
  MustAppend("r-9", Day(3, 2), R"pb(roi_signed { roi {
    roi_id: "roi-cj" disclosers: "Harm Reduction Services"
    recipients { agency: "District Attorney" } information: PROGRAM_STATUS
    purposes: PROSECUTORIAL_DECISION expires_on { year: 2025 month: 3 day: 2 }
    right_to_revoke_explained: true signed_on { year: 2024 month: 3 day: 2 }
    irrevocable_until { event: "the intake deadline" until { year: 2024 month: 3 day: 31 } }
  } })pb");
  ExpectRejected("r-9", Day(3, 10), R"pb(roi_revoked { roi_id: "roi-cj" })pb",
                 "roi.irrevocable");
  MustAppend("r-9", Day(3, 31), R"pb(roi_revoked { roi_id: "roi-cj" })pb");
  MustAppend("r-9", Day(3, 31), "consent_given {}");
  ExpectRejected("r-9", Day(3, 31), "enrolled {}",
                 "enrolment.requires_consent_and_roi");
  ExpectRejected("r-9", Day(3, 31), R"pb(roi_signed { roi { roi_id: "roi-2" } })pb",
                 "roi.disclosers");
}

TEST_F(LifecycleTest, ApplyIsPureAndReplayGivesTheSameStates) {
  const LifecycleRules& rules = referrals_.rules();
  const v1::ReferralState empty;
  auto started = Apply(rules, empty, MakeEvent("p", Day(3, 1), R"pb(
      eligibility_recorded { decision_id: "dec-3" outcome: NEEDS_REVIEW })pb"));
  ASSERT_TRUE(started.ok()) << started.status();
  EXPECT_EQ(empty.ByteSizeLong(), 0u);
  auto rejected = Apply(rules, *started, MakeEvent("p", Day(3, 1), "offer_accepted {}"));
  EXPECT_EQ(BrokenRule(rejected.status()), "offer.not_made");
  EXPECT_EQ(started->stage(), v1::ELIGIBILITY_RECORDED);

  Divert("q-1");
  Divert("q-2");
  MustAppend("q-2", Day(3, 4), "consent_given {}");
  auto replayed = Referrals::Replay(rules, referrals_.events());
  ASSERT_TRUE(replayed.ok()) << replayed.status();
  ASSERT_EQ(replayed->size(), referrals_.size());
  for (size_t i = 0; i < referrals_.size(); ++i) {
    EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
        replayed->states()[i], referrals_.states()[i]));
  }
}

TEST_F(LifecycleTest, ABatchIsAllOrNothing) {
  Divert("b-1");
  const std::vector<v1::ReferralEvent> batch = {
      MakeEvent("b-1", Day(3, 2), "consent_given {}"),
      MakeEvent("b-2", Day(3, 2), R"pb(social_contact_referred { source: "NYPD" })pb"),
      MakeEvent("b-1", Day(3, 3), "enrolled {}"),
  };
  const v1::ReferralState before = *referrals_.Find("b-1");
  absl::Status status = referrals_.AppendBatch(batch);
  EXPECT_EQ(BrokenRule(status), "enrolment.requires_consent_and_roi");
  EXPECT_EQ(status.message().substr(0, 9), "event 2: ");
  EXPECT_EQ(referrals_.Find("b-2"), nullptr);
  EXPECT_TRUE(google::protobuf::util::MessageDifferencer::Equals(
      before, *referrals_.Find("b-1")));
  EXPECT_EQ(referrals_.events().size(), 4u);
  EXPECT_TRUE(referrals_.AppendBatch({batch[0], batch[1]}).ok());
  EXPECT_EQ(referrals_.events().size(), 6u);
}

TEST_F(LifecycleTest, QueriesAsOfADate) {
  Divert("d-1");  // intake due March 31
  MustAppend("d-2", Day(3, 10), R"pb(social_contact_referred { source: "NYPD" })pb");
  MustAppend("d-2", Day(3, 20), R"pb(owg_reviewed { next_review_on { year: 2024 month: 4 day: 3 } })pb",
             v1::ROLE_OWG);
  MustAppend("d-1", Day(4, 2),
             R"pb(extension_granted { new_due { year: 2024 month: 4 day: 20 }
                  engagement_plan: "daily outreach" })pb",
             v1::ROLE_OWG);

  v1::DueReport march = referrals_.Due(absl::CivilDay(2024, 3, 15), 14);
  ASSERT_EQ(march.items_size(), 1);  // d-2 pending since March 10
  EXPECT_EQ(march.items(0).referral_id(), "d-2");
  EXPECT_EQ(march.items(0).kind(), v1::OWG_REVIEW);
  EXPECT_TRUE(march.items(0).overdue());

  v1::DueReport april = referrals_.Due(absl::CivilDay(2024, 4, 1), 0);
  ASSERT_EQ(april.items_size(), 1);  // d-1's intake overdue; d-2 next on Apr 3
  EXPECT_EQ(april.items(0).referral_id(), "d-1");
  EXPECT_EQ(april.items(0).kind(), v1::INTAKE);
  EXPECT_TRUE(april.items(0).overdue());

  v1::DueReport later = referrals_.Due(absl::CivilDay(2024, 4, 5), 30);
  ASSERT_EQ(later.items_size(), 2);
  EXPECT_EQ(later.items(0).referral_id(), "d-2");
  EXPECT_EQ(later.items(1).kind(), v1::EXTENSION_ENDING);
  EXPECT_FALSE(later.items(1).overdue());

  std::vector<v1::ReferralState> then = referrals_.StatesAsOf(absl::CivilDay(2024, 3, 5));
  ASSERT_EQ(then.size(), 1u);
  EXPECT_EQ(then[0].referral_id(), "d-1");
  EXPECT_EQ(then[0].intake_due().day(), 31);
}

}  // namespace
}  // namespace divert
