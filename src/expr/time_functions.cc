// Timestamps and durations: ranges, RFC 3339 and duration strings, time
// zones and the accessor functions.
#include "expr/time_functions.h"

#include <cstdint>
#include <limits>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/numeric/int128.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/civil_time.h"

namespace divert::cel {

absl::Time MinTimestamp() {
  // 0001-01-01T00:00:00Z
  return absl::FromUnixSeconds(-62135596800);
}

absl::Time MaxTimestamp() {
  // 9999-12-31T23:59:59.999999999Z
  return absl::FromUnixSeconds(253402300799) + absl::Nanoseconds(999999999);
}

bool TimestampInRange(absl::Time t) {
  return t >= MinTimestamp() && t <= MaxTimestamp();
}

absl::Duration MinDuration() {
  return absl::Nanoseconds(std::numeric_limits<int64_t>::min());
}

absl::Duration MaxDuration() {
  return absl::Nanoseconds(std::numeric_limits<int64_t>::max());
}

bool DurationInRange(absl::Duration d) {
  return d >= MinDuration() && d <= MaxDuration();
}

namespace {

// A cursor over text being parsed.
class Scanner {
 public:
  explicit Scanner(absl::string_view text) : text_(text) {}

  bool AtEnd() const { return pos_ >= text_.size(); }
  char Peek() const { return AtEnd() ? '\0' : text_[pos_]; }
  bool Consume(char c) {
    if (Peek() != c || AtEnd()) return false;
    ++pos_;
    return true;
  }
  bool ConsumeAnyOf(absl::string_view chars, char* out) {
    if (AtEnd() || chars.find(text_[pos_]) == absl::string_view::npos) {
      return false;
    }
    *out = text_[pos_++];
    return true;
  }
  // Exactly `n` decimal digits.
  bool Digits(int n, int* value) {
    int v = 0;
    for (int i = 0; i < n; ++i) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(Peek()))) {
        return false;
      }
      v = v * 10 + (text_[pos_++] - '0');
    }
    *value = v;
    return true;
  }
  absl::string_view Rest() const { return text_.substr(pos_); }
  void Advance(size_t n) { pos_ += n; }

 private:
  absl::string_view text_;
  size_t pos_ = 0;
};

absl::Status NotRfc3339() {
  return absl::InvalidArgumentError(
      "timestamp() argument is not an RFC 3339 timestamp");
}

absl::Status BadDuration() {
  return absl::InvalidArgumentError(
      "duration() argument is not a duration such as \"1h30m\" or \"1.5s\"");
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

absl::StatusOr<absl::Time> ParseCelTimestamp(absl::string_view text) {
  Scanner s(text);
  int year, month, day, hour, minute, second;
  char sep;
  if (!s.Digits(4, &year) || !s.Consume('-') || !s.Digits(2, &month) ||
      !s.Consume('-') || !s.Digits(2, &day) || !s.ConsumeAnyOf("Tt", &sep) ||
      !s.Digits(2, &hour) || !s.Consume(':') || !s.Digits(2, &minute) ||
      !s.Consume(':') || !s.Digits(2, &second)) {
    return NotRfc3339();
  }
  int64_t nanos = 0;
  if (s.Consume('.')) {
    int digits = 0;
    while (IsDigit(s.Peek())) {
      if (++digits > 9) return NotRfc3339();
      nanos = nanos * 10 + (s.Peek() - '0');
      s.Advance(1);
    }
    if (digits == 0) return NotRfc3339();
    for (; digits < 9; ++digits) nanos *= 10;
  }
  int offset_seconds = 0;
  char zone;
  if (!s.ConsumeAnyOf("Zz+-", &zone)) return NotRfc3339();
  if (zone == '+' || zone == '-') {
    int oh, om;
    if (!s.Digits(2, &oh) || !s.Consume(':') || !s.Digits(2, &om) ||
        oh > 23 || om > 59) {
      return NotRfc3339();
    }
    offset_seconds = (oh * 60 + om) * 60 * (zone == '-' ? -1 : 1);
  }
  if (!s.AtEnd()) return NotRfc3339();
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) {
    return NotRfc3339();
  }
  // CivilDay normalizes out-of-range days (Feb 30 -> Mar 2); reject those.
  const absl::CivilDay civil_day(year, month, day);
  if (day < 1 || civil_day.day() != day || civil_day.month() != month) {
    return NotRfc3339();
  }
  const absl::CivilSecond civil(year, month, day, hour, minute, second);
  const absl::Time t = absl::FromCivil(civil, absl::UTCTimeZone()) +
                       absl::Nanoseconds(nanos) -
                       absl::Seconds(offset_seconds);
  if (!TimestampInRange(t)) {
    return absl::OutOfRangeError("timestamp out of range");
  }
  return t;
}

