#include "metrics/local_days.h"

#include <cstdint>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace divert::metrics {
namespace {

int32_t ExactDay(int64_t unix_seconds, absl::TimeZone zone) {
  const absl::CivilDay day = absl::ToCivilDay(absl::FromUnixSeconds(unix_seconds), zone);
  return static_cast<int32_t>(day - absl::CivilDay(1970, 1, 1));
}

absl::TimeZone Zone(const char* name) {
  absl::TimeZone zone;
  EXPECT_TRUE(absl::LoadTimeZone(name, &zone)) << name;
  return zone;
}

// The first and last second of every minute of a span that holds both
// daylight-saving transitions give absl's answer, in order, backwards and
// at random, in zones of whole, half and quarter hours (and Lord Howe's
// half-hour change of offset).
TEST(LocalDaysTest, DaysAreThoseOfTheCivilCalendar) {
  for (const char* name : {"America/New_York", "Asia/Kolkata", "Asia/Kathmandu",
                           "Australia/Lord_Howe", "UTC"}) {
    const absl::TimeZone zone = Zone(name);
    const int64_t first = absl::ToUnixSeconds(absl::FromCivil(absl::CivilDay(2023, 1, 1), zone));
    const int64_t last = first + 400 * int64_t{86400};
    LocalDays forwards(zone);
    for (int64_t s = first; s < last; s += 60) {
      ASSERT_EQ(forwards.DayOf(s), ExactDay(s, zone)) << name << " " << s;
      ASSERT_EQ(forwards.DayOf(s + 59), ExactDay(s + 59, zone)) << name << " " << s + 59;
    }
    LocalDays backwards(zone);
    for (int64_t s = last; s >= first; s -= 61) {
      ASSERT_EQ(backwards.DayOf(s), ExactDay(s, zone)) << name << " " << s;
    }
    LocalDays at_random(zone);
    uint64_t state = 12345;
    for (int i = 0; i < 200000; ++i) {
      state = state * 6364136223846793005u + 1442695040888963407u;
      const int64_t s = first + static_cast<int64_t>((state >> 20) % (last - first));
      ASSERT_EQ(at_random.DayOf(s), ExactDay(s, zone)) << name << " " << s;
    }
  }
}

TEST(LocalDaysTest, TheSecondsAroundMidnightFallOnTheirOwnDays) {
  const absl::TimeZone zone = Zone("America/New_York");
  LocalDays days(zone);
  const int64_t midnight =
      absl::ToUnixSeconds(absl::FromCivil(absl::CivilSecond(2024, 7, 4, 0, 0, 0), zone));
  const int32_t july_4 =
      static_cast<int32_t>(absl::CivilDay(2024, 7, 4) - absl::CivilDay(1970, 1, 1));
  EXPECT_EQ(days.DayOf(midnight - 2), july_4 - 1);
  EXPECT_EQ(days.DayOf(midnight - 1), july_4 - 1);
  EXPECT_EQ(days.DayOf(midnight), july_4);
  EXPECT_EQ(days.DayOf(midnight - 1), july_4 - 1);
  EXPECT_EQ(days.DayOf(midnight + 86399), july_4);
  EXPECT_EQ(days.DayOf(midnight + 86400), july_4 + 1);
}

// The extremes are converted without signed overflow (which the suite's
// UndefinedBehaviorSanitizer run would report), and near times still are.
TEST(LocalDaysTest, TimesFarAwayAreConvertedWithoutOverflow) {
  LocalDays days(Zone("America/New_York"));
  EXPECT_EQ(days.DayOf(0), -1);  // 1969-12-31, 19:00 in New York
  days.DayOf(INT64_MAX);
  days.DayOf(INT64_MIN);
  EXPECT_EQ(days.DayOf(86400 * 365), 364);
}

}  // namespace
}  // namespace divert::metrics
