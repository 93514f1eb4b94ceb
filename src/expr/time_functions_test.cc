#include "expr/time_functions.h"

#include <cstdint>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "divert/cel/value.h"
#include "expr/functions.h"
#include "google/protobuf/arena.h"
#include "gtest/gtest.h"

namespace divert::cel {
namespace {

absl::Time At(int64_t unix_seconds, int64_t nanos = 0) {
  return absl::FromUnixSeconds(unix_seconds) + absl::Nanoseconds(nanos);
}

// --- Timestamps ---

TEST(TimestampTest, ParsesRfc3339) {
  const struct {
    std::string text;
    absl::Time expected;
  } cases[] = {
      {"2009-02-13T23:31:30Z", At(1234567890)},
      {"2009-02-13t23:31:30z", At(1234567890)},
      {"2009-02-13T23:31:30.5Z", At(1234567890, 500000000)},
      {"2009-02-13T23:31:30.000000001Z", At(1234567890, 1)},
      {"2009-02-13T15:31:30-08:00", At(1234567890)},
      {"2009-02-14T05:01:30+05:30", At(1234567890)},
      {"1970-01-01T00:00:00Z", At(0)},
      {"1969-12-31T23:59:59.999Z", At(-1, 999000000)},
      {"2008-02-29T00:00:00Z", At(1204243200)},
      {"0001-01-01T00:00:00Z", MinTimestamp()},
      {"9999-12-31T23:59:59.999999999Z", MaxTimestamp()},
      // The offset may bring a time just inside the range.
      {"0001-01-01T01:00:00+01:00", MinTimestamp()},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    absl::StatusOr<absl::Time> t = ParseCelTimestamp(c.text);
    ASSERT_TRUE(t.ok()) << t.status();
    EXPECT_EQ(*t, c.expected);
  }
}

TEST(TimestampTest, RejectsMalformedText) {
  for (const char* text : {
           "",
           "2009-02-13",
           "2009-02-13T23:31:30",         // no zone
           "2009-02-13 23:31:30Z",        // space
           "2009-2-13T23:31:30Z",         // short month
           "10000-01-01T00:00:00Z",       // five-digit year
           "2009-13-01T00:00:00Z",        // month 13
           "2009-00-01T00:00:00Z",        // month 0
           "2009-02-29T00:00:00Z",        // not a leap year
           "2009-04-31T00:00:00Z",        // April has 30 days
           "2009-02-00T00:00:00Z",        // day 0
           "2009-02-13T24:00:00Z",        // hour 24
           "2009-02-13T23:60:00Z",        // minute 60
           "2009-02-13T23:59:60Z",        // leap second
           "2009-02-13T23:31:30.Z",       // empty fraction
           "2009-02-13T23:31:30.1234567891Z",  // ten digits
           "2009-02-13T23:31:30+0800",    // offset without colon
           "2009-02-13T23:31:30+24:00",   // offset hour 24
           "2009-02-13T23:31:30Zjunk",
           "+2009-02-13T23:31:30Z",
       }) {
    SCOPED_TRACE(text);
    absl::StatusOr<absl::Time> t = ParseCelTimestamp(text);
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
    if (*text != '\0') {
      EXPECT_EQ(t.status().message().find(text), absl::string_view::npos);
    }
  }
}

TEST(TimestampTest, RejectsTimesOutsideTheRange) {
  for (const char* text : {"0000-01-01T00:00:00Z",
                           "0001-01-01T00:00:00+00:01",
                           "9999-12-31T23:59:59.999999999-00:01"}) {
    SCOPED_TRACE(text);
    absl::StatusOr<absl::Time> t = ParseCelTimestamp(text);
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.status().code(), absl::StatusCode::kOutOfRange);
  }
  EXPECT_TRUE(TimestampInRange(MinTimestamp()));
  EXPECT_FALSE(TimestampInRange(MinTimestamp() - absl::Nanoseconds(1)));
  EXPECT_TRUE(TimestampInRange(MaxTimestamp()));
  EXPECT_FALSE(TimestampInRange(MaxTimestamp() + absl::Nanoseconds(1)));
}

TEST(TimestampTest, FormatsAsRfc3339InUtc) {
  EXPECT_EQ(FormatCelTimestamp(At(1234567890)), "2009-02-13T23:31:30Z");
  EXPECT_EQ(FormatCelTimestamp(At(1234567890, 500000000)),
            "2009-02-13T23:31:30.5Z");
  EXPECT_EQ(FormatCelTimestamp(At(1234567890, 1000)),
            "2009-02-13T23:31:30.000001Z");
  EXPECT_EQ(FormatCelTimestamp(At(-1, 999000000)),
            "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(FormatCelTimestamp(MinTimestamp()), "0001-01-01T00:00:00Z");
  EXPECT_EQ(FormatCelTimestamp(MaxTimestamp()),
            "9999-12-31T23:59:59.999999999Z");
}

// --- Durations ---

TEST(DurationTest, ParsesGoDurationStrings) {
  const struct {
    std::string text;
    absl::Duration expected;
  } cases[] = {
      {"0", absl::ZeroDuration()},
      {"-0", absl::ZeroDuration()},
      {"0s", absl::ZeroDuration()},
      {"100s", absl::Seconds(100)},
      {"+5s", absl::Seconds(5)},
      {"-1.5s", absl::Milliseconds(-1500)},
      {"1.5h", absl::Minutes(90)},
      {"1h2m3.5s", absl::Hours(1) + absl::Minutes(2) + absl::Milliseconds(3500)},
      {"100ms", absl::Milliseconds(100)},
      {"1us", absl::Microseconds(1)},
      {"1\xc2\xb5s", absl::Microseconds(1)},  // micro sign
      {"1\xce\xbcs", absl::Microseconds(1)},  // Greek mu
      {"1ns", absl::Nanoseconds(1)},
      {"-999999999ns", absl::Nanoseconds(-999999999)},
      {".5s", absl::Milliseconds(500)},
      {"5.s", absl::Seconds(5)},
      {"1.0000000019s", absl::Nanoseconds(1000000001)},  // truncated
      {"2m1m", absl::Minutes(3)},
      {"1.s.5s", absl::Milliseconds(1500)},
      {"9223372036.854775807s", absl::Nanoseconds(
                                    std::numeric_limits<int64_t>::max())},
      {"-9223372036.854775808s", absl::Nanoseconds(
                                     std::numeric_limits<int64_t>::min())},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.text);
    absl::StatusOr<absl::Duration> d = ParseCelDuration(c.text);
    ASSERT_TRUE(d.ok()) << d.status();
    EXPECT_EQ(*d, c.expected);
  }
}

TEST(DurationTest, RejectsMalformedText) {
  for (const char* text :
       {"", "-", "s", "1", "10", "1 s", " 1s", "1s ", "1sec", "1d",
        ".s", "1e3s", "1S", "--1s", "1h-1m", "0x10s"}) {
    SCOPED_TRACE(text);
    absl::StatusOr<absl::Duration> d = ParseCelDuration(text);
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
  }
}

TEST(DurationTest, RejectsDurationsOutsideTheRange) {
  for (const char* text :
       {"320000000000s", "-320000000000s", "9223372036.854775808s",
        "-9223372036.854775809s", "2562048h", "99999999999999999999999999h",
        "5124095576030431h5124095576030431h"}) {
    SCOPED_TRACE(text);
    absl::StatusOr<absl::Duration> d = ParseCelDuration(text);
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.status().code(), absl::StatusCode::kOutOfRange);
  }
}

