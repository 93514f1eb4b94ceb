// Race, gender and age as metrics report them: one group per person.
//
// HMIS records race and ethnicity (3.04) and gender (3.06) as multi-select
// elements; a breakdown needs each person in exactly one cell. A person
// with one category is in that group; with several, in MULTIRACIAL (or
// MORE_THAN_ONE); with none, or only "does not know", "prefers not to
// answer" or "not collected", in UNKNOWN.
#ifndef DIVERT_SRC_METRICS_DEMOGRAPHICS_H_
#define DIVERT_SRC_METRICS_DEMOGRAPHICS_H_

#include <array>
#include <cstdint>

#include "divert/v1/metrics.pb.h"
#include "metrics/fact_table.h"

namespace divert::metrics {

// Eight bytes a person: a fold reads a million people's at random, and
// they then fit in a processor's cache.
struct Demographics {
  // The date of birth's DateNumber (year * 10000 + month * 100 + day); 0
  // when unknown.
  int32_t born_date = 0;
  uint8_t race = v1::RACE_GROUP_UNKNOWN;      // a v1::RaceGroup
  uint8_t gender = v1::GENDER_GROUP_UNKNOWN;  // a v1::GenderGroup
  bool comparison_group = false;

  bool race_known() const { return race != v1::RACE_GROUP_UNKNOWN; }
  // Black, Indigenous or a person of colour: any category but White alone
  // (a multiracial person has one).
  bool bipoc() const { return race_known() && race != v1::RACE_GROUP_WHITE; }
};

Demographics DemographicsOf(const v1::PersonRecord& person);

// A person's groups from their answers one by one (columnar input):
// RaceEthnicity and Gender numbers, as DemographicsOf reads a message's.
class DemographicsBuilder {
 public:
  void AddRaceEthnicity(int value);
  void AddGender(int value);
  // `born_day`: days since 1970-01-01, or kNone.
  Demographics Build(bool comparison_group, int32_t born_day);

 private:
  Demographics out_;
  int races_ = 0;
  int genders_ = 0;
};

// A person's age group on `day` (days since 1970-01-01).
v1::AgeGroup AgeGroupOn(int32_t born_day, int32_t day);

// The date of `day` (days since 1970-01-01) as year * 10000 + month * 100
// + day of month: a difference of two, divided by 10000, is an age in
// whole years.
int64_t DateNumber(int32_t day);

// DateNumber of days that repeat, each converted once while it stays in a
// small table (one entry per day modulo its size: the days of a few years
// of records, in any order, all fit).
class DateNumbers {
 public:
  int64_t Of(int32_t day) {
    Entry& entry = entries_[static_cast<uint32_t>(day) % entries_.size()];
    if (entry.day != day) entry = {day, static_cast<int32_t>(DateNumber(day))};
    return entry.number;
  }

 private:
  struct Entry {
    int32_t day = kNone;
    int32_t number = 0;
  };
  std::array<Entry, 2048> entries_;
};

// AgeGroupOn of two known days, given as their DateNumbers, `on` not
// before `born` (a fold converts each birth and each run of equal days
// once, not each row's two days).
v1::AgeGroup AgeGroupOfDates(int64_t born, int64_t on);

// Days since 1970-01-01 of a date; kNone for an unset or invalid date.
int32_t DayNumber(const v1::Date& date);

}  // namespace divert::metrics

#endif  // DIVERT_SRC_METRICS_DEMOGRAPHICS_H_
