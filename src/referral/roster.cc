// The participant roster (see divert/referral/reports.h).
#include <algorithm>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "divert/referral/disclosure.h"
#include "divert/referral/reports.h"
#include "eligibility/dates.h"

namespace divert {
namespace {

void SetDate(absl::CivilDay day, v1::Date* date) {
  date->set_year(static_cast<int32_t>(day.year()));
  date->set_month(day.month());
  date->set_day(day.day());
}

bool IsParticipant(v1::ReferralStage stage) {
  return stage == v1::OFFER_ACCEPTED || stage == v1::APPROVED ||
         stage == v1::ENROLLED;
}

// "EMERGENCY_HOUSING connected; HEALTH_CARE referred".
std::string Synopsis(const v1::ReferralState& state) {
  std::vector<std::string> parts;
  for (const v1::ServiceReferral& s : state.services()) {
    parts.push_back(absl::StrCat(
        v1::Need_Name(s.need()),
        eligibility::IsEmptyDate(s.connected_on()) ? " referred" : " connected"));
  }
  return absl::StrJoin(parts, "; ");
}

// A CSV field (RFC 4180): quoted when it holds a comma, quote or newline.
std::string Csv(absl::string_view field) {
  if (field.find_first_of(",\"\r\n") == absl::string_view::npos) {
    return std::string(field);
  }
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string CsvDate(const v1::Date& date) {
  return eligibility::IsEmptyDate(date) ? "" : eligibility::FormatDate(date);
}

}  // namespace

absl::StatusOr<v1::Roster> BuildRoster(const Referrals& referrals,
                                       const v1::Recipient& recipient,
                                       v1::DisclosurePurpose purpose,
                                       absl::CivilDay as_of) {
  v1::Roster roster;
  SetDate(as_of, roster.mutable_as_of());
  *roster.mutable_recipient() = recipient;
  roster.set_purpose(purpose);
  for (const v1::ReferralState& state : referrals.StatesAsOf(as_of)) {
    if (!IsParticipant(state.stage())) continue;
    absl::StatusOr<v1::Disclosure> disclosure =
        DiscloseReferral(state, recipient, purpose, as_of);
    if (!disclosure.ok()) return disclosure.status();
    if (!disclosure->permitted()) {
      roster.set_withheld_participants(roster.withheld_participants() + 1);
      continue;
    }
    const v1::ReferralState& shared = disclosure->referral();
    v1::RosterRow* row = roster.add_rows();
    row->set_referral_id(shared.referral_id());
    row->set_pathway(shared.pathway());
    *row->mutable_charge_codes() = shared.charge_codes();
    *row->mutable_referred_on() = shared.referred_on();
    row->set_case_manager_id(shared.case_manager_id());
    row->set_officer_id(shared.officer_id());
    row->set_intake_completed(shared.stage() == v1::ENROLLED);
    *row->mutable_enrolled_on() = shared.enrolled_on();
    row->set_status(shared.status());
    row->set_tier(shared.tier());
    row->set_services(Synopsis(shared));
    *row->mutable_withheld() = disclosure->withheld();
  }
  return roster;
}

std::string RenderRosterCsv(const v1::Roster& roster) {
  std::string out =
      "referral_id,referral_type,diverted_charges,referral_date,case_manager,"
      "referring_officer,intake_completed,enrolled_on,status,tier,services,"
      "withheld\r\n";
  for (const v1::RosterRow& row : roster.rows()) {
    const bool stage_shared =
        std::find(row.withheld().begin(), row.withheld().end(), "stage") ==
        row.withheld().end();
    absl::StrAppend(
        &out, Csv(row.referral_id()), ",",
        row.pathway() == v1::ARREST_DIVERSION ? "arrest diversion"
        : row.pathway() == v1::SOCIAL_CONTACT ? "social contact"
                                              : "",
        ",", Csv(absl::StrJoin(row.charge_codes(), " ")), ",",
        CsvDate(row.referred_on()), ",", Csv(row.case_manager_id()), ",",
        Csv(row.officer_id()), ",",
        stage_shared ? (row.intake_completed() ? "yes" : "no") : "", ",",
        CsvDate(row.enrolled_on()), ",",
        row.status() == v1::PARTICIPATION_STATUS_UNSPECIFIED
            ? ""
            : v1::ParticipationStatus_Name(row.status()),
        ",", Csv(row.tier()), ",", Csv(row.services()), ",",
        Csv(absl::StrJoin(row.withheld(), " ")), "\r\n");
  }
  return out;
}

}  // namespace divert
