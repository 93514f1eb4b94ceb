// DueFrom(): intakes, extensions and OWG reviews due or overdue on a date.
#include <algorithm>
#include <tuple>
#include <vector>

#include "divert/referral/referrals.h"
#include "eligibility/dates.h"

namespace divert {
namespace {

void SetDate(absl::CivilDay day, v1::Date* date) {
  date->set_year(static_cast<int32_t>(day.year()));
  date->set_month(day.month());
  date->set_day(day.day());
}

void AddItem(const v1::ReferralState& state, v1::DueKind kind,
             const v1::Date& due_on, absl::CivilDay date, int within_days,
             v1::DueReport* report) {
  const absl::CivilDay due = eligibility::ToCivilDay(due_on);
  if (due > date + within_days) return;
  v1::DueItem* item = report->add_items();
  item->set_referral_id(state.referral_id());
  item->set_kind(kind);
  *item->mutable_due_on() = due_on;
  item->set_overdue(due < date);
  item->set_pathway(state.pathway());
}

}  // namespace

v1::DueReport DueFrom(const std::vector<v1::ReferralState>& states,
                      absl::CivilDay date, int within_days) {
  v1::DueReport report;
  SetDate(date, report.mutable_as_of());
  for (const v1::ReferralState& state : states) {
    const bool intake_open =
        state.stage() == v1::OFFER_ACCEPTED || state.stage() == v1::APPROVED;
    if (intake_open) {
      const v1::DueKind kind =
          state.extensions().empty() ? v1::INTAKE : v1::EXTENSION_ENDING;
      AddItem(state, kind, state.intake_due(), date, within_days, &report);
    }
    if (state.stage() == v1::PENDING_VETTING) {
      const v1::Date& review =
          eligibility::IsEmptyDate(state.next_owg_review())
              ? state.referred_on()
              : state.next_owg_review();
      AddItem(state, v1::OWG_REVIEW, review, date, within_days, &report);
    } else if ((intake_open || state.stage() == v1::ENROLLED) &&
               !eligibility::IsEmptyDate(state.next_owg_review())) {
      AddItem(state, v1::OWG_REVIEW, state.next_owg_review(), date, within_days,
              &report);
    }
  }
  std::stable_sort(report.mutable_items()->begin(),
                   report.mutable_items()->end(),
                   [](const v1::DueItem& a, const v1::DueItem& b) {
                     return std::make_tuple(a.due_on().year(),
                                            a.due_on().month(),
                                            a.due_on().day()) <
                            std::make_tuple(b.due_on().year(),
                                            b.due_on().month(),
                                            b.due_on().day());
                   });
  return report;
}

}  // namespace divert
