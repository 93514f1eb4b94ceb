// Local days of timestamps, fast: the site's UTC offset is looked up once
// per hour of time and cached, except in an hour that holds a transition
// (a change to or from daylight saving time), which is converted exactly.
// The span of seconds the last answer holds for is kept too, so a run of
// timestamps in order (a log) costs a comparison each.
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
    if (static_cast<uint64_t>(unix_seconds) - static_cast<uint64_t>(span_start_) <
        span_length_) {
      return span_day_;
    }
    return DayOutsideSpan(unix_seconds);
  }

 private:
  struct Entry {
    int64_t hour = INT64_MIN;
    int32_t offset_seconds = 0;
    bool exact = false;
  };
  int32_t ExactDay(int64_t unix_seconds) const;
  int32_t DayOutsideSpan(int64_t unix_seconds);

  absl::TimeZone zone_;
  std::array<Entry, 4096> cache_;
  // The last answer, span_day_, holds for the seconds in
  // [span_start_, span_start_ + span_length_): one hour at most, within
  // one local day (none at first).
  int64_t span_start_ = 0;
  uint64_t span_length_ = 0;
  int32_t span_day_ = 0;
};

}  // namespace divert::metrics

#endif  // DIVERT_SRC_METRICS_LOCAL_DAYS_H_
