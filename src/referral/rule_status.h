// Errors for events that break a life-cycle rule: the message starts
// "rule <id>: " and the status carries the id as a payload (BrokenRule()).
#ifndef DIVERT_SRC_REFERRAL_RULE_STATUS_H_
#define DIVERT_SRC_REFERRAL_RULE_STATUS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace divert::referral {

// The payload key under which a status names its rule.
inline constexpr absl::string_view kRulePayloadUrl =
    "type.googleapis.com/divert.v1.BrokenRule";

// FailedPrecondition: the event breaks life-cycle rule `rule`.
absl::Status Rejected(absl::string_view rule, absl::string_view message);
// InvalidArgument: the event is malformed (a field is missing or invalid).
absl::Status Malformed(absl::string_view rule, absl::string_view message);

}  // namespace divert::referral

#endif  // DIVERT_SRC_REFERRAL_RULE_STATUS_H_
