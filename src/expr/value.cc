// Runtime values of the CEL engine: kind names, error and unknown values,
// arena-backed strings and lists, the array map, CEL equality and ordering.
#include "divert/cel/value.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iterator>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "google/protobuf/arena.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/util/message_differencer.h"

namespace divert::cel {
namespace {

// 2^63 and 2^64 as doubles (both exactly representable).
constexpr double kTwoTo63 = 9223372036854775808.0;
constexpr double kTwoTo64 = 18446744073709551616.0;

// Maps with more entries than this get a sorted index for lookups.
constexpr size_t kLinearLookupMax = 16;

template <typename T>
Ordering OrderOf(const T& a, const T& b) {
  if (a < b) return Ordering::kLess;
  if (b < a) return Ordering::kGreater;
  return Ordering::kEqual;
}

Ordering Reverse(Ordering o) {
  switch (o) {
    case Ordering::kLess:
      return Ordering::kGreater;
    case Ordering::kGreater:
      return Ordering::kLess;
    default:
      return o;
  }
}

Ordering CompareIntUint(int64_t i, uint64_t u) {
  if (i < 0) return Ordering::kLess;
  return OrderOf(static_cast<uint64_t>(i), u);
}

// Orders an integer against a double exactly: no rounding of the integer.
Ordering CompareIntDouble(int64_t i, double d) {
  if (std::isnan(d)) return Ordering::kUnordered;
  if (d >= kTwoTo63) return Ordering::kLess;
  if (d < -kTwoTo63) return Ordering::kGreater;
  // |d| < 2^63 here, so its integral part fits in an int64 exactly.
  const double whole = std::trunc(d);
  const int64_t t = static_cast<int64_t>(whole);
  if (i < t) return Ordering::kLess;
  if (i > t) return Ordering::kGreater;
  const double frac = d - whole;
  if (frac > 0) return Ordering::kLess;
  if (frac < 0) return Ordering::kGreater;
  return Ordering::kEqual;
}

Ordering CompareUintDouble(uint64_t u, double d) {
  if (std::isnan(d)) return Ordering::kUnordered;
  if (d >= kTwoTo64) return Ordering::kLess;
  if (d < 0) return Ordering::kGreater;
  const double whole = std::trunc(d);
  const uint64_t t = static_cast<uint64_t>(whole);
  if (u < t) return Ordering::kLess;
  if (u > t) return Ordering::kGreater;
  if (d - whole > 0) return Ordering::kLess;
  return Ordering::kEqual;
}

Ordering CompareDoubles(double a, double b) {
  if (std::isnan(a) || std::isnan(b)) return Ordering::kUnordered;
  return OrderOf(a, b);
}

// Numbers of any of the three kinds, ordered by mathematical value.
Ordering CompareNumbers(const Value& a, const Value& b) {
  switch (a.kind()) {
    case ValueKind::kInt:
      switch (b.kind()) {
        case ValueKind::kInt:
          return OrderOf(a.int_value(), b.int_value());
        case ValueKind::kUint:
          return CompareIntUint(a.int_value(), b.uint_value());
        case ValueKind::kDouble:
          return CompareIntDouble(a.int_value(), b.double_value());
        default:
          break;
      }
      break;
    case ValueKind::kUint:
      switch (b.kind()) {
        case ValueKind::kInt:
          return Reverse(CompareIntUint(b.int_value(), a.uint_value()));
        case ValueKind::kUint:
          return OrderOf(a.uint_value(), b.uint_value());
        case ValueKind::kDouble:
          return CompareUintDouble(a.uint_value(), b.double_value());
        default:
          break;
      }
      break;
    case ValueKind::kDouble:
      switch (b.kind()) {
        case ValueKind::kInt:
          return Reverse(CompareIntDouble(b.int_value(), a.double_value()));
        case ValueKind::kUint:
          return Reverse(CompareUintDouble(b.uint_value(), a.double_value()));
        case ValueKind::kDouble:
          return CompareDoubles(a.double_value(), b.double_value());
        default:
          break;
      }
      break;
    default:
      break;
  }
  return Ordering::kNoOverload;
}

// Byte-wise comparison; for UTF-8 this is code point order.
Ordering CompareBytes(absl::string_view a, absl::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  const int c = n == 0 ? 0 : std::memcmp(a.data(), b.data(), n);
  if (c < 0) return Ordering::kLess;
  if (c > 0) return Ordering::kGreater;
  return OrderOf(a.size(), b.size());
}

// --- Map key ordering for the sorted index of large maps ---

// Keys sort first by group (bool, number, string), then by value; numbers
// of different kinds sort by mathematical value, so an int and a uint with
// the same value are the same key.
int KeyGroup(const Value& key) {
  switch (key.kind()) {
    case ValueKind::kBool:
      return 0;
    case ValueKind::kInt:
    case ValueKind::kUint:
    case ValueKind::kDouble:
      return 1;
    case ValueKind::kString:
      return 2;
    default:
      return 3;
  }
}

// A strict weak order over valid map keys.
bool KeyLess(const Value& a, const Value& b) {
  const int ga = KeyGroup(a), gb = KeyGroup(b);
  if (ga != gb) return ga < gb;
  switch (ga) {
    case 0:
      return a.bool_value() < b.bool_value();
    case 1:
      return CompareNumbers(a, b) == Ordering::kLess;
    case 2:
      return CompareBytes(a.string_value(), b.string_value()) ==
             Ordering::kLess;
    default:
      return false;
  }
}

// Map key equality: CEL equality restricted to scalar keys.
bool KeyEquals(const Value& entry_key, const Value& key) {
  if (entry_key.kind() == key.kind()) {
    switch (key.kind()) {
      case ValueKind::kBool:
        return entry_key.bool_value() == key.bool_value();
      case ValueKind::kInt:
        return entry_key.int_value() == key.int_value();
      case ValueKind::kUint:
        return entry_key.uint_value() == key.uint_value();
      case ValueKind::kString:
        return entry_key.string_value() == key.string_value();
      default:
        break;
    }
  }
  if (entry_key.IsNumber() && key.IsNumber()) {
    return CompareNumbers(entry_key, key) == Ordering::kEqual;
  }
  return false;
}

// Allocates uninitialized storage for `n` values on `arena`.
Value* AllocateValues(Arena* arena, size_t n) {
  if (n == 0) return nullptr;
  void* mem = arena->AllocateAligned(n * sizeof(Value), alignof(Value));
  return static_cast<Value*>(mem);
}

// --- DebugString helpers ---

void AppendQuoted(std::string* out, absl::string_view text, bool bytes) {
  if (bytes) out->push_back('b');
  out->push_back('"');
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20 || c == 0x7f || (bytes && c >= 0x80)) {
          absl::StrAppendFormat(out, "\\x%02x", c);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  }
  out->push_back('"');
}

// The shortest text that reads back as `d`, always with a '.' or exponent
// so that it reads as a double.
std::string DoubleText(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "+Infinity" : "-Infinity";
  char buf[40];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof(buf), "%.*g", precision, d);
    if (std::strtod(buf, nullptr) == d) break;
  }
  std::string text(buf);
  if (text.find_first_of(".eEn") == std::string::npos) text.append(".0");
  return text;
}

