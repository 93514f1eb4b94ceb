// Local days of timestamps, fast: the site's UTC offset is looked up once
// per hour of time and cached, except in an hour that holds a transition
// (a change to or from daylight saving time), which is converted exactly.
#ifndef DIVERT_SRC_METRICS_LOCAL_DAYS_H_
#define DIVERT_SRC_METRICS_LOCAL_DAYS_H_

#include <array>
#include <cstdint>

#include "absl/time/time.h"

namespace divert::metrics {

class LocalDays {
 public:
  explicit LocalDays(absl::TimeZone zone);

  // Days since 1970-01-01 of the local date at `unix_seconds`.
  int32_t DayOf(int64_t unix_seconds) {
    const int64_t hour = FloorDiv(unix_seconds, 3600);
    const Entry& entry = cache_[static_cast<uint64_t>(hour) & (cache_.size() - 1)];
    if (entry.hour == hour && !entry.exact) {
      return static_cast<int32_t>(FloorDiv(unix_seconds + entry.offset_seconds, 86400));
    }
    return DayOfUncached(unix_seconds);
  }

 private:
  struct Entry {
    int64_t hour = INT64_MIN;
    int32_t offset_seconds = 0;
    bool exact = false;
  };
  static int64_t FloorDiv(int64_t a, int64_t b) {
    const int64_t q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
  }
  // DayOf when the hour is not cached or holds a transition.
  int32_t DayOfUncached(int64_t unix_seconds);
  int32_t ExactDay(int64_t unix_seconds) const;

  absl::TimeZone zone_;
  std::array<Entry, 4096> cache_;
};

}  // namespace divert::metrics

#endif  // DIVERT_SRC_METRICS_LOCAL_DAYS_H_
