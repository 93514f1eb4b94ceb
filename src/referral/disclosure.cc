// Disclosure under consent (see divert/referral/disclosure.h).
#include "divert/referral/disclosure.h"

#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "eligibility/dates.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"

namespace divert {
namespace {

using Kinds = std::set<int>;

std::string FormatDay(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

bool InForce(const v1::ReferralState& state, const v1::ReleaseOfInformation& roi,
             absl::CivilDay date) {
  for (const std::string& revoked : state.revoked_roi_ids()) {
    if (revoked == roi.roi_id()) return false;
  }
  if (!eligibility::IsValidDate(roi.signed_on()) ||
      eligibility::ToCivilDay(roi.signed_on()) > date) {
    return false;
  }
  return eligibility::IsEmptyDate(roi.expires_on()) ||
         eligibility::ToCivilDay(roi.expires_on()) >= date;
}

bool Names(const v1::ReleaseOfInformation& roi, const v1::Recipient& recipient,
           v1::DisclosurePurpose purpose) {
  bool purpose_named = false;
  for (int p : roi.purposes()) purpose_named = purpose_named || p == purpose;
  if (!purpose_named) return false;
  for (const v1::Recipient& named : roi.recipients()) {
    if (named.agency() == recipient.agency() &&
        (named.role().empty() || named.role() == recipient.role())) {
      return true;
    }
  }
  return false;
}

// The kinds of information the releases in force permit, and which
// releases they are; a denial reason when there are none.
struct Permission {
  Kinds kinds;
  std::vector<std::string> roi_ids;
  std::string denial;
};

absl::StatusOr<Permission> Permitted(const v1::ReferralState& state,
                                     const v1::Recipient& recipient,
                                     v1::DisclosurePurpose purpose,
                                     absl::CivilDay date) {
  if (recipient.agency().empty()) {
    return absl::InvalidArgumentError("recipient.agency: the recipient names no agency");
  }
  if (purpose == v1::DISCLOSURE_PURPOSE_UNSPECIFIED) {
    return absl::InvalidArgumentError("purpose: the purpose is unspecified");
  }
  Permission permission;
  bool any_in_force = false;
  for (const v1::ReleaseOfInformation& roi : state.rois()) {
    if (!InForce(state, roi, date)) continue;
    any_in_force = true;
    if (!Names(roi, recipient, purpose)) continue;
    permission.roi_ids.push_back(roi.roi_id());
    for (int kind : roi.information()) permission.kinds.insert(kind);
  }
  if (!any_in_force) {
    permission.denial = absl::StrCat("no release of information is in force on ",
                                     FormatDay(date));
  } else if (permission.roi_ids.empty()) {
    permission.denial = absl::StrCat(
        "no release of information in force on ", FormatDay(date),
        " permits disclosure to ", recipient.agency(),
        recipient.role().empty() ? "" : absl::StrCat(" (", recipient.role(), ")"),
        " for ", v1::DisclosurePurpose_Name(purpose));
  }
  return permission;
}

// The extra kind an entry about `need` asks for, or 0.
int SensitiveKind(v1::Need need) {
  switch (need) {
    case v1::SUBSTANCE_USE_TREATMENT:
    case v1::NALOXONE_SYRINGE_EXCHANGE:
      return v1::SUBSTANCE_USE;
    case v1::MENTAL_HEALTH_COUNSELING:
      return v1::MENTAL_HEALTH;
    default:
      return 0;
  }
}

// Removes the entries of a repeated needs or services field whose need is
// sensitive and not permitted; records their paths.
template <typename Entry>
void FilterSensitive(google::protobuf::RepeatedPtrField<Entry>* entries,
                     const char* field, const Kinds& kinds,
                     v1::Disclosure* disclosure) {
  google::protobuf::RepeatedPtrField<Entry> kept;
  for (int i = 0; i < entries->size(); ++i) {
    const int sensitive = SensitiveKind(entries->Get(i).need());
    if (sensitive != 0 && kinds.count(sensitive) == 0) {
      disclosure->add_withheld(absl::StrCat(field, "[", i, "]"));
    } else {
      *kept.Add() = entries->Get(i);
    }
  }
  entries->Swap(&kept);
}

}  // namespace

absl::StatusOr<v1::Disclosure> DiscloseReferral(
    const v1::ReferralState& referral, const v1::Recipient& recipient,
    v1::DisclosurePurpose purpose, absl::CivilDay date) {
  absl::StatusOr<Permission> permission =
      Permitted(referral, recipient, purpose, date);
  if (!permission.ok()) return permission.status();
  v1::Disclosure disclosure;
  if (!permission->denial.empty()) {
    disclosure.set_denial_reason(permission->denial);
    return disclosure;
  }
  v1::ReferralState* record = disclosure.mutable_referral();
  *record = referral;
  const google::protobuf::Reflection* reflection = record->GetReflection();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  reflection->ListFields(*record, &fields);
  bool shared = false;
  for (const google::protobuf::FieldDescriptor* field : fields) {
    if (!field->options().HasExtension(v1::information)) continue;  // the id
    const int kind = field->options().GetExtension(v1::information);
    if (permission->kinds.count(kind) == 0) {
      reflection->ClearField(record, field);
      disclosure.add_withheld(field->name());
    } else {
      shared = true;
    }
  }
  FilterSensitive(record->mutable_needs(), "needs", permission->kinds,
                  &disclosure);
  FilterSensitive(record->mutable_services(), "services", permission->kinds,
                  &disclosure);
  if (!shared) {
    v1::Disclosure denial;
    denial.set_denial_reason(absl::StrCat(
        "the releases in force (", absl::StrJoin(permission->roi_ids, ", "),
        ") permit none of this record's information"));
    return denial;
  }
  disclosure.set_permitted(true);
  for (const std::string& id : permission->roi_ids) disclosure.add_roi_ids(id);
  return disclosure;
}

absl::StatusOr<v1::Disclosure> DiscloseDecision(
    const v1::ReferralState& referral, const v1::Decision& decision,
    const v1::Recipient& recipient, v1::DisclosurePurpose purpose,
    absl::CivilDay date) {
  absl::StatusOr<Permission> permission =
      Permitted(referral, recipient, purpose, date);
  if (!permission.ok()) return permission.status();
  v1::Disclosure disclosure;
  if (!permission->denial.empty()) {
    disclosure.set_denial_reason(permission->denial);
  } else if (permission->kinds.count(v1::ELIGIBILITY) == 0) {
    disclosure.set_denial_reason(absl::StrCat(
        "the releases in force (", absl::StrJoin(permission->roi_ids, ", "),
        ") do not release eligibility decisions"));
  } else {
    disclosure.set_permitted(true);
    for (const std::string& id : permission->roi_ids) disclosure.add_roi_ids(id);
    *disclosure.mutable_decision() = decision;
  }
  return disclosure;
}

}  // namespace divert
