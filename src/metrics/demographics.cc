#include "metrics/demographics.h"

#include <cstdint>

#include "metrics/fact_table.h"

namespace divert::metrics {
namespace {

// Proleptic Gregorian calendar arithmetic (days since 1970-01-01), as
// absl::CivilDay does it but without normalizing: the fold converts
// millions of dates.
struct CivilDate {
  int64_t year;
  int month;
  int day;
};

bool IsLeapYear(int64_t year) {
  return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}

int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeapYear(year) ? 29 : kDays[month - 1];
}

int64_t DaysFromCivil(int64_t year, int month, int day) {
  year -= month <= 2 ? 1 : 0;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const int64_t year_of_era = year - era * 400;
  const int64_t day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
  const int64_t day_of_era =
      year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + day_of_era - 719468;
}

CivilDate CivilFromDays(int64_t days) {
  days += 719468;
  const int64_t era = (days >= 0 ? days : days - 146096) / 146097;
  const int64_t day_of_era = days - era * 146097;
  const int64_t year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const int64_t day_of_year =
      day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const int64_t month_index = (5 * day_of_year + 2) / 153;
  const int day = static_cast<int>(day_of_year - (153 * month_index + 2) / 5 + 1);
  const int month = static_cast<int>(month_index < 10 ? month_index + 3 : month_index - 9);
  return {year_of_era + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

v1::RaceGroup RaceGroupOf(v1::RaceEthnicity race) {
  switch (race) {
    case v1::AMERICAN_INDIAN_ALASKA_NATIVE_OR_INDIGENOUS:
      return v1::RACE_GROUP_AMERICAN_INDIAN_ALASKA_NATIVE_OR_INDIGENOUS;
    case v1::ASIAN_OR_ASIAN_AMERICAN:
      return v1::RACE_GROUP_ASIAN_OR_ASIAN_AMERICAN;
    case v1::BLACK_AFRICAN_AMERICAN_OR_AFRICAN:
      return v1::RACE_GROUP_BLACK_AFRICAN_AMERICAN_OR_AFRICAN;
    case v1::HISPANIC_LATINA_E_O:
      return v1::RACE_GROUP_HISPANIC_LATINA_E_O;
    case v1::MIDDLE_EASTERN_OR_NORTH_AFRICAN:
      return v1::RACE_GROUP_MIDDLE_EASTERN_OR_NORTH_AFRICAN;
    case v1::NATIVE_HAWAIIAN_OR_PACIFIC_ISLANDER:
      return v1::RACE_GROUP_NATIVE_HAWAIIAN_OR_PACIFIC_ISLANDER;
    case v1::WHITE:
      return v1::RACE_GROUP_WHITE;
    default:
      return v1::RACE_GROUP_UNKNOWN;
  }
}

v1::GenderGroup GenderGroupOf(v1::Gender gender) {
  switch (gender) {
    case v1::WOMAN:
      return v1::GENDER_GROUP_WOMAN;
    case v1::MAN:
      return v1::GENDER_GROUP_MAN;
    case v1::CULTURALLY_SPECIFIC_IDENTITY:
      return v1::GENDER_GROUP_CULTURALLY_SPECIFIC_IDENTITY;
    case v1::TRANSGENDER:
      return v1::GENDER_GROUP_TRANSGENDER;
    case v1::NON_BINARY:
      return v1::GENDER_GROUP_NON_BINARY;
    case v1::QUESTIONING:
      return v1::GENDER_GROUP_QUESTIONING;
    case v1::DIFFERENT_IDENTITY:
      return v1::GENDER_GROUP_DIFFERENT_IDENTITY;
    default:
      return v1::GENDER_GROUP_UNKNOWN;
  }
}

}  // namespace

Demographics DemographicsOf(const v1::PersonRecord& person) {
  DemographicsBuilder builder;
  for (int value : person.race_ethnicity()) builder.AddRaceEthnicity(value);
  for (int value : person.gender()) builder.AddGender(value);
  return builder.Build(person.comparison_group(),
                       person.has_date_of_birth() ? DayNumber(person.date_of_birth())
                                                  : kNone);
}

void DemographicsBuilder::AddRaceEthnicity(int value) {
  const v1::RaceGroup group = RaceGroupOf(static_cast<v1::RaceEthnicity>(value));
  if (group == v1::RACE_GROUP_UNKNOWN) return;
  if (races_ == 0 || group != out_.race) ++races_;
  out_.race = races_ > 1 ? v1::RACE_GROUP_MULTIRACIAL : group;
}

void DemographicsBuilder::AddGender(int value) {
  const v1::GenderGroup group = GenderGroupOf(static_cast<v1::Gender>(value));
  if (group == v1::GENDER_GROUP_UNKNOWN) return;
  if (genders_ == 0 || group != out_.gender) ++genders_;
  out_.gender = genders_ > 1 ? v1::GENDER_GROUP_MORE_THAN_ONE : group;
}

Demographics DemographicsBuilder::Build(bool comparison_group, int32_t born_day) {
  out_.comparison_group = comparison_group;
  if (born_day != kNone) out_.born_date = static_cast<int32_t>(DateNumber(born_day));
  return out_;
}

v1::AgeGroup AgeGroupOn(int32_t born_day, int32_t day) {
  if (born_day == kNone || day == kNone || day < born_day) {
    return v1::AGE_UNKNOWN;
  }
  return AgeGroupOfDates(DateNumber(born_day), DateNumber(day));
}

int64_t DateNumber(int32_t day) {
  const CivilDate date = CivilFromDays(day);
  return date.year * 10000 + date.month * 100 + date.day;
}

v1::AgeGroup AgeGroupOfDates(int64_t born, int64_t on) {
  // The years between, less one when the month and day of `on` come
  // before those of `born` (the difference of month * 100 + day is then
  // negative, above -10000).
  const int64_t age = (on - born) / 10000;
  if (age < 18) return v1::AGE_UNDER_18;
  if (age < 25) return v1::AGE_18_TO_24;
  if (age < 35) return v1::AGE_25_TO_34;
  if (age < 45) return v1::AGE_35_TO_44;
  if (age < 55) return v1::AGE_45_TO_54;
  if (age < 65) return v1::AGE_55_TO_64;
  return v1::AGE_65_AND_OVER;
}

int32_t DayNumber(const v1::Date& date) {
  const int64_t year = date.year();
  const int month = date.month(), day = date.day();
  if (month < 1 || month > 12 || day < 1 || day > DaysInMonth(year, month)) {
    return kNone;
  }
  return static_cast<int32_t>(DaysFromCivil(year, month, day));
}

}  // namespace divert::metrics
