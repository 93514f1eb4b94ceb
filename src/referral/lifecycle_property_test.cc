// Property tests of the referral life cycle: random sequences of events,
// valid and invalid, one million in all (four shards of 250,000), checked
// against the invariants the issue names:
//   - no enrolment without written consent and a release of information in
//     force;
//   - no charge filed for a social contact referral;
//   - a rejected event changes neither the log nor any state;
//   - the state equals the replay of the log, and Apply() agrees with it.
#include <algorithm>
#include <cstdint>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "divert/referral/lifecycle.h"
#include "divert/referral/referrals.h"
#include "eligibility/dates.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "referral/testing/events.h"

namespace divert {
namespace {

using google::protobuf::util::MessageDifferencer;

constexpr int kShards = 4;
constexpr int kEventsPerShard = 250000;

// Makes random events for a pool of referrals. Most follow the life cycle
// (so that referrals reach enrolment, extensions, filing and exits); the
// rest are any kind at all, often out of place, sometimes malformed or
// dated in the past.
class EventGenerator {
 public:
  explicit EventGenerator(uint32_t seed) : random_(seed) {}

  v1::ReferralEvent Next(const Referrals& referrals) {
    clock_ += Pick(0, 20000);  // time moves on, minutes to hours
    std::string id = PickReferral();
    const v1::ReferralState* state = referrals.Find(id);
    if (state != nullptr && IsClosed(state->stage()) && !Chance(10)) {
      id = absl::StrCat("r-", ++newest_);  // mostly, move on to a new case
      state = nullptr;
    }
    int64_t when = clock_;
    if (Chance(2)) when -= Pick(0, 40 * 86400);  // sometimes in the past
    int kind;
    if (state == nullptr) {
      kind = Chance(90) ? Pick(0, 1) : Pick(0, 28);
    } else {
      kind = Chance(20) ? Pick(0, 28) : NaturalNext(*state);
    }
    // Prosecutors file and decide cases (mostly); others record the rest.
    const bool prosecutors = kind == 18 || kind == 26;
    const v1::Role role = Chance(prosecutors ? 90 : 5) ? v1::ROLE_PROSECUTOR
                          : Chance(10)                 ? v1::ROLE_OWG
                                                       : v1::ROLE_CASE_MANAGER;
    v1::ReferralEvent event = testing::MakeEvent(id, when, "", role);
    if (Chance(1)) event.clear_recorded_at();
    FillKind(kind, when, &event);
    return event;
  }