std::string DurationText(absl::Duration d) {
  // Seconds with up to nine fractional digits, trailing zeros trimmed.
  const bool negative = d < absl::ZeroDuration();
  absl::Duration rem;
  const int64_t seconds = absl::IDivDuration(d, absl::Seconds(1), &rem);
  int64_t nanos = absl::ToInt64Nanoseconds(rem);
  std::string text = negative ? "-" : "";
  absl::StrAppend(&text, seconds < 0 ? -static_cast<uint64_t>(seconds)
                                     : static_cast<uint64_t>(seconds));
  if (nanos != 0) {
    if (nanos < 0) nanos = -nanos;
    std::string frac = absl::StrFormat("%09d", nanos);
    while (!frac.empty() && frac.back() == '0') frac.pop_back();
    absl::StrAppend(&text, ".", frac);
  }
  text.push_back('s');
  return text;
}

void AppendDebugString(std::string* out, const Value& value, int depth);

void AppendDebugString(std::string* out, const Value& value, int depth) {
  // The value itself bounds the depth (it was built by a bounded
  // expression), but guard against cyclic bindings anyway.
  if (depth > 100) {
    out->append("...");
    return;
  }
  switch (value.kind()) {
    case ValueKind::kNull:
      out->append("null");
      return;
    case ValueKind::kBool:
      out->append(value.bool_value() ? "true" : "false");
      return;
    case ValueKind::kInt:
      absl::StrAppend(out, value.int_value());
      return;
    case ValueKind::kUint:
      absl::StrAppend(out, value.uint_value(), "u");
      return;
    case ValueKind::kDouble:
      out->append(DoubleText(value.double_value()));
      return;
    case ValueKind::kString:
      AppendQuoted(out, value.string_value(), /*bytes=*/false);
      return;
    case ValueKind::kBytes:
      AppendQuoted(out, value.bytes_value(), /*bytes=*/true);
      return;
    case ValueKind::kList: {
      Arena arena;
      const ListValue& list = value.list();
      out->push_back('[');
      for (size_t i = 0; i < list.size(); ++i) {
        if (i > 0) out->append(", ");
        AppendDebugString(out, list.Get(i, &arena), depth + 1);
      }
      out->push_back(']');
      return;
    }
    case ValueKind::kMap: {
      Arena arena;
      const MapValue& map = value.map();
      const ListValue* keys = map.Keys(&arena);
      out->push_back('{');
      for (size_t i = 0; i < keys->size(); ++i) {
        if (i > 0) out->append(", ");
        Value key = keys->Get(i, &arena);
        Value entry;
        AppendDebugString(out, key, depth + 1);
        out->append(": ");
        if (map.Find(key, &arena, &entry)) {
          AppendDebugString(out, entry, depth + 1);
        } else {
          out->append("?");
        }
      }
      out->push_back('}');
      return;
    }
    case ValueKind::kMessage: {
      const google::protobuf::Message& m = value.message();
      absl::StrAppend(out, m.GetDescriptor()->full_name(), "{",
                      m.ShortDebugString(), "}");
      return;
    }
    case ValueKind::kTimestamp:
      absl::StrAppend(out, "timestamp(\"",
                      absl::FormatTime("%Y-%m-%d%ET%H:%M:%E*SZ", value.timestamp(),
                                       absl::UTCTimeZone()),
                      "\")");
      return;
    case ValueKind::kDuration:
      absl::StrAppend(out, "duration(\"", DurationText(value.duration()),
                      "\")");
      return;
    case ValueKind::kError:
      absl::StrAppend(out, "error(", value.error().status().ToString(), ")");
      return;
    case ValueKind::kUnknown:
      absl::StrAppend(out, "unknown(",
                      absl::StrJoin(value.unknown().attributes(), ", "), ")");
      return;
  }
}

}  // namespace