TEST(DurationTest, Formats) {
  EXPECT_EQ(FormatCelDuration(absl::Seconds(1000000)), "1000000s");
  EXPECT_EQ(FormatCelDuration(absl::Milliseconds(1500)), "1.5s");
  EXPECT_EQ(FormatCelDuration(absl::Milliseconds(-1500)), "-1.5s");
  EXPECT_EQ(FormatCelDuration(absl::Nanoseconds(-1)), "-0.000000001s");
  EXPECT_EQ(FormatCelDuration(absl::ZeroDuration()), "0s");
  EXPECT_EQ(FormatCelDuration(MaxDuration()), "9223372036.854775807s");
  EXPECT_EQ(FormatCelDuration(MinDuration()), "-9223372036.854775808s");
}

// --- Time zones ---

TEST(TimeZoneTest, AcceptsUtcIanaNamesAndFixedOffsets) {
  const absl::Time t = At(1234567890);  // 2009-02-13T23:31:30Z
  const struct {
    std::string name;
    int offset_minutes;
  } cases[] = {
      {"UTC", 0},
      {"America/Los_Angeles", -8 * 60},
      {"Australia/Sydney", 11 * 60},  // summer time
      {"Asia/Kathmandu", 5 * 60 + 45},
      {"+05:30", 5 * 60 + 30},
      {"-08:00", -8 * 60},
      {"02:00", 2 * 60},
      {"-00:00", 0},
      {"+0:30", 30},
      {"-23:59", -(23 * 60 + 59)},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    absl::StatusOr<absl::TimeZone> tz = FindTimeZone(c.name);
    ASSERT_TRUE(tz.ok()) << tz.status();
    EXPECT_EQ(tz->At(t).offset, c.offset_minutes * 60);
  }
}

