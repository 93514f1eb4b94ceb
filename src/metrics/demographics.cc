#include "metrics/demographics.h"

#include "absl/time/civil_time.h"
#include "metrics/fact_table.h"

namespace divert::metrics {
namespace {

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
  Demographics out;
  int races = 0;
  for (int value : person.race_ethnicity()) {
    const v1::RaceGroup group = RaceGroupOf(static_cast<v1::RaceEthnicity>(value));
    if (group == v1::RACE_GROUP_UNKNOWN) continue;
    if (races == 0 || group != out.race) ++races;
    out.race = races > 1 ? v1::RACE_GROUP_MULTIRACIAL : group;
    if (group != v1::RACE_GROUP_WHITE) out.bipoc = true;
  }
  out.race_known = races > 0;
  int genders = 0;
  for (int value : person.gender()) {
    const v1::GenderGroup group = GenderGroupOf(static_cast<v1::Gender>(value));
    if (group == v1::GENDER_GROUP_UNKNOWN) continue;
    if (genders == 0 || group != out.gender) ++genders;
    out.gender = genders > 1 ? v1::GENDER_GROUP_MORE_THAN_ONE : group;
  }
  out.comparison_group = person.comparison_group();
  out.born_day = person.has_date_of_birth() ? DayNumber(person.date_of_birth())
                                            : kNone;
  return out;
}

v1::AgeGroup AgeGroupOn(int32_t born_day, int32_t day) {
  if (born_day == kNone || day == kNone || day < born_day) {
    return v1::AGE_UNKNOWN;
  }
  const absl::CivilDay epoch(1970, 1, 1);
  const absl::CivilDay born = epoch + born_day;
  const absl::CivilDay on = epoch + day;
  int64_t age = on.year() - born.year();
  if (on.month() < born.month() ||
      (on.month() == born.month() && on.day() < born.day())) {
    --age;
  }
  if (age < 18) return v1::AGE_UNDER_18;
  if (age < 25) return v1::AGE_18_TO_24;
  if (age < 35) return v1::AGE_25_TO_34;
  if (age < 45) return v1::AGE_35_TO_44;
  if (age < 55) return v1::AGE_45_TO_54;
  if (age < 65) return v1::AGE_55_TO_64;
  return v1::AGE_65_AND_OVER;
}

int32_t DayNumber(const v1::Date& date) {
  if (date.year() == 0 && date.month() == 0 && date.day() == 0) return kNone;
  const absl::CivilDay day(date.year(), date.month(), date.day());
  if (day.year() != date.year() || day.month() != date.month() ||
      day.day() != date.day()) {
    return kNone;
  }
  return static_cast<int32_t>(day - absl::CivilDay(1970, 1, 1));
}

}  // namespace divert::metrics
