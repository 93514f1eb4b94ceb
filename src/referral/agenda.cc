// The OWG agenda (see divert/referral/reports.h).
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "divert/referral/reports.h"
#include "eligibility/dates.h"

namespace divert {
namespace {

void SetDate(absl::CivilDay day, v1::Date* date) {
  date->set_year(static_cast<int32_t>(day.year()));
  date->set_month(day.month());
  date->set_day(day.day());
}

v1::OwgAgenda::Vetting Vetting(const v1::ReferralState& state) {
  v1::OwgAgenda::Vetting vetting;
  vetting.set_referral_id(state.referral_id());
  *vetting.mutable_referred_on() = state.referred_on();
  vetting.set_agency(state.agency());
  vetting.set_officer_id(state.officer_id());
  return vetting;
}

std::string PathwayWords(v1::Pathway pathway) {
  return pathway == v1::ARREST_DIVERSION ? "Arrest diversion" : "Social contact";
}

std::string DueWords(v1::DueKind kind) {
  switch (kind) {
    case v1::INTAKE:
      return "intake due";
    case v1::EXTENSION_ENDING:
      return "extension ends";
    case v1::OWG_REVIEW:
      return "OWG review";
    default:
      return "due";
  }
}

std::string DecisionWords(const v1::CriminalCase& c) {
  return c.legacy() ? "legacy case" : "arrest after enrolment";
}

// Markdown text from the log: escape the characters that would format.
std::string Text(absl::string_view text) {
  std::string out;
  for (char c : text) {
    if (c == '|' || c == '*' || c == '_' || c == '`' || c == '[' || c == ']' ||
        c == '\\' || c == '<') {
      out.push_back('\\');
    }
    out.push_back(c == '\n' ? ' ' : c);
  }
  return out;
}

}  // namespace

absl::StatusOr<v1::OwgAgenda> BuildOwgAgenda(const Referrals& referrals,
                                             absl::CivilDay previous_meeting,
                                             absl::CivilDay meeting,
                                             absl::CivilDay next_meeting) {
  if (!(previous_meeting < meeting) || next_meeting < meeting) {
    return absl::InvalidArgumentError(
        "meetings: need previous meeting < meeting <= next meeting");
  }
  const std::vector<v1::ReferralState> states = referrals.StatesAsOf(meeting);
  v1::OwgAgenda agenda;
  SetDate(meeting, agenda.mutable_meeting_on());
  SetDate(previous_meeting, agenda.mutable_previous_meeting_on());
  absl::flat_hash_map<absl::string_view, const v1::ReferralState*> by_id;
  for (const v1::ReferralState& state : states) {
    by_id[state.referral_id()] = &state;
    if (state.stage() == v1::PENDING_VETTING) {
      v1::OwgAgenda::Vetting* pending = agenda.add_pending();
      *pending = Vetting(state);
      pending->set_reason(state.pending_reason());
    }
    for (const v1::CriminalCase& c : state.cases()) {
      if (c.prosecutor_decision() != v1::PROSECUTOR_DECISION_UNSPECIFIED) {
        continue;
      }
      v1::OwgAgenda::CaseToDiscuss* discuss = agenda.add_cases();
      discuss->set_referral_id(state.referral_id());
      *discuss->mutable_criminal_case() = c;
    }
  }
  // What happened since the previous meeting, from the log.
  const LifecycleRules& rules = referrals.rules();
  for (const v1::ReferralEvent& event : referrals.events()) {
    const absl::CivilDay day = rules.LocalDay(event.occurred_at());
    if (day <= previous_meeting || day > meeting) continue;
    auto found = by_id.find(event.referral_id());
    if (found == by_id.end()) continue;
    const v1::ReferralState& state = *found->second;
    if (event.has_eligibility_recorded() || event.has_social_contact_referred()) {
      v1::OwgAgenda::NewReferral* added = agenda.add_new_referrals();
      added->set_referral_id(state.referral_id());
      added->set_pathway(state.pathway());
      added->set_agency(state.agency());
      added->set_officer_id(state.officer_id());
      *added->mutable_referred_on() = state.referred_on();
      added->set_source(state.source());
    } else if (event.has_referral_approved()) {
      v1::OwgAgenda::Vetting* approved = agenda.add_approved();
      *approved = Vetting(state);
      approved->set_approved_by(event.referral_approved().approved_by());
    } else if (event.has_referral_denied()) {
      v1::OwgAgenda::Vetting* denied = agenda.add_denied();
      *denied = Vetting(state);
      denied->set_reason(event.referral_denied().reason());
    }
  }
  const v1::DueReport due =
      DueFrom(states, meeting, static_cast<int>(next_meeting - meeting));
  for (const v1::DueItem& item : due.items()) *agenda.add_due() = item;
  return agenda;
}

std::string RenderAgendaMarkdown(const v1::OwgAgenda& agenda) {
  std::string out = absl::StrCat(
      "# LEAD Operations Work Group — ",
      eligibility::FormatDate(agenda.meeting_on()), "\n\n",
      "1. Introductions\n2. Community report out\n",
      "3. Referral review since the previous OWG (",
      eligibility::FormatDate(agenda.previous_meeting_on()), ")\n",
      "4. New referrals\n5. Extensions and reviews\n",
      "6. Law enforcement and prosecutor concerns: cases to discuss\n",
      "7. Case manager updates\n8. Other LEAD business\n\n");
  absl::StrAppend(&out, "## 3. Referral review\n\n",
                  "| Pending (needs vetting) | Referred | Reason for pending |\n",
                  "|---|---|---|\n");
  for (const auto& v : agenda.pending()) {
    absl::StrAppend(&out, "| ", Text(v.referral_id()), " | ",
                    eligibility::FormatDate(v.referred_on()), " | ",
                    Text(v.reason()), " |\n");
  }
  if (agenda.pending().empty()) absl::StrAppend(&out, "| none | | |\n");
  absl::StrAppend(&out, "\n| Approved | Referred | Approving sergeant |\n|---|---|---|\n");
  for (const auto& v : agenda.approved()) {
    absl::StrAppend(&out, "| ", Text(v.referral_id()), " | ",
                    eligibility::FormatDate(v.referred_on()), " | ",
                    Text(v.approved_by()), " |\n");
  }
  if (agenda.approved().empty()) absl::StrAppend(&out, "| none | | |\n");
  absl::StrAppend(&out, "\n| Denied | Referred | Reason for denial |\n|---|---|---|\n");
  for (const auto& v : agenda.denied()) {
    absl::StrAppend(&out, "| ", Text(v.referral_id()), " | ",
                    eligibility::FormatDate(v.referred_on()), " | ",
                    Text(v.reason()), " |\n");
  }
  if (agenda.denied().empty()) absl::StrAppend(&out, "| none | | |\n");

  absl::StrAppend(&out, "\n## 4. New referrals\n\n");
  for (const auto& n : agenda.new_referrals()) {
    absl::StrAppend(&out, "- ", Text(n.referral_id()), ": ",
                    PathwayWords(n.pathway()),
                    n.agency().empty() ? "" : absl::StrCat(", ", Text(n.agency())),
                    n.officer_id().empty()
                        ? ""
                        : absl::StrCat(", officer ", Text(n.officer_id())),
                    n.source().empty() || n.source() == n.agency()
                        ? ""
                        : absl::StrCat(", referred by ", Text(n.source())),
                    "\n  - Referral date: ",
                    eligibility::FormatDate(n.referred_on()), "\n");
  }
  if (agenda.new_referrals().empty()) absl::StrAppend(&out, "- none\n");

  absl::StrAppend(&out, "\n## 5. Extensions and reviews\n\n");
  for (const auto& d : agenda.due()) {
    absl::StrAppend(&out, "- ", Text(d.referral_id()), " (",
                    PathwayWords(d.pathway()), "): ", DueWords(d.kind()), " ",
                    eligibility::FormatDate(d.due_on()),
                    d.overdue() ? " — **overdue**" : "", "\n");
  }
  if (agenda.due().empty()) absl::StrAppend(&out, "- none\n");

  absl::StrAppend(&out, "\n## 6. Cases to discuss\n\n");
  for (const auto& c : agenda.cases()) {
    absl::StrAppend(&out, "- ", Text(c.referral_id()), ": ",
                    DecisionWords(c.criminal_case()), " ",
                    Text(c.criminal_case().case_id()), " of ",
                    eligibility::FormatDate(c.criminal_case().date()),
                    c.criminal_case().charge_codes().empty()
                        ? ""
                        : absl::StrCat(" (",
                                       Text(absl::StrJoin(
                                           c.criminal_case().charge_codes(), ", ")),
                                       ")"),
                    c.criminal_case().arrest_outcome() == v1::DIVERTED_AGAIN
                        ? ", diverted again"
                        : c.criminal_case().arrest_outcome() == v1::BOOKED
                              ? ", booked"
                              : "",
                    "\n");
  }
  if (agenda.cases().empty()) absl::StrAppend(&out, "- none\n");
  return out;
}

}  // namespace divert
