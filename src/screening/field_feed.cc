#include "screening/field_feed.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/civil_time.h"
#include "divert/v1/privacy.pb.h"
#include "google/protobuf/reflection.h"
#include "google/protobuf/timestamp.pb.h"

namespace divert::screening {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

bool IsTimestamp(const FieldDescriptor* field) {
  return field->type() == FieldDescriptor::TYPE_MESSAGE &&
         field->message_type()->full_name() == "google.protobuf.Timestamp";
}

absl::optional<bool> ReadBool(absl::string_view text) {
  const std::string word = absl::AsciiStrToLower(text);
  if (word == "true" || word == "t" || word == "yes" || word == "y" ||
      word == "1") {
    return true;
  }
  if (word == "false" || word == "f" || word == "no" || word == "n" ||
      word == "0") {
    return false;
  }
  return absl::nullopt;
}

FieldValue Issue(v1::ColumnIssue::Kind kind) {
  FieldValue value;
  value.issue = kind;
  return value;
}

}  // namespace

std::string FieldValue::Identity() const {
  std::string out(1, static_cast<char>(kind));
  switch (kind) {
    case Kind::kUnset:
      break;
    case Kind::kEnums:
      for (int e : enums) absl::StrAppend(&out, e, ",");
      break;
    case Kind::kBool:
      out += boolean ? "1" : "0";
      break;
    case Kind::kInt:
      absl::StrAppend(&out, integer);
      break;
    case Kind::kDouble:
      out.append(reinterpret_cast<const char*>(&real), sizeof(real));
      break;
    case Kind::kText:
      out += text;
      break;
    case Kind::kTime:
      absl::StrAppend(&out, absl::ToUnixNanos(time));
      break;
  }
  return out;
}

absl::StatusOr<FieldFeed> FieldFeed::Compile(const v1::ColumnFeed& feed,
                                             const absl::TimeZone& zone) {
  FieldFeed out;
  out.feed_ = feed;
  out.zone_ = zone;
  auto fail = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(
        "column '", feed.column(), "' feeds '", feed.field(), "': ", why));
  };
  if (feed.column().empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("a mapping entry for '", feed.field(), "' names no column"));
  }
  const Descriptor* message = v1::Encounter::descriptor();
  const std::vector<std::string> parts = absl::StrSplit(feed.field(), '.');
  for (size_t i = 0; i < parts.size(); ++i) {
    if (message == nullptr) return fail("the path goes past a value field");
    const FieldDescriptor* field = message->FindFieldByName(parts[i]);
    if (field == nullptr) {
      return fail(absl::StrCat(message->full_name(), " has no field '",
                               parts[i], "'"));
    }
    if (field->options().GetExtension(v1::identifying)) out.identifying_ = true;
    out.path_.push_back(field);
    const bool last = i + 1 == parts.size();
    if (field->type() == FieldDescriptor::TYPE_MESSAGE && !IsTimestamp(field)) {
      if (field->is_repeated()) {
        if (field->full_name() != "divert.v1.Encounter.charges") {
          return fail("only `charges` may be a repeated message on the way");
        }
        out.charge_field_ = true;
      }
      if (last) return fail("the field is a message, not a value");
      message = field->message_type();
    } else {
      if (!last) return fail(absl::StrCat("'", parts[i], "' is a value, not a message"));
      if (field->is_repeated() && field->type() != FieldDescriptor::TYPE_ENUM) {
        return fail("only repeated enum fields can be fed");
      }
      message = nullptr;
    }
  }
  out.occurred_at_ = feed.field() == "occurred_at";
  for (const v1::ValueTranslation& translation : feed.values()) {
    FieldValue value = out.Read(translation.to());
    if (value.issue != v1::ColumnIssue::KIND_UNSPECIFIED) {
      return fail(absl::StrCat("the translation of '", translation.from(),
                               "' to '", translation.to(),
                               "' is not a value of the field"));
    }
    const std::string from(absl::StripAsciiWhitespace(translation.from()));
    if (!out.translations_.emplace(from, std::move(value)).second) {
      return fail(absl::StrCat("'", from, "' is translated twice"));
    }
  }
  return out;
}