TEST(TimeZoneTest, RejectsAnythingElse) {
  for (const char* name :
       {"", "Mars/Olympus_Mons", "utc ", "+24:00", "+05:60", "+5", "05:3",
        "+005:30", "../../etc/passwd", "/etc/localtime", "America//New_York",
        "America/", "America/../Europe/Paris", "./UTC", "America/New York"}) {
    SCOPED_TRACE(name);
    absl::StatusOr<absl::TimeZone> tz = FindTimeZone(name);
    ASSERT_FALSE(tz.ok());
    EXPECT_EQ(tz.status().code(), absl::StatusCode::kInvalidArgument);
  }
}

TEST(TimeZoneTest, KeepsWorkingAfterManyUnknownNames) {
  // More distinct names than the cache holds.
  for (int i = 0; i < 3000; ++i) {
    EXPECT_FALSE(FindTimeZone(absl::StrCat("Nowhere/Zone_", i)).ok());
  }
  absl::StatusOr<absl::TimeZone> paris = FindTimeZone("Europe/Paris");
  ASSERT_TRUE(paris.ok());
  EXPECT_EQ(paris->At(absl::UnixEpoch()).offset, 3600);
  absl::StatusOr<absl::TimeZone> fixed = FindTimeZone("-03:15");
  ASSERT_TRUE(fixed.ok());
  EXPECT_EQ(fixed->At(absl::UnixEpoch()).offset, -(3 * 3600 + 15 * 60));
}

TEST(TimeZoneTest, IsSafeToUseFromManyThreads) {
  std::vector<std::thread> threads;
  std::vector<int> offsets(8);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([i, &offsets] {
      for (int k = 0; k < 100; ++k) {
        absl::StatusOr<absl::TimeZone> tz =
            FindTimeZone(i % 2 ? "Europe/Paris" : "Asia/Tokyo");
        if (tz.ok()) offsets[i] = tz->At(absl::UnixEpoch()).offset;
      }
    });
  }
  for (auto& t : threads) t.join();
  for (int i = 0; i < 8; ++i) {
    EXPECT_EQ(offsets[i], i % 2 ? 3600 : 9 * 3600);
  }
}

// --- Accessors ---

