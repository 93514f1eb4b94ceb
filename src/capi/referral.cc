// The C ABI's referral life cycle (see divert/divert.h, "REFERRAL LIFE
// CYCLE").
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "capi/buffers.h"
#include "capi/errors.h"
#include "capi/referral_messages.h"
#include "capi/referral_store.h"
#include "divert/divert.h"
#include "divert/referral/lifecycle.h"
#include "divert/referral/referrals.h"
#include "divert/v1/policy.pb.h"
#include "divert/v1/referral.pb.h"

using divert::capi::Fail;
using divert::capi::FailLifecycle;
using divert::capi::Guard;
using divert::capi::Ok;
using divert::capi::ParseMessage;
using divert::capi::ReturnMessageAs;

namespace {

constexpr std::initializer_list<int> kEventFormats = {DIVERT_FORMAT_JSON,
                                                      DIVERT_FORMAT_BINARY};

// Reads "YYYY-MM-DD" into `day`; NULL or "" is `empty_ok` (and leaves `day`).
bool ReadDay(const char* text, bool empty_ok, absl::CivilDay* day) {
  if (text == nullptr || *text == '\0') {
    if (!empty_ok) Fail(DIVERT_ERROR_INVALID_ARGUMENT, "as_of is missing");
    return empty_ok;
  }
  if (!absl::ParseCivilTime(text, day)) {
    Fail(DIVERT_ERROR_INVALID_ARGUMENT,
         "as_of is not a date in the form YYYY-MM-DD");
    return false;
  }
  return true;
}

}  // namespace

extern "C" {

int divert_referrals_create(const char* settings, size_t len, int format,
                            const char* time_zone, divert_referrals** out) {
  return Guard([&] {
    if (out == nullptr) return Fail(DIVERT_ERROR_INVALID_ARGUMENT, "out is NULL");
    *out = nullptr;
    divert::v1::ProgramSettings program;
    if (const int rc = ParseMessage(
            settings, len, format,
            {DIVERT_FORMAT_TEXT, DIVERT_FORMAT_JSON, DIVERT_FORMAT_BINARY},
            "settings", &program);
        rc != DIVERT_OK) {
      return rc;
    }
    auto rules = divert::LifecycleRules::Create(
        program, time_zone == nullptr ? "" : time_zone);
    if (!rules.ok()) return Fail(rules.status());
    *out = new divert_referrals{divert::Referrals(*std::move(rules))};
    return Ok();
  });
}

void divert_referrals_destroy(divert_referrals* referrals) { delete referrals; }

int divert_referrals_append(divert_referrals* referrals, const char* event,
                            size_t len, int format) {
  return Guard([&] {
    if (referrals == nullptr) {
      return Fail(DIVERT_ERROR_INVALID_ARGUMENT, "referrals is NULL");
    }
    divert::v1::ReferralEvent message;
    if (const int rc =
            ParseMessage(event, len, format, kEventFormats, "event", &message);
        rc != DIVERT_OK) {
      return rc;
    }
    return FailLifecycle(referrals->referrals.Append(message));
  });
}

int divert_referrals_append_log(divert_referrals* referrals, const char* log,
                                size_t len, int format) {
  return Guard([&] {
    if (referrals == nullptr) {
      return Fail(DIVERT_ERROR_INVALID_ARGUMENT, "referrals is NULL");
    }
    divert::v1::ReferralLog message;
    if (const int rc =
            ParseMessage(log, len, format, kEventFormats, "log", &message);
        rc != DIVERT_OK) {
      return rc;
    }
    return FailLifecycle(
        referrals->referrals.AppendBatch(divert::capi::TakeEvents(&message)));
  });
}

size_t divert_referrals_event_count(const divert_referrals* referrals) {
  return referrals == nullptr ? 0 : referrals->referrals.events().size();
}

int divert_referrals_state(const divert_referrals* referrals,
                           const char* referral_id, int out_format,
                           char** state, size_t* state_len) {
  return Guard([&] {
    if (referrals == nullptr || referral_id == nullptr) {
      divert::capi::ClearBuffer(state, state_len);
      return Fail(DIVERT_ERROR_INVALID_ARGUMENT,
                  referrals == nullptr ? "referrals is NULL"
                                       : "referral_id is NULL");
    }
    const divert::v1::ReferralState* found =
        referrals->referrals.Find(referral_id);
    if (found == nullptr) {
      divert::capi::ClearBuffer(state, state_len);
      return Fail(DIVERT_ERROR_NOT_FOUND,
                  absl::StrCat("no referral '", referral_id, "' in the log"));
    }
    return ReturnMessageAs(*found, out_format, state, state_len, "state");
  });
}

int divert_referrals_states(const divert_referrals* referrals,
                            const char* as_of, int out_format, char** states,
                            size_t* states_len) {
  return Guard([&] {
    divert::capi::ClearBuffer(states, states_len);
    if (referrals == nullptr) {
      return Fail(DIVERT_ERROR_INVALID_ARGUMENT, "referrals is NULL");
    }
    absl::CivilDay day;
    if (!ReadDay(as_of, /*empty_ok=*/true, &day)) {
      return DIVERT_ERROR_INVALID_ARGUMENT;
    }
    if (as_of == nullptr || *as_of == '\0') {
      return ReturnMessageAs(referrals->referrals.AllStates(), out_format,
                             states, states_len, "states");
    }
    divert::v1::ReferralStates message;
    for (divert::v1::ReferralState& state :
         referrals->referrals.StatesAsOf(day)) {
      *message.add_referrals() = std::move(state);
    }
    return ReturnMessageAs(message, out_format, states, states_len, "states");
  });
}

int divert_referrals_due(const divert_referrals* referrals, const char* as_of,
                         int within_days, int out_format, char** report,
                         size_t* report_len) {
  return Guard([&] {
    divert::capi::ClearBuffer(report, report_len);
    if (referrals == nullptr) {
      return Fail(DIVERT_ERROR_INVALID_ARGUMENT, "referrals is NULL");
    }
    if (within_days < 0) {
      return Fail(DIVERT_ERROR_INVALID_ARGUMENT, "within_days is negative");
    }
    absl::CivilDay day;
    if (!ReadDay(as_of, /*empty_ok=*/false, &day)) {
      return DIVERT_ERROR_INVALID_ARGUMENT;
    }
    return ReturnMessageAs(referrals->referrals.Due(day, within_days),
                           out_format, report, report_len, "report");
  });
}

int divert_referrals_log(const divert_referrals* referrals, int out_format,
                         char** log, size_t* log_len) {
  return Guard([&] {
    divert::capi::ClearBuffer(log, log_len);
    if (referrals == nullptr) {
      return Fail(DIVERT_ERROR_INVALID_ARGUMENT, "referrals is NULL");
    }
    divert::v1::ReferralLog message;
    message.mutable_events()->Reserve(
        static_cast<int>(referrals->referrals.events().size()));
    for (const divert::v1::ReferralEvent& event :
         referrals->referrals.events()) {
      *message.add_events() = event;
    }
    return ReturnMessageAs(message, out_format, log, log_len, "log");
  });
}

}  // extern "C"