bool FieldFeed::can_fail() const {
  return !translations_.empty() ||
         path_.back()->cpp_type() != FieldDescriptor::CPPTYPE_STRING;
}

bool FieldFeed::is_statute_code() const {
  return path_.back()->full_name() == "divert.v1.Charge.statute_code";
}

FieldValue FieldFeed::Read(absl::string_view raw) const {
  const absl::string_view text = absl::StripAsciiWhitespace(raw);
  FieldValue value;
  if (text.empty()) return value;
  const FieldDescriptor* field = path_.back();
  if (IsTimestamp(field)) {
    absl::Time time;
    std::string error;
    const bool ok = feed_.time_format().empty()
                        ? absl::ParseTime(absl::RFC3339_full, text, &time, &error)
                        : absl::ParseTime(feed_.time_format(), text, zone_,
                                          &time, &error);
    if (!ok) return Issue(v1::ColumnIssue::UNPARSEABLE_VALUE);
    value.kind = FieldValue::Kind::kTime;
    value.time = time;
    return value;
  }
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_ENUM: {
      std::vector<absl::string_view> names =
          field->is_repeated() ? absl::StrSplit(text, ',')
                               : std::vector<absl::string_view>{text};
      for (absl::string_view name : names) {
        const auto* e = field->enum_type()->FindValueByName(
            absl::AsciiStrToUpper(absl::StripAsciiWhitespace(name)));
        if (e == nullptr) return Issue(v1::ColumnIssue::UNPARSEABLE_VALUE);
        value.enums.push_back(e->number());
      }
      value.kind = FieldValue::Kind::kEnums;
      return value;
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      absl::optional<bool> b = ReadBool(text);
      if (!b) return Issue(v1::ColumnIssue::UNPARSEABLE_VALUE);
      value.kind = FieldValue::Kind::kBool;
      value.boolean = *b;
      return value;
    }
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t i;
      if (!absl::SimpleAtoi(text, &i) ||
          (field->cpp_type() == FieldDescriptor::CPPTYPE_INT32 &&
           (i < INT32_MIN || i > INT32_MAX))) {
        return Issue(v1::ColumnIssue::UNPARSEABLE_VALUE);
      }
      value.kind = FieldValue::Kind::kInt;
      value.integer = i;
      return value;
    }
    case FieldDescriptor::CPPTYPE_FLOAT:
    case FieldDescriptor::CPPTYPE_DOUBLE: {
      double d;
      if (!absl::SimpleAtod(text, &d)) {
        return Issue(v1::ColumnIssue::UNPARSEABLE_VALUE);
      }
      value.kind = FieldValue::Kind::kDouble;
      value.real = d;
      return value;
    }
    case FieldDescriptor::CPPTYPE_STRING:
      value.kind = FieldValue::Kind::kText;
      value.text = std::string(text);
      return value;
    default:
      return Issue(v1::ColumnIssue::UNPARSEABLE_VALUE);
  }
}

