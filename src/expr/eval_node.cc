#include "expr/eval_node.h"

#include <new>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/arena.h"

namespace divert::cel {
namespace {

// Evaluation keeps up to this many arguments on the stack.
constexpr size_t kInlineArgs = 8;

// Stack storage for values that need no construction (Value is trivially
// copyable; every slot is written before it is read).
template <size_t N>
struct ValueBuffer {
  alignas(Value) unsigned char bytes[N * sizeof(Value)];
  Value* get() { return reinterpret_cast<Value*>(bytes); }
};

Value* ArgStorage(ValueBuffer<kInlineArgs>& inline_buffer, size_t n,
                  Arena* arena) {
  if (n <= kInlineArgs) return inline_buffer.get();
  return static_cast<Value*>(arena->AllocateAligned(n * sizeof(Value)));
}

}  // namespace

bool PropagateErrorOrUnknown(absl::Span<const Value> args, Arena* arena,
                             Value* out) {
  const Value* first_error = nullptr;
  const Value* unknown = nullptr;
  Value merged;
  for (const Value& arg : args) {
    if (arg.IsUnknown()) {
      if (unknown == nullptr) {
        unknown = &arg;
      } else {
        merged = MergeUnknowns(arena, *unknown, arg);
        unknown = &merged;
      }
    } else if (arg.IsError() && first_error == nullptr) {
      first_error = &arg;
    }
  }
  if (unknown != nullptr) {
    *out = *unknown;
    return true;
  }
  if (first_error != nullptr) {
    *out = *first_error;
    return true;
  }
  return false;
}

Value CallNode::Eval(Frame& frame) const {
  ValueBuffer<kInlineArgs> buffer;
  const size_t n = args_.size();
  Value* args = ArgStorage(buffer, n, frame.arena);
  bool bad = false;
  for (size_t i = 0; i < n; ++i) {
    args[i] = args_[i]->Eval(frame);
    bad |= args[i].IsErrorOrUnknown();
  }
  absl::Span<const Value> span(args, n);
  if (bad) {
    Value out;
    PropagateErrorOrUnknown(span, frame.arena, &out);
    return out;
  }
  return impl_(span, frame.arena);
}

Value CreateListNode::Eval(Frame& frame) const {
  ValueBuffer<kInlineArgs> buffer;
  const size_t n = elements_.size();
  Value* values = ArgStorage(buffer, n, frame.arena);
  bool bad = false;
  for (size_t i = 0; i < n; ++i) {
    values[i] = elements_[i]->Eval(frame);
    bad |= values[i].IsErrorOrUnknown();
  }
  absl::Span<const Value> span(values, n);
  if (bad) {
    Value out;
    PropagateErrorOrUnknown(span, frame.arena, &out);
    return out;
  }
  if (values != buffer.get()) {
    // Already on the arena.
    auto* list = new (frame.arena->AllocateAligned(sizeof(ArrayListValue)))
        ArrayListValue(span);
    return Value::List(list);
  }
  return ArenaList(frame.arena, span);
}

Value CreateMapNode::Eval(Frame& frame) const {
  const size_t n = keys_.size();
  auto* entries = static_cast<std::pair<Value, Value>*>(
      frame.arena->AllocateAligned(n * sizeof(std::pair<Value, Value>)));
  const Value* first_error = nullptr;
  Value unknown;
  bool have_unknown = false;
  auto note = [&](const Value& v) {
    if (v.IsUnknown()) {
      unknown = have_unknown ? MergeUnknowns(frame.arena, unknown, v) : v;
      have_unknown = true;
    } else if (v.IsError() && first_error == nullptr) {
      first_error = &v;
    }
  };
  for (size_t i = 0; i < n; ++i) {
    new (&entries[i]) std::pair<Value, Value>(keys_[i]->Eval(frame),
                                              values_[i]->Eval(frame));
    note(entries[i].first);
    note(entries[i].second);
  }
  if (have_unknown) return unknown;
  if (first_error != nullptr) return *first_error;
  return BuildMap(absl::MakeConstSpan(entries, n), frame.arena);
}

Value BuildMap(absl::Span<const std::pair<Value, Value>> entries,
               Arena* arena) {
  for (const auto& entry : entries) {
    if (!ValidMapKey(entry.first)) {
      return MakeError(arena, absl::InvalidArgumentError(absl::StrCat(
                                  "unsupported key type '",
                                  KindName(entry.first.kind()),
                                  "' in map literal")));
    }
  }
  auto repeated = [arena] {
    return MakeError(arena, absl::InvalidArgumentError(
                                "repeated key in map literal"));
  };
  if (entries.size() <= 32) {
    for (size_t i = 1; i < entries.size(); ++i) {
      for (size_t j = 0; j < i; ++j) {
        if (ValueEquals(entries[i].first, entries[j].first, arena)) {
          return repeated();
        }
      }
    }
  } else {
    // Keys by class (bool, number, string); numbers by sign and magnitude,
    // so that 1 and 1u collide as CEL's key equality requires.
    absl::flat_hash_set<std::tuple<int, bool, uint64_t, absl::string_view>>
        seen;
    for (const auto& entry : entries) {
      const Value& key = entry.first;
      std::tuple<int, bool, uint64_t, absl::string_view> norm;
      switch (key.kind()) {
        case ValueKind::kBool:
          norm = {0, false, key.bool_value() ? 1u : 0u, {}};
          break;
        case ValueKind::kInt:
          norm = {1, key.int_value() < 0,
                  static_cast<uint64_t>(key.int_value()), {}};
          break;
        case ValueKind::kUint:
          norm = {1, false, key.uint_value(), {}};
          break;
        default:
          norm = {2, false, 0, key.string_value()};
          break;
      }
      if (!seen.insert(norm).second) return repeated();
    }
  }
  auto* map = new (arena->AllocateAligned(sizeof(ArrayMapValue)))
      ArrayMapValue(entries, arena);
  return Value::Map(map);
}

}  // namespace divert::cel
