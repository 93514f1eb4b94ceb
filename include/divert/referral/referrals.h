// A site's referral log and the state of every referral, derived from it.
//
// Referrals holds a log of ReferralEvents in the order they were recorded
// and folds each into its referral's state as it is appended. An event is
// checked first (divert/referral/lifecycle.h): a rejected event, or a batch
// with one rejected event, changes neither the log nor any state. Replaying
// a log gives exactly the states that appending its events one by one gave.
//
//   auto rules = divert::LifecycleRules::Create(version.program(), "UTC");
//   divert::Referrals referrals(*rules);
//   absl::Status status = referrals.Append(event);  // or the rule it breaks
//   v1::DueReport due = referrals.Due(today);
//
// Not thread-safe: one writer at a time; const methods may run in parallel
// when no one appends.
#ifndef DIVERT_REFERRAL_REFERRALS_H_
#define DIVERT_REFERRAL_REFERRALS_H_

#include <cstddef>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "divert/referral/lifecycle.h"
#include "divert/v1/referral.pb.h"

namespace divert {

class Referrals {
 public:
  explicit Referrals(LifecycleRules rules);

  // Replays `events` in order. Fails on the first event that breaks a rule,
  // naming its index ("event 12: rule ...").
  static absl::StatusOr<Referrals> Replay(
      LifecycleRules rules, absl::Span<const v1::ReferralEvent> events);

  // Checks `event` against its referral's state and, when it passes, adds
  // it to the log and folds it in. Otherwise returns the broken rule (see
  // BrokenRule()) and changes nothing.
  absl::Status Append(const v1::ReferralEvent& event);
  // All or nothing: appends every event of `events` in order, or none
  // (the error names the index of the first rejected one).
  absl::Status AppendBatch(absl::Span<const v1::ReferralEvent> events);
  // As AppendBatch, and once every event has passed, calls `persist` (to
  // store the batch, say): when it fails, the batch is undone and its
  // error returned.
  absl::Status AppendBatch(absl::Span<const v1::ReferralEvent> events,
                           absl::FunctionRef<absl::Status()> persist);

  const LifecycleRules& rules() const { return rules_; }
  const std::vector<v1::ReferralEvent>& events() const { return events_; }
  size_t size() const { return states_.size(); }
  // The state of a referral, or null when the log has none by that id.
  const v1::ReferralState* Find(absl::string_view referral_id) const;
  // Every referral's state, in the order first recorded.
  const std::vector<v1::ReferralState>& states() const { return states_; }
  v1::ReferralStates AllStates() const;
  // Places taken (accepted, approved or enrolled and not closed).
  int places_taken() const { return places_taken_; }

  // Every referral as it stood at the end of local day `date`: a fold of
  // the events that occurred on or before it.
  std::vector<v1::ReferralState> StatesAsOf(absl::CivilDay date) const;

  // What is due or overdue as of `date` among referrals as they stood then:
  // intakes (arrest diversions' extended ones as EXTENSION_ENDING) and OWG
  // reviews (pending vetting, or scheduled), each due within `within_days`
  // after `date` or already overdue, by due date.
  v1::DueReport Due(absl::CivilDay date, int within_days = 0) const;

 private:
  LifecycleRules rules_;
  std::vector<v1::ReferralEvent> events_;
  std::vector<v1::ReferralState> states_;
  absl::flat_hash_map<std::string, size_t> index_;
  int places_taken_ = 0;
};

// The report Referrals::Due() makes, over any set of states (for example
// those StatesAsOf() gives).
v1::DueReport DueFrom(const std::vector<v1::ReferralState>& states,
                      absl::CivilDay date, int within_days);

}  // namespace divert

#endif  // DIVERT_REFERRAL_REFERRALS_H_
