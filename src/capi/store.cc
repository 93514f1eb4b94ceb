// The C ABI's event store (see divert/divert.h, "EVENT STORE").
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "capi/buffers.h"
#include "capi/errors.h"
#include "capi/referral_messages.h"
#include "capi/referral_store.h"
#include "divert/divert.h"
#include "divert/v1/referral.pb.h"

using divert::capi::Fail;
using divert::capi::FailLifecycle;
using divert::capi::Guard;
using divert::capi::Ok;

namespace {

int FailStore(const absl::Status& status) {
  return Fail(DIVERT_ERROR_STORE, status.message());
}

}  // namespace

extern "C" {

int divert_event_store_open(const char* path, divert_event_store** out) {
  return Guard([&] {
    if (out == nullptr || path == nullptr) {
      if (out != nullptr) *out = nullptr;
      return Fail(DIVERT_ERROR_INVALID_ARGUMENT,
                  out == nullptr ? "out is NULL" : "path is NULL");
    }
    *out = nullptr;
    auto store = divert::EventStore::Open(path);
    if (!store.ok()) return FailStore(store.status());
    *out = new divert_event_store{*std::move(store)};
    return Ok();
  });
}

void divert_event_store_close(divert_event_store* store) { delete store; }

int divert_event_store_read(const divert_event_store* store, int out_format,
                            char** log, size_t* log_len) {
  return Guard([&] {
    divert::capi::ClearBuffer(log, log_len);
    if (store == nullptr) {
      return Fail(DIVERT_ERROR_INVALID_ARGUMENT, "store is NULL");
    }
    auto events = store->store->ReadAll();
    if (!events.ok()) return FailStore(events.status());
    divert::v1::ReferralLog message;
    for (divert::v1::ReferralEvent& event : *events) {
      *message.add_events() = std::move(event);
    }
    return divert::capi::ReturnMessageAs(message, out_format, log, log_len,
                                         "log");
  });
}

int divert_referrals_load(divert_referrals* referrals,
                          const divert_event_store* store) {
  return Guard([&] {
    if (referrals == nullptr || store == nullptr) {
      return Fail(DIVERT_ERROR_INVALID_ARGUMENT,
                  referrals == nullptr ? "referrals is NULL" : "store is NULL");
    }
    if (!referrals->referrals.events().empty()) {
      return Fail(DIVERT_ERROR_INVALID_ARGUMENT,
                  "referrals already holds events: load into an empty log");
    }
    auto events = store->store->ReadAll();
    if (!events.ok()) return FailStore(events.status());
    return FailLifecycle(referrals->referrals.AppendBatch(*events));
  });
}

int divert_referrals_commit(divert_referrals* referrals,
                            divert_event_store* store, const char* log,
                            size_t len, int format) {
  return Guard([&] {
    if (referrals == nullptr || store == nullptr) {
      return Fail(DIVERT_ERROR_INVALID_ARGUMENT,
                  referrals == nullptr ? "referrals is NULL" : "store is NULL");
    }
    divert::v1::ReferralLog message;
    if (const int rc = divert::capi::ParseMessage(
            log, len, format, {DIVERT_FORMAT_JSON, DIVERT_FORMAT_BINARY}, "log",
            &message);
        rc != DIVERT_OK) {
      return rc;
    }
    const std::vector<divert::v1::ReferralEvent> events =
        divert::capi::TakeEvents(&message);
    bool store_failed = false;
    absl::Status status = referrals->referrals.AppendBatch(
        events, [&]() -> absl::Status {
          absl::Status stored = store->store->Append(events);
          store_failed = !stored.ok();
          return stored;
        });
    if (store_failed) return FailStore(status);
    return FailLifecycle(status);
  });
}

}  // extern "C"
