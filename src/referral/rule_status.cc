#include "referral/rule_status.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace divert::referral {
namespace {

absl::Status WithRule(absl::StatusCode code, absl::string_view rule,
                      absl::string_view message) {
  absl::Status status(code, absl::StrCat("rule ", rule, ": ", message));
  status.SetPayload(kRulePayloadUrl, absl::Cord(rule));
  return status;
}

}  // namespace

absl::Status Rejected(absl::string_view rule, absl::string_view message) {
  return WithRule(absl::StatusCode::kFailedPrecondition, rule, message);
}

absl::Status Malformed(absl::string_view rule, absl::string_view message) {
  return WithRule(absl::StatusCode::kInvalidArgument, rule, message);
}

}  // namespace divert::referral
