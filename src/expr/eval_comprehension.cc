#include "expr/eval_comprehension.h"

#include <algorithm>
#include <cstring>
#include <new>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/arena.h"

namespace divert::cel {
namespace {

// The storage shared by the successive values of an accumulated list.
struct GrowBuffer {
  Value* data;
  size_t size;
  size_t capacity;
};

// A prefix of a GrowBuffer. Appending past the end of the latest prefix
// leaves earlier prefixes unchanged, so every value stays valid.
class GrowingList final : public ListValue {
 public:
  GrowingList(GrowBuffer* buffer, size_t size) : buffer_(buffer), size_(size) {}
  size_t size() const override { return size_; }
  Value Get(size_t index, Arena*) const override {
    return buffer_->data[index];
  }
  GrowBuffer* buffer() const { return buffer_; }

 private:
  GrowBuffer* buffer_;
  size_t size_;
};

void Reserve(GrowBuffer* buffer, size_t capacity, Arena* arena) {
  if (capacity <= buffer->capacity) return;
  capacity = std::max(capacity, std::max<size_t>(8, buffer->capacity * 2));
  auto* data =
      static_cast<Value*>(arena->AllocateAligned(capacity * sizeof(Value)));
  if (buffer->size > 0) {
    std::memcpy(static_cast<void*>(data), buffer->data,
                buffer->size * sizeof(Value));
  }
  buffer->data = data;
  buffer->capacity = capacity;
}

}  // namespace

ComprehensionNode::ComprehensionNode(const Parts& parts) : parts_(parts) {
  range_has_origin_ = parts.range->origin(&range_origin_);
}

Value ComprehensionNode::Eval(Frame& frame) const {
  Value range = parts_.range->Eval(frame);
  if (range.IsErrorOrUnknown()) return range;
  const ListValue* items;
  bool paths = false;
  if (range.kind() == ValueKind::kList) {
    items = &range.list();
    paths = range_has_origin_;
  } else if (range.kind() == ValueKind::kMap) {
    items = range.map().Keys(frame.arena);
  } else {
    return MakeError(frame.arena,
                     absl::InvalidArgumentError(absl::StrCat(
                         "cannot iterate over a value of type '",
                         KindName(range.kind()), "'")));
  }
  // The range and the initial value belong to the enclosing scope: any
  // comprehension inside them is done before this one's locals are set.
  Value init = parts_.init->Eval(frame);
  Value* locals = frame.locals;
  const int iter = parts_.iter_local;
  const int accu = parts_.accu_local;
  ElementPath path{nullptr, range_origin_.root_name, range_origin_.suffix, 0};
  if (paths && range_origin_.root_local >= 0) {
    path.parent = frame.local_paths[range_origin_.root_local];
  }
  frame.local_paths[iter] = paths ? &path : nullptr;
  frame.local_paths[accu] = nullptr;
  locals[accu] = init;
  const size_t n = items->size();
  for (size_t i = 0; i < n; ++i) {
    locals[iter] = items->Get(i, frame.arena);
    path.index = i;
    Value condition = parts_.condition->Eval(frame);
    if (condition.IsBool() && !condition.bool_value()) break;
    locals[accu] = parts_.step->Eval(frame);
  }
  // The result sees the accumulator only.
  frame.local_paths[iter] = nullptr;
  return parts_.result->Eval(frame);
}

Value AppendListNode::Eval(Frame& frame) const {
  Arena* arena = frame.arena;
  const size_t n = elements_.size();
  const size_t total = n + 1;
  Value stack[9];
  Value* args = total <= 9 ? stack
                           : static_cast<Value*>(arena->AllocateAligned(
                                 total * sizeof(Value)));
  args[0] = frame.locals[accu_local_];
  bool bad = args[0].IsErrorOrUnknown();
  for (size_t i = 0; i < n; ++i) {
    args[i + 1] = elements_[i]->Eval(frame);
    bad |= args[i + 1].IsErrorOrUnknown();
  }
  if (bad) {
    Value out;
    PropagateErrorOrUnknown(absl::MakeConstSpan(args, total), arena, &out);
    return out;
  }
  const Value& accu = args[0];
  if (accu.kind() != ValueKind::kList) {
    const Value concat_args[2] = {
        accu, ArenaList(arena, absl::MakeConstSpan(args + 1, n))};
    return concat_(absl::MakeConstSpan(concat_args), arena);
  }
  const ListValue& list = accu.list();
  const auto* growing = dynamic_cast<const GrowingList*>(&list);
  GrowBuffer* buffer;
  if (growing != nullptr && growing->size() == growing->buffer()->size) {
    buffer = growing->buffer();
  } else {
    buffer = new (arena->AllocateAligned(sizeof(GrowBuffer)))
        GrowBuffer{nullptr, 0, 0};
    const size_t size = list.size();
    Reserve(buffer, size + n, arena);
    for (size_t i = 0; i < size; ++i) buffer->data[i] = list.Get(i, arena);
    buffer->size = size;
  }
  Reserve(buffer, buffer->size + n, arena);
  std::memcpy(static_cast<void*>(buffer->data + buffer->size), args + 1,
              n * sizeof(Value));
  buffer->size += n;
  return Value::List(new (arena->AllocateAligned(sizeof(GrowingList)))
                         GrowingList(buffer, buffer->size));
}

}  // namespace divert::cel
