// CEL values to and from JSON (see json_values.h).
#include "expr/json_values.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/match.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "divert/cel/cel.h"
#include "divert/cel/value.h"
#include "divert/v1/expr.pb.h"
#include "expr/proto_values.h"
#include "expr/variable_table.h"
#include "google/protobuf/arena.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace divert::cel {
namespace {

using JsonValue = google::protobuf::Value;

// Nesting deeper than this is refused, so that conversion never recurses
// without bound (the JSON parser has a similar limit).
constexpr int kMaxDepth = 100;
// 2^53: the largest magnitude up to which every integer is a double.
constexpr double kMaxExactInteger = 9007199254740992.0;
// CEL's timestamp range: 0001-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z.
constexpr int64_t kMinTimestampSeconds = -62135596800;
constexpr int64_t kMaxTimestampSeconds = 253402300799;
// CEL's duration range: about ±10000 years.
constexpr int64_t kMaxDurationSeconds = 315576000000;

// --- Describing JSON and CEL types in error messages -----------------------

const char* JsonKindName(const JsonValue& json) {
  switch (json.kind_case()) {
    case JsonValue::kNullValue:
      return "null";
    case JsonValue::kNumberValue:
      return "a number";
    case JsonValue::kStringValue:
      return "a string";
    case JsonValue::kBoolValue:
      return "a bool";
    case JsonValue::kStructValue:
      return "an object";
    case JsonValue::kListValue:
      return "an array";
    case JsonValue::KIND_NOT_SET:
      break;
  }
  return "nothing";
}

// A message full name that CEL treats specially.
constexpr absl::string_view kTimestampName = "google.protobuf.Timestamp";
constexpr absl::string_view kDurationName = "google.protobuf.Duration";

bool IsTimestamp(const v1::Type& type) {
  return (type.type_kind_case() == v1::Type::kWellKnown &&
          type.well_known() == v1::Type::TIMESTAMP) ||
         (type.type_kind_case() == v1::Type::kMessageType &&
          type.message_type() == kTimestampName);
}

bool IsDuration(const v1::Type& type) {
  return (type.type_kind_case() == v1::Type::kWellKnown &&
          type.well_known() == v1::Type::DURATION) ||
         (type.type_kind_case() == v1::Type::kMessageType &&
          type.message_type() == kDurationName);
}

// The primitive a protobuf wrapper message holds, or UNSPECIFIED.
v1::Type::PrimitiveType WrapperPrimitive(absl::string_view name) {
  if (name == "google.protobuf.BoolValue") return v1::Type::BOOL;
  if (name == "google.protobuf.Int64Value" ||
      name == "google.protobuf.Int32Value") {
    return v1::Type::INT64;
  }
  if (name == "google.protobuf.UInt64Value" ||
      name == "google.protobuf.UInt32Value") {
    return v1::Type::UINT64;
  }
  if (name == "google.protobuf.DoubleValue" ||
      name == "google.protobuf.FloatValue") {
    return v1::Type::DOUBLE;
  }
  if (name == "google.protobuf.StringValue") return v1::Type::STRING;
  if (name == "google.protobuf.BytesValue") return v1::Type::BYTES;
  return v1::Type::PRIMITIVE_TYPE_UNSPECIFIED;
}

std::string ExpectedName(const v1::Type& type) {
  if (IsTimestamp(type)) return "a timestamp (an RFC 3339 string)";
  if (IsDuration(type)) return "a duration (a string such as \"1.5s\")";
  switch (type.type_kind_case()) {
    case v1::Type::kNull:
      return "null";
    case v1::Type::kPrimitive:
      switch (type.primitive()) {
        case v1::Type::BOOL:
          return "a bool";
        case v1::Type::INT64:
          return "an int";
        case v1::Type::UINT64:
          return "a uint";
        case v1::Type::DOUBLE:
          return "a double";
        case v1::Type::STRING:
          return "a string";
        case v1::Type::BYTES:
          return "bytes (a base64 string)";
        default:
          break;
      }
      break;
    case v1::Type::kListType:
      return "a list (an array)";
    case v1::Type::kMapType:
      return "a map (an object)";
    case v1::Type::kMessageType:
      return absl::StrCat("a ", type.message_type(), " (an object)");
    case v1::Type::kEnumType:
      return absl::StrCat("a ", type.enum_type(), " (a number or a name)");
    default:
      break;
  }
  return "a value";
}

// The message of a protobuf status (its own Status class in protobuf 3.x,
// absl::Status later).
template <typename S>
std::string StatusText(const S& status) {
  auto message = status.message();
  return std::string(message.data(), message.size());
}

// Protobuf's JSON parser quotes the offending input in its messages
// ("(person.age): invalid value \"...\" for type TYPE_INT32", or the input
// line with a caret); keep only what names the path and the type.
std::string SanitizeProtobufJsonError(absl::string_view message) {
  absl::string_view first_line = message.substr(0, message.find('\n'));
  constexpr absl::string_view kInvalid = ": invalid value ";
  constexpr absl::string_view kForType = " for type ";
  size_t invalid = first_line.find(kInvalid);
  if (invalid != absl::string_view::npos) {
    absl::string_view path = first_line.substr(0, invalid);
    if (path.size() >= 2 && path.front() == '(' && path.back() == ')') {
      path = path.substr(1, path.size() - 2);
    }
    // Map keys in a path are data.
    if (path.find_first_of("\"'") != absl::string_view::npos) path = "a field";
    std::string type = "this field";
    size_t for_type = first_line.rfind(kForType);
    if (for_type != absl::string_view::npos && for_type > invalid) {
      absl::string_view t = first_line.substr(for_type + kForType.size());
      absl::ConsumePrefix(&t, "type.googleapis.com/");
      if (absl::ConsumePrefix(&t, "TYPE_")) {
        type = absl::AsciiStrToLower(t);
      } else {
        type = std::string(t);
      }
    }
    return absl::StrCat(path, ": invalid value for ", type);
  }
  // Other messages ("nope: Cannot find field.", "Unexpected token.") name
  // keys and positions; drop anything quoted just in case.
  if (first_line.find('"') != absl::string_view::npos ||
      first_line.find('\'') != absl::string_view::npos) {
    return "invalid JSON for this message";
  }
  return std::string(first_line);
}

// --- JSON to Value -----------------------------------------------------------

class Binder {
 public:
  explicit Binder(Arena* arena) : arena_(arena) {}

