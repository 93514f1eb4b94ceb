// Reading and returning protobuf messages at the C ABI's referral and event
// store functions, and their status codes.
#ifndef DIVERT_SRC_CAPI_REFERRAL_MESSAGES_H_
#define DIVERT_SRC_CAPI_REFERRAL_MESSAGES_H_

#include <cstddef>
#include <initializer_list>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "divert/v1/referral.pb.h"
#include "google/protobuf/message.h"

namespace divert::capi {

// Parses `message` from (`data`, `len`) in `format`, one of `allowed`.
// Returns DIVERT_OK, or sets the last error (naming `what`) and returns
// DIVERT_ERROR_LIMIT for an input past its limit (docs/limits.md),
// DIVERT_ERROR_INVALID_ARGUMENT for one that does not parse.
int ParseMessage(const char* data, size_t len, int format,
                 std::initializer_list<int> allowed, absl::string_view what,
                 google::protobuf::Message* message);
// As ParseMessage; true when it returns DIVERT_OK.
bool ReadMessage(const char* data, size_t len, int format,
                 std::initializer_list<int> allowed, absl::string_view what,
                 google::protobuf::Message* message);

// Writes `message` in `format` (JSON or binary) into a buffer for the
// caller. Checks `out`, `len` and the format first.
int ReturnMessageAs(const google::protobuf::Message& message, int format,
                    char** out, size_t* len, absl::string_view what);

// Moves the events out of `log` into a vector (a Span for Referrals and
// EventStore).
std::vector<v1::ReferralEvent> TakeEvents(v1::ReferralLog* log);

// Fails with the status code for a life-cycle status: DIVERT_ERROR_REJECTED
// for a broken rule, otherwise as Fail(status); OK gives Ok().
int FailLifecycle(const absl::Status& status);

}  // namespace divert::capi

#endif  // DIVERT_SRC_CAPI_REFERRAL_MESSAGES_H_