FieldValue FieldFeed::ReadCell(const Cell& cell) const {
  const FieldDescriptor* field = path_.back();
  FieldValue value;
  switch (cell.kind) {
    case Cell::Kind::kNull:
      return value;
    case Cell::Kind::kText:
      return Read(cell.text);
    case Cell::Kind::kTime:
    case Cell::Kind::kCivilTime:
      if (!IsTimestamp(field)) {
        return Issue(v1::ColumnIssue::UNPARSEABLE_VALUE);
      }
      value.kind = FieldValue::Kind::kTime;
      value.time = cell.kind == Cell::Kind::kTime
                       ? cell.time
                       : absl::FromCivil(absl::ToCivilSecond(cell.time,
                                                             absl::UTCTimeZone()),
                                         zone_);
      return value;
    case Cell::Kind::kInt:
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) {
        const auto* e = field->enum_type()->FindValueByNumber(
            static_cast<int>(cell.integer));
        if (e == nullptr) return Issue(v1::ColumnIssue::UNPARSEABLE_VALUE);
        value.kind = FieldValue::Kind::kEnums;
        value.enums.push_back(e->number());
        return value;
      }
      return Read(absl::StrCat(cell.integer));
    case Cell::Kind::kDouble:
      return Read(absl::StrCat(cell.real));
    case Cell::Kind::kBool:
      return Read(cell.boolean ? "true" : "false");
  }
  return value;
}

FieldValue FieldFeed::Translate(const Cell& cell) const {
  if (translations_.empty() || cell.kind == Cell::Kind::kNull) {
    return ReadCell(cell);
  }
  std::string text;
  switch (cell.kind) {
    case Cell::Kind::kText:
      text = std::string(absl::StripAsciiWhitespace(cell.text));
      break;
    case Cell::Kind::kInt:
      text = absl::StrCat(cell.integer);
      break;
    case Cell::Kind::kDouble:
      text = absl::StrCat(cell.real);
      break;
    case Cell::Kind::kBool:
      text = cell.boolean ? "true" : "false";
      break;
    default:
      return ReadCell(cell);
  }
  auto it = translations_.find(text);
  if (it != translations_.end()) return it->second;
  if (feed_.pass_through_unlisted()) return ReadCell(cell);
  return Issue(v1::ColumnIssue::UNMAPPED_VALUE);
}

void FieldFeed::Apply(const FieldValue& value, int charge_index,
                      v1::Encounter* encounter) const {
  if (value.kind == FieldValue::Kind::kUnset) return;
  Message* message = encounter;
  for (size_t i = 0; i + 1 < path_.size(); ++i) {
    const Reflection* reflection = message->GetReflection();
    if (path_[i]->is_repeated()) {
      message = reflection->MutableRepeatedMessage(message, path_[i], charge_index);
    } else {
      message = reflection->MutableMessage(message, path_[i]);
    }
  }
  const FieldDescriptor* field = path_.back();
  const Reflection* reflection = message->GetReflection();
  switch (value.kind) {
    case FieldValue::Kind::kUnset:
      break;
    case FieldValue::Kind::kEnums:
      if (field->is_repeated()) {
        reflection->ClearField(message, field);
        for (int e : value.enums) reflection->AddEnumValue(message, field, e);
      } else {
        reflection->SetEnumValue(message, field, value.enums.front());
      }
      break;
    case FieldValue::Kind::kBool:
      reflection->SetBool(message, field, value.boolean);
      break;
    case FieldValue::Kind::kInt:
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_INT32) {
        reflection->SetInt32(message, field, static_cast<int32_t>(value.integer));
      } else {
        reflection->SetInt64(message, field, value.integer);
      }
      break;
    case FieldValue::Kind::kDouble:
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_FLOAT) {
        reflection->SetFloat(message, field, static_cast<float>(value.real));
      } else {
        reflection->SetDouble(message, field, value.real);
      }
      break;
    case FieldValue::Kind::kText:
      reflection->SetString(message, field, value.text);
      break;
    case FieldValue::Kind::kTime: {
      auto* timestamp = static_cast<google::protobuf::Timestamp*>(
          reflection->MutableMessage(message, field));
      const int64_t nanos = absl::ToUnixNanos(value.time);
      int64_t seconds = nanos / 1000000000;
      int64_t rest = nanos % 1000000000;
      if (rest < 0) {
        rest += 1000000000;
        --seconds;
      }
      timestamp->set_seconds(seconds);
      timestamp->set_nanos(static_cast<int32_t>(rest));
      break;
    }
  }
}

}  // namespace divert::screening
