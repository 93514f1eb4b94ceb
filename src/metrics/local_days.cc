#include "metrics/local_days.h"

#include "absl/time/civil_time.h"

namespace divert::metrics {
namespace {

int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

}  // namespace

LocalDays::LocalDays(absl::TimeZone zone) : zone_(zone) {}

int32_t LocalDays::ExactDay(int64_t unix_seconds) const {
  const absl::CivilDay day =
      absl::ToCivilDay(absl::FromUnixSeconds(unix_seconds), zone_);
  return static_cast<int32_t>(day - absl::CivilDay(1970, 1, 1));
}

int32_t LocalDays::DayOf(int64_t unix_seconds) {
  const int64_t hour = FloorDiv(unix_seconds, 3600);
  Entry& entry = cache_[static_cast<uint64_t>(hour) & (cache_.size() - 1)];
  if (entry.hour != hour) {
    const absl::Time start = absl::FromUnixSeconds(hour * 3600);
    entry.hour = hour;
    entry.offset_seconds = zone_.At(start).offset;
    entry.exact =
        zone_.At(start + absl::Seconds(3599)).offset != entry.offset_seconds;
  }
  if (entry.exact) return ExactDay(unix_seconds);
  return static_cast<int32_t>(
      FloorDiv(unix_seconds + entry.offset_seconds, 86400));
}

}  // namespace divert::metrics