 private:
  static bool IsClosed(v1::ReferralStage stage) {
    return stage == v1::OFFER_DECLINED || stage == v1::DENIED ||
           stage == v1::CHARGE_FILED || stage == v1::EXITED;
  }
  bool Chance(int percent) { return Pick(0, 99) < percent; }
  int Pick(int low, int high) {
    return std::uniform_int_distribution<int>(low, high)(random_);
  }
  std::string PickReferral() {
    if (Chance(3)) ++newest_;
    const int id = newest_ - Pick(0, std::min(newest_, 40));
    return absl::StrCat("r-", id);
  }
  // The kind a case would usually see next.
  int NaturalNext(const v1::ReferralState& state) {
    switch (state.stage()) {
      case v1::ELIGIBILITY_RECORDED: return 2;
      case v1::OFFER_MADE: return Chance(15) ? 3 : 4;
      case v1::PENDING_VETTING: return Chance(20) ? 9 : 8;
      case v1::OFFER_ACCEPTED:
      case v1::APPROVED: {
        if (state.consent_given() && !state.rois().empty() && Chance(40)) {
          return 16;  // enrol
        }
        static constexpr int kIntake[] = {5, 6, 10, 11, 12, 13, 14, 16, 17, 18};
        return kIntake[Pick(0, 9)];
      }
      case v1::ENROLLED: return Pick(19, 28);
      default: return Pick(0, 28);
    }
  }
  v1::Date DateOf(int64_t seconds, int plus_days) {
    const absl::CivilDay day =
        absl::ToCivilDay(absl::FromUnixSeconds(seconds), absl::UTCTimeZone()) +
        plus_days;
    v1::Date date;
    date.set_year(static_cast<int32_t>(day.year()));
    date.set_month(day.month());
    date.set_day(day.day());
    return date;
  }
  void FillKind(int kind, int64_t when, v1::ReferralEvent* e) {
    switch (kind) {
      case 0: {
        auto* k = e->mutable_eligibility_recorded();
        k->set_decision_id(Chance(3) ? "" : "dec-1");
        k->set_outcome(Chance(5) ? v1::EXCLUDED : v1::ELIGIBLE);
        k->add_charge_codes("PL 220.03");
        break;
      }
      case 1:
        e->mutable_social_contact_referred()->set_source(
            Chance(10) ? "Corner store" : "Street outreach");
        break;
      case 2: e->mutable_offer_made(); break;
      case 3: e->mutable_offer_declined(); break;
      case 4: e->mutable_offer_accepted(); break;
      case 5: {
        auto* k = e->mutable_warm_hand_off();
        k->set_case_manager_id(Chance(10) ? "cm-9" : "cm-1");
        k->set_setting(v1::STATION);
        break;
      }
      case 6: e->mutable_officer_report_filed()->set_report_id("rpt"); break;
      case 7: e->mutable_vetting_pending()->set_reason("waiting"); break;
      case 8: e->mutable_referral_approved()->set_approved_by("Sgt. 3"); break;
      case 9: e->mutable_referral_denied()->set_reason("not a fit"); break;
      case 10:
        e->mutable_initial_screening()->mutable_acute_needs()->set_food(true);
        break;
      case 11: e->mutable_consent_given(); break;
      case 12: {
        v1::ReleaseOfInformation* roi = e->mutable_roi_signed()->mutable_roi();
        roi->set_roi_id(absl::StrCat("roi-", Pick(1, 3)));
        roi->add_disclosers("HRS");
        roi->add_recipients()->set_agency("DA");
        roi->add_information(v1::PROGRAM_STATUS);
        roi->add_purposes(v1::OPERATIONS_REVIEW);
        if (Chance(50)) {
          *roi->mutable_expires_on() = DateOf(when, Pick(-5, 200));
        } else {
          roi->set_expires_upon_event("end of participation");
        }
        roi->set_right_to_revoke_explained(!Chance(5));
        *roi->mutable_signed_on() = DateOf(when, Pick(-3, 1));
        if (Chance(20)) {
          *roi->mutable_irrevocable_until()->mutable_until() =
              DateOf(when, Pick(0, 40));
        }
        break;
      }
      case 13:
        e->mutable_roi_revoked()->set_roi_id(absl::StrCat("roi-", Pick(1, 3)));
        break;
      case 14: e->mutable_assessment_completed(); break;
      case 15: e->mutable_service_plan_created(); break;
      case 16: e->mutable_enrolled(); break;
      case 17: {
        auto* k = e->mutable_extension_granted();
        *k->mutable_new_due() = DateOf(when, Pick(-5, 45));
        if (!Chance(10)) k->set_engagement_plan("weekly");
        break;
      }
      case 18: e->mutable_charge_filed(); break;
      case 19:
        e->mutable_status_changed()->set_status(Chance(50) ? v1::ACTIVE
                                                           : v1::INACTIVE);
        break;
      case 20:
        e->mutable_stage_of_change_assessed()->set_stage(
            static_cast<v1::StageOfChange>(Pick(1, 7)));
        break;
      case 21: {
        v1::NeedStatus* need = e->mutable_needs_recorded()->add_needs();
        need->set_need(static_cast<v1::Need>(Pick(1, 13)));
        need->set_state(static_cast<v1::NeedState>(Pick(0, 4)));
        break;
      }
      case 22: {
        auto* k = e->mutable_service_referred();
        k->set_service_referral_id(absl::StrCat("svc-", Pick(1, 4)));
        k->set_need(v1::HEALTH_CARE);
        break;
      }
      case 23:
        e->mutable_service_connected()->set_service_referral_id(
            absl::StrCat("svc-", Pick(1, 4)));
        break;
      case 24: {
        auto* k = e->mutable_arrest_after_enrollment();
        k->set_case_id(absl::StrCat("arr-", Pick(1, 4)));
        k->set_outcome(v1::DIVERTED_AGAIN);
        break;
      }
      case 25:
        e->mutable_legacy_case_recorded()->set_case_id(
            absl::StrCat("dkt-", Pick(1, 4)));
        break;
      case 26: {
        auto* k = e->mutable_prosecutor_decided();
        k->set_case_id(absl::StrCat(Chance(50) ? "arr-" : "dkt-", Pick(1, 4)));
        k->set_decision(v1::CONTINUE_TO_MONITOR);
        break;
      }
      case 27:
        *e->mutable_owg_reviewed()->mutable_next_review_on() =
            DateOf(when, Pick(-2, 14));
        break;
      default:
        e->mutable_exited()->set_reason(static_cast<v1::ExitReason>(Pick(0, 4)));
        break;
    }
  }