  // Converts `json` as `type`; `path` names it in errors ("bindings.x[2]").
  absl::StatusOr<Value> Convert(const JsonValue& json, const v1::Type& type,
                                std::string& path, int depth) {
    if (depth > kMaxDepth) {
      return Error(path, absl::StrCat("nested more than ", kMaxDepth,
                                      " levels deep"));
    }
    if (IsTimestamp(type)) return ConvertTimestamp(json, type, path);
    if (IsDuration(type)) return ConvertDuration(json, type, path);
    switch (type.type_kind_case()) {
      case v1::Type::kNull:
        if (json.kind_case() == JsonValue::kNullValue) return Value::Null();
        return Mismatch(path, type, json);
      case v1::Type::kPrimitive:
        return ConvertPrimitive(json, type.primitive(), type, path);
      case v1::Type::kListType:
        return ConvertList(json, type, type.list_type().elem_type(), path,
                           depth);
      case v1::Type::kMapType:
        return ConvertMap(json, type, type.map_type().key_type(),
                          type.map_type().value_type(), path, depth);
      case v1::Type::kMessageType:
        return ConvertMessage(json, type, path, depth);
      case v1::Type::kEnumType:
        return ConvertEnum(json, type, path);
      default:
        // dyn, type parameters, and anything the checker could not type.
        return ConvertDyn(json, path, depth);
    }
  }

