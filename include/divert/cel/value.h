// Runtime values of the CEL condition engine.
//
// A Value is a small (24-byte) tagged union that is cheap to copy. Scalars
// live inside it. Strings, bytes, lists, maps and messages are views: the
// bytes they point to belong to whoever created the value, which is one of
// the caller's bindings, the compiled program (constants), or the arena of
// the Activation that evaluated it. A value therefore lives at most as long
// as the Activation that produced it.
//
// Errors and unknowns are values too, as CEL's semantics require: `false &&
// error` is false, `true && error` is that error, and `false && unknown` is
// false.
#ifndef DIVERT_CEL_VALUE_H_
#define DIVERT_CEL_VALUE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace google::protobuf {
class Arena;
class Message;
}  // namespace google::protobuf

namespace divert::cel {

using Arena = google::protobuf::Arena;

class ListValue;
class MapValue;
class ErrorValue;
class UnknownValue;

enum class ValueKind : uint8_t {
  kNull,
  kBool,
  kInt,
  kUint,
  kDouble,
  kString,
  kBytes,
  kList,
  kMap,
  kMessage,
  kTimestamp,
  kDuration,
  kError,
  kUnknown,
};

// CEL's name for a kind: "int", "uint", "list", "google.protobuf.Timestamp".
absl::string_view KindName(ValueKind kind);

class Value {
 public:
  // The null value.
  Value() : kind_(ValueKind::kNull), int_(0) {}

  static Value Null() { return Value(); }
  static Value Bool(bool v) {
    Value r(ValueKind::kBool);
    r.bool_ = v;
    return r;
  }
  static Value Int(int64_t v) {
    Value r(ValueKind::kInt);
    r.int_ = v;
    return r;
  }
  static Value Uint(uint64_t v) {
    Value r(ValueKind::kUint);
    r.uint_ = v;
    return r;
  }
  static Value Double(double v) {
    Value r(ValueKind::kDouble);
    r.double_ = v;
    return r;
  }
  // `utf8` must be valid UTF-8 and outlive the value.
  static Value String(absl::string_view utf8) {
    Value r(ValueKind::kString);
    r.text_ = {utf8.data(), utf8.size()};
    return r;
  }
  // `bytes` must outlive the value.
  static Value Bytes(absl::string_view bytes) {
    Value r(ValueKind::kBytes);
    r.text_ = {bytes.data(), bytes.size()};
    return r;
  }
  static Value List(const ListValue* list) {
    Value r(ValueKind::kList);
    r.list_ = list;
    return r;
  }
  static Value Map(const MapValue* map) {
    Value r(ValueKind::kMap);
    r.map_ = map;
    return r;
  }
  static Value Message(const google::protobuf::Message* message) {
    Value r(ValueKind::kMessage);
    r.message_ = message;
    return r;
  }
  static Value Timestamp(absl::Time t) {
    Value r(ValueKind::kTimestamp);
    r.time_ = t;
    return r;
  }
  static Value Duration(absl::Duration d) {
    Value r(ValueKind::kDuration);
    r.duration_ = d;
    return r;
  }
  static Value Error(const ErrorValue* error) {
    Value r(ValueKind::kError);
    r.error_ = error;
    return r;
  }
  static Value Unknown(const UnknownValue* unknown) {
    Value r(ValueKind::kUnknown);
    r.unknown_ = unknown;
    return r;
  }

  ValueKind kind() const { return kind_; }
  bool IsNull() const { return kind_ == ValueKind::kNull; }
  bool IsBool() const { return kind_ == ValueKind::kBool; }
  bool IsError() const { return kind_ == ValueKind::kError; }
  bool IsUnknown() const { return kind_ == ValueKind::kUnknown; }
  // True for errors and unknowns, which strict functions pass on.
  bool IsErrorOrUnknown() const {
    return kind_ == ValueKind::kError || kind_ == ValueKind::kUnknown;
  }
  bool IsNumber() const {
    return kind_ == ValueKind::kInt || kind_ == ValueKind::kUint ||
           kind_ == ValueKind::kDouble;
  }

  // Accessors; each requires the matching kind.
  bool bool_value() const { return bool_; }
  int64_t int_value() const { return int_; }
  uint64_t uint_value() const { return uint_; }
  double double_value() const { return double_; }
  absl::string_view string_value() const { return {text_.data, text_.size}; }
  absl::string_view bytes_value() const { return {text_.data, text_.size}; }
  const ListValue& list() const { return *list_; }
  const MapValue& map() const { return *map_; }
  const google::protobuf::Message& message() const { return *message_; }
  absl::Time timestamp() const { return time_; }
  absl::Duration duration() const { return duration_; }
  const ErrorValue& error() const { return *error_; }
  const UnknownValue& unknown() const { return *unknown_; }

 private:
  explicit Value(ValueKind kind) : kind_(kind), int_(0) {}

  struct Text {
    const char* data;
    size_t size;
  };

