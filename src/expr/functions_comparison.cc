// Comparisons: < <= > >= (CompareValues), == != (ValueEquals) and logical
// not.
#include "divert/cel/value.h"
#include "expr/functions_internal.h"

namespace divert::cel {
namespace {

// Each relation says which orderings make it true. A NaN operand makes
// every relation false; kinds that cannot be ordered are an error.
template <bool kLess, bool kEqual, bool kGreater>
Value Relation(absl::string_view name, absl::Span<const Value> args,
               Arena* arena) {
  switch (CompareValues(args[0], args[1])) {
    case Ordering::kLess:
      return Value::Bool(kLess);
    case Ordering::kEqual:
      return Value::Bool(kEqual);
    case Ordering::kGreater:
      return Value::Bool(kGreater);
    case Ordering::kUnordered:
      return Value::Bool(false);
    case Ordering::kNoOverload:
      break;
  }
  return NoMatchingOverload(arena, name, args);
}

Value Less(absl::Span<const Value> args, Arena* arena) {
  return Relation<true, false, false>("_<_", args, arena);
}
Value LessEqual(absl::Span<const Value> args, Arena* arena) {
  return Relation<true, true, false>("_<=_", args, arena);
}
Value Greater(absl::Span<const Value> args, Arena* arena) {
  return Relation<false, false, true>("_>_", args, arena);
}
Value GreaterEqual(absl::Span<const Value> args, Arena* arena) {
  return Relation<false, true, true>("_>=_", args, arena);
}

Value Equal(absl::Span<const Value> args, Arena* arena) {
  return Value::Bool(ValueEquals(args[0], args[1], arena));
}
Value NotEqual(absl::Span<const Value> args, Arena* arena) {
  return Value::Bool(!ValueEquals(args[0], args[1], arena));
}

Value LogicalNot(absl::Span<const Value> args, Arena* arena) {
  if (args[0].kind() == ValueKind::kBool) {
    return Value::Bool(!args[0].bool_value());
  }
  return NoMatchingOverload(arena, "!_", args);
}

constexpr FunctionEntry kComparisonFunctions[] = {
    {"_<_", 2, CallStyle::kGlobal, &Less},
    {"_<=_", 2, CallStyle::kGlobal, &LessEqual},
    {"_>_", 2, CallStyle::kGlobal, &Greater},
    {"_>=_", 2, CallStyle::kGlobal, &GreaterEqual},
    {"_==_", 2, CallStyle::kGlobal, &Equal},
    {"_!=_", 2, CallStyle::kGlobal, &NotEqual},
    {"!_", 1, CallStyle::kGlobal, &LogicalNot},
};

}  // namespace

absl::Span<const FunctionEntry> ComparisonFunctions() {
  return kComparisonFunctions;
}

}  // namespace divert::cel