absl::StatusOr<absl::Duration> ParseCelDuration(absl::string_view text) {
  bool negative = false;
  if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  if (text == "0") return absl::ZeroDuration();
  if (text.empty()) return BadDuration();

  // Nanoseconds, exact; beyond 2^64 we only track that it overflowed.
  const absl::int128 kLimit = absl::int128(1) << 64;
  absl::int128 total = 0;
  bool overflow = false;
  while (!text.empty()) {
    if (!IsDigit(text[0]) && text[0] != '.') return BadDuration();
    absl::int128 whole = 0;
    int whole_digits = 0;
    while (!text.empty() && IsDigit(text[0])) {
      if (whole < kLimit) whole = whole * 10 + (text[0] - '0');
      ++whole_digits;
      text.remove_prefix(1);
    }
    absl::int128 frac = 0;
    absl::int128 frac_scale = 1;
    int frac_digits = 0;
    if (!text.empty() && text[0] == '.') {
      text.remove_prefix(1);
      while (!text.empty() && IsDigit(text[0])) {
        // Digits beyond the 18th cannot matter at nanosecond precision.
        if (frac_digits < 18) {
          frac = frac * 10 + (text[0] - '0');
          frac_scale *= 10;
        }
        ++frac_digits;
        text.remove_prefix(1);
      }
    }
    if (whole_digits == 0 && frac_digits == 0) return BadDuration();
    int64_t unit;
    if (absl::ConsumePrefix(&text, "ns")) {
      unit = 1;
    } else if (absl::ConsumePrefix(&text, "us") ||
               absl::ConsumePrefix(&text, "\xc2\xb5s") ||  // U+00B5 micro
               absl::ConsumePrefix(&text, "\xce\xbcs")) {  // U+03BC mu
      unit = 1000;
    } else if (absl::ConsumePrefix(&text, "ms")) {
      unit = 1000000;
    } else if (absl::ConsumePrefix(&text, "s")) {
      unit = 1000000000;
    } else if (absl::ConsumePrefix(&text, "m")) {
      unit = int64_t{60} * 1000000000;
    } else if (absl::ConsumePrefix(&text, "h")) {
      unit = int64_t{3600} * 1000000000;
    } else {
      return BadDuration();
    }
    if (whole >= kLimit) {
      overflow = true;
      continue;
    }
    total += whole * unit + frac * unit / frac_scale;
    if (total >= kLimit) overflow = true;
    if (overflow) total = kLimit;
  }
  const absl::int128 max = std::numeric_limits<int64_t>::max();
  if (overflow || total > max + (negative ? 1 : 0)) {
    return absl::OutOfRangeError("duration out of range");
  }
  const int64_t nanos =
      negative ? static_cast<int64_t>(-total) : static_cast<int64_t>(total);
  return absl::Nanoseconds(nanos);
}

std::string FormatCelTimestamp(absl::Time t) {
  const absl::CivilSecond c = absl::ToCivilSecond(t, absl::UTCTimeZone());
  const int64_t nanos = absl::ToInt64Nanoseconds(
      t - absl::FromCivil(c, absl::UTCTimeZone()));
  std::string text =
      absl::StrFormat("%04d-%02d-%02dT%02d:%02d:%02d", c.year(), c.month(),
                      c.day(), c.hour(), c.minute(), c.second());
  if (nanos != 0) {
    std::string frac = absl::StrFormat("%09d", nanos);
    while (frac.back() == '0') frac.pop_back();
    absl::StrAppend(&text, ".", frac);
  }
  text.push_back('Z');
  return text;
}

std::string FormatCelDuration(absl::Duration d) {
  const bool negative = d < absl::ZeroDuration();
  absl::Duration rem;
  const int64_t seconds = absl::IDivDuration(d, absl::Seconds(1), &rem);
  int64_t nanos = absl::ToInt64Nanoseconds(rem);
  std::string text = negative ? "-" : "";
  // |seconds| fits: durations are at most about 9.2e9 seconds long.
  absl::StrAppend(&text, seconds < 0 ? -seconds : seconds);
  if (nanos != 0) {
    if (nanos < 0) nanos = -nanos;
    std::string frac = absl::StrFormat("%09d", nanos);
    while (frac.back() == '0') frac.pop_back();
    absl::StrAppend(&text, ".", frac);
  }
  text.push_back('s');
  return text;
}