 private:
  static absl::Status Error(absl::string_view path, absl::string_view what) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": ", what));
  }

  static absl::Status Mismatch(absl::string_view path, const v1::Type& type,
                               const JsonValue& json) {
    return Error(path, absl::StrCat("expected ", ExpectedName(type), ", got ",
                                    JsonKindName(json)));
  }

  static v1::Type DynType() {
    v1::Type dyn;
    dyn.mutable_dyn();
    return dyn;
  }

  static v1::Type PrimitiveType(v1::Type::PrimitiveType primitive) {
    v1::Type type;
    type.set_primitive(primitive);
    return type;
  }

  absl::StatusOr<Value> ConvertPrimitive(const JsonValue& json,
                                         v1::Type::PrimitiveType primitive,
                                         const v1::Type& type,
                                         std::string& path) {
    switch (primitive) {
      case v1::Type::BOOL:
        if (json.kind_case() == JsonValue::kBoolValue) {
          return Value::Bool(json.bool_value());
        }
        break;
      case v1::Type::INT64:
        return ConvertInt(json, type, path);
      case v1::Type::UINT64:
        return ConvertUint(json, type, path);
      case v1::Type::DOUBLE:
        if (json.kind_case() == JsonValue::kNumberValue) {
          return Value::Double(json.number_value());
        }
        if (json.kind_case() == JsonValue::kStringValue) {
          const std::string& s = json.string_value();
          if (s == "NaN") {
            return Value::Double(std::numeric_limits<double>::quiet_NaN());
          }
          if (s == "Infinity") {
            return Value::Double(std::numeric_limits<double>::infinity());
          }
          if (s == "-Infinity") {
            return Value::Double(-std::numeric_limits<double>::infinity());
          }
          return Error(path,
                       "expected a double, got a string other than \"NaN\", "
                       "\"Infinity\" or \"-Infinity\"");
        }
        break;
      case v1::Type::STRING:
        if (json.kind_case() == JsonValue::kStringValue) {
          return ArenaString(arena_, json.string_value());
        }
        break;
      case v1::Type::BYTES:
        if (json.kind_case() == JsonValue::kStringValue) {
          std::string decoded;
          if (!absl::Base64Unescape(json.string_value(), &decoded) &&
              !absl::WebSafeBase64Unescape(json.string_value(), &decoded)) {
            return Error(path, "expected bytes, got a string that is not "
                               "base64");
          }
          return ArenaBytes(arena_, decoded);
        }
        break;
      default:
        return ConvertDyn(json, path, 0);
    }
    return Mismatch(path, type, json);
  }

  absl::StatusOr<Value> ConvertInt(const JsonValue& json, const v1::Type& type,
                                   const std::string& path) {
    if (json.kind_case() == JsonValue::kNumberValue) {
      double d = json.number_value();
      if (std::trunc(d) != d) {
        return Error(path, "expected an int, got a number with a fraction");
      }
      if (std::fabs(d) > kMaxExactInteger) {
        return Error(path,
                     "an int beyond 2^53 must be given as a decimal string");
      }
      return Value::Int(static_cast<int64_t>(d));
    }
    if (json.kind_case() == JsonValue::kStringValue) {
      int64_t v;
      if (!absl::SimpleAtoi(json.string_value(), &v)) {
        return Error(path,
                     "expected an int, got a string that is not a decimal "
                     "integer in the int64 range");
      }
      return Value::Int(v);
    }
    return Mismatch(path, type, json);
  }

  absl::StatusOr<Value> ConvertUint(const JsonValue& json,
                                    const v1::Type& type,
                                    const std::string& path) {
    if (json.kind_case() == JsonValue::kNumberValue) {
      double d = json.number_value();
      if (std::trunc(d) != d) {
        return Error(path, "expected a uint, got a number with a fraction");
      }
      if (d < 0) return Error(path, "expected a uint, got a negative number");
      if (d > kMaxExactInteger) {
        return Error(path,
                     "a uint beyond 2^53 must be given as a decimal string");
      }
      return Value::Uint(static_cast<uint64_t>(d));
    }
    if (json.kind_case() == JsonValue::kStringValue) {
      uint64_t v;
      absl::string_view s = absl::StripAsciiWhitespace(json.string_value());
      if (absl::StartsWith(s, "-") || !absl::SimpleAtoi(s, &v)) {
        return Error(path,
                     "expected a uint, got a string that is not a decimal "
                     "integer in the uint64 range");
      }
      return Value::Uint(v);
    }
    return Mismatch(path, type, json);
  }

  absl::StatusOr<Value> ConvertEnum(const JsonValue& json,
                                    const v1::Type& type,
                                    const std::string& path) {
    if (json.kind_case() == JsonValue::kNumberValue) {
      double d = json.number_value();
      if (std::trunc(d) != d || d < std::numeric_limits<int32_t>::min() ||
          d > std::numeric_limits<int32_t>::max()) {
        return Error(path, absl::StrCat("expected a ", type.enum_type(),
                                        " number, got a number out of the "
                                        "int32 range or with a fraction"));
      }
      return Value::Int(static_cast<int64_t>(d));
    }
    if (json.kind_case() == JsonValue::kStringValue) {
      const google::protobuf::EnumDescriptor* descriptor =
          google::protobuf::DescriptorPool::generated_pool()->FindEnumTypeByName(
              type.enum_type());
      const google::protobuf::EnumValueDescriptor* value =
          descriptor == nullptr ? nullptr
                                : descriptor->FindValueByName(json.string_value());
      if (value == nullptr) {
        return Error(path, absl::StrCat("expected a ", type.enum_type(),
                                        ", got a string that names none of "
                                        "its values"));
      }
      return Value::Int(value->number());
    }
    return Mismatch(path, type, json);
  }

  absl::StatusOr<Value> ConvertTimestamp(const JsonValue& json,
                                         const v1::Type& type,
                                         const std::string& path) {
    if (json.kind_case() != JsonValue::kStringValue) {
      return Mismatch(path, type, json);
    }
    absl::Time t;
    std::string ignored;
    if (!absl::ParseTime(absl::RFC3339_full, json.string_value(), &t,
                         &ignored)) {
      return Error(path, "expected a timestamp, got a string that is not "
                         "RFC 3339 (\"2024-03-14T22:05:00Z\")");
    }
    if (t < absl::FromUnixSeconds(kMinTimestampSeconds) ||
        t >= absl::FromUnixSeconds(kMaxTimestampSeconds + 1)) {
      return Error(path, "timestamp outside the years 0001 to 9999");
    }
    return Value::Timestamp(t);
  }

  absl::StatusOr<Value> ConvertDuration(const JsonValue& json,
                                        const v1::Type& type,
                                        const std::string& path) {
    if (json.kind_case() != JsonValue::kStringValue) {
      return Mismatch(path, type, json);
    }
    absl::Duration d;
    if (!absl::ParseDuration(json.string_value(), &d) ||
        d == absl::InfiniteDuration() || d == -absl::InfiniteDuration()) {
      return Error(path, "expected a duration, got a string that is not one "
                         "(\"1.5s\", \"-90s\", \"1h30m\")");
    }
    if (absl::AbsDuration(d) > absl::Seconds(kMaxDurationSeconds)) {
      return Error(path, "duration longer than 10000 years");
    }
    return Value::Duration(d);
  }

  absl::StatusOr<Value> ConvertList(const JsonValue& json,
                                    const v1::Type& type,
                                    const v1::Type& elem_type,
                                    std::string& path, int depth) {
    if (json.kind_case() != JsonValue::kListValue) {
      return Mismatch(path, type, json);
    }
    const auto& items = json.list_value().values();
    std::vector<Value> elements;
    elements.reserve(items.size());
    size_t path_size = path.size();
    for (int i = 0; i < items.size(); ++i) {
      absl::StrAppend(&path, "[", i, "]");
      absl::StatusOr<Value> element =
          Convert(items.Get(i), elem_type, path, depth + 1);
      if (!element.ok()) return element.status();
      path.resize(path_size);
      elements.push_back(*element);
    }
    return ArenaList(arena_, elements);
  }

  // Converts an object member's key to a map key of type `key_type`.
  absl::StatusOr<Value> ConvertKey(const std::string& key,
                                   const v1::Type& key_type,
                                   const std::string& path) {
    if (key_type.type_kind_case() == v1::Type::kPrimitive) {
      switch (key_type.primitive()) {
        case v1::Type::INT64: {
          int64_t v;
          if (!absl::SimpleAtoi(key, &v)) {
            return Error(path, "expected int keys, got a key that is not a "
                               "decimal int64");
          }
          return Value::Int(v);
        }
        case v1::Type::UINT64: {
          uint64_t v;
          if (absl::StartsWith(absl::StripAsciiWhitespace(key), "-") ||
              !absl::SimpleAtoi(key, &v)) {
            return Error(path, "expected uint keys, got a key that is not a "
                               "decimal uint64");
          }
          return Value::Uint(v);
        }
        case v1::Type::BOOL:
          if (key == "true") return Value::Bool(true);
          if (key == "false") return Value::Bool(false);
          return Error(path, "expected bool keys (\"true\" or \"false\")");
        case v1::Type::STRING:
          return ArenaString(arena_, key);
        default:
          return Error(path, "map keys must be bool, int, uint or string");
      }
    }
    // dyn keys: JSON keys are strings.
    return ArenaString(arena_, key);
  }

  absl::StatusOr<Value> ConvertMap(const JsonValue& json, const v1::Type& type,
                                   const v1::Type& key_type,
                                   const v1::Type& value_type,
                                   std::string& path, int depth) {
    if (json.kind_case() != JsonValue::kStructValue) {
      return Mismatch(path, type, json);
    }
    std::vector<const std::string*> keys;
    for (const auto& [key, unused] : json.struct_value().fields()) {
      keys.push_back(&key);
    }
    std::sort(keys.begin(), keys.end(),
              [](const std::string* a, const std::string* b) { return *a < *b; });
    auto* entries = Arena::Create<std::vector<std::pair<Value, Value>>>(arena_);
    entries->reserve(keys.size());
    absl::flat_hash_set<std::string> seen;  // canonical key text
    size_t path_size = path.size();
    for (size_t i = 0; i < keys.size(); ++i) {
      // Keys are data (they could be names), so paths number the entries.
      absl::StrAppend(&path, "[key #", i + 1, "]");
      absl::StatusOr<Value> key = ConvertKey(*keys[i], key_type, path);
      if (!key.ok()) return key.status();
      std::string canonical =
          key->kind() == ValueKind::kInt    ? absl::StrCat(key->int_value())
          : key->kind() == ValueKind::kUint ? absl::StrCat(key->uint_value())
                                            : *keys[i];
      if (!seen.insert(std::move(canonical)).second) {
        return Error(path, "the same key appears twice");
      }
      absl::StatusOr<Value> value = Convert(json.struct_value().fields().at(*keys[i]),
                                            value_type, path, depth + 1);
      if (!value.ok()) return value.status();
      path.resize(path_size);
      entries->emplace_back(*key, *value);
    }
    return Value::Map(Arena::Create<ArrayMapValue>(
        arena_, absl::MakeConstSpan(*entries), arena_));
  }

  absl::StatusOr<Value> ConvertMessage(const JsonValue& json,
                                       const v1::Type& type, std::string& path,
                                       int depth) {
    const std::string& name = type.message_type();
    if (json.kind_case() == JsonValue::kNullValue) return Value::Null();
    v1::Type::PrimitiveType wrapped = WrapperPrimitive(name);
    if (wrapped != v1::Type::PRIMITIVE_TYPE_UNSPECIFIED) {
      return ConvertPrimitive(json, wrapped, PrimitiveType(wrapped), path);
    }
    if (name == "google.protobuf.Value") return ConvertDyn(json, path, depth);
    if (name == "google.protobuf.Struct") {
      v1::Type map_type;
      map_type.mutable_map_type()->mutable_key_type()->set_primitive(
          v1::Type::STRING);
      map_type.mutable_map_type()->mutable_value_type()->mutable_dyn();
      return Convert(json, map_type, path, depth);
    }
    if (name == "google.protobuf.ListValue") {
      v1::Type list_type;
      list_type.mutable_list_type()->mutable_elem_type()->mutable_dyn();
      return Convert(json, list_type, path, depth);
    }
    const google::protobuf::Descriptor* descriptor =
        google::protobuf::DescriptorPool::generated_pool()->FindMessageTypeByName(
            name);
    const google::protobuf::Message* prototype =
        descriptor == nullptr
            ? nullptr
            : google::protobuf::MessageFactory::generated_factory()->GetPrototype(
                  descriptor);
    if (prototype == nullptr) {
      return Error(path, absl::StrCat("message type ", name,
                                      " is not compiled into the library"));
    }
    if (json.kind_case() != JsonValue::kStructValue &&
        !absl::StartsWith(name, "google.protobuf.")) {
      return Mismatch(path, type, json);
    }
    std::string text;
    auto printed = google::protobuf::util::MessageToJsonString(json, &text);
    if (!printed.ok()) {
      return Error(path, "could not re-encode the object");
    }
    google::protobuf::Message* message = prototype->New(arena_);
    auto parsed = google::protobuf::util::JsonStringToMessage(text, message);
    if (!parsed.ok()) {
      std::string detail = SanitizeProtobufJsonError(StatusText(parsed));
      // Paths inside the message come first in protobuf's messages, e.g.
      // "person.age: invalid value for int32".
      if (!detail.empty() && detail.front() != ' ' &&
          detail.find(':') != std::string::npos &&
          detail.find(':') < detail.find(' ')) {
        return absl::InvalidArgumentError(absl::StrCat(path, ".", detail));
      }
      return Error(path, absl::StrCat("not a valid ", name, ": ", detail));
    }
    return MessageToValue(*message, arena_);
  }

  absl::StatusOr<Value> ConvertDyn(const JsonValue& json, std::string& path,
                                   int depth) {
    switch (json.kind_case()) {
      case JsonValue::kNullValue:
        return Value::Null();
      case JsonValue::kBoolValue:
        return Value::Bool(json.bool_value());
      case JsonValue::kNumberValue: {
        double d = json.number_value();
        // 2^63 is exactly representable; every integral double below it in
        // magnitude fits an int64.
        if (std::trunc(d) == d && d >= -9223372036854775808.0 &&
            d < 9223372036854775808.0) {
          return Value::Int(static_cast<int64_t>(d));
        }
        return Value::Double(d);
      }
      case JsonValue::kStringValue:
        return ArenaString(arena_, json.string_value());
      case JsonValue::kListValue: {
        static const v1::Type* const kList = [] {
          auto* type = new v1::Type;
          type->mutable_list_type()->mutable_elem_type()->mutable_dyn();
          return type;
        }();
        return Convert(json, *kList, path, depth);
      }
      case JsonValue::kStructValue: {
        static const v1::Type* const kMap = [] {
          auto* type = new v1::Type;
          type->mutable_map_type()->mutable_key_type()->set_primitive(
              v1::Type::STRING);
          type->mutable_map_type()->mutable_value_type()->mutable_dyn();
          return type;
        }();
        return Convert(json, *kMap, path, depth);
      }
      case JsonValue::KIND_NOT_SET:
        break;
    }
    return Error(path, "missing value");
  }

  Arena* arena_;
};

