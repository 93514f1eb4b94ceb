#include "metrics/local_days.h"

#include <algorithm>

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

int32_t LocalDays::DayOutsideSpan(int64_t unix_seconds) {
  // Beyond a million years either way the arithmetic below could
  // overflow; absl converts such times (saturating) instead.
  constexpr int64_t kFarSeconds = int64_t{1} << 45;
  if (unix_seconds > kFarSeconds || unix_seconds < -kFarSeconds) {
    return ExactDay(unix_seconds);
  }
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
  const int64_t day = FloorDiv(unix_seconds + entry.offset_seconds, 86400);
  // The seconds of this hour that fall on the same local day.
  const int64_t day_start = day * 86400 - entry.offset_seconds;
  const int64_t start = std::max(hour * 3600, day_start);
  const int64_t end = std::min(hour * 3600 + 3600, day_start + 86400);
  span_start_ = start;
  span_length_ = static_cast<uint64_t>(end - start);
  span_day_ = static_cast<int32_t>(day);
  return span_day_;
}

}  // namespace divert::metrics
