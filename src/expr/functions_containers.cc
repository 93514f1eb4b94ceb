// Containers: size, indexing (`_[_]`) and membership (`@in`).
#include <cmath>
#include <cstdint>

#include "absl/strings/str_cat.h"
#include "divert/cel/value.h"
#include "expr/functions_internal.h"

namespace divert::cel {
namespace {

// Code points in valid UTF-8: every byte that is not a continuation byte.
int64_t CodePointCount(absl::string_view utf8) {
  int64_t n = 0;
  for (unsigned char c : utf8) n += (c & 0xC0) != 0x80;
  return n;
}

Value Size(absl::Span<const Value> args, Arena* arena) {
  const Value& a = args[0];
  switch (a.kind()) {
    case ValueKind::kString:
      return Value::Int(CodePointCount(a.string_value()));
    case ValueKind::kBytes:
      return Value::Int(static_cast<int64_t>(a.bytes_value().size()));
    case ValueKind::kList:
      return Value::Int(static_cast<int64_t>(a.list().size()));
    case ValueKind::kMap:
      return Value::Int(static_cast<int64_t>(a.map().size()));
    default:
      return NoMatchingOverload(arena, "size", args);
  }
}

Value IndexOutOfRange(Arena* arena) {
  return Error(arena, absl::StatusCode::kInvalidArgument,
               "index out of range");
}

// list[int], list[uint] and list[double] when the double is integral.
Value IndexList(const ListValue& list, const Value& index,
                absl::Span<const Value> args, Arena* arena) {
  const uint64_t size = list.size();
  uint64_t i;
  switch (index.kind()) {
    case ValueKind::kInt:
      if (index.int_value() < 0) return IndexOutOfRange(arena);
      i = static_cast<uint64_t>(index.int_value());
      break;
    case ValueKind::kUint:
      i = index.uint_value();
      break;
    case ValueKind::kDouble: {
      const double d = index.double_value();
      if (!std::isfinite(d) || std::trunc(d) != d) {
        return Error(arena, absl::StatusCode::kInvalidArgument,
                     "list index is not an integer");
      }
      // Any index at or beyond 2^63 is out of range for every list.
      if (d < 0 || d >= 9223372036854775808.0) return IndexOutOfRange(arena);
      i = static_cast<uint64_t>(d);
      break;
    }
    default:
      return NoMatchingOverload(arena, "_[_]", args);
  }
  if (i >= size) return IndexOutOfRange(arena);
  return list.Get(static_cast<size_t>(i), arena);
}

Value IndexMap(const MapValue& map, const Value& key, Arena* arena) {
  if (!ValidMapKey(key) && key.kind() != ValueKind::kDouble) {
    return Error(arena, absl::StatusCode::kInvalidArgument,
                 absl::StrCat("unsupported key type '", KindName(key.kind()),
                              "' for map index"));
  }
  Value value;
  if (!map.Find(key, arena, &value)) {
    return Error(arena, absl::StatusCode::kNotFound, "no such key");
  }
  return value;
}

Value Index(absl::Span<const Value> args, Arena* arena) {
  const Value& container = args[0];
  if (container.kind() == ValueKind::kList) {
    return IndexList(container.list(), args[1], args, arena);
  }
  if (container.kind() == ValueKind::kMap) {
    return IndexMap(container.map(), args[1], arena);
  }
  return NoMatchingOverload(arena, "_[_]", args);
}

// `elem in list` by CEL equality; `key in map` by key lookup.
Value In(absl::Span<const Value> args, Arena* arena) {
  const Value& elem = args[0];
  const Value& container = args[1];
  if (container.kind() == ValueKind::kList) {
    const ListValue& list = container.list();
    for (size_t i = 0; i < list.size(); ++i) {
      if (ValueEquals(elem, list.Get(i, arena), arena)) {
        return Value::Bool(true);
      }
    }
    return Value::Bool(false);
  }
  if (container.kind() == ValueKind::kMap) {
    Value ignored;
    return Value::Bool(container.map().Find(elem, arena, &ignored));
  }
  return NoMatchingOverload(arena, "@in", args);
}

constexpr FunctionEntry kContainerFunctions[] = {
    {"size", 1, CallStyle::kEither, &Size},
    {"_[_]", 2, CallStyle::kGlobal, &Index},
    {"@in", 2, CallStyle::kGlobal, &In},
};

}  // namespace

absl::Span<const FunctionEntry> ContainerFunctions() {
  return kContainerFunctions;
}

}  // namespace divert::cel
