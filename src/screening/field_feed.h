// One column feeding one Encounter field (a ColumnFeed of a mapping),
// compiled: the field's path, the translation table, and reading a value
// as the field's type. Translating a value is a pure function of the
// value, so the screener translates each distinct value once.
#ifndef DIVERT_SRC_SCREENING_FIELD_FEED_H_
#define DIVERT_SRC_SCREENING_FIELD_FEED_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "divert/v1/encounter.pb.h"
#include "divert/v1/screening.pb.h"
#include "google/protobuf/descriptor.h"
#include "screening/arrow_input.h"

namespace divert::screening {

// A value ready to be set on a field.
struct FieldValue {
  enum class Kind { kUnset, kEnums, kBool, kInt, kDouble, kText, kTime };
  Kind kind = Kind::kUnset;
  std::vector<int> enums;
  bool boolean = false;
  int64_t integer = 0;
  double real = 0;
  std::string text;
  absl::Time time;
  // Why the value could not be used, when it could not.
  v1::ColumnIssue::Kind issue = v1::ColumnIssue::KIND_UNSPECIFIED;

  // Bytes that are equal exactly when two values set the field alike.
  std::string Identity() const;
};

class FieldFeed {
 public:
  // Compiles `feed`; local times are read in `zone`. Fails naming the
  // column for a field path that is not in Encounter, a field of a type
  // that cannot be fed, a translation to an unknown enum name or a value
  // of the wrong type.
  static absl::StatusOr<FieldFeed> Compile(const v1::ColumnFeed& feed,
                                           const absl::TimeZone& zone);

  const v1::ColumnFeed& feed() const { return feed_; }
  // The fields from Encounter to the one set.
  const std::vector<const google::protobuf::FieldDescriptor*>& path() const {
    return path_;
  }
  // True for fields of `charges` (set on one charge).
  bool is_charge_field() const { return charge_field_; }
  bool is_occurred_at() const { return occurred_at_; }
  bool is_statute_code() const;
  // True when the field identifies a person: its values are never shown.
  bool identifying() const { return identifying_; }
  // True when some value could be unusable: the feed translates values, or
  // reads them as something other than text.
  bool can_fail() const;

  // The value `cell` sets on the field.
  FieldValue Translate(const Cell& cell) const;

  // Sets `value` on `encounter`; for charge fields on
  // encounter->charges(charge_index), which must exist.
  void Apply(const FieldValue& value, int charge_index,
             v1::Encounter* encounter) const;

 private:
  FieldValue Read(absl::string_view text) const;
  FieldValue ReadCell(const Cell& cell) const;

  v1::ColumnFeed feed_;
  absl::TimeZone zone_;
  std::vector<const google::protobuf::FieldDescriptor*> path_;
  bool charge_field_ = false;
  bool occurred_at_ = false;
  bool identifying_ = false;
  // Translations, by trimmed source value.
  absl::flat_hash_map<std::string, FieldValue> translations_;
};

}  // namespace divert::screening

#endif  // DIVERT_SRC_SCREENING_FIELD_FEED_H_
