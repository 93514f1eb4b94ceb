// Calendar dates of policy versions (v1::Date) and the local date of an
// encounter in the site's time zone.
#ifndef DIVERT_SRC_ELIGIBILITY_DATES_H_
#define DIVERT_SRC_ELIGIBILITY_DATES_H_

#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "divert/v1/person.pb.h"
#include "google/protobuf/timestamp.pb.h"

namespace divert::eligibility {

// True when `date` names a real day between the years 1 and 9999.
bool IsValidDate(const v1::Date& date);
// True when no part of `date` is set (the field was left out).
bool IsEmptyDate(const v1::Date& date);
// The civil day of a valid date.
absl::CivilDay ToCivilDay(const v1::Date& date);
// "2024-02-14"; prints the parts as given, even for an invalid date.
std::string FormatDate(const v1::Date& date);
// The day on which `timestamp` falls in `zone`.
absl::CivilDay LocalDay(const google::protobuf::Timestamp& timestamp,
                        const absl::TimeZone& zone);
// The instant `timestamp` names.
absl::Time ToTime(const google::protobuf::Timestamp& timestamp);
// The first instant of `day` in `zone`: its midnight, or, when the clocks
// skip midnight, the moment they jump. An instant falls on `day` or later
// exactly when it is not before this one.
absl::Time StartOfDay(absl::CivilDay day, const absl::TimeZone& zone);

}  // namespace divert::eligibility

#endif  // DIVERT_SRC_ELIGIBILITY_DATES_H_
