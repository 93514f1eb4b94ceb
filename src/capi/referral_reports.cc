// The C ABI's consent, disclosure and reports (see divert/divert.h,
// "CONSENT, DISCLOSURE AND REPORTS").
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "capi/buffers.h"
#include "capi/errors.h"
#include "capi/referral_messages.h"
#include "capi/referral_store.h"
#include "divert/divert.h"
#include "divert/referral/disclosure.h"
#include "divert/referral/reports.h"

using divert::capi::ClearBuffer;
using divert::capi::Fail;
using divert::capi::Guard;
using divert::capi::ReturnBuffer;
using divert::capi::ReturnMessageAs;

namespace {

bool ReadDay(const char* text, const char* what, absl::CivilDay* day) {
  if (text == nullptr || !absl::ParseCivilTime(text, day)) {
    Fail(DIVERT_ERROR_INVALID_ARGUMENT,
         absl::StrCat(what, " is not a date in the form YYYY-MM-DD"));
    return false;
  }
  return true;
}

bool ReadRecipient(const char* agency, const char* role,
                   divert::v1::Recipient* recipient) {
  if (agency == nullptr || *agency == '\0') {
    Fail(DIVERT_ERROR_INVALID_ARGUMENT, "agency is NULL or empty");
    return false;
  }
  recipient->set_agency(agency);
  if (role != nullptr) recipient->set_role(role);
  return true;
}

bool ReadPurpose(int purpose, divert::v1::DisclosurePurpose* out) {
  if (purpose == divert::v1::DISCLOSURE_PURPOSE_UNSPECIFIED ||
      !divert::v1::DisclosurePurpose_IsValid(purpose)) {
    Fail(DIVERT_ERROR_INVALID_ARGUMENT,
         absl::StrCat("purpose ", purpose, " is not a DIVERT_PURPOSE_*"));
    return false;
  }
  *out = static_cast<divert::v1::DisclosurePurpose>(purpose);
  return true;
}

// The disclosure functions' shared part: reads the request, finds referral
// `referral_id` as it stood on `as_of`, and returns what `disclose` (given
// the state, recipient, purpose and day) permits.
template <typename DiscloseFn>
int Disclose(const divert_referrals* referrals, const char* referral_id,
             const char* agency, const char* role, int purpose,
             const char* as_of, int out_format, char** disclosure,
             size_t* disclosure_len, DiscloseFn disclose) {
  if (referrals == nullptr || referral_id == nullptr) {
    return Fail(DIVERT_ERROR_INVALID_ARGUMENT,
                referrals == nullptr ? "referrals is NULL"
                                     : "referral_id is NULL");
  }
  divert::v1::Recipient recipient;
  divert::v1::DisclosurePurpose why;
  absl::CivilDay day;
  if (!ReadRecipient(agency, role, &recipient) || !ReadPurpose(purpose, &why) ||
      !ReadDay(as_of, "as_of", &day)) {
    return DIVERT_ERROR_INVALID_ARGUMENT;
  }
  for (const divert::v1::ReferralState& state :
       referrals->referrals.StatesAsOf(day)) {
    if (state.referral_id() != referral_id) continue;
    auto result = disclose(state, recipient, why, day);
    if (!result.ok()) return Fail(result.status());
    return ReturnMessageAs(*result, out_format, disclosure, disclosure_len,
                           "disclosure");
  }
  return Fail(DIVERT_ERROR_NOT_FOUND,
              absl::StrCat("no referral '", referral_id, "' on ", as_of));
}

}  // namespace

