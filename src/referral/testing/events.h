// Helpers for tests and benchmarks of the referral life cycle: events from
// text format with their envelope filled in, and a program to judge them by.
#ifndef DIVERT_SRC_REFERRAL_TESTING_EVENTS_H_
#define DIVERT_SRC_REFERRAL_TESTING_EVENTS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "divert/v1/policy.pb.h"
#include "divert/v1/referral.pb.h"
#include "google/protobuf/text_format.h"

namespace divert::testing {

// Program settings like the toolkit's sample: a 30-day deadline, two case
// managers of 25, OWG approval and capacity for social contact referrals,
// extensions of 30 days with an engagement plan, at most two.
inline v1::ProgramSettings SampleProgram() {
  v1::ProgramSettings settings;
  google::protobuf::TextFormat::ParseFromString(R"pb(
    intake_deadline_days: 30
    social_contact_requires_owg_approval: true
    social_contact_subject_to_capacity: true
    referral_sources { name: "NYPD" pathways: ARREST_DIVERSION pathways: SOCIAL_CONTACT }
    referral_sources { name: "Street outreach" pathways: SOCIAL_CONTACT }
    extensions { allowed: true extension_days: 30 max_extensions: 2 requires_engagement_plan: true }
    case_managers { id: "cm-1" agency: "Harm Reduction Services" }
    case_managers { id: "cm-2" agency: "Harm Reduction Services" }
    preferred_caseload: 15
    maximum_caseload: 25
  )pb", &settings);
  return settings;
}

// Seconds since the epoch of noon UTC on a day.
inline int64_t Noon(absl::CivilDay day) {
  return absl::ToUnixSeconds(
      absl::FromCivil(absl::CivilSecond(day) + 12 * 3600, absl::UTCTimeZone()));
}

// An event of `referral` that occurred at `seconds` and was recorded an hour
// later by `role`, with the kind given in text format ("offer_made {}").
inline v1::ReferralEvent MakeEvent(absl::string_view referral, int64_t seconds,
                                   absl::string_view kind,
                                   v1::Role role = v1::ROLE_OFFICER) {
  v1::ReferralEvent event;
  google::protobuf::TextFormat::ParseFromString(std::string(kind), &event);
  event.set_referral_id(std::string(referral));
  event.mutable_occurred_at()->set_seconds(seconds);
  event.mutable_recorded_at()->set_seconds(seconds + 3600);
  event.mutable_recorded_by()->set_role(role);
  event.mutable_recorded_by()->set_agency("NYPD");
  return event;
}

// A release of information with every element 42 CFR 2.31 asks for.
inline constexpr absl::string_view kCompleteRoi = R"pb(
  roi_signed { roi {
    roi_id: "roi-1"
    disclosers: "Harm Reduction Services"
    recipients { agency: "District Attorney" role: "prosecutor" }
    recipients { agency: "NYPD" }
    information: PROGRAM_STATUS
    information: REFERRAL_DETAILS
    purposes: OPERATIONS_REVIEW
    purposes: PROSECUTORIAL_DECISION
    expires_upon_event: "the end of participation"
    right_to_revoke_explained: true
    signed_on { year: 2024 month: 3 day: 2 }
  } })pb";

// One arrest diversion from the eligibility decision to enrolment and a few
// months of participation: 16 valid events of referral `id`, starting at
// `start` (seconds since the epoch), as SampleProgram() judges them.
inline std::vector<v1::ReferralEvent> ValidLifeCycle(absl::string_view id,
                                                     int64_t start) {
  constexpr int64_t kDay = 86400;
  const absl::CivilDay day =
      absl::ToCivilDay(absl::FromUnixSeconds(start), absl::UTCTimeZone());
  v1::ReferralEvent roi = MakeEvent(id, start + kDay, kCompleteRoi, v1::ROLE_CASE_MANAGER);
  v1::Date* signed_on = roi.mutable_roi_signed()->mutable_roi()->mutable_signed_on();
  signed_on->set_year(static_cast<int32_t>((day + 1).year()));
  signed_on->set_month((day + 1).month());
  signed_on->set_day((day + 1).day());
  return {
      MakeEvent(id, start, R"pb(eligibility_recorded {
        decision_id: "dec-00000000000000aa" outcome: ELIGIBLE officer_id: "4411"
        agency: "NYPD" charge_codes: "PL 220.03" })pb"),
      MakeEvent(id, start, "offer_made {}"),
      MakeEvent(id, start, "offer_accepted {}"),
      MakeEvent(id, start, R"pb(warm_hand_off { case_manager_id: "cm-1" setting: FIELD })pb"),
      MakeEvent(id, start, R"pb(officer_report_filed { report_id: "rpt-1" })pb"),
      MakeEvent(id, start + kDay, R"pb(initial_screening {
        acute_needs { shelter: true } needs { need: EMERGENCY_HOUSING state: NEEDS } })pb",
                v1::ROLE_CASE_MANAGER),
      MakeEvent(id, start + kDay, "consent_given {}", v1::ROLE_CASE_MANAGER),
      roi,
      MakeEvent(id, start + 2 * kDay, "assessment_completed {}", v1::ROLE_CASE_MANAGER),
      MakeEvent(id, start + 3 * kDay, "service_plan_created {}", v1::ROLE_CASE_MANAGER),
      MakeEvent(id, start + 3 * kDay, "enrolled {}", v1::ROLE_CASE_MANAGER),
      MakeEvent(id, start + 10 * kDay, "stage_of_change_assessed { stage: PREPARATION }",
                v1::ROLE_CASE_MANAGER),
      MakeEvent(id, start + 12 * kDay, R"pb(service_referred {
        service_referral_id: "svc-1" need: EMERGENCY_HOUSING provider: "Shelter" })pb",
                v1::ROLE_CASE_MANAGER),
      MakeEvent(id, start + 20 * kDay, R"pb(service_connected { service_referral_id: "svc-1" })pb",
                v1::ROLE_CASE_MANAGER),
      MakeEvent(id, start + 40 * kDay, "status_changed { status: INACTIVE }",
                v1::ROLE_CASE_MANAGER),
      MakeEvent(id, start + 60 * kDay, "status_changed { status: ACTIVE tier: \"1\" }",
                v1::ROLE_CASE_MANAGER),
  };
}

}  // namespace divert::testing

#endif  // DIVERT_SRC_REFERRAL_TESTING_EVENTS_H_
