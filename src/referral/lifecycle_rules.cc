// LifecycleRules, BrokenRule and Apply (see divert/referral/lifecycle.h).
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "divert/referral/lifecycle.h"
#include "eligibility/dates.h"
#include "referral/rule_status.h"

namespace divert {

std::string BrokenRule(const absl::Status& status) {
  absl::optional<absl::Cord> rule = status.GetPayload(referral::kRulePayloadUrl);
  return rule.has_value() ? std::string(*rule) : std::string();
}

absl::StatusOr<LifecycleRules> LifecycleRules::Create(
    const v1::ProgramSettings& settings, absl::string_view time_zone) {
  LifecycleRules rules;
  rules.settings_ = settings;
  if (time_zone.empty()) {
    rules.zone_ = absl::UTCTimeZone();
  } else if (!absl::LoadTimeZone(std::string(time_zone), &rules.zone_)) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown time zone '", time_zone, "'"));
  }
  if (settings.intake_deadline_days() < 0) {
    return absl::InvalidArgumentError(
        "program.intake_deadline_days: must not be negative");
  }
  if (settings.intake_deadline_days() > 0) {
    rules.intake_deadline_days_ = settings.intake_deadline_days();
  }
  const int caseload = settings.maximum_caseload() > 0
                           ? settings.maximum_caseload()
                           : kDefaultMaximumCaseload;
  rules.capacity_ = caseload * settings.case_managers_size();
  return rules;
}

bool LifecycleRules::MayRefer(absl::string_view source,
                              v1::Pathway pathway) const {
  for (const v1::ReferralSource& allowed : settings_.referral_sources()) {
    if (allowed.name() != source) continue;
    if (allowed.pathways().empty()) return true;
    for (int p : allowed.pathways()) {
      if (p == pathway) return true;
    }
  }
  return false;
}

bool LifecycleRules::IsCaseManager(absl::string_view id) const {
  for (const v1::CaseManager& manager : settings_.case_managers()) {
    if (manager.id() == id) return true;
  }
  return false;
}

absl::CivilDay LifecycleRules::LocalDay(
    const google::protobuf::Timestamp& time) const {
  return eligibility::LocalDay(time, zone_);
}

bool HoldsPlace(v1::ReferralStage stage) {
  return stage == v1::OFFER_ACCEPTED || stage == v1::APPROVED ||
         stage == v1::ENROLLED;
}

absl::StatusOr<v1::ReferralState> Apply(const LifecycleRules& rules,
                                        const v1::ReferralState& state,
                                        const v1::ReferralEvent& event,
                                        const ProgramFacts& facts) {
  absl::Status status = Check(rules, state, event, facts);
  if (!status.ok()) return status;
  v1::ReferralState next = state;
  Fold(rules, event, &next);
  return next;
}

}  // namespace divert