namespace {

// "+05:30", "-08:00", "02:00" (hours 0-23, minutes 0-59).
bool ParseFixedOffset(absl::string_view name, int* seconds) {
  int sign = 1;
  if (!name.empty() && (name[0] == '+' || name[0] == '-')) {
    sign = name[0] == '-' ? -1 : 1;
    name.remove_prefix(1);
  }
  const size_t colon = name.find(':');
  if (colon == absl::string_view::npos || colon == 0 || colon > 2 ||
      name.size() != colon + 3) {
    return false;
  }
  int hours = 0;
  for (size_t i = 0; i < colon; ++i) {
    if (!IsDigit(name[i])) return false;
    hours = hours * 10 + (name[i] - '0');
  }
  if (!IsDigit(name[colon + 1]) || !IsDigit(name[colon + 2])) return false;
  const int minutes = (name[colon + 1] - '0') * 10 + (name[colon + 2] - '0');
  if (hours > 23 || minutes > 59) return false;
  *seconds = sign * (hours * 3600 + minutes * 60);
  return true;
}

// IANA names are '/'-separated parts of letters, digits, '_', '-' and '+',
// each starting with a letter ("America/Argentina/Buenos_Aires",
// "Etc/GMT+5"). Anything else (absolute paths, "..") is rejected before
// the zoneinfo files are consulted.
bool PlausibleZoneName(absl::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  bool part_start = true;
  for (char c : name) {
    if (c == '/') {
      if (part_start) return false;
      part_start = true;
      continue;
    }
    const bool letter = absl::ascii_isalpha(static_cast<unsigned char>(c));
    if (part_start && !letter) return false;
    if (!letter && !IsDigit(c) && c != '_' && c != '-' && c != '+') {
      return false;
    }
    part_start = false;
  }
  return !part_start;
}

// Resolves a name that is not "UTC" without the cache.
bool LoadZone(absl::string_view name, absl::TimeZone* tz) {
  int offset;
  if (ParseFixedOffset(name, &offset)) {
    *tz = absl::FixedTimeZone(offset);
    return true;
  }
  return PlausibleZoneName(name) && absl::LoadTimeZone(name, tz);
}

// Zones by name (IANA names and fixed offsets), including names known not
// to be zones, so that a repeated lookup neither allocates nor touches the
// zoneinfo files. Bounded so that hostile inputs cannot grow it without
// limit: past the bound, new names are resolved without being cached.
class TimeZoneCache {
 public:
  static TimeZoneCache& Get() {
    static TimeZoneCache* cache = new TimeZoneCache();
    return *cache;
  }

  bool Find(absl::string_view name, absl::TimeZone* tz) {
    {
      absl::ReaderMutexLock lock(&mu_);
      auto it = zones_.find(name);
      if (it != zones_.end()) {
        if (!it->second.found) return false;
        *tz = it->second.zone;
        return true;
      }
    }
    Entry entry;
    entry.found = LoadZone(name, &entry.zone);
    absl::MutexLock lock(&mu_);
    if (zones_.size() < kMaxEntries) zones_.emplace(name, entry);
    if (!entry.found) return false;
    *tz = entry.zone;
    return true;
  }

 private:
  static constexpr size_t kMaxEntries = 1024;
  struct Entry {
    bool found = false;
    absl::TimeZone zone;
  };
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> zones_ ABSL_GUARDED_BY(mu_);
};

}  // namespace

absl::StatusOr<absl::TimeZone> FindTimeZone(absl::string_view name) {
  if (name == "UTC") return absl::UTCTimeZone();
  absl::TimeZone tz;
  if (name.size() <= 64 && TimeZoneCache::Get().Find(name, &tz)) return tz;
  return absl::InvalidArgumentError("unknown time zone");
}