class AccessorTest : public ::testing::Test {
 protected:
  Value Get(absl::string_view accessor, Value target) {
    FunctionImpl impl = FindFunction(accessor, 1, /*receiver_style=*/true);
    EXPECT_NE(impl, nullptr) << accessor;
    const Value args[] = {target};
    return impl ? impl(absl::MakeConstSpan(args), &arena_) : Value();
  }
  Value Get(absl::string_view accessor, Value target, Value tz) {
    FunctionImpl impl = FindFunction(accessor, 2, /*receiver_style=*/true);
    EXPECT_NE(impl, nullptr) << accessor;
    const Value args[] = {target, tz};
    return impl ? impl(absl::MakeConstSpan(args), &arena_) : Value();
  }
  void ExpectInt(const Value& v, int64_t expected) {
    ASSERT_EQ(v.kind(), ValueKind::kInt) << DebugString(v);
    EXPECT_EQ(v.int_value(), expected);
  }

  google::protobuf::Arena arena_;
};

struct AccessorCase {
  std::string accessor;
  std::string zone;  // empty: no time zone argument (UTC)
  int64_t expected;
};

TEST_F(AccessorTest, TimestampAccessors) {
  // 2009-02-13T23:31:30.123456789Z, a Friday; the 44th day of the year.
  const Value t = Value::Timestamp(At(1234567890, 123456789));
  const std::vector<AccessorCase> cases = {
      {"getFullYear", "", 2009},
      {"getMonth", "", 1},  // February, from 0
      {"getDate", "", 13},  // from 1
      {"getDayOfMonth", "", 12},  // from 0
      {"getDayOfWeek", "", 5},  // Sunday = 0
      {"getDayOfYear", "", 43},  // from 0
      {"getHours", "", 23},
      {"getMinutes", "", 31},
      {"getSeconds", "", 30},
      {"getMilliseconds", "", 123},
      {"getDayOfWeek", "UTC", 5},
      {"getMonth", "UTC", 1},
      {"getSeconds", "-00:00", 30},
      // Sydney is already at Saturday 2009-02-14T10:31:30+11:00.
      {"getDate", "Australia/Sydney", 14},
      {"getDayOfMonth", "Australia/Sydney", 13},
      {"getDayOfWeek", "Australia/Sydney", 6},
      {"getDayOfYear", "Australia/Sydney", 44},
      {"getHours", "Australia/Sydney", 10},
      {"getDayOfMonth", "US/Central", 12},
      {"getHours", "America/Los_Angeles", 15},
      {"getMinutes", "Asia/Kathmandu", 16},
      {"getDayOfMonth", "+11:00", 13},
      {"getHours", "02:00", 1},
      {"getHours", "+05:30", 5},
      {"getMinutes", "+05:30", 1},
      {"getHours", "-09:30", 14},
      {"getMinutes", "-09:30", 1},
      {"getFullYear", "-09:30", 2009},
      {"getMilliseconds", "Asia/Kathmandu", 123},
  };
  for (const AccessorCase& c : cases) {
    SCOPED_TRACE(c.accessor + "(" + c.zone + ")");
    ExpectInt(c.zone.empty() ? Get(c.accessor, t)
                             : Get(c.accessor, t, Value::String(c.zone)),
              c.expected);
  }
}

