// Referrals: the log and the fold (see divert/referral/referrals.h).
#include "divert/referral/referrals.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "eligibility/dates.h"

namespace divert {
namespace {

// Prefixes a rejection with the index of the event in a batch or log,
// keeping its code and rule.
absl::Status AtIndex(size_t index, const absl::Status& status) {
  absl::Status out(status.code(), absl::StrCat("event ", index, ": ",
                                               status.message()));
  status.ForEachPayload([&out](absl::string_view url, const absl::Cord& value) {
    out.SetPayload(url, value);
  });
  return out;
}

}  // namespace

Referrals::Referrals(LifecycleRules rules) : rules_(std::move(rules)) {}

absl::StatusOr<Referrals> Referrals::Replay(
    LifecycleRules rules, absl::Span<const v1::ReferralEvent> events) {
  Referrals referrals(std::move(rules));
  referrals.events_.reserve(events.size());
  for (size_t i = 0; i < events.size(); ++i) {
    absl::Status status = referrals.Append(events[i]);
    if (!status.ok()) return AtIndex(i, status);
  }
  return referrals;
}

absl::Status Referrals::Append(const v1::ReferralEvent& event) {
  auto found = index_.find(event.referral_id());
  static const v1::ReferralState* const kNone = new v1::ReferralState();
  const v1::ReferralState& state =
      found == index_.end() ? *kNone : states_[found->second];
  ProgramFacts facts;
  facts.places_taken = places_taken_;
  absl::Status status = Check(rules_, state, event, facts);
  if (!status.ok()) return status;

  v1::ReferralState* target;
  if (found == index_.end()) {
    index_.emplace(event.referral_id(), states_.size());
    target = &states_.emplace_back();
  } else {
    target = &states_[found->second];
  }
  const bool held = HoldsPlace(target->stage());
  Fold(rules_, event, target);
  places_taken_ += static_cast<int>(HoldsPlace(target->stage())) -
                   static_cast<int>(held);
  events_.push_back(event);
  return absl::OkStatus();
}

absl::Status Referrals::AppendBatch(absl::Span<const v1::ReferralEvent> events) {
  return AppendBatch(events, [] { return absl::OkStatus(); });
}

absl::Status Referrals::AppendBatch(absl::Span<const v1::ReferralEvent> events,
                                    absl::FunctionRef<absl::Status()> persist) {
  // Keep what each touched referral was, to put it back if one fails.
  const size_t events_before = events_.size();
  const size_t states_before = states_.size();
  const int places_before = places_taken_;
  std::vector<std::pair<size_t, v1::ReferralState>> saved;
  auto undo = [&] {
    for (size_t s = states_before; s < states_.size(); ++s) {
      index_.erase(states_[s].referral_id());
    }
    states_.resize(states_before);
    for (auto& [index, state] : saved) states_[index] = std::move(state);
    events_.resize(events_before);
    places_taken_ = places_before;
  };
  for (size_t i = 0; i < events.size(); ++i) {
    auto found = index_.find(events[i].referral_id());
    if (found != index_.end() && found->second < states_before &&
        std::none_of(saved.begin(), saved.end(), [&](const auto& s) {
          return s.first == found->second;
        })) {
      saved.emplace_back(found->second, states_[found->second]);
    }
    absl::Status status = Append(events[i]);
    if (!status.ok()) {
      undo();
      return AtIndex(i, status);
    }
  }
  absl::Status persisted = persist();
  if (!persisted.ok()) undo();
  return persisted;
}

const v1::ReferralState* Referrals::Find(absl::string_view referral_id) const {
  auto found = index_.find(referral_id);
  return found == index_.end() ? nullptr : &states_[found->second];
}

v1::ReferralStates Referrals::AllStates() const {
  v1::ReferralStates out;
  out.mutable_referrals()->Reserve(static_cast<int>(states_.size()));
  for (const v1::ReferralState& state : states_) *out.add_referrals() = state;
  return out;
}

std::vector<v1::ReferralState> Referrals::StatesAsOf(absl::CivilDay date) const {
  // Events of one referral never go back in time (rule event.out_of_order),
  // so the events up to a date are a prefix of each referral's events.
  std::vector<v1::ReferralState> states;
  absl::flat_hash_map<absl::string_view, size_t> index;
  for (const v1::ReferralEvent& event : events_) {
    if (rules_.LocalDay(event.occurred_at()) > date) continue;
    auto [it, inserted] = index.emplace(event.referral_id(), states.size());
    if (inserted) states.emplace_back();
    Fold(rules_, event, &states[it->second]);
  }
  return states;
}

v1::DueReport Referrals::Due(absl::CivilDay date, int within_days) const {
  return DueFrom(StatesAsOf(date), date, within_days);
}

}  // namespace divert