// --- Value to JSON -----------------------------------------------------------

void AppendJsonString(absl::string_view text, std::string* out) {
  out->push_back('"');
  for (char c : text) {
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
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppendFormat(out, "\\u%04x", static_cast<unsigned char>(c));
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

void AppendDouble(double d, std::string* out) {
  if (std::isnan(d)) {
    out->append("\"NaN\"");
    return;
  }
  if (std::isinf(d)) {
    out->append(d > 0 ? "\"Infinity\"" : "\"-Infinity\"");
    return;
  }
  char buffer[64];
  auto result = std::to_chars(buffer, buffer + sizeof(buffer), d);
  absl::string_view text(buffer, result.ptr - buffer);
  out->append(text.data(), text.size());
  // Keep doubles recognisable as doubles: 2.0 rather than 2.
  if (text.find_first_of(".e") == absl::string_view::npos) out->append(".0");
}

// "2024-03-14T22:05:00.5Z": RFC 3339 in UTC, with as many fractional digits
// as needed (none for whole seconds).
std::string FormatJsonTimestamp(absl::Time t) {
  absl::CivilSecond civil = absl::ToCivilSecond(t, absl::UTCTimeZone());
  int64_t nanos = absl::ToInt64Nanoseconds(
      t - absl::FromCivil(civil, absl::UTCTimeZone()));
  std::string out = absl::StrFormat(
      "%04d-%02d-%02dT%02d:%02d:%02d", civil.year(), civil.month(),
      civil.day(), civil.hour(), civil.minute(), civil.second());
  if (nanos > 0) {
    std::string fraction = absl::StrFormat("%09d", nanos);
    while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
    absl::StrAppend(&out, ".", fraction);
  }
  out.push_back('Z');
  return out;
}

// "1.5s", "-0.25s", "3600s": proto3 JSON's duration form, without trailing
// zeros.
std::string FormatJsonDuration(absl::Duration d) {
  std::string out;
  if (d < absl::ZeroDuration()) {
    out.push_back('-');
    d = -d;
  }
  absl::Duration remainder;
  int64_t seconds = absl::IDivDuration(d, absl::Seconds(1), &remainder);
  int64_t nanos = absl::ToInt64Nanoseconds(remainder);
  absl::StrAppend(&out, seconds);
  if (nanos > 0) {
    std::string fraction = absl::StrFormat("%09d", nanos);
    while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
    absl::StrAppend(&out, ".", fraction);
  }
  out.push_back('s');
  return out;
}

absl::Status AppendJson(const Value& value, Arena* arena, int depth,
                        std::string* out);

absl::Status AppendMapKey(const Value& key, std::string* out) {
  switch (key.kind()) {
    case ValueKind::kString:
      AppendJsonString(key.string_value(), out);
      return absl::OkStatus();
    case ValueKind::kBool:
      out->append(key.bool_value() ? "\"true\"" : "\"false\"");
      return absl::OkStatus();
    case ValueKind::kInt:
      absl::StrAppend(out, "\"", key.int_value(), "\"");
      return absl::OkStatus();
    case ValueKind::kUint:
      absl::StrAppend(out, "\"", key.uint_value(), "\"");
      return absl::OkStatus();
    case ValueKind::kError:
      return key.error().status();
    default:
      return absl::InvalidArgumentError(absl::StrCat(
          "a map key of type ", KindName(key.kind()), " has no JSON form"));
  }
}

absl::Status AppendJson(const Value& value, Arena* arena, int depth,
                        std::string* out) {
  if (depth > kMaxDepth) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the value is nested more than ", kMaxDepth, " levels deep"));
  }
  switch (value.kind()) {
    case ValueKind::kNull:
      out->append("null");
      return absl::OkStatus();
    case ValueKind::kBool:
      out->append(value.bool_value() ? "true" : "false");
      return absl::OkStatus();
    case ValueKind::kInt:
      absl::StrAppend(out, value.int_value());
      return absl::OkStatus();
    case ValueKind::kUint:
      absl::StrAppend(out, value.uint_value());
      return absl::OkStatus();
    case ValueKind::kDouble:
      AppendDouble(value.double_value(), out);
      return absl::OkStatus();
    case ValueKind::kString:
      AppendJsonString(value.string_value(), out);
      return absl::OkStatus();
    case ValueKind::kBytes:
      AppendJsonString(absl::Base64Escape(value.bytes_value()), out);
      return absl::OkStatus();
    case ValueKind::kTimestamp:
      AppendJsonString(FormatJsonTimestamp(value.timestamp()), out);
      return absl::OkStatus();
    case ValueKind::kDuration:
      AppendJsonString(FormatJsonDuration(value.duration()), out);
      return absl::OkStatus();
    case ValueKind::kList: {
      const ListValue& list = value.list();
      out->push_back('[');
      for (size_t i = 0; i < list.size(); ++i) {
        if (i > 0) out->push_back(',');
        absl::Status status = AppendJson(list.Get(i, arena), arena, depth + 1, out);
        if (!status.ok()) return status;
      }
      out->push_back(']');
      return absl::OkStatus();
    }
    case ValueKind::kMap: {
      const MapValue& map = value.map();
      const ListValue* keys = map.Keys(arena);
      out->push_back('{');
      for (size_t i = 0; i < keys->size(); ++i) {
        if (i > 0) out->push_back(',');
        Value key = keys->Get(i, arena);
        absl::Status status = AppendMapKey(key, out);
        if (!status.ok()) return status;
        out->push_back(':');
        Value entry;
        if (!map.Find(key, arena, &entry)) {
          return absl::InternalError("a map key lists no value");
        }
        status = AppendJson(entry, arena, depth + 1, out);
        if (!status.ok()) return status;
      }
      out->push_back('}');
      return absl::OkStatus();
    }
    case ValueKind::kMessage: {
      google::protobuf::util::JsonPrintOptions options;
      options.preserve_proto_field_names = true;
      std::string json;
      auto status = google::protobuf::util::MessageToJsonString(
          value.message(), &json, options);
      if (!status.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("a ", value.message().GetDescriptor()->full_name(),
                         " message could not be encoded as JSON"));
      }
      out->append(json);
      return absl::OkStatus();
    }
    case ValueKind::kError:
      return value.error().status();
    case ValueKind::kUnknown:
      return absl::InvalidArgumentError(
          "an unknown value inside a list or map has no JSON form");
  }
  return absl::InternalError("a value of an unexpected kind");
}

}  // namespace