namespace {

enum class Part {
  kFullYear,
  kMonth,
  kDate,
  kDayOfMonth,
  kDayOfWeek,
  kDayOfYear,
  kHours,
  kMinutes,
  kSeconds,
  kMilliseconds,
};

constexpr absl::string_view PartName(Part part) {
  switch (part) {
    case Part::kFullYear:
      return "getFullYear";
    case Part::kMonth:
      return "getMonth";
    case Part::kDate:
      return "getDate";
    case Part::kDayOfMonth:
      return "getDayOfMonth";
    case Part::kDayOfWeek:
      return "getDayOfWeek";
    case Part::kDayOfYear:
      return "getDayOfYear";
    case Part::kHours:
      return "getHours";
    case Part::kMinutes:
      return "getMinutes";
    case Part::kSeconds:
      return "getSeconds";
    case Part::kMilliseconds:
      return "getMilliseconds";
  }
  return "";
}

int64_t TimestampPart(Part part, const absl::TimeZone::CivilInfo& info) {
  const absl::CivilSecond& c = info.cs;
  switch (part) {
    case Part::kFullYear:
      return c.year();
    case Part::kMonth:
      return c.month() - 1;
    case Part::kDate:
      return c.day();
    case Part::kDayOfMonth:
      return c.day() - 1;
    case Part::kDayOfWeek:
      // absl counts from Monday = 0; CEL from Sunday = 0.
      return (static_cast<int>(absl::GetWeekday(absl::CivilDay(c))) + 1) % 7;
    case Part::kDayOfYear:
      return absl::GetYearDay(absl::CivilDay(c)) - 1;
    case Part::kHours:
      return c.hour();
    case Part::kMinutes:
      return c.minute();
    case Part::kSeconds:
      return c.second();
    case Part::kMilliseconds:
      return absl::ToInt64Milliseconds(info.subsecond);
  }
  return 0;
}

template <Part kPart>
Value TimeAccessor(absl::Span<const Value> args, Arena* arena) {
  const Value& target = args[0];
  if (target.kind() == ValueKind::kTimestamp) {
    absl::TimeZone tz = absl::UTCTimeZone();
    if (args.size() == 2) {
      if (args[1].kind() != ValueKind::kString) {
        return NoMatchingOverload(arena, PartName(kPart), args);
      }
      absl::StatusOr<absl::TimeZone> found =
          FindTimeZone(args[1].string_value());
      if (!found.ok()) {
        return MakeError(arena, absl::InvalidArgumentError(absl::StrCat(
                                    "unknown time zone in '", PartName(kPart),
                                    "'")));
      }
      tz = *found;
    }
    return Value::Int(TimestampPart(kPart, tz.At(target.timestamp())));
  }
  if (target.kind() == ValueKind::kDuration && args.size() == 1) {
    const absl::Duration d = target.duration();
    absl::Duration rem;  // IDivDuration needs somewhere to put it
    switch (kPart) {
      case Part::kHours:
        return Value::Int(absl::IDivDuration(d, absl::Hours(1), &rem));
      case Part::kMinutes:
        return Value::Int(absl::IDivDuration(d, absl::Minutes(1), &rem));
      case Part::kSeconds:
        return Value::Int(absl::IDivDuration(d, absl::Seconds(1), &rem));
      case Part::kMilliseconds:
        return Value::Int(absl::ToInt64Milliseconds(d) % 1000);
      default:
        break;
    }
  }
  return NoMatchingOverload(arena, PartName(kPart), args);
}

// Each accessor takes the receiver alone or the receiver and a time zone.
#define DIVERT_TIME_ACCESSOR(part)                                \
  {PartName(part), 1, CallStyle::kReceiver, &TimeAccessor<part>}, \
      {PartName(part), 2, CallStyle::kReceiver, &TimeAccessor<part>}

constexpr FunctionEntry kTimeFunctions[] = {
    DIVERT_TIME_ACCESSOR(Part::kFullYear),
    DIVERT_TIME_ACCESSOR(Part::kMonth),
    DIVERT_TIME_ACCESSOR(Part::kDate),
    DIVERT_TIME_ACCESSOR(Part::kDayOfMonth),
    DIVERT_TIME_ACCESSOR(Part::kDayOfWeek),
    DIVERT_TIME_ACCESSOR(Part::kDayOfYear),
    DIVERT_TIME_ACCESSOR(Part::kHours),
    DIVERT_TIME_ACCESSOR(Part::kMinutes),
    DIVERT_TIME_ACCESSOR(Part::kSeconds),
    DIVERT_TIME_ACCESSOR(Part::kMilliseconds),
};

#undef DIVERT_TIME_ACCESSOR

}  // namespace

absl::Span<const FunctionEntry> TimeFunctions() { return kTimeFunctions; }

}  // namespace divert::cel
