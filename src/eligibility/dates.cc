#include "eligibility/dates.h"

#include "absl/strings/str_format.h"

namespace divert::eligibility {

bool IsValidDate(const v1::Date& date) {
  if (date.year() < 1 || date.year() > 9999) return false;
  if (date.month() < 1 || date.month() > 12) return false;
  if (date.day() < 1 || date.day() > 31) return false;
  // CivilDay normalizes Feb 30 to Mar 1: a real date survives unchanged.
  const absl::CivilDay day(date.year(), date.month(), date.day());
  return day.month() == date.month() && day.day() == date.day();
}

bool IsEmptyDate(const v1::Date& date) {
  return date.year() == 0 && date.month() == 0 && date.day() == 0;
}

absl::CivilDay ToCivilDay(const v1::Date& date) {
  return absl::CivilDay(date.year(), date.month(), date.day());
}

std::string FormatDate(const v1::Date& date) {
  return absl::StrFormat("%04d-%02d-%02d", date.year(), date.month(),
                         date.day());
}

absl::Time ToTime(const google::protobuf::Timestamp& timestamp) {
  return absl::FromUnixSeconds(timestamp.seconds()) +
         absl::Nanoseconds(timestamp.nanos());
}

absl::CivilDay LocalDay(const google::protobuf::Timestamp& timestamp,
                        const absl::TimeZone& zone) {
  return absl::ToCivilDay(ToTime(timestamp), zone);
}

absl::Time StartOfDay(absl::CivilDay day, const absl::TimeZone& zone) {
  const absl::TimeZone::TimeInfo midnight = zone.At(absl::CivilSecond(day));
  return midnight.kind == absl::TimeZone::TimeInfo::SKIPPED ? midnight.trans
                                                            : midnight.pre;
}

}  // namespace divert::eligibility
