// The C ABI's handles for the referral life cycle and the event store.
#ifndef DIVERT_SRC_CAPI_REFERRAL_STORE_H_
#define DIVERT_SRC_CAPI_REFERRAL_STORE_H_

#include <memory>

#include "divert/referral/referrals.h"
#include "divert/store/event_store.h"

struct divert_referrals {
  divert::Referrals referrals;
};

struct divert_event_store {
  std::unique_ptr<divert::EventStore> store;
};

#endif  // DIVERT_SRC_CAPI_REFERRAL_STORE_H_