absl::string_view KindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kNull:
      return "null_type";
    case ValueKind::kBool:
      return "bool";
    case ValueKind::kInt:
      return "int";
    case ValueKind::kUint:
      return "uint";
    case ValueKind::kDouble:
      return "double";
    case ValueKind::kString:
      return "string";
    case ValueKind::kBytes:
      return "bytes";
    case ValueKind::kList:
      return "list";
    case ValueKind::kMap:
      return "map";
    case ValueKind::kMessage:
      return "message";
    case ValueKind::kTimestamp:
      return "google.protobuf.Timestamp";
    case ValueKind::kDuration:
      return "google.protobuf.Duration";
    case ValueKind::kError:
      return "error";
    case ValueKind::kUnknown:
      return "unknown";
  }
  return "unknown";
}

UnknownValue::UnknownValue(std::vector<std::string> attributes)
    : attributes_(std::move(attributes)) {
  std::sort(attributes_.begin(), attributes_.end());
  attributes_.erase(std::unique(attributes_.begin(), attributes_.end()),
                    attributes_.end());
}

// --- ArrayMapValue ---

ArrayMapValue::ArrayMapValue(absl::Span<const std::pair<Value, Value>> entries,
                             Arena* arena)
    : entries_(entries) {
  if (entries_.size() <= kLinearLookupMax || arena == nullptr) return;
  auto* index = Arena::Create<std::vector<uint32_t>>(arena);
  index->resize(entries_.size());
  for (size_t i = 0; i < entries_.size(); ++i) {
    (*index)[i] = static_cast<uint32_t>(i);
  }
  std::sort(index->begin(), index->end(), [this](uint32_t a, uint32_t b) {
    return KeyLess(entries_[a].first, entries_[b].first);
  });
  sorted_ = index;
}

