// CEL's timestamps and durations: their valid ranges, parsing and
// formatting (RFC 3339 timestamps, Go-style duration strings), time zones,
// and the accessor functions (getFullYear, getHours, ...).
#ifndef DIVERT_SRC_EXPR_TIME_FUNCTIONS_H_
#define DIVERT_SRC_EXPR_TIME_FUNCTIONS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "expr/functions_internal.h"

namespace divert::cel {

// Timestamps range over 0001-01-01T00:00:00Z..9999-12-31T23:59:59.999999999Z.
absl::Time MinTimestamp();
absl::Time MaxTimestamp();
bool TimestampInRange(absl::Time t);

// Durations range over what an int64 count of nanoseconds holds (about
// ±292 years), as in other CEL implementations.
absl::Duration MinDuration();
absl::Duration MaxDuration();
bool DurationInRange(absl::Duration d);

// Parses an RFC 3339 timestamp such as "2009-02-13T23:31:30Z" or
// "2009-02-13T15:31:30.25-08:00". InvalidArgument when the text is not
// RFC 3339, OutOfRange when the time is outside the timestamp range. The
// messages never quote `text`.
absl::StatusOr<absl::Time> ParseCelTimestamp(absl::string_view text);

// Parses a duration written as Go does: an optional sign and a sequence of
// decimal numbers with units, e.g. "1h2m3.5s", "-1.5s", "100ms", "1us",
// "1µs", "1ns", "0". InvalidArgument when malformed, OutOfRange when
// outside the duration range.
absl::StatusOr<absl::Duration> ParseCelDuration(absl::string_view text);

// "2009-02-13T23:31:30Z", "9999-12-31T23:59:59.999999999Z": UTC, fractional
// seconds only when non-zero and without trailing zeros. `t` must be in
// range.
std::string FormatCelTimestamp(absl::Time t);

// Seconds with the fraction trimmed: "1.5s", "-0.000000001s", "3600s".
std::string FormatCelDuration(absl::Duration d);

// Resolves a time zone argument: "UTC", an IANA name ("America/New_York"),
// or a fixed offset "+05:30", "-08:00", "02:00". Loaded zones are cached;
// safe to call from any thread. InvalidArgument for anything else.
absl::StatusOr<absl::TimeZone> FindTimeZone(absl::string_view name);

// getFullYear, getMonth, getDate, getDayOfMonth, getDayOfWeek,
// getDayOfYear, getHours, getMinutes, getSeconds, getMilliseconds:
// receiver-style on timestamps (optionally with a time zone) and, for the
// last four, on durations.
absl::Span<const FunctionEntry> TimeFunctions();

}  // namespace divert::cel

#endif  // DIVERT_SRC_EXPR_TIME_FUNCTIONS_H_
