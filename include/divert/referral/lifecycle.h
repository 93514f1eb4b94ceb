// The referral life cycle's rules: apply(state, event) as a pure function.
//
// A referral (proto/divert/v1/referral.proto) is an append-only log of
// ReferralEvents; its ReferralState is a fold over them. Apply() takes a
// referral's state and one event and returns the next state, or the rule
// the event breaks: an error whose message starts "rule <id>: " and whose
// BrokenRule() is that id, e.g. "enrolment.requires_consent_and_roi". The
// rules and their ids are listed in docs/dev/lifecycle-brief.md.
//
// Malformed events (no referral id, no dates, no kind, a required field
// left out) are InvalidArgument; events that break a life-cycle rule are
// FailedPrecondition. Messages name rules, fields and referral ids, never a
// person's identifying values.
//
//   auto rules = divert::LifecycleRules::Create(policy_version.program());
//   absl::StatusOr<v1::ReferralState> next =
//       divert::Apply(*rules, state, event);
//   if (!next.ok()) std::cerr << divert::BrokenRule(next.status());
#ifndef DIVERT_REFERRAL_LIFECYCLE_H_
#define DIVERT_REFERRAL_LIFECYCLE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "divert/v1/policy.pb.h"
#include "divert/v1/referral.pb.h"

namespace divert {

// The intake deadline when the policy sets none (toolkit VI: 30 days).
inline constexpr int kDefaultIntakeDeadlineDays = 30;
// The caseload per case manager when the policy sets none (toolkit IX).
inline constexpr int kDefaultMaximumCaseload = 25;

// The id of the rule a rejected event breaks, or "" when `status` does not
// come from a life-cycle rule.
std::string BrokenRule(const absl::Status& status);

// A site's program settings, ready to judge events. Cheap to copy.
class LifecycleRules {
 public:
  // `time_zone` is an IANA name ("America/New_York"); "" means UTC. Dates
  // (the referral's day, deadlines) are local days there. Fails with
  // InvalidArgument for an unknown time zone or a negative deadline.
  static absl::StatusOr<LifecycleRules> Create(
      const v1::ProgramSettings& settings, absl::string_view time_zone = "");

  const v1::ProgramSettings& settings() const { return settings_; }
  const absl::TimeZone& zone() const { return zone_; }
  // Days from referral to the intake deadline.
  int intake_deadline_days() const { return intake_deadline_days_; }
  // How many people the program can take at once: case managers times
  // the maximum caseload.
  int capacity() const { return capacity_; }

  // Whether `source` may make referrals by `pathway`.
  bool MayRefer(absl::string_view source, v1::Pathway pathway) const;
  bool IsCaseManager(absl::string_view id) const;
  // The local day of a timestamp.
  absl::CivilDay LocalDay(const google::protobuf::Timestamp& time) const;

 private:
  LifecycleRules() = default;

  v1::ProgramSettings settings_;
  absl::TimeZone zone_;
  int intake_deadline_days_ = kDefaultIntakeDeadlineDays;
  int capacity_ = 0;
};

// What the rules of one referral need to know about the others.
struct ProgramFacts {
  // Referrals holding a place: accepted or approved, or enrolled, and not
  // closed.
  int places_taken = 0;
};

// Whether a referral at `stage` holds one of the program's places.
bool HoldsPlace(v1::ReferralStage stage);

// Checks `event` against `state` (an empty ReferralState for a referral not
// seen yet). OK when Apply would accept it.
absl::Status Check(const LifecycleRules& rules, const v1::ReferralState& state,
                   const v1::ReferralEvent& event,
                   const ProgramFacts& facts = {});

// Folds an event that passed Check into `state`, in place.
void Fold(const LifecycleRules& rules, const v1::ReferralEvent& event,
          v1::ReferralState* state);

// Pure: the state after `event`, or the rule it breaks (`state` is never
// changed).
absl::StatusOr<v1::ReferralState> Apply(const LifecycleRules& rules,
                                        const v1::ReferralState& state,
                                        const v1::ReferralEvent& event,
                                        const ProgramFacts& facts = {});

}  // namespace divert

#endif  // DIVERT_REFERRAL_LIFECYCLE_H_