TEST_F(AccessorTest, TimeZonesCrossDayMonthAndYearBoundaries) {
  // 2009-02-13T02:00:00Z is still the 12th west of UTC-2.
  const Value early = Value::Timestamp(At(1234490400));
  ExpectInt(Get("getDayOfMonth", early, Value::String("-02:30")), 11);
  ExpectInt(Get("getDayOfMonth", early, Value::String("America/St_Johns")), 11);
  // 2009-12-31T23:00:00Z is New Year's Day 2010 two hours east.
  const Value eve = Value::Timestamp(At(1262300400));
  ExpectInt(Get("getFullYear", eve), 2009);
  ExpectInt(Get("getDayOfYear", eve), 364);
  ExpectInt(Get("getFullYear", eve, Value::String("+02:00")), 2010);
  ExpectInt(Get("getMonth", eve, Value::String("+02:00")), 0);
  ExpectInt(Get("getDate", eve, Value::String("+02:00")), 1);
  ExpectInt(Get("getDayOfMonth", eve, Value::String("+02:00")), 0);
  ExpectInt(Get("getDayOfYear", eve, Value::String("Europe/Athens")), 0);
  ExpectInt(Get("getDayOfWeek", eve, Value::String("+02:00")), 5);  // Friday
  // 2008 is a leap year: December 31st is day 365 from 0.
  ExpectInt(Get("getDayOfYear", Value::Timestamp(At(1230681600))), 365);
  // 2009-02-15 is a Sunday.
  ExpectInt(Get("getDayOfWeek", Value::Timestamp(At(1234656000))), 0);
  // Before 1970 and at the ends of the range.
  ExpectInt(Get("getMilliseconds", Value::Timestamp(At(-1, 999000000))), 999);
  ExpectInt(Get("getFullYear", Value::Timestamp(MinTimestamp())), 1);
  ExpectInt(Get("getFullYear", Value::Timestamp(MaxTimestamp())), 9999);
  ExpectInt(Get("getFullYear", Value::Timestamp(MinTimestamp()),
                Value::String("-01:00")),
            0);
}

TEST_F(AccessorTest, DurationAccessorsTruncateTowardZero) {
  const Value d = Value::Duration(absl::Seconds(3730));
  ExpectInt(Get("getHours", Value::Duration(absl::Seconds(10000))), 2);
  ExpectInt(Get("getHours", d), 1);
  ExpectInt(Get("getMinutes", d), 62);
  ExpectInt(Get("getSeconds", d), 3730);
  ExpectInt(Get("getMilliseconds", d), 0);
  ExpectInt(Get("getMilliseconds", Value::Duration(absl::Nanoseconds(
                                       123321456789))),
            321);
  const Value negative = Value::Duration(absl::Milliseconds(-3730500));
  ExpectInt(Get("getHours", negative), -1);
  ExpectInt(Get("getMinutes", negative), -62);
  ExpectInt(Get("getSeconds", negative), -3730);
  ExpectInt(Get("getMilliseconds", negative), -500);
}

TEST_F(AccessorTest, Errors) {
  const Value t = Value::Timestamp(At(0));
  const Value bad_zone = Get("getHours", t, Value::String("Mars/Olympus_Mons"));
  ASSERT_TRUE(bad_zone.IsError());
  EXPECT_EQ(bad_zone.error().status().message(),
            "unknown time zone in 'getHours'");

  const Value d = Value::Duration(absl::Seconds(1));
  for (const char* accessor : {"getFullYear", "getMonth", "getDate",
                               "getDayOfMonth", "getDayOfWeek",
                               "getDayOfYear"}) {
    SCOPED_TRACE(accessor);
    const Value v = Get(accessor, d);
    ASSERT_TRUE(v.IsError());
    EXPECT_NE(v.error().status().message().find("no matching overload"),
              absl::string_view::npos);
  }
  const Value with_zone = Get("getHours", d, Value::String("UTC"));
  ASSERT_TRUE(with_zone.IsError());
  EXPECT_EQ(with_zone.error().status().message(),
            "no matching overload for 'getHours' applied to "
            "(google.protobuf.Duration, string)");
  const Value int_zone = Get("getHours", t, Value::Int(2));
  ASSERT_TRUE(int_zone.IsError());
  EXPECT_EQ(int_zone.error().status().message(),
            "no matching overload for 'getHours' applied to "
            "(google.protobuf.Timestamp, int)");
  EXPECT_TRUE(Get("getSeconds", Value::Int(1)).IsError());
}

}  // namespace
}  // namespace divert::cel