absl::Status BindJson(absl::string_view json_object, const Program& program,
                      Activation& activation) {
  if (absl::StripAsciiWhitespace(json_object).empty()) return absl::OkStatus();
  google::protobuf::Struct bindings;
  google::protobuf::util::JsonParseOptions options;
  auto parsed = google::protobuf::util::JsonStringToMessage(
      std::string(json_object), &bindings, options);
  if (!parsed.ok()) {
    std::string message = StatusText(parsed);
    absl::string_view first_line = message;
    first_line = first_line.substr(0, first_line.find('\n'));
    absl::ConsumePrefix(&first_line, ": ");
    if (first_line.find('"') != absl::string_view::npos) first_line = "";
    return absl::InvalidArgumentError(absl::StrCat(
        "bindings: not a JSON object",
        first_line.empty() ? "" : absl::StrCat(" (", first_line, ")")));
  }
  const VariableTable& variables = *program.variables();
  Binder binder(activation.arena());
  // Sorted, so that the first error reported does not depend on hashing.
  std::vector<const std::string*> names;
  for (const auto& [name, unused] : bindings.fields()) names.push_back(&name);
  std::sort(names.begin(), names.end(),
            [](const std::string* a, const std::string* b) { return *a < *b; });
  v1::Type dyn;
  dyn.mutable_dyn();
  for (const std::string* name : names) {
    int slot = variables.Find(*name);
    if (slot < 0) continue;  // no program of this environment reads it
    std::string path = absl::StrCat("bindings.", *name);
    absl::StatusOr<Value> value =
        binder.Convert(bindings.fields().at(*name), variables.type(slot), path, 0);
    if (!value.ok()) return value.status();
    activation.Bind(*name, *value);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> ValueToJson(const Value& value) {
  Arena arena;
  std::string out;
  absl::Status status = AppendJson(value, &arena, 0, &out);
  if (!status.ok()) return status;
  return out;
}

absl::StatusOr<std::string> ResultToJson(const Value& result) {
  if (result.IsUnknown()) {
    std::string out = "{\"unknown\":[";
    bool first = true;
    for (const std::string& attribute : result.unknown().attributes()) {
      if (!first) out.push_back(',');
      first = false;
      AppendJsonString(attribute, &out);
    }
    out.append("]}");
    return out;
  }
  if (result.IsError()) return result.error().status();
  absl::StatusOr<std::string> value = ValueToJson(result);
  if (!value.ok()) return value.status();
  return absl::StrCat("{\"value\":", *value, "}");
}

}  // namespace divert::cel
