// Check(): whether an event may be applied to a referral's state. Each
// rejection names its rule (docs/dev/lifecycle-brief.md lists them all).
#include <string>

#include "absl/strings/str_cat.h"
#include "divert/referral/lifecycle.h"
#include "eligibility/dates.h"
#include "referral/rule_status.h"

namespace divert {
namespace {

using referral::Malformed;
using referral::Rejected;
using Event = v1::ReferralEvent;

bool IsClosed(v1::ReferralStage stage) {
  return stage == v1::OFFER_DECLINED || stage == v1::DENIED ||
         stage == v1::CHARGE_FILED || stage == v1::EXITED;
}

// Intake is under way: the offer was accepted or the referral approved,
// and the person is not enrolled yet.
bool IntakeOpen(v1::ReferralStage stage) {
  return stage == v1::OFFER_ACCEPTED || stage == v1::APPROVED;
}

bool InProgram(v1::ReferralStage stage) {
  return IntakeOpen(stage) || stage == v1::ENROLLED;
}

std::string StageName(v1::ReferralStage stage) {
  return v1::ReferralStage_Name(stage);
}

absl::CivilDay DueDay(const v1::ReferralState& state) {
  return eligibility::ToCivilDay(state.intake_due());
}

bool RoiInForce(const v1::ReferralState& state,
                const v1::ReleaseOfInformation& roi, absl::CivilDay day) {
  for (const std::string& revoked : state.revoked_roi_ids()) {
    if (revoked == roi.roi_id()) return false;
  }
  if (eligibility::ToCivilDay(roi.signed_on()) > day) return false;
  if (!eligibility::IsEmptyDate(roi.expires_on()) &&
      eligibility::ToCivilDay(roi.expires_on()) < day) {
    return false;
  }
  return true;
}

absl::Status CheckRoi(const v1::ReferralState& state,
                      const v1::ReleaseOfInformation& roi) {
  if (roi.roi_id().empty()) {
    return Malformed("roi.roi_id", "the release of information has no id");
  }
  for (const v1::ReleaseOfInformation& other : state.rois()) {
    if (other.roi_id() == roi.roi_id()) {
      return Rejected("roi.duplicate",
                      absl::StrCat("release of information '", roi.roi_id(),
                                   "' is already on file"));
    }
  }
  if (roi.disclosers().empty()) {
    return Malformed("roi.disclosers",
                     "the release names no one who may disclose (42 CFR "
                     "2.31(a)(2))");
  }
  if (roi.recipients().empty()) {
    return Malformed("roi.recipients",
                     "the release names no recipient (42 CFR 2.31(a)(3))");
  }
  if (roi.information().empty()) {
    return Malformed("roi.information",
                     "the release names no information (42 CFR 2.31(a)(4))");
  }
  if (roi.purposes().empty()) {
    return Malformed("roi.purposes",
                     "the release names no purpose (42 CFR 2.31(a)(5))");
  }
  const bool has_expiry_date = !eligibility::IsEmptyDate(roi.expires_on());
  if (has_expiry_date && !eligibility::IsValidDate(roi.expires_on())) {
    return Malformed("roi.expiry", "expires_on is not a valid date");
  }
  if (!has_expiry_date && roi.expires_upon_event().empty()) {
    return Malformed("roi.expiry",
                     "the release has no expiry date or event (42 CFR "
                     "2.31(a)(6))");
  }
  if (!roi.right_to_revoke_explained()) {
    return Malformed("roi.right_to_revoke",
                     "the person was not told of the right to revoke (42 CFR "
                     "2.31(a)(7))");
  }
  if (!eligibility::IsValidDate(roi.signed_on())) {
    return Malformed("roi.signed_on",
                     "the release has no valid signature date (42 CFR "
                     "2.31(a)(8))");
  }
  const v1::IrrevocableUntil& until = roi.irrevocable_until();
  if (!eligibility::IsEmptyDate(until.until()) &&
      !eligibility::IsValidDate(until.until())) {
    return Malformed("roi.irrevocable_until", "until is not a valid date");
  }
  return absl::OkStatus();
}

absl::Status CheckRevocation(const LifecycleRules& rules,
                             const v1::ReferralState& state, const Event& event) {
  const std::string& id = event.roi_revoked().roi_id();
  const v1::ReleaseOfInformation* found = nullptr;
  for (const v1::ReleaseOfInformation& roi : state.rois()) {
    if (roi.roi_id() == id) found = &roi;
  }
  if (found == nullptr) {
    return Rejected("roi.unknown",
                    absl::StrCat("no release of information '", id,
                                 "' is on file for referral ",
                                 state.referral_id()));
  }
  for (const std::string& revoked : state.revoked_roi_ids()) {
    if (revoked == id) {
      return Rejected("roi.already_revoked",
                      absl::StrCat("release of information '", id,
                                   "' is already revoked"));
    }
  }
  const v1::IrrevocableUntil& until = found->irrevocable_until();
  if (!eligibility::IsEmptyDate(until.until()) &&
      rules.LocalDay(event.occurred_at()) <
          eligibility::ToCivilDay(until.until())) {
    return Rejected(
        "roi.irrevocable",
        absl::StrCat("release of information '", id,
                     "' was given for a criminal-justice referral and cannot "
                     "be revoked before ",
                     eligibility::FormatDate(until.until()),
                     " (42 CFR 2.35(c))"));
  }
  return absl::OkStatus();
}

absl::Status CheckStart(const LifecycleRules& rules, const Event& event,
                        const ProgramFacts& facts) {
  if (event.has_eligibility_recorded()) {
    const v1::EligibilityRecorded& e = event.eligibility_recorded();
    if (e.decision_id().empty()) {
      return Malformed("eligibility.decision_id",
                       "an arrest diversion starts with the eligibility "
                       "decision's id");
    }
    if (e.outcome() == v1::OUTCOME_UNSPECIFIED) {
      return Malformed("eligibility.outcome",
                       "the eligibility decision's outcome is missing");
    }
    if (e.outcome() == v1::NOT_ELIGIBLE || e.outcome() == v1::EXCLUDED) {
      return Rejected("eligibility.not_eligible",
                      absl::StrCat("decision ", e.decision_id(), " is ",
                                   v1::Outcome_Name(e.outcome()),
                                   ": the person cannot be diverted"));
    }
    return absl::OkStatus();
  }
  const v1::SocialContactReferred& e = event.social_contact_referred();
  if (!rules.MayRefer(e.source(), v1::SOCIAL_CONTACT)) {
    return Rejected("referral.unauthorized_source",
                    absl::StrCat("'", e.source(),
                                 "' is not a source the policy authorizes to "
                                 "make social contact referrals"));
  }
  if (!rules.settings().social_contact_requires_owg_approval() &&
      rules.settings().social_contact_subject_to_capacity() &&
      facts.places_taken >= rules.capacity()) {
    return Rejected("referral.no_capacity",
                    absl::StrCat("the program is at capacity (",
                                 facts.places_taken, " of ", rules.capacity(),
                                 " places taken)"));
  }
  return absl::OkStatus();
}

absl::Status CheckEnvelope(const v1::ReferralState& state, const Event& event) {
  if (event.referral_id().empty()) {
    return Malformed("event.referral_id", "the event names no referral");
  }
  if (!event.has_occurred_at()) {
    return Malformed("event.occurred_at", "the event has no occurred_at");
  }
  if (!event.has_recorded_at()) {
    return Malformed("event.recorded_at", "the event has no recorded_at");
  }
  if (event.recorded_at().seconds() < event.occurred_at().seconds()) {
    return Malformed("event.recorded_before_occurred",
                     "the event was recorded before it occurred");
  }
  if (event.recorded_by().role() == v1::ROLE_UNSPECIFIED) {
    return Malformed("event.recorded_by",
                     "the event does not say who recorded it (role)");
  }
  if (event.event_case() == Event::EVENT_NOT_SET) {
    return Malformed("event.kind", "the event has no kind");
  }
  const bool starts = event.has_eligibility_recorded() ||
                      event.has_social_contact_referred();
  if (state.referral_id().empty()) {
    if (!starts) {
      return Rejected("referral.unknown",
                      absl::StrCat("referral ", event.referral_id(),
                                   " has not been referred: its first event "
                                   "must be eligibility_recorded or "
                                   "social_contact_referred"));
    }
    return absl::OkStatus();
  }
  if (starts) {
    return Rejected("referral.duplicate",
                    absl::StrCat("referral ", state.referral_id(),
                                 " was already referred"));
  }
  if (event.occurred_at().seconds() < state.referred_at().seconds()) {
    return Rejected("event.before_referral",
                    absl::StrCat("the event is dated before referral ",
                                 state.referral_id(), " was made"));
  }
  if (event.occurred_at().seconds() < state.last_event_at().seconds()) {
    return Rejected("event.out_of_order",
                    absl::StrCat("the event is dated before the latest event "
                                 "of referral ",
                                 state.referral_id()));
  }
  if (IsClosed(state.stage())) {
    return Rejected("referral.closed",
                    absl::StrCat("referral ", state.referral_id(),
                                 " is closed (", StageName(state.stage()),
                                 ")"));
  }
  return absl::OkStatus();
}

absl::Status NeedsIntakeOpen(const v1::ReferralState& state,
                             absl::string_view what) {
  if (IntakeOpen(state.stage())) return absl::OkStatus();
  if (state.stage() == v1::ENROLLED) {
    return Rejected("intake.complete",
                    absl::StrCat(what, ": referral ", state.referral_id(),
                                 " has completed its intake"));
  }
  return Rejected("intake.not_open",
                  absl::StrCat(what, ": intake starts once the offer is "
                                     "accepted or the referral approved "
                                     "(referral ",
                               state.referral_id(), " is ",
                               StageName(state.stage()), ")"));
}

absl::Status NeedsProgram(const v1::ReferralState& state,
                          absl::string_view what) {
  if (InProgram(state.stage())) return absl::OkStatus();
  return Rejected("intake.not_open",
                  absl::StrCat(what, ": referral ", state.referral_id(),
                               " has not been accepted or approved (",
                               StageName(state.stage()), ")"));
}

absl::Status NeedsEnrolled(const v1::ReferralState& state,
                           absl::string_view what) {
  if (state.stage() == v1::ENROLLED) return absl::OkStatus();
  return Rejected("participation.not_enrolled",
                  absl::StrCat(what, ": referral ", state.referral_id(),
                               " is not enrolled (", StageName(state.stage()),
                               ")"));
}

bool HasCase(const v1::ReferralState& state, absl::string_view case_id) {
  for (const v1::CriminalCase& c : state.cases()) {
    if (c.case_id() == case_id) return true;
  }
  return false;
}

absl::Status CheckOffer(const v1::ReferralState& state, absl::string_view what) {
  if (state.pathway() != v1::ARREST_DIVERSION) {
    return Rejected("offer.social_contact",
                    absl::StrCat(what, ": social contact referrals have no "
                                       "offer"));
  }
  if (state.stage() == v1::OFFER_MADE) return absl::OkStatus();
  if (state.stage() == v1::ELIGIBILITY_RECORDED) {
    return Rejected("offer.not_made",
                    absl::StrCat(what, ": no offer was made on referral ",
                                 state.referral_id()));
  }
  return Rejected("offer.already_answered",
                  absl::StrCat(what, ": the offer on referral ",
                               state.referral_id(), " was already answered"));
}

absl::Status CheckExtension(const LifecycleRules& rules,
                            const v1::ReferralState& state, const Event& event) {
  const v1::ExtensionRules& policy = rules.settings().extensions();
  const v1::ExtensionGranted& e = event.extension_granted();
  if (state.pathway() != v1::ARREST_DIVERSION) {
    return Rejected("extension.social_contact",
                    "social contact referrals have no charge and no intake "
                    "deadline to extend");
  }
  if (state.stage() == v1::ENROLLED) {
    return Rejected("extension.after_intake",
                    absl::StrCat("referral ", state.referral_id(),
                                 " has completed its intake"));
  }
  if (absl::Status s = NeedsIntakeOpen(state, "extension"); !s.ok()) return s;
  if (!policy.allowed()) {
    return Rejected("extension.not_allowed",
                    "the policy does not allow extensions");
  }
  if (policy.max_extensions() > 0 &&
      state.extensions_size() >= policy.max_extensions()) {
    return Rejected("extension.limit",
                    absl::StrCat("referral ", state.referral_id(), " has had ",
                                 state.extensions_size(), " of ",
                                 policy.max_extensions(),
                                 " extensions the policy allows"));
  }
  if (policy.requires_engagement_plan() && e.engagement_plan().empty()) {
    return Rejected("extension.engagement_plan",
                    "the policy requires an engagement plan with an "
                    "extension");
  }
  if (!eligibility::IsValidDate(e.new_due()) ||
      eligibility::ToCivilDay(e.new_due()) <= DueDay(state)) {
    return Rejected("extension.due_date",
                    absl::StrCat("the new due date must be a valid date after "
                                 "the current one (",
                                 eligibility::FormatDate(state.intake_due()),
                                 ")"));
  }
  if (policy.extension_days() > 0 &&
      eligibility::ToCivilDay(e.new_due()) >
          DueDay(state) + policy.extension_days()) {
    return Rejected("extension.too_long",
                    absl::StrCat("an extension adds at most ",
                                 policy.extension_days(), " days"));
  }
  return absl::OkStatus();
}

absl::Status CheckFiling(const LifecycleRules& rules,
                         const v1::ReferralState& state, const Event& event) {
  if (state.pathway() != v1::ARREST_DIVERSION) {
    return Rejected("filing.social_contact",
                    "nothing can be filed for a social contact referral");
  }
  if (event.recorded_by().role() != v1::ROLE_PROSECUTOR) {
    return Rejected("filing.by_prosecutor", "only the prosecutor files charges");
  }
  if (state.stage() == v1::ENROLLED) {
    return Rejected("filing.after_intake",
                    absl::StrCat("referral ", state.referral_id(),
                                 " completed its intake: the referral arrest "
                                 "is void"));
  }
  if (!IntakeOpen(state.stage())) {
    return Rejected("filing.not_accepted",
                    absl::StrCat("the offer on referral ", state.referral_id(),
                                 " was not accepted (",
                                 StageName(state.stage()), ")"));
  }
  if (rules.LocalDay(event.occurred_at()) <= DueDay(state)) {
    return Rejected("filing.before_deadline",
                    absl::StrCat("the intake of referral ", state.referral_id(),
                                 " is due on ",
                                 eligibility::FormatDate(state.intake_due()),
                                 "; the charge may be filed only after"));
  }
  return absl::OkStatus();
}

absl::Status CheckNeeds(const google::protobuf::RepeatedPtrField<v1::NeedStatus>&
                            needs) {
  for (int i = 0; i < needs.size(); ++i) {
    if (needs[i].need() == v1::NEED_UNSPECIFIED ||
        needs[i].state() == v1::NEED_STATE_UNSPECIFIED) {
      return Malformed("needs.need",
                       absl::StrCat("needs[", i, "] has no need or state"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckKind(const LifecycleRules& rules,
                       const v1::ReferralState& state, const Event& event,
                       const ProgramFacts& facts) {
  switch (event.event_case()) {
    case Event::kEligibilityRecorded:
    case Event::kSocialContactReferred:
      return absl::OkStatus();  // checked by CheckStart
    case Event::kOfferMade:
      if (state.pathway() != v1::ARREST_DIVERSION) {
        return Rejected("offer.social_contact",
                        "social contact referrals have no offer");
      }
      if (state.stage() != v1::ELIGIBILITY_RECORDED) {
        return Rejected("offer.duplicate",
                        absl::StrCat("an offer was already made on referral ",
                                     state.referral_id()));
      }
      return absl::OkStatus();
    case Event::kOfferDeclined:
      return CheckOffer(state, "decline");
    case Event::kOfferAccepted:
      return CheckOffer(state, "acceptance");
    case Event::kWarmHandOff: {
      const v1::WarmHandOff& e = event.warm_hand_off();
      if (state.pathway() != v1::ARREST_DIVERSION) {
        return Rejected("handoff.social_contact",
                        "a warm hand-off follows an accepted offer");
      }
      if (!state.case_manager_id().empty()) {
        return Rejected("handoff.duplicate",
                        absl::StrCat("referral ", state.referral_id(),
                                     " was already handed off"));
      }
      if (state.stage() != v1::OFFER_ACCEPTED) {
        return Rejected("handoff.before_acceptance",
                        absl::StrCat("the offer on referral ",
                                     state.referral_id(),
                                     " has not been accepted"));
      }
      if (e.setting() == v1::HAND_OFF_SETTING_UNSPECIFIED) {
        return Malformed("handoff.setting",
                         "say whether the hand-off was in the field or at the "
                         "station");
      }
      if (!rules.IsCaseManager(e.case_manager_id())) {
        return Rejected("handoff.unknown_case_manager",
                        absl::StrCat("'", e.case_manager_id(),
                                     "' is not a case manager the policy "
                                     "names"));
      }
      return absl::OkStatus();
    }
    case Event::kOfficerReportFiled:
      if (state.pathway() != v1::ARREST_DIVERSION) {
        return Rejected("report.social_contact",
                        "the officer's report belongs to an arrest diversion");
      }
      if (state.officer_report_filed()) {
        return Rejected("report.duplicate",
                        absl::StrCat("the report on referral ",
                                     state.referral_id(), " is already filed"));
      }
      return NeedsProgram(state, "officer's report");
    case Event::kVettingPending:
    case Event::kReferralApproved:
    case Event::kReferralDenied:
      if (state.stage() != v1::PENDING_VETTING) {
        return Rejected("vetting.not_pending",
                        absl::StrCat("referral ", state.referral_id(),
                                     " is not pending OWG vetting (",
                                     StageName(state.stage()), ")"));
      }
      if (event.has_vetting_pending() && event.vetting_pending().reason().empty()) {
        return Malformed("vetting.reason", "say why the referral is pending");
      }
      if (event.has_referral_denied() && event.referral_denied().reason().empty()) {
        return Malformed("denial.reason", "say why the referral is denied");
      }
      if (event.has_referral_approved()) {
        if (event.referral_approved().approved_by().empty()) {
          return Malformed("approval.approved_by",
                           "say who approved the referral");
        }
        if (rules.settings().social_contact_subject_to_capacity() &&
            facts.places_taken >= rules.capacity()) {
          return Rejected("approval.no_capacity",
                          absl::StrCat("the program is at capacity (",
                                       facts.places_taken, " of ",
                                       rules.capacity(), " places taken)"));
        }
      }
      return absl::OkStatus();
    case Event::kInitialScreening:
      if (absl::Status s = NeedsIntakeOpen(state, "screening"); !s.ok()) return s;
      return CheckNeeds(event.initial_screening().needs());
    case Event::kConsentGiven:
      if (state.consent_given()) {
        return Rejected("consent.duplicate",
                        absl::StrCat("referral ", state.referral_id(),
                                     " already has consent on file"));
      }
      return NeedsIntakeOpen(state, "consent");
    case Event::kRoiSigned:
      if (absl::Status s = NeedsProgram(state, "release of information");
          !s.ok()) {
        return s;
      }
      return CheckRoi(state, event.roi_signed().roi());
    case Event::kRoiRevoked:
      return CheckRevocation(rules, state, event);
    case Event::kAssessmentCompleted:
      return NeedsIntakeOpen(state, "assessment");
    case Event::kServicePlanCreated:
      return NeedsProgram(state, "service plan");
    case Event::kEnrolled: {
      if (state.stage() == v1::ENROLLED) {
        return Rejected("enrolment.duplicate",
                        absl::StrCat("referral ", state.referral_id(),
                                     " is already enrolled"));
      }
      if (absl::Status s = NeedsIntakeOpen(state, "enrolment"); !s.ok()) return s;
      const absl::CivilDay day = rules.LocalDay(event.occurred_at());
      bool roi_in_force = false;
      for (const v1::ReleaseOfInformation& roi : state.rois()) {
        if (RoiInForce(state, roi, day)) roi_in_force = true;
      }
      if (!state.consent_given() || !roi_in_force) {
        return Rejected(
            "enrolment.requires_consent_and_roi",
            absl::StrCat("referral ", state.referral_id(),
                         " cannot enrol without ",
                         !state.consent_given() ? "written consent" : "",
                         !state.consent_given() && !roi_in_force ? " and " : "",
                         !roi_in_force ? "a release of information in force"
                                       : ""));
      }
      return absl::OkStatus();
    }
    case Event::kExtensionGranted:
      return CheckExtension(rules, state, event);
    case Event::kChargeFiled:
      return CheckFiling(rules, state, event);
    case Event::kStatusChanged:
      if (event.status_changed().status() == v1::PARTICIPATION_STATUS_UNSPECIFIED) {
        return Malformed("status.status", "the new status is missing");
      }
      return NeedsEnrolled(state, "status change");
    case Event::kStageOfChangeAssessed:
      if (event.stage_of_change_assessed().stage() ==
          v1::STAGE_OF_CHANGE_UNSPECIFIED) {
        return Malformed("stage_of_change.stage", "the stage is missing");
      }
      return NeedsProgram(state, "stage of change");
    case Event::kNeedsRecorded:
      if (absl::Status s = NeedsProgram(state, "needs"); !s.ok()) return s;
      return CheckNeeds(event.needs_recorded().needs());
    case Event::kServiceReferred: {
      const v1::ServiceReferred& e = event.service_referred();
      if (absl::Status s = NeedsProgram(state, "service referral"); !s.ok()) {
        return s;
      }
      if (e.service_referral_id().empty() || e.need() == v1::NEED_UNSPECIFIED) {
        return Malformed("service.service_referral_id",
                         "a service referral needs an id and a need");
      }
      for (const v1::ServiceReferral& s : state.services()) {
        if (s.service_referral_id() == e.service_referral_id()) {
          return Rejected("service.duplicate",
                          absl::StrCat("service referral '",
                                       e.service_referral_id(),
                                       "' is already recorded"));
        }
      }
      return absl::OkStatus();
    }
    case Event::kServiceConnected: {
      const std::string& id = event.service_connected().service_referral_id();
      if (absl::Status s = NeedsProgram(state, "service connection"); !s.ok()) {
        return s;
      }
      for (const v1::ServiceReferral& s : state.services()) {
        if (s.service_referral_id() != id) continue;
        if (!eligibility::IsEmptyDate(s.connected_on())) {
          return Rejected("service.already_connected",
                          absl::StrCat("service referral '", id,
                                       "' is already connected"));
        }
        return absl::OkStatus();
      }
      return Rejected("service.unknown",
                      absl::StrCat("no service referral '", id, "'"));
    }
    case Event::kArrestAfterEnrollment: {
      const v1::ArrestAfterEnrollment& e = event.arrest_after_enrollment();
      if (absl::Status s = NeedsEnrolled(state, "arrest after enrolment");
          !s.ok()) {
        return s;
      }
      if (e.case_id().empty() || e.outcome() == v1::ARREST_OUTCOME_UNSPECIFIED) {
        return Malformed("case.case_id",
                         "an arrest needs a case id and an outcome");
      }
      if (HasCase(state, e.case_id())) {
        return Rejected("case.duplicate",
                        absl::StrCat("case '", e.case_id(),
                                     "' is already recorded"));
      }
      return absl::OkStatus();
    }
    case Event::kLegacyCaseRecorded: {
      const std::string& id = event.legacy_case_recorded().case_id();
      if (absl::Status s = NeedsProgram(state, "legacy case"); !s.ok()) return s;
      if (id.empty()) return Malformed("case.case_id", "the case has no id");
      if (HasCase(state, id)) {
        return Rejected("case.duplicate",
                        absl::StrCat("case '", id, "' is already recorded"));
      }
      return absl::OkStatus();
    }
    case Event::kProsecutorDecided: {
      const v1::ProsecutorDecided& e = event.prosecutor_decided();
      if (e.decision() == v1::PROSECUTOR_DECISION_UNSPECIFIED) {
        return Malformed("prosecutor.decision", "the decision is missing");
      }
      if (event.recorded_by().role() != v1::ROLE_PROSECUTOR) {
        return Rejected("prosecutor.by_prosecutor",
                        "only the prosecutor records a prosecutor's decision");
      }
      if (!HasCase(state, e.case_id())) {
        return Rejected("prosecutor.unknown_case",
                        absl::StrCat("referral ", state.referral_id(),
                                     " has no case '", e.case_id(), "'"));
      }
      return absl::OkStatus();
    }
    case Event::kOwgReviewed: {
      const v1::Date& next = event.owg_reviewed().next_review_on();
      if (!eligibility::IsEmptyDate(next) &&
          (!eligibility::IsValidDate(next) ||
           eligibility::ToCivilDay(next) <
               rules.LocalDay(event.occurred_at()))) {
        return Malformed("owg.next_review",
                         "the next review must be a valid date, not before "
                         "this one");
      }
      return absl::OkStatus();
    }
    case Event::kExited: {
      const v1::ExitReason reason = event.exited().reason();
      if (reason != v1::CODE_OF_CONDUCT_VIOLATION && reason != v1::WITHDREW &&
          reason != v1::DIED) {
        return Rejected("exit.reason",
                        "the only exits from LEAD are a Code of Conduct "
                        "violation, the person's withdrawal, or death");
      }
      return NeedsProgram(state, "exit");
    }
    case Event::EVENT_NOT_SET:
      break;
  }
  return Malformed("event.kind", "the event has no kind");
}

}  // namespace

absl::Status Check(const LifecycleRules& rules, const v1::ReferralState& state,
                   const v1::ReferralEvent& event, const ProgramFacts& facts) {
  if (absl::Status s = CheckEnvelope(state, event); !s.ok()) return s;
  if (state.referral_id().empty()) return CheckStart(rules, event, facts);
  return CheckKind(rules, state, event, facts);
}

}  // namespace divert
