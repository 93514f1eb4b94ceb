// Fold(): how each event changes a referral's state. Only events that
// passed Check() get here, so Fold never fails.
#include "absl/time/civil_time.h"
#include "divert/referral/lifecycle.h"

namespace divert {
namespace {

using Event = v1::ReferralEvent;

void SetDate(absl::CivilDay day, v1::Date* date) {
  date->set_year(static_cast<int32_t>(day.year()));
  date->set_month(day.month());
  date->set_day(day.day());
}

void Start(const LifecycleRules& rules, const Event& event,
           v1::ReferralState* state) {
  state->set_referral_id(event.referral_id());
  *state->mutable_referred_at() = event.occurred_at();
  const absl::CivilDay day = rules.LocalDay(event.occurred_at());
  SetDate(day, state->mutable_referred_on());
  SetDate(day + rules.intake_deadline_days(), state->mutable_intake_due());
  if (event.has_eligibility_recorded()) {
    const v1::EligibilityRecorded& e = event.eligibility_recorded();
    state->set_pathway(v1::ARREST_DIVERSION);
    state->set_stage(v1::ELIGIBILITY_RECORDED);
    state->set_decision_id(e.decision_id());
    state->set_officer_id(e.officer_id());
    state->set_agency(e.agency());
    *state->mutable_charge_codes() = e.charge_codes();
    state->set_referral_arrest(v1::ARREST_PENDING);
    return;
  }
  const v1::SocialContactReferred& e = event.social_contact_referred();
  state->set_pathway(v1::SOCIAL_CONTACT);
  state->set_source(e.source());
  state->set_officer_id(e.officer_id());
  state->set_agency(e.agency());
  state->set_decision_id(e.decision_id());
  state->set_referral_arrest(v1::NO_REFERRAL_ARREST);
  if (rules.settings().social_contact_requires_owg_approval()) {
    state->set_stage(v1::PENDING_VETTING);
    state->set_pending_reason("awaiting OWG vetting");
  } else {
    state->set_stage(v1::APPROVED);
  }
}

void MergeNeeds(const google::protobuf::RepeatedPtrField<v1::NeedStatus>& needs,
                v1::ReferralState* state) {
  for (const v1::NeedStatus& need : needs) {
    bool replaced = false;
    for (v1::NeedStatus& known : *state->mutable_needs()) {
      if (known.need() == need.need() && known.other() == need.other()) {
        known = need;
        replaced = true;
        break;
      }
    }
    if (!replaced) *state->add_needs() = need;
  }
}

v1::CriminalCase* FindCase(v1::ReferralState* state, const std::string& id) {
  for (v1::CriminalCase& c : *state->mutable_cases()) {
    if (c.case_id() == id) return &c;
  }
  return nullptr;
}

}  // namespace

void Fold(const LifecycleRules& rules, const v1::ReferralEvent& event,
          v1::ReferralState* state) {
  *state->mutable_last_event_at() = event.occurred_at();
  state->set_event_count(state->event_count() + 1);
  switch (event.event_case()) {
    case Event::kEligibilityRecorded:
    case Event::kSocialContactReferred:
      Start(rules, event, state);
      break;
    case Event::kOfferMade:
      state->set_stage(v1::OFFER_MADE);
      break;
    case Event::kOfferDeclined:
      state->set_stage(v1::OFFER_DECLINED);
      state->set_referral_arrest(v1::ARREST_PROCESSED);
      break;
    case Event::kOfferAccepted:
      state->set_stage(v1::OFFER_ACCEPTED);
      break;
    case Event::kWarmHandOff:
      state->set_case_manager_id(event.warm_hand_off().case_manager_id());
      state->set_hand_off_setting(event.warm_hand_off().setting());
      break;
    case Event::kOfficerReportFiled:
      state->set_officer_report_filed(true);
      break;
    case Event::kVettingPending:
      state->set_pending_reason(event.vetting_pending().reason());
      break;
    case Event::kReferralApproved:
      state->set_stage(v1::APPROVED);
      state->clear_pending_reason();
      state->set_approved_by(event.referral_approved().approved_by());
      break;
    case Event::kReferralDenied:
      state->set_stage(v1::DENIED);
      state->clear_pending_reason();
      state->set_denial_reason(event.referral_denied().reason());
      break;
    case Event::kInitialScreening:
      state->set_screened(true);
      *state->mutable_acute_needs() = event.initial_screening().acute_needs();
      MergeNeeds(event.initial_screening().needs(), state);
      break;
    case Event::kConsentGiven:
      state->set_consent_given(true);
      break;
    case Event::kRoiSigned:
      *state->add_rois() = event.roi_signed().roi();
      break;
    case Event::kRoiRevoked:
      state->add_revoked_roi_ids(event.roi_revoked().roi_id());
      break;
    case Event::kAssessmentCompleted:
      state->set_assessment_completed(true);
      break;
    case Event::kServicePlanCreated:
      state->set_service_plan_created(true);
      break;
    case Event::kEnrolled: {
      state->set_stage(v1::ENROLLED);
      const absl::CivilDay day = rules.LocalDay(event.occurred_at());
      SetDate(day, state->mutable_enrolled_on());
      if (state->pathway() == v1::ARREST_DIVERSION) {
        state->set_referral_arrest(v1::ARREST_VOIDED);
      }
      state->set_status(v1::ACTIVE);
      v1::StatusChange* change = state->add_status_history();
      SetDate(day, change->mutable_date());
      change->set_status(v1::ACTIVE);
      break;
    }
    case Event::kExtensionGranted: {
      v1::Extension* extension = state->add_extensions();
      SetDate(rules.LocalDay(event.occurred_at()),
              extension->mutable_granted_on());
      *extension->mutable_new_due() = event.extension_granted().new_due();
      extension->set_engagement_plan(
          event.extension_granted().engagement_plan());
      *state->mutable_intake_due() = event.extension_granted().new_due();
      break;
    }
    case Event::kChargeFiled:
      state->set_stage(v1::CHARGE_FILED);
      state->set_referral_arrest(v1::ARREST_FILED);
      break;
    case Event::kStatusChanged: {
      state->set_status(event.status_changed().status());
      state->set_tier(event.status_changed().tier());
      v1::StatusChange* change = state->add_status_history();
      SetDate(rules.LocalDay(event.occurred_at()), change->mutable_date());
      change->set_status(event.status_changed().status());
      change->set_tier(event.status_changed().tier());
      break;
    }
    case Event::kStageOfChangeAssessed:
      state->set_stage_of_change(event.stage_of_change_assessed().stage());
      break;
    case Event::kNeedsRecorded:
      MergeNeeds(event.needs_recorded().needs(), state);
      break;
    case Event::kServiceReferred: {
      const v1::ServiceReferred& e = event.service_referred();
      v1::ServiceReferral* service = state->add_services();
      service->set_service_referral_id(e.service_referral_id());
      service->set_need(e.need());
      service->set_provider(e.provider());
      SetDate(rules.LocalDay(event.occurred_at()),
              service->mutable_referred_on());
      break;
    }
    case Event::kServiceConnected:
      for (v1::ServiceReferral& s : *state->mutable_services()) {
        if (s.service_referral_id() ==
            event.service_connected().service_referral_id()) {
          SetDate(rules.LocalDay(event.occurred_at()), s.mutable_connected_on());
        }
      }
      break;
    case Event::kArrestAfterEnrollment: {
      const v1::ArrestAfterEnrollment& e = event.arrest_after_enrollment();
      v1::CriminalCase* c = state->add_cases();
      c->set_case_id(e.case_id());
      SetDate(rules.LocalDay(event.occurred_at()), c->mutable_date());
      *c->mutable_charge_codes() = e.charge_codes();
      c->set_arrest_outcome(e.outcome());
      c->set_officer_id(e.officer_id());
      break;
    }
    case Event::kLegacyCaseRecorded: {
      v1::CriminalCase* c = state->add_cases();
      c->set_case_id(event.legacy_case_recorded().case_id());
      c->set_legacy(true);
      SetDate(rules.LocalDay(event.occurred_at()), c->mutable_date());
      *c->mutable_charge_codes() = event.legacy_case_recorded().charge_codes();
      break;
    }
    case Event::kProsecutorDecided: {
      v1::CriminalCase* c = FindCase(state, event.prosecutor_decided().case_id());
      if (c != nullptr) {
        c->set_prosecutor_decision(event.prosecutor_decided().decision());
        SetDate(rules.LocalDay(event.occurred_at()), c->mutable_decided_on());
      }
      break;
    }
    case Event::kOwgReviewed:
      *state->mutable_next_owg_review() = event.owg_reviewed().next_review_on();
      break;
    case Event::kExited:
      state->set_stage(v1::EXITED);
      state->set_exit_reason(event.exited().reason());
      SetDate(rules.LocalDay(event.occurred_at()), state->mutable_exited_on());
      break;
    case Event::EVENT_NOT_SET:
      break;
  }
}

}  // namespace divert
