// Type conversions: int(), uint(), double(), string(), bool(), bytes(),
// timestamp(), duration() and dyn().
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <system_error>

#include "absl/strings/ascii.h"
#include "absl/strings/charconv.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "divert/cel/value.h"
#include "expr/functions_internal.h"
#include "expr/time_functions.h"

namespace divert::cel {
namespace {

constexpr double kTwoTo63 = 9223372036854775808.0;
constexpr double kTwoTo64 = 18446744073709551616.0;

Value OutOfRange(Arena* arena, absl::string_view function) {
  return Error(arena, absl::StatusCode::kOutOfRange,
               absl::StrCat(function, "() argument out of range"));
}

Value Unparsable(Arena* arena, absl::string_view function,
                 absl::string_view what) {
  return Error(arena, absl::StatusCode::kInvalidArgument,
               absl::StrCat(function, "() argument is not ", what));
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Decimal digits without sign into `*value`; false when empty, not all
// digits, or above 2^64 - 1.
bool ParseDigits(absl::string_view text, uint64_t* value) {
  if (text.empty()) return false;
  uint64_t v = 0;
  for (char c : text) {
    if (!IsDigit(c)) return false;
    if (__builtin_mul_overflow(v, uint64_t{10}, &v) ||
        __builtin_add_overflow(v, static_cast<uint64_t>(c - '0'), &v)) {
      return false;
    }
  }
  *value = v;
  return true;
}

// --- int() ---

Value ToInt(absl::Span<const Value> args, Arena* arena) {
  const Value& a = args[0];
  switch (a.kind()) {
    case ValueKind::kInt:
      return a;
    case ValueKind::kUint:
      if (a.uint_value() > static_cast<uint64_t>(INT64_MAX)) {
        return OutOfRange(arena, "int");
      }
      return Value::Int(static_cast<int64_t>(a.uint_value()));
    case ValueKind::kDouble: {
      // Both ends are excluded, as other CEL implementations do:
      // -2^63 itself is reported out of range.
      const double d = a.double_value();
      if (!(d > -kTwoTo63 && d < kTwoTo63)) return OutOfRange(arena, "int");
      return Value::Int(static_cast<int64_t>(d));
    }
    case ValueKind::kString: {
      absl::string_view text = a.string_value();
      bool negative = false;
      if (!text.empty() && (text[0] == '-' || text[0] == '+')) {
        negative = text[0] == '-';
        text.remove_prefix(1);
      }
      uint64_t magnitude;
      if (!ParseDigits(text, &magnitude)) {
        // Distinguish a too-long number from text that is no number.
        bool all_digits = !text.empty();
        for (char c : text) all_digits = all_digits && IsDigit(c);
        return all_digits ? OutOfRange(arena, "int")
                          : Unparsable(arena, "int", "a decimal integer");
      }
      if (negative) {
        if (magnitude > uint64_t{1} << 63) return OutOfRange(arena, "int");
        return Value::Int(static_cast<int64_t>(0 - magnitude));
      }
      if (magnitude > static_cast<uint64_t>(INT64_MAX)) {
        return OutOfRange(arena, "int");
      }
      return Value::Int(static_cast<int64_t>(magnitude));
    }
    case ValueKind::kTimestamp:
      return Value::Int(absl::ToUnixSeconds(a.timestamp()));
    default:
      return NoMatchingOverload(arena, "int", args);
  }
}

// --- uint() ---

Value ToUint(absl::Span<const Value> args, Arena* arena) {
  const Value& a = args[0];
  switch (a.kind()) {
    case ValueKind::kUint:
      return a;
    case ValueKind::kInt:
      if (a.int_value() < 0) return OutOfRange(arena, "uint");
      return Value::Uint(static_cast<uint64_t>(a.int_value()));
    case ValueKind::kDouble: {
      const double d = a.double_value();
      if (!(d >= 0 && d < kTwoTo64)) return OutOfRange(arena, "uint");
      return Value::Uint(static_cast<uint64_t>(d));
    }
    case ValueKind::kString: {
      const absl::string_view text = a.string_value();
      uint64_t v;
      if (ParseDigits(text, &v)) return Value::Uint(v);
      bool all_digits = !text.empty();
      for (char c : text) all_digits = all_digits && IsDigit(c);
      return all_digits
                 ? OutOfRange(arena, "uint")
                 : Unparsable(arena, "uint", "an unsigned decimal integer");
    }
    default:
      return NoMatchingOverload(arena, "uint", args);
  }
}

// --- double() ---

// Decimal floating point ("1.5", "-2e10", ".5", "5."), or "inf",
// "infinity", "nan" in any case, with an optional sign (not on NaN).
bool ParseDouble(absl::string_view text, double* value) {
  absl::string_view body = text;
  bool negative = false;
  if (!body.empty() && (body[0] == '+' || body[0] == '-')) {
    negative = body[0] == '-';
    body.remove_prefix(1);
  }
  if (absl::EqualsIgnoreCase(body, "inf") ||
      absl::EqualsIgnoreCase(body, "infinity")) {
    *value = negative ? -HUGE_VAL : HUGE_VAL;
    return true;
  }
  if (absl::EqualsIgnoreCase(body, "nan")) {
    if (body.size() != text.size()) return false;
    *value = std::nan("");
    return true;
  }
  // Only decimal digits, '.', and an exponent from here on.
  if (body.empty() || !(IsDigit(body[0]) || body[0] == '.')) return false;
  double v = 0;
  const absl::from_chars_result r = absl::from_chars(
      body.data(), body.data() + body.size(), v, absl::chars_format::general);
  if (r.ptr != body.data() + body.size()) return false;
  if (r.ec == std::errc::result_out_of_range) {
    // Too small rounds to zero; too large is an error.
    if (std::isinf(v) || std::fabs(v) > 1) return false;
    v = 0;
  } else if (r.ec != std::errc()) {
    return false;
  }
  *value = negative ? -v : v;
  return true;
}

Value ToDouble(absl::Span<const Value> args, Arena* arena) {
  const Value& a = args[0];
  switch (a.kind()) {
    case ValueKind::kDouble:
      return a;
    case ValueKind::kInt:
      return Value::Double(static_cast<double>(a.int_value()));
    case ValueKind::kUint:
      return Value::Double(static_cast<double>(a.uint_value()));
    case ValueKind::kString: {
      double d;
      if (!ParseDouble(a.string_value(), &d)) {
        return Unparsable(arena, "double", "a floating point number");
      }
      return Value::Double(d);
    }
    default:
      return NoMatchingOverload(arena, "double", args);
  }
}

// --- string() ---

// True when `bytes` is well-formed UTF-8 (no overlong forms, surrogates or
// code points above U+10FFFF).
bool IsValidUtf8(absl::string_view bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const auto* end = p + bytes.size();
  while (p < end) {
    const unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int n;
    unsigned char lo = 0x80, hi = 0xBF;  // bounds of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      if (c == 0xE0) lo = 0xA0;
      if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      if (c == 0xF0) lo = 0x90;
      if (c == 0xF4) hi = 0x8F;
    } else {
      return false;
    }
    if (end - p <= n) return false;
    if (p[1] < lo || p[1] > hi) return false;
    for (int i = 2; i <= n; ++i) {
      if ((p[i] & 0xC0) != 0x80) return false;
    }
    p += n + 1;
  }
  return true;
}

Value ToString(absl::Span<const Value> args, Arena* arena) {
  const Value& a = args[0];
  switch (a.kind()) {
    case ValueKind::kString:
      return a;
    case ValueKind::kBool:
      return Value::String(a.bool_value() ? "true" : "false");
    case ValueKind::kInt:  // formatted on the stack, copied to the arena
      return ArenaString(arena, absl::AlphaNum(a.int_value()).Piece());
    case ValueKind::kUint:
      return ArenaString(arena, absl::AlphaNum(a.uint_value()).Piece());
    case ValueKind::kDouble:
      return ArenaString(arena, FormatDoubleForCel(a.double_value()));
    case ValueKind::kBytes:
      if (!IsValidUtf8(a.bytes_value())) {
        return Error(arena, absl::StatusCode::kInvalidArgument,
                     "string() argument is not valid UTF-8");
      }
      return Value::String(a.bytes_value());
    case ValueKind::kTimestamp:
      return ArenaString(arena, FormatCelTimestamp(a.timestamp()));
    case ValueKind::kDuration:
      return ArenaString(arena, FormatCelDuration(a.duration()));
    default:
      return NoMatchingOverload(arena, "string", args);
  }
}

// --- bool(), bytes(), dyn() ---

Value ToBool(absl::Span<const Value> args, Arena* arena) {
  const Value& a = args[0];
  if (a.kind() == ValueKind::kBool) return a;
  if (a.kind() == ValueKind::kString) {
    const absl::string_view s = a.string_value();
    if (s == "1" || s == "t" || s == "true" || s == "TRUE" || s == "True") {
      return Value::Bool(true);
    }
    if (s == "0" || s == "f" || s == "false" || s == "FALSE" || s == "False") {
      return Value::Bool(false);
    }
    return Unparsable(arena, "bool", "a boolean");
  }
  return NoMatchingOverload(arena, "bool", args);
}

Value ToBytes(absl::Span<const Value> args, Arena* arena) {
  const Value& a = args[0];
  if (a.kind() == ValueKind::kBytes) return a;
  if (a.kind() == ValueKind::kString) return Value::Bytes(a.string_value());
  return NoMatchingOverload(arena, "bytes", args);
}

Value ToDyn(absl::Span<const Value> args, Arena*) { return args[0]; }

// --- timestamp(), duration() ---

Value ToTimestamp(absl::Span<const Value> args, Arena* arena) {
  const Value& a = args[0];
  switch (a.kind()) {
    case ValueKind::kTimestamp:
      return a;
    case ValueKind::kInt: {
      const int64_t seconds = a.int_value();
      // Compare seconds before building a Time: no overflow anywhere.
      if (seconds < absl::ToUnixSeconds(MinTimestamp()) ||
          seconds > absl::ToUnixSeconds(MaxTimestamp())) {
        return Error(arena, absl::StatusCode::kOutOfRange,
                     "timestamp out of range");
      }
      return Value::Timestamp(absl::FromUnixSeconds(seconds));
    }
    case ValueKind::kString: {
      absl::StatusOr<absl::Time> t = ParseCelTimestamp(a.string_value());
      if (!t.ok()) return MakeError(arena, t.status());
      return Value::Timestamp(*t);
    }
    default:
      return NoMatchingOverload(arena, "timestamp", args);
  }
}

Value ToDuration(absl::Span<const Value> args, Arena* arena) {
  const Value& a = args[0];
  switch (a.kind()) {
    case ValueKind::kDuration:
      return a;
    case ValueKind::kString: {
      absl::StatusOr<absl::Duration> d = ParseCelDuration(a.string_value());
      if (!d.ok()) return MakeError(arena, d.status());
      return Value::Duration(*d);
    }
    default:
      return NoMatchingOverload(arena, "duration", args);
  }
}

constexpr FunctionEntry kConversionFunctions[] = {
    {"int", 1, CallStyle::kGlobal, &ToInt},
    {"uint", 1, CallStyle::kGlobal, &ToUint},
    {"double", 1, CallStyle::kGlobal, &ToDouble},
    {"string", 1, CallStyle::kGlobal, &ToString},
    {"bool", 1, CallStyle::kGlobal, &ToBool},
    {"bytes", 1, CallStyle::kGlobal, &ToBytes},
    {"dyn", 1, CallStyle::kGlobal, &ToDyn},
    {"timestamp", 1, CallStyle::kGlobal, &ToTimestamp},
    {"duration", 1, CallStyle::kGlobal, &ToDuration},
};

}  // namespace

std::string FormatDoubleForCel(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "+Inf" : "-Inf";
  // Shortest "%e" form that reads back exactly: "d.ddde±XX".
  char buf[48];
  for (int precision = 0; precision <= 16; ++precision) {
    std::snprintf(buf, sizeof(buf), "%.*e", precision, d);
    if (std::strtod(buf, nullptr) == d) break;
  }
  absl::string_view text(buf);
  std::string sign;
  if (!text.empty() && text[0] == '-') {
    sign = "-";
    text.remove_prefix(1);
  }
  const size_t e = text.find('e');
  std::string digits;
  for (char c : text.substr(0, e)) {
    if (c != '.') digits.push_back(c);
  }
  const int exponent = std::atoi(std::string(text.substr(e + 1)).c_str());
  // strconv.FormatFloat's rule for the shortest form: exponent form below
  // 1e-4 and from 1e6 up.
  if (exponent < -4 || exponent >= 6) {
    std::string out = sign;
    out.push_back(digits[0]);
    if (digits.size() > 1) absl::StrAppend(&out, ".", digits.substr(1));
    const int abs_exp = exponent < 0 ? -exponent : exponent;
    absl::StrAppend(&out, exponent < 0 ? "e-" : "e+", abs_exp < 10 ? "0" : "",
                    abs_exp);
    return out;
  }
  std::string out = sign;
  if (exponent < 0) {
    out.append("0.");
    out.append(static_cast<size_t>(-exponent - 1), '0');
    out.append(digits);
    return out;
  }
  const size_t int_digits = static_cast<size_t>(exponent) + 1;
  if (digits.size() <= int_digits) {
    out.append(digits);
    out.append(int_digits - digits.size(), '0');
    return out;
  }
  absl::StrAppend(&out, digits.substr(0, int_digits), ".",
                  digits.substr(int_digits));
  return out;
}

absl::Span<const FunctionEntry> ConversionFunctions() {
  return kConversionFunctions;
}

}  // namespace divert::cel