  std::mt19937 random_;
  int64_t clock_ = testing::Noon(absl::CivilDay(2024, 1, 1));
  int newest_ = 0;
};

bool HasRoiInForce(const LifecycleRules& rules, const v1::ReferralState& state,
                   const v1::ReferralEvent& event) {
  const absl::CivilDay day = rules.LocalDay(event.occurred_at());
  for (const v1::ReleaseOfInformation& roi : state.rois()) {
    bool revoked = false;
    for (const std::string& id : state.revoked_roi_ids()) {
      revoked = revoked || id == roi.roi_id();
    }
    const bool expired = !eligibility::IsEmptyDate(roi.expires_on()) &&
                         eligibility::ToCivilDay(roi.expires_on()) < day;
    if (!revoked && !expired && eligibility::ToCivilDay(roi.signed_on()) <= day) {
      return true;
    }
  }
  return false;
}

struct Tally {
  int accepted = 0;
  int rejected = 0;
  int enrolments = 0;
  int filings = 0;
  int exits = 0;
  int extensions = 0;
};

class LifecyclePropertyTest : public ::testing::TestWithParam<int> {};

TEST_P(LifecyclePropertyTest, InvariantsHoldOverRandomEvents) {
  // Room for everyone: capacity has its own test (lifecycle_test.cc).
  v1::ProgramSettings settings = testing::SampleProgram();
  settings.set_maximum_caseload(1000000);
  const LifecycleRules rules = *LifecycleRules::Create(settings, "UTC");
  Referrals referrals(rules);
  EventGenerator generator(static_cast<uint32_t>(GetParam()) * 7919u + 1u);
  Tally tally;
  static const v1::ReferralState* const kNone = new v1::ReferralState();

  for (int i = 0; i < kEventsPerShard; ++i) {
    const v1::ReferralEvent event = generator.Next(referrals);
    const v1::ReferralState* found = referrals.Find(event.referral_id());
    const v1::ReferralState before = found ? *found : *kNone;
    const size_t log_size = referrals.events().size();
    ProgramFacts facts;
    facts.places_taken = referrals.places_taken();
    absl::StatusOr<v1::ReferralState> pure = Apply(rules, before, event, facts);

    absl::Status status = referrals.Append(event);
    ASSERT_EQ(status.ok(), pure.ok()) << i << ": " << status << " / "
                                      << pure.status();
    const v1::ReferralState* after = referrals.Find(event.referral_id());
    if (!status.ok()) {
      ++tally.rejected;
      ASSERT_FALSE(BrokenRule(status).empty()) << status;
      ASSERT_EQ(referrals.events().size(), log_size);
      if (found == nullptr) {
        ASSERT_EQ(after, nullptr);
      } else {
        ASSERT_TRUE(MessageDifferencer::Equals(before, *after)) << status;
      }
      continue;
    }
    ++tally.accepted;
    ASSERT_EQ(referrals.events().size(), log_size + 1);
    ASSERT_TRUE(MessageDifferencer::Equals(*pure, *after));
    if (event.has_enrolled()) {
      ++tally.enrolments;
      ASSERT_TRUE(before.consent_given()) << event.referral_id();
      ASSERT_TRUE(HasRoiInForce(rules, before, event)) << event.referral_id();
    }
    if (event.has_charge_filed()) {
      ++tally.filings;
      ASSERT_EQ(before.pathway(), v1::ARREST_DIVERSION);
    }
    if (event.has_exited()) ++tally.exits;
    if (event.has_extension_granted()) {
      ++tally.extensions;
      ASSERT_EQ(before.pathway(), v1::ARREST_DIVERSION);
    }
  }

  // Every kind of outcome happened, so the invariants were really tested.
  EXPECT_GT(tally.accepted, kEventsPerShard / 5);
  EXPECT_GT(tally.rejected, kEventsPerShard / 10);
  EXPECT_GT(tally.enrolments, 1000);
  EXPECT_GT(tally.filings, 100);
  EXPECT_GT(tally.exits, 300);
  EXPECT_GT(tally.extensions, 100);

  for (const v1::ReferralState& state : referrals.states()) {
    EXPECT_FALSE(state.stage() == v1::CHARGE_FILED &&
                 state.pathway() == v1::SOCIAL_CONTACT);
  }
  absl::StatusOr<Referrals> replayed =
      Referrals::Replay(rules, referrals.events());
  ASSERT_TRUE(replayed.ok()) << replayed.status();
  ASSERT_EQ(replayed->size(), referrals.size());
  for (size_t i = 0; i < referrals.size(); ++i) {
    ASSERT_TRUE(MessageDifferencer::Equals(replayed->states()[i],
                                           referrals.states()[i]));
  }
  EXPECT_EQ(replayed->places_taken(), referrals.places_taken());
  std::cout << "shard " << GetParam() << ": " << kEventsPerShard
            << " events, " << tally.accepted << " accepted, " << tally.rejected
            << " rejected, " << tally.enrolments << " enrolments, "
            << tally.filings << " filings, " << tally.extensions
            << " extensions, " << tally.exits << " exits\n";
}

INSTANTIATE_TEST_SUITE_P(OneMillionEvents, LifecyclePropertyTest,
                         ::testing::Range(0, kShards));

}  // namespace
}  // namespace divert
