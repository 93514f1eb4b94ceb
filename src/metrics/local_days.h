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
  int32_t DayOf(int64_t unix_seconds);

 private:
  struct Entry {
    int64_t hour = INT64_MIN;
    int32_t offset_seconds = 0;
    bool exact = false;
  };
  int32_t ExactDay(int64_t unix_seconds) const;

  absl::TimeZone zone_;
  std::array<Entry, 4096> cache_;
};

}  // namespace divert::metrics

#endif  // DIVERT_SRC_METRICS_LOCAL_DAYS_H_
