#include "divert/metrics/evaluation.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "metrics/demographics.h"
#include "metrics/site_facts.h"

namespace divert::metrics {
namespace {

constexpr double kZ95 = 1.959963984540054;

// Index dates by person code: the earliest of `day` for each person.
void KeepEarliest(int32_t person, int32_t day, std::vector<int32_t>* index) {
  if (person == kNone) return;
  if (index->size() <= static_cast<size_t>(person)) index->resize(person + 1, kNone);
  int32_t& known = (*index)[person];
  if (known == kNone || day < known) known = day;
}

// People with an index date, and those arrested within `days` after it.
void Follow(const std::vector<int32_t>& index,
            const std::vector<std::vector<int32_t>>& arrests, int days,
            v1::GroupOutcome* out) {
  for (size_t person = 0; person < index.size(); ++person) {
    if (index[person] == kNone) continue;
    out->set_people(out->people() + 1);
    if (person >= arrests.size()) continue;
    const std::vector<int32_t>& dates = arrests[person];
    auto after = std::upper_bound(dates.begin(), dates.end(), index[person]);
    if (after != dates.end() && *after <= index[person] + days) {
      out->set_rearrested(out->rearrested() + 1);
    }
  }
  if (out->people() > 0) {
    out->set_rate(static_cast<double>(out->rearrested()) / out->people());
  }
}

}  // namespace

absl::StatusOr<v1::RearrestEvaluation> EvaluateRearrest(
    const v1::MetricRecords& records, const v1::EvaluationRequest& request) {
  const int32_t start = DayNumber(request.window().start());
  const int32_t end = DayNumber(request.window().end());
  if (start == kNone || end == kNone) {
    return absl::InvalidArgumentError("window: start and end must be valid dates");
  }
  if (end < start) {
    return absl::InvalidArgumentError("window: end is before start");
  }
  if (request.follow_up_days() < 0 || request.min_group_size() < 0) {
    return absl::InvalidArgumentError(
        "follow_up_days and min_group_size must not be negative");
  }
  const int days = request.follow_up_days() > 0 ? request.follow_up_days() : 365;
  const int minimum = request.min_group_size() > 0 ? request.min_group_size() : 11;
  // Only the referrals' and arrests' facts are read: no rows of events.
  FoldOptions options;
  options.event_kinds.reset();
  absl::StatusOr<std::unique_ptr<SiteFacts>> facts = FoldRecords(records, end + days, options);
  if (!facts.ok()) return facts.status();

  // Participants: enrolled on a referral made in the window.
  const FactTable& referrals = (*facts)->referrals;
  const ColumnView referred = referrals.Column(referrals.FieldIndex("referred_day"));
  const ColumnView enrolled = referrals.Column(referrals.FieldIndex("enrolled_day"));
  const ColumnView referral_person = referrals.Column(referrals.FieldIndex("person_key"));
  std::vector<int32_t> participants;
  for (size_t row = 0; row < referrals.rows(); ++row) {
    if (enrolled[row] == kNone || referred[row] < start || referred[row] > end) continue;
    KeepEarliest(referral_person[row], referred[row], &participants);
  }

  // Everyone's arrests, by person; the comparison group's first in the window.
  const FactTable& arrests = (*facts)->arrests;
  const ColumnView day = arrests.Column(arrests.FieldIndex("day"));
  const ColumnView person = arrests.Column(arrests.FieldIndex("person_key"));
  const ColumnView comparison = arrests.Column(arrests.FieldIndex("comparison_group"));
  std::vector<std::vector<int32_t>> arrest_days;
  std::vector<int32_t> comparisons;
  for (size_t row = 0; row < arrests.rows(); ++row) {
    const int32_t who = person[row];
    if (who == kNone || day[row] == kNone) continue;
    if (arrest_days.size() <= static_cast<size_t>(who)) arrest_days.resize(who + 1);
    arrest_days[who].push_back(day[row]);
    const bool participant = static_cast<size_t>(who) < participants.size() &&
                             participants[who] != kNone;
    if (comparison[row] && !participant && day[row] >= start && day[row] <= end) {
      KeepEarliest(who, day[row], &comparisons);
    }
  }
  for (std::vector<int32_t>& dates : arrest_days) std::sort(dates.begin(), dates.end());

  v1::RearrestEvaluation out;
  *out.mutable_request() = request;
  out.mutable_request()->set_follow_up_days(days);
  out.mutable_request()->set_min_group_size(minimum);
  Follow(participants, arrest_days, days, out.mutable_participants());
  Follow(comparisons, arrest_days, days, out.mutable_comparison());

  bool reportable = true;
  for (auto [group, name] : {std::pair{out.mutable_participants(), "participants"},
                             std::pair{out.mutable_comparison(), "comparison group"}}) {
    if (group->people() >= minimum) continue;
    reportable = false;
    group->set_too_small(true);
    group->set_rearrested(0);
    group->set_rate(0);
    out.add_notes(absl::StrCat("the ", name, " (", group->people(),
                               " people) is too small to report: at least ",
                               minimum, " are needed"));
  }
  out.set_reportable(reportable);
  if (!reportable) return out;

  double a = out.participants().rearrested();
  double b = out.participants().people() - a;
  double c = out.comparison().rearrested();
  double d = out.comparison().people() - c;
  if (a == 0 || b == 0 || c == 0 || d == 0) {
    a += 0.5;
    b += 0.5;
    c += 0.5;
    d += 0.5;
    out.add_notes(
        "a cell of the 2x2 table is zero: 0.5 was added to each cell "
        "(Haldane-Anscombe) for the odds ratio and its interval");
  }
  const double odds_ratio = (a * d) / (b * c);
  const double se = std::sqrt(1 / a + 1 / b + 1 / c + 1 / d);
  out.set_odds_ratio(odds_ratio);
  out.set_odds_ratio_ci_low(std::exp(std::log(odds_ratio) - kZ95 * se));
  out.set_odds_ratio_ci_high(std::exp(std::log(odds_ratio) + kZ95 * se));
  out.set_odds_reduction(1 - odds_ratio);
  if (out.comparison().rate() > 0) {
    out.set_rate_reduction(1 - out.participants().rate() / out.comparison().rate());
  }
  return out;
}

}  // namespace divert::metrics
