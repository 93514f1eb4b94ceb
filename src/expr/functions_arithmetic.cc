// Arithmetic: + - * / % and unary minus over int, uint and double (with
// overflow checks), concatenation of strings, bytes and lists, and
// timestamp/duration arithmetic (with range checks).
#include <cstdint>
#include <cstring>
#include <limits>
#include <new>

#include "absl/time/time.h"
#include "divert/cel/value.h"
#include "expr/functions_internal.h"
#include "expr/time_functions.h"
#include "google/protobuf/arena.h"

namespace divert::cel {
namespace {

Value Overflow(Arena* arena) {
  return Error(arena, absl::StatusCode::kOutOfRange, "integer overflow");
}

Value TimestampResult(Arena* arena, absl::Time t) {
  if (!TimestampInRange(t)) {
    return Error(arena, absl::StatusCode::kOutOfRange,
                 "timestamp out of range");
  }
  return Value::Timestamp(t);
}

Value DurationResult(Arena* arena, absl::Duration d) {
  if (!DurationInRange(d)) {
    return Error(arena, absl::StatusCode::kOutOfRange,
                 "duration out of range");
  }
  return Value::Duration(d);
}

// Concatenates two byte sequences on the arena (or returns a side that is
// empty, without copying).
absl::string_view Concat(Arena* arena, absl::string_view a,
                         absl::string_view b) {
  if (a.empty()) return b;
  if (b.empty()) return a;
  char* mem = static_cast<char*>(arena->AllocateAligned(a.size() + b.size(), 1));
  std::memcpy(mem, a.data(), a.size());
  std::memcpy(mem + a.size(), b.data(), b.size());
  return absl::string_view(mem, a.size() + b.size());
}

Value ConcatLists(Arena* arena, const Value& a, const Value& b) {
  const ListValue& x = a.list();
  const ListValue& y = b.list();
  if (x.size() == 0) return b;
  if (y.size() == 0) return a;
  const size_t n = x.size() + y.size();
  Value* elements = static_cast<Value*>(
      arena->AllocateAligned(n * sizeof(Value), alignof(Value)));
  for (size_t i = 0; i < x.size(); ++i) {
    new (&elements[i]) Value(x.Get(i, arena));
  }
  for (size_t i = 0; i < y.size(); ++i) {
    new (&elements[x.size() + i]) Value(y.Get(i, arena));
  }
  return Value::List(google::protobuf::Arena::Create<ArrayListValue>(
      arena, absl::Span<const Value>(elements, n)));
}

Value Add(absl::Span<const Value> args, Arena* arena) {
  const Value& a = args[0];
  const Value& b = args[1];
  switch (a.kind()) {
    case ValueKind::kInt:
      if (b.kind() == ValueKind::kInt) {
        int64_t r;
        if (__builtin_add_overflow(a.int_value(), b.int_value(), &r)) {
          return Overflow(arena);
        }
        return Value::Int(r);
      }
      break;
    case ValueKind::kUint:
      if (b.kind() == ValueKind::kUint) {
        uint64_t r;
        if (__builtin_add_overflow(a.uint_value(), b.uint_value(), &r)) {
          return Overflow(arena);
        }
        return Value::Uint(r);
      }
      break;
    case ValueKind::kDouble:
      if (b.kind() == ValueKind::kDouble) {
        return Value::Double(a.double_value() + b.double_value());
      }
      break;
    case ValueKind::kString:
      if (b.kind() == ValueKind::kString) {
        return Value::String(Concat(arena, a.string_value(), b.string_value()));
      }
      break;
    case ValueKind::kBytes:
      if (b.kind() == ValueKind::kBytes) {
        return Value::Bytes(Concat(arena, a.bytes_value(), b.bytes_value()));
      }
      break;
    case ValueKind::kList:
      if (b.kind() == ValueKind::kList) return ConcatLists(arena, a, b);
      break;
    case ValueKind::kTimestamp:
      if (b.kind() == ValueKind::kDuration) {
        return TimestampResult(arena, a.timestamp() + b.duration());
      }
      break;
    case ValueKind::kDuration:
      if (b.kind() == ValueKind::kDuration) {
        return DurationResult(arena, a.duration() + b.duration());
      }
      if (b.kind() == ValueKind::kTimestamp) {
        return TimestampResult(arena, b.timestamp() + a.duration());
      }
      break;
    default:
      break;
  }
  return NoMatchingOverload(arena, "_+_", args);
}

Value Subtract(absl::Span<const Value> args, Arena* arena) {
  const Value& a = args[0];
  const Value& b = args[1];
  switch (a.kind()) {
    case ValueKind::kInt:
      if (b.kind() == ValueKind::kInt) {
        int64_t r;
        if (__builtin_sub_overflow(a.int_value(), b.int_value(), &r)) {
          return Overflow(arena);
        }
        return Value::Int(r);
      }
      break;
    case ValueKind::kUint:
      if (b.kind() == ValueKind::kUint) {
        uint64_t r;
        if (__builtin_sub_overflow(a.uint_value(), b.uint_value(), &r)) {
          return Overflow(arena);
        }
        return Value::Uint(r);
      }
      break;
    case ValueKind::kDouble:
      if (b.kind() == ValueKind::kDouble) {
        return Value::Double(a.double_value() - b.double_value());
      }
      break;
    case ValueKind::kTimestamp:
      if (b.kind() == ValueKind::kDuration) {
        return TimestampResult(arena, a.timestamp() - b.duration());
      }
      if (b.kind() == ValueKind::kTimestamp) {
        return DurationResult(arena, a.timestamp() - b.timestamp());
      }
      break;
    case ValueKind::kDuration:
      if (b.kind() == ValueKind::kDuration) {
        return DurationResult(arena, a.duration() - b.duration());
      }
      break;
    default:
      break;
  }
  return NoMatchingOverload(arena, "_-_", args);
}

Value Multiply(absl::Span<const Value> args, Arena* arena) {
  const Value& a = args[0];
  const Value& b = args[1];
  if (a.kind() == ValueKind::kInt && b.kind() == ValueKind::kInt) {
    int64_t r;
    if (__builtin_mul_overflow(a.int_value(), b.int_value(), &r)) {
      return Overflow(arena);
    }
    return Value::Int(r);
  }
  if (a.kind() == ValueKind::kUint && b.kind() == ValueKind::kUint) {
    uint64_t r;
    if (__builtin_mul_overflow(a.uint_value(), b.uint_value(), &r)) {
      return Overflow(arena);
    }
    return Value::Uint(r);
  }
  if (a.kind() == ValueKind::kDouble && b.kind() == ValueKind::kDouble) {
    return Value::Double(a.double_value() * b.double_value());
  }
  return NoMatchingOverload(arena, "_*_", args);
}

Value Divide(absl::Span<const Value> args, Arena* arena) {
  const Value& a = args[0];
  const Value& b = args[1];
  if (a.kind() == ValueKind::kInt && b.kind() == ValueKind::kInt) {
    if (b.int_value() == 0) {
      return Error(arena, absl::StatusCode::kInvalidArgument,
                   "division by zero");
    }
    if (a.int_value() == std::numeric_limits<int64_t>::min() &&
        b.int_value() == -1) {
      return Overflow(arena);
    }
    return Value::Int(a.int_value() / b.int_value());
  }
  if (a.kind() == ValueKind::kUint && b.kind() == ValueKind::kUint) {
    if (b.uint_value() == 0) {
      return Error(arena, absl::StatusCode::kInvalidArgument,
                   "division by zero");
    }
    return Value::Uint(a.uint_value() / b.uint_value());
  }
  if (a.kind() == ValueKind::kDouble && b.kind() == ValueKind::kDouble) {
    return Value::Double(a.double_value() / b.double_value());
  }
  return NoMatchingOverload(arena, "_/_", args);
}

Value Modulo(absl::Span<const Value> args, Arena* arena) {
  const Value& a = args[0];
  const Value& b = args[1];
  if (a.kind() == ValueKind::kInt && b.kind() == ValueKind::kInt) {
    if (b.int_value() == 0) {
      return Error(arena, absl::StatusCode::kInvalidArgument,
                   "modulus by zero");
    }
    if (a.int_value() == std::numeric_limits<int64_t>::min() &&
        b.int_value() == -1) {
      return Overflow(arena);
    }
    return Value::Int(a.int_value() % b.int_value());
  }
  if (a.kind() == ValueKind::kUint && b.kind() == ValueKind::kUint) {
    if (b.uint_value() == 0) {
      return Error(arena, absl::StatusCode::kInvalidArgument,
                   "modulus by zero");
    }
    return Value::Uint(a.uint_value() % b.uint_value());
  }
  return NoMatchingOverload(arena, "_%_", args);
}

Value Negate(absl::Span<const Value> args, Arena* arena) {
  const Value& a = args[0];
  if (a.kind() == ValueKind::kInt) {
    if (a.int_value() == std::numeric_limits<int64_t>::min()) {
      return Overflow(arena);
    }
    return Value::Int(-a.int_value());
  }
  if (a.kind() == ValueKind::kDouble) return Value::Double(-a.double_value());
  return NoMatchingOverload(arena, "-_", args);
}

constexpr FunctionEntry kArithmeticFunctions[] = {
    {"_+_", 2, CallStyle::kGlobal, &Add},
    {"_-_", 2, CallStyle::kGlobal, &Subtract},
    {"_*_", 2, CallStyle::kGlobal, &Multiply},
    {"_/_", 2, CallStyle::kGlobal, &Divide},
    {"_%_", 2, CallStyle::kGlobal, &Modulo},
    {"-_", 1, CallStyle::kGlobal, &Negate},
};

}  // namespace

absl::Span<const FunctionEntry> ArithmeticFunctions() {
  return kArithmeticFunctions;
}

}  // namespace divert::cel