bool ArrayMapValue::Find(const Value& key, Arena*, Value* value) const {
  Value probe = key;
  switch (key.kind()) {
    case ValueKind::kBool:
    case ValueKind::kInt:
    case ValueKind::kUint:
    case ValueKind::kString:
      break;
    case ValueKind::kDouble: {
      // Only an integral double can equal an int or uint key.
      const double d = key.double_value();
      if (!std::isfinite(d) || std::trunc(d) != d) return false;
      if (d >= -kTwoTo63 && d < kTwoTo63) {
        probe = Value::Int(static_cast<int64_t>(d));
      } else if (d >= 0 && d < kTwoTo64) {
        probe = Value::Uint(static_cast<uint64_t>(d));
      } else {
        return false;
      }
      break;
    }
    default:
      return false;
  }
  if (sorted_ == nullptr) {
    for (const auto& entry : entries_) {
      if (KeyEquals(entry.first, probe)) {
        *value = entry.second;
        return true;
      }
    }
    return false;
  }
  auto it = std::lower_bound(
      sorted_->begin(), sorted_->end(), probe,
      [this](uint32_t i, const Value& k) {
        return KeyLess(entries_[i].first, k);
      });
  if (it == sorted_->end() || !KeyEquals(entries_[*it].first, probe)) {
    return false;
  }
  *value = entries_[*it].second;
  return true;
}

const ListValue* ArrayMapValue::Keys(Arena* arena) const {
  Value* keys = AllocateValues(arena, entries_.size());
  for (size_t i = 0; i < entries_.size(); ++i) {
    new (&keys[i]) Value(entries_[i].first);
  }
  return Arena::Create<ArrayListValue>(
      arena, absl::Span<const Value>(keys, entries_.size()));
}

// --- Helpers ---

Value MakeError(Arena* arena, absl::Status status) {
  return Value::Error(Arena::Create<ErrorValue>(arena, std::move(status)));
}

Value NoMatchingOverload(Arena* arena, absl::string_view function,
                         absl::Span<const Value> args) {
  std::string message =
      absl::StrCat("no matching overload for '", function, "' applied to (");
  for (size_t i = 0; i < args.size(); ++i) {
    if (i > 0) message.append(", ");
    if (args[i].kind() == ValueKind::kMessage) {
      message.append(args[i].message().GetDescriptor()->full_name());
    } else {
      message.append(KindName(args[i].kind()).data(),
                     KindName(args[i].kind()).size());
    }
  }
  message.push_back(')');
  return MakeError(arena, absl::InvalidArgumentError(message));
}

Value MakeUnknown(Arena* arena, std::vector<std::string> attributes) {
  return Value::Unknown(
      Arena::Create<UnknownValue>(arena, std::move(attributes)));
}

Value MergeUnknowns(Arena* arena, const Value& a, const Value& b) {
  if (!a.IsUnknown()) return b;
  if (!b.IsUnknown()) return a;
  absl::Span<const std::string> x = a.unknown().attributes();
  absl::Span<const std::string> y = b.unknown().attributes();
  if (std::includes(x.begin(), x.end(), y.begin(), y.end())) return a;
  if (std::includes(y.begin(), y.end(), x.begin(), x.end())) return b;
  std::vector<std::string> merged;
  merged.reserve(x.size() + y.size());
  std::set_union(x.begin(), x.end(), y.begin(), y.end(),
                 std::back_inserter(merged));
  return MakeUnknown(arena, std::move(merged));
}