  ValueKind kind_;
  union {
    bool bool_;
    int64_t int_;
    uint64_t uint_;
    double double_;
    Text text_;
    const ListValue* list_;
    const MapValue* map_;
    const google::protobuf::Message* message_;
    absl::Time time_;
    absl::Duration duration_;
    const ErrorValue* error_;
    const UnknownValue* unknown_;
  };
};

// A CEL list. Implementations are views over arena memory, bindings or
// repeated protobuf fields.
class ListValue {
 public:
  virtual ~ListValue() = default;
  virtual size_t size() const = 0;
  // The element at `index` (< size()). Anything the element needs to live
  // is allocated on `arena`.
  virtual Value Get(size_t index, Arena* arena) const = 0;
};

// A CEL map. Keys are bool, int, uint or string values.
class MapValue {
 public:
  virtual ~MapValue() = default;
  virtual size_t size() const = 0;
  // Looks `key` up with CEL's numeric key equality (`{1u: x}[1]` and
  // `{1: x}[1.0]` both find x). Returns false when the key is absent.
  virtual bool Find(const Value& key, Arena* arena, Value* value) const = 0;
  // The keys in iteration order.
  virtual const ListValue* Keys(Arena* arena) const = 0;
};

// An evaluation error, such as division by zero or a missing map key.
// Messages name operations and types, never a person's data.
class ErrorValue {
 public:
  explicit ErrorValue(absl::Status status) : status_(std::move(status)) {}
  const absl::Status& status() const { return status_; }

 private:
  absl::Status status_;
};

// The attributes (variables or field paths such as
// "encounter.person.age") whose unknown values a result depends on.
class UnknownValue {
 public:
  explicit UnknownValue(std::vector<std::string> attributes);
  // Sorted, without duplicates.
  absl::Span<const std::string> attributes() const { return attributes_; }

 private:
  std::vector<std::string> attributes_;
};

// A list stored as a contiguous array, e.g. a list literal.
class ArrayListValue final : public ListValue {
 public:
  explicit ArrayListValue(absl::Span<const Value> elements)
      : elements_(elements) {}
  size_t size() const override { return elements_.size(); }
  Value Get(size_t index, Arena*) const override { return elements_[index]; }
  absl::Span<const Value> elements() const { return elements_; }

 private:
  absl::Span<const Value> elements_;
};

// A map stored as an array of entries with distinct keys, e.g. a map
// literal. Lookup is linear for small maps and hashed for large ones.
class ArrayMapValue final : public MapValue {
 public:
  // `entries` must have distinct keys (see ValidMapKey/ValueEquals) and
  // live in `arena`, which also holds the lookup index of large maps.
  ArrayMapValue(absl::Span<const std::pair<Value, Value>> entries,
                Arena* arena);
  size_t size() const override { return entries_.size(); }
  bool Find(const Value& key, Arena* arena, Value* value) const override;
  const ListValue* Keys(Arena* arena) const override;
  absl::Span<const std::pair<Value, Value>> entries() const {
    return entries_;
  }

 private:
  absl::Span<const std::pair<Value, Value>> entries_;
  const std::vector<uint32_t>* sorted_ = nullptr;  // by key, for large maps
};

// --- Helpers shared by the evaluator and the standard functions ---

// Creates an error value on `arena`.
Value MakeError(Arena* arena, absl::Status status);
// The error for a function with no overload for the given argument kinds:
// "no matching overload for 'name' applied to (int, string)".
Value NoMatchingOverload(Arena* arena, absl::string_view function,
                         absl::Span<const Value> args);
// Creates an unknown value on `arena`.
Value MakeUnknown(Arena* arena, std::vector<std::string> attributes);
// Merges the unknown attributes of two unknown values.
Value MergeUnknowns(Arena* arena, const Value& a, const Value& b);
// Copies `text` onto `arena` and returns a string value viewing the copy.
Value ArenaString(Arena* arena, absl::string_view text);
Value ArenaBytes(Arena* arena, absl::string_view bytes);
// Copies `elements` onto `arena` and returns a list over them.
Value ArenaList(Arena* arena, absl::Span<const Value> elements);

// CEL's heterogeneous equality: numbers compare by value across int, uint
// and double; values of different kinds are unequal; lists and maps compare
// element-wise; messages compare field-wise. Neither side may be an error or
// unknown.
bool ValueEquals(const Value& a, const Value& b, Arena* arena);

// The result of ordering two values.
enum class Ordering { kLess, kEqual, kGreater, kUnordered, kNoOverload };
// Orders bool, int, uint, double (across numeric kinds), string (by code
// point), bytes, timestamp and duration. kUnordered when a NaN is involved;
// kNoOverload when the kinds cannot be ordered (e.g. list, or int vs
// string).
Ordering CompareValues(const Value& a, const Value& b);

// True when `key` may be a map key: bool, int, uint or string.
bool ValidMapKey(const Value& key);

// A readable rendering for tests and debugging, e.g. `[1, "a", 2.5]`.
// Never use it for messages that could reach a log: it shows values.
std::string DebugString(const Value& value);

}  // namespace divert::cel

#endif  // DIVERT_CEL_VALUE_H_
