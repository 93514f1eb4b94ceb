// Disclosure under consent: share only what a release of information in
// force permits (42 CFR Part 2, §2.31 and §2.35; toolkit VII.C).
//
// A participant's releases of information (ReleaseOfInformation, in their
// ReferralState) name recipients, kinds of information and purposes. To
// disclose a record (the referral's state, or an eligibility decision) to a
// recipient for a purpose on a date, divert finds the releases in force
// that day which name that recipient and purpose, keeps the fields whose
// kind (the `information` option in the protos) one of them releases, and
// removes the rest. When none permits anything, the Disclosure is a denial
// with a reason, and carries no record.
//
// Substance use and mental health are judged entry by entry: a need or a
// service referral for substance use treatment or naloxone/syringe
// exchange needs SUBSTANCE_USE, one for mental health counseling needs
// MENTAL_HEALTH, on top of SERVICES.
//
//   v1::Disclosure d = divert::DiscloseReferral(state, recipient,
//                                               v1::OPERATIONS_REVIEW, day);
//   if (!d.permitted()) std::cerr << d.denial_reason();
#ifndef DIVERT_REFERRAL_DISCLOSURE_H_
#define DIVERT_REFERRAL_DISCLOSURE_H_

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "divert/v1/consent.pb.h"
#include "divert/v1/decision.pb.h"
#include "divert/v1/referral.pb.h"

namespace divert {

// What of `referral` (its own state, whose releases decide) may go to
// `recipient` for `purpose` on local day `date`. Pass the state as it stood
// on that day (Referrals::StatesAsOf) so that later revocations do not
// count. InvalidArgument when the recipient names no agency or the purpose
// is unspecified.
absl::StatusOr<v1::Disclosure> DiscloseReferral(
    const v1::ReferralState& referral, const v1::Recipient& recipient,
    v1::DisclosurePurpose purpose, absl::CivilDay date);

// The same for an eligibility decision about the person of `referral`: all
// or nothing, as ELIGIBILITY information.
absl::StatusOr<v1::Disclosure> DiscloseDecision(
    const v1::ReferralState& referral, const v1::Decision& decision,
    const v1::Recipient& recipient, v1::DisclosurePurpose purpose,
    absl::CivilDay date);

}  // namespace divert

#endif  // DIVERT_REFERRAL_DISCLOSURE_H_