extern "C" {

int divert_referrals_disclose(const divert_referrals* referrals,
                              const char* referral_id, const char* agency,
                              const char* role, int purpose, const char* as_of,
                              int out_format, char** disclosure,
                              size_t* disclosure_len) {
  return Guard([&] {
    ClearBuffer(disclosure, disclosure_len);
    return Disclose(
        referrals, referral_id, agency, role, purpose, as_of, out_format,
        disclosure, disclosure_len,
        [](const divert::v1::ReferralState& state,
           const divert::v1::Recipient& recipient,
           divert::v1::DisclosurePurpose why, absl::CivilDay day) {
          return divert::DiscloseReferral(state, recipient, why, day);
        });
  });
}

int divert_referrals_disclose_decision(
    const divert_referrals* referrals, const char* referral_id,
    const char* decision, size_t decision_len, int decision_format,
    const char* agency, const char* role, int purpose, const char* as_of,
    int out_format, char** disclosure, size_t* disclosure_len) {
  return Guard([&] {
    ClearBuffer(disclosure, disclosure_len);
    divert::v1::Decision about;
    if (const int rc = divert::capi::ParseMessage(
            decision, decision_len, decision_format,
            {DIVERT_FORMAT_JSON, DIVERT_FORMAT_BINARY}, "decision", &about);
        rc != DIVERT_OK) {
      return rc;
    }
    return Disclose(
        referrals, referral_id, agency, role, purpose, as_of, out_format,
        disclosure, disclosure_len,
        [&about](const divert::v1::ReferralState& state,
                 const divert::v1::Recipient& recipient,
                 divert::v1::DisclosurePurpose why, absl::CivilDay day) {
          return divert::DiscloseDecision(state, about, recipient, why, day);
        });
  });
}

int divert_referrals_agenda(const divert_referrals* referrals,
                            const char* previous_meeting, const char* meeting,
                            const char* next_meeting, int markdown,
                            int out_format, char** agenda, size_t* agenda_len) {
  return Guard([&] {
    ClearBuffer(agenda, agenda_len);
    if (referrals == nullptr) {
      return Fail(DIVERT_ERROR_INVALID_ARGUMENT, "referrals is NULL");
    }
    if (agenda == nullptr) {
      return Fail(DIVERT_ERROR_INVALID_ARGUMENT, "agenda is NULL");
    }
    absl::CivilDay previous, day, next;
    if (!ReadDay(previous_meeting, "previous_meeting", &previous) ||
        !ReadDay(meeting, "meeting", &day) ||
        !ReadDay(next_meeting, "next_meeting", &next)) {
      return DIVERT_ERROR_INVALID_ARGUMENT;
    }
    auto built = divert::BuildOwgAgenda(referrals->referrals, previous, day, next);
    if (!built.ok()) return Fail(built.status());
    if (markdown) {
      return ReturnBuffer(divert::RenderAgendaMarkdown(*built), agenda,
                          agenda_len);
    }
    return ReturnMessageAs(*built, out_format, agenda, agenda_len, "agenda");
  });
}

int divert_referrals_roster(const divert_referrals* referrals,
                            const char* agency, const char* role, int purpose,
                            const char* as_of, int csv, int out_format,
                            char** roster, size_t* roster_len) {
  return Guard([&] {
    ClearBuffer(roster, roster_len);
    if (referrals == nullptr) {
      return Fail(DIVERT_ERROR_INVALID_ARGUMENT, "referrals is NULL");
    }
    if (roster == nullptr) {
      return Fail(DIVERT_ERROR_INVALID_ARGUMENT, "roster is NULL");
    }
    divert::v1::Recipient recipient;
    divert::v1::DisclosurePurpose why;
    absl::CivilDay day;
    if (!ReadRecipient(agency, role, &recipient) || !ReadPurpose(purpose, &why) ||
        !ReadDay(as_of, "as_of", &day)) {
      return DIVERT_ERROR_INVALID_ARGUMENT;
    }
    auto built = divert::BuildRoster(referrals->referrals, recipient, why, day);
    if (!built.ok()) return Fail(built.status());
    if (csv) {
      return ReturnBuffer(divert::RenderRosterCsv(*built), roster, roster_len);
    }
    return ReturnMessageAs(*built, out_format, roster, roster_len, "roster");
  });
}

}  // extern "C"
