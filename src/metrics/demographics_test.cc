// Dates and ages: the calendar arithmetic agrees with absl::CivilDay.
#include "metrics/demographics.h"

#include "absl/time/civil_time.h"
#include "gtest/gtest.h"

namespace divert::metrics {
namespace {

v1::Date DateOf(const absl::CivilDay& day) {
  v1::Date date;
  date.set_year(static_cast<int32_t>(day.year()));
  date.set_month(day.month());
  date.set_day(day.day());
  return date;
}

TEST(DemographicsTest, DayNumbersAreDaysSince1970) {
  const absl::CivilDay epoch(1970, 1, 1);
  for (absl::CivilDay day(1890, 1, 1); day <= absl::CivilDay(2110, 12, 31); ++day) {
    ASSERT_EQ(DayNumber(DateOf(day)), day - epoch) << day;
  }
  v1::Date bad;
  EXPECT_EQ(DayNumber(bad), kNone);
  bad.set_year(2023);
  bad.set_month(2);
  bad.set_day(29);
  EXPECT_EQ(DayNumber(bad), kNone);
  bad.set_year(2024);
  EXPECT_NE(DayNumber(bad), kNone);
  bad.set_month(13);
  EXPECT_EQ(DayNumber(bad), kNone);
}

TEST(DemographicsTest, AgeGroupsTurnOnBirthdays) {
  const absl::CivilDay epoch(1970, 1, 1);
  const int32_t born = absl::CivilDay(2000, 2, 29) - epoch;
  auto on = [&](int y, int m, int d) {
    return AgeGroupOn(born, static_cast<int32_t>(absl::CivilDay(y, m, d) - epoch));
  };
  EXPECT_EQ(on(2018, 2, 28), v1::AGE_UNDER_18);
  EXPECT_EQ(on(2018, 3, 1), v1::AGE_18_TO_24);
  EXPECT_EQ(on(2025, 2, 28), v1::AGE_18_TO_24);
  EXPECT_EQ(on(2025, 3, 1), v1::AGE_25_TO_34);
  EXPECT_EQ(on(2070, 3, 1), v1::AGE_65_AND_OVER);
  EXPECT_EQ(AgeGroupOn(born, born - 1), v1::AGE_UNKNOWN);
  EXPECT_EQ(AgeGroupOn(kNone, born), v1::AGE_UNKNOWN);
}

TEST(DemographicsTest, DateNumbersAreCivilDates) {
  const absl::CivilDay epoch(1970, 1, 1);
  for (int32_t day = -100000; day < 100000; day += 7) {
    const absl::CivilDay date = epoch + day;
    EXPECT_EQ(DateNumber(day), date.year() * 10000 + date.month() * 100 + date.day());
  }
  const int64_t born = DateNumber(static_cast<int32_t>(absl::CivilDay(2000, 2, 29) - epoch));
  EXPECT_EQ(AgeGroupOfDates(born, 20180228), v1::AGE_UNDER_18);
  EXPECT_EQ(AgeGroupOfDates(born, 20180301), v1::AGE_18_TO_24);
}

// Days that share a table entry (2048 apart) and days before 1970 are each
// given their own date, however they alternate.
TEST(DemographicsTest, DateNumbersRemembersDaysAndAnswersAsDateNumber) {
  DateNumbers numbers;
  for (int round = 0; round < 3; ++round) {
    for (int32_t day : {17000, 17000 + 2048, -3, 17000, 0, -3 + 2048, 17001}) {
      EXPECT_EQ(numbers.Of(day), DateNumber(day)) << day;
    }
  }
}

}  // namespace
}  // namespace divert::metrics