namespace {
absl::string_view CopyText(Arena* arena, absl::string_view text) {
  if (text.empty()) return absl::string_view();
  char* mem = static_cast<char*>(arena->AllocateAligned(text.size(), 1));
  std::memcpy(mem, text.data(), text.size());
  return absl::string_view(mem, text.size());
}
}  // namespace

Value ArenaString(Arena* arena, absl::string_view text) {
  return Value::String(CopyText(arena, text));
}

Value ArenaBytes(Arena* arena, absl::string_view bytes) {
  return Value::Bytes(CopyText(arena, bytes));
}

Value ArenaList(Arena* arena, absl::Span<const Value> elements) {
  Value* copy = AllocateValues(arena, elements.size());
  for (size_t i = 0; i < elements.size(); ++i) {
    new (&copy[i]) Value(elements[i]);
  }
  return Value::List(Arena::Create<ArrayListValue>(
      arena, absl::Span<const Value>(copy, elements.size())));
}

bool ValueEquals(const Value& a, const Value& b, Arena* arena) {
  if (a.IsNumber() && b.IsNumber()) {
    return CompareNumbers(a, b) == Ordering::kEqual;
  }
  if (a.kind() != b.kind()) return false;
  switch (a.kind()) {
    case ValueKind::kNull:
      return true;
    case ValueKind::kBool:
      return a.bool_value() == b.bool_value();
    case ValueKind::kString:
      return a.string_value() == b.string_value();
    case ValueKind::kBytes:
      return a.bytes_value() == b.bytes_value();
    case ValueKind::kTimestamp:
      return a.timestamp() == b.timestamp();
    case ValueKind::kDuration:
      return a.duration() == b.duration();
    case ValueKind::kList: {
      const ListValue& x = a.list();
      const ListValue& y = b.list();
      if (x.size() != y.size()) return false;
      if (&x == &y) return true;
      for (size_t i = 0; i < x.size(); ++i) {
        if (!ValueEquals(x.Get(i, arena), y.Get(i, arena), arena)) {
          return false;
        }
      }
      return true;
    }
    case ValueKind::kMap: {
      const MapValue& x = a.map();
      const MapValue& y = b.map();
      if (x.size() != y.size()) return false;
      if (&x == &y) return true;
      const ListValue* keys = x.Keys(arena);
      for (size_t i = 0; i < keys->size(); ++i) {
        const Value key = keys->Get(i, arena);
        Value xv, yv;
        if (!x.Find(key, arena, &xv) || !y.Find(key, arena, &yv)) {
          return false;
        }
        if (!ValueEquals(xv, yv, arena)) return false;
      }
      return true;
    }
    case ValueKind::kMessage: {
      const google::protobuf::Message& x = a.message();
      const google::protobuf::Message& y = b.message();
      if (&x == &y) return true;
      if (x.GetDescriptor() != y.GetDescriptor()) return false;
      return google::protobuf::util::MessageDifferencer::Equals(x, y);
    }
    case ValueKind::kError:
    case ValueKind::kUnknown:
    default:
      return false;
  }
}

Ordering CompareValues(const Value& a, const Value& b) {
  if (a.IsNumber() && b.IsNumber()) return CompareNumbers(a, b);
  if (a.kind() != b.kind()) return Ordering::kNoOverload;
  switch (a.kind()) {
    case ValueKind::kBool:
      return OrderOf(a.bool_value(), b.bool_value());
    case ValueKind::kString:
      return CompareBytes(a.string_value(), b.string_value());
    case ValueKind::kBytes:
      return CompareBytes(a.bytes_value(), b.bytes_value());
    case ValueKind::kTimestamp:
      return OrderOf(a.timestamp(), b.timestamp());
    case ValueKind::kDuration:
      return OrderOf(a.duration(), b.duration());
    default:
      return Ordering::kNoOverload;
  }
}

bool ValidMapKey(const Value& key) {
  switch (key.kind()) {
    case ValueKind::kBool:
    case ValueKind::kInt:
    case ValueKind::kUint:
    case ValueKind::kString:
      return true;
    default:
      return false;
  }
}

std::string DebugString(const Value& value) {
  std::string out;
  AppendDebugString(&out, value, 0);
  return out;
}

}  // namespace divert::cel
