#include "eligibility/decision_writer.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "absl/container/inlined_vector.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/repeated_field.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "google/protobuf/wire_format_lite.h"

namespace divert::eligibility {
namespace {

using google::protobuf::internal::WireFormatLite;

// Sizes of fields as proto3 writes them: nothing for a default value.
size_t TagSize(int field) {
  return WireFormatLite::TagSize(field, WireFormatLite::TYPE_INT32);
}
size_t Int32FieldSize(int field, int32_t value) {
  return value == 0 ? 0 : TagSize(field) + WireFormatLite::Int32Size(value);
}
size_t BoolFieldSize(int field, bool value) {
  return value ? TagSize(field) + 1 : 0;
}
size_t LengthDelimitedSize(int field, size_t length) {
  return TagSize(field) + WireFormatLite::LengthDelimitedSize(length);
}
size_t StringFieldSize(int field, const std::string& value) {
  return value.empty() ? 0 : LengthDelimitedSize(field, value.size());
}
// Repeated strings are walked by index: RepeatedPtrField<std::string>'s
// iterators are out-of-line calls into libprotobuf, and most of these
// fields are empty.
size_t RepeatedStringsSize(
    int field, const google::protobuf::RepeatedPtrField<std::string>& values) {
  size_t n = 0;
  for (int i = 0; i < values.size(); ++i) {
    n += LengthDelimitedSize(field, values.Get(i).size());
  }
  return n;
}

// Appends to a buffer sized beforehand, with protobuf's own encoders.
class Writer {
 public:
  explicit Writer(char* out) : out_(reinterpret_cast<uint8_t*>(out)) {}

  void Int32Field(int field, int32_t value) {
    if (value != 0) out_ = WireFormatLite::WriteInt32ToArray(field, value, out_);
  }
  void BoolField(int field, bool value) {
    if (value) out_ = WireFormatLite::WriteBoolToArray(field, value, out_);
  }
  void StringField(int field, const std::string& value) {
    if (!value.empty()) {
      out_ = WireFormatLite::WriteStringToArray(field, value, out_);
    }
  }
  void RepeatedStrings(
      int field, const google::protobuf::RepeatedPtrField<std::string>& values) {
    for (int i = 0; i < values.size(); ++i) {
      out_ = WireFormatLite::WriteStringToArray(field, values.Get(i), out_);
    }
  }
  // An int32 or enum value inside a packed field.
  void PackedInt32(int32_t value) {
    out_ = WireFormatLite::WriteInt32NoTagToArray(value, out_);
  }
  // The tag and length of a length-delimited field.
  void Header(int field, size_t length) {
    out_ = WireFormatLite::WriteTagToArray(
        field, WireFormatLite::WIRETYPE_LENGTH_DELIMITED, out_);
    out_ = google::protobuf::io::CodedOutputStream::WriteVarint32ToArray(
        static_cast<uint32_t>(length), out_);
  }
  void Raw(const std::string& bytes) {
    std::memcpy(out_, bytes.data(), bytes.size());
    out_ += bytes.size();
  }

 private:
  uint8_t* out_;
};

size_t DateSize(const v1::Date& date) {
  return Int32FieldSize(v1::Date::kYearFieldNumber, date.year()) +
         Int32FieldSize(v1::Date::kMonthFieldNumber, date.month()) +
         Int32FieldSize(v1::Date::kDayFieldNumber, date.day());
}

void WriteDate(const v1::Date& date, Writer* w) {
  w->Int32Field(v1::Date::kYearFieldNumber, date.year());
  w->Int32Field(v1::Date::kMonthFieldNumber, date.month());
  w->Int32Field(v1::Date::kDayFieldNumber, date.day());
}

size_t ChargeResultSize(const v1::ChargeResult& c) {
  using C = v1::ChargeResult;
  return Int32FieldSize(C::kChargeIndexFieldNumber, c.charge_index()) +
         StringFieldSize(C::kStatuteCodeFieldNumber, c.statute_code()) +
         Int32FieldSize(C::kResultFieldNumber, c.result()) +
         StringFieldSize(C::kAlternativeIdFieldNumber, c.alternative_id()) +
         RepeatedStringsSize(C::kMissingFactsFieldNumber, c.missing_facts());
}

void WriteChargeResult(const v1::ChargeResult& c, Writer* w) {
  using C = v1::ChargeResult;
  w->Int32Field(C::kChargeIndexFieldNumber, c.charge_index());
  w->StringField(C::kStatuteCodeFieldNumber, c.statute_code());
  w->Int32Field(C::kResultFieldNumber, c.result());
  w->StringField(C::kAlternativeIdFieldNumber, c.alternative_id());
  w->RepeatedStrings(C::kMissingFactsFieldNumber, c.missing_facts());
}

// Sizes measured in the first pass and used again in the second, in the
// order the second pass writes them.
using SizeList = absl::InlinedVector<size_t, 64>;

// The rule's encoded id, kind and text come from `rule`, each written in
// its place among the outcome's fields, as protobuf orders fields. The
// sizes of the outcome's charge results are appended to `charge_sizes`.
size_t RuleOutcomeSize(const v1::RuleOutcome& r, const CompiledRule& rule,
                       SizeList* charge_sizes) {
  using R = v1::RuleOutcome;
  size_t n = rule.id_and_kind_fields.size() +
             Int32FieldSize(R::kResultFieldNumber, r.result()) +
             rule.text_field.size() +
             StringFieldSize(R::kAlternativeIdFieldNumber, r.alternative_id()) +
             RepeatedStringsSize(R::kMissingFactsFieldNumber, r.missing_facts()) +
             StringFieldSize(R::kErrorFieldNumber, r.error()) +
             BoolFieldSize(R::kDecisiveFieldNumber, r.decisive());
  for (const v1::ChargeResult& charge : r.charges()) {
    charge_sizes->push_back(ChargeResultSize(charge));
    n += LengthDelimitedSize(R::kChargesFieldNumber, charge_sizes->back());
  }
  return n;
}

// Writes `r`; `*charge_size` walks the sizes RuleOutcomeSize appended.
void WriteRuleOutcome(const v1::RuleOutcome& r, const CompiledRule& rule,
                      const size_t** charge_size, Writer* w) {
  using R = v1::RuleOutcome;
  w->Raw(rule.id_and_kind_fields);
  w->Int32Field(R::kResultFieldNumber, r.result());
  w->Raw(rule.text_field);
  w->StringField(R::kAlternativeIdFieldNumber, r.alternative_id());
  w->RepeatedStrings(R::kMissingFactsFieldNumber, r.missing_facts());
  w->StringField(R::kErrorFieldNumber, r.error());
  for (const v1::ChargeResult& charge : r.charges()) {
    w->Header(R::kChargesFieldNumber, *(*charge_size)++);
    WriteChargeResult(charge, w);
  }
  w->BoolField(R::kDecisiveFieldNumber, r.decisive());
}

size_t MissingFactSize(const v1::MissingFact& f) {
  using F = v1::MissingFact;
  return StringFieldSize(F::kFieldPathFieldNumber, f.field_path()) +
         StringFieldSize(F::kQuestionFieldNumber, f.question()) +
         RepeatedStringsSize(F::kRuleIdsFieldNumber, f.rule_ids());
}

void WriteMissingFact(const v1::MissingFact& f, Writer* w) {
  using F = v1::MissingFact;
  w->StringField(F::kFieldPathFieldNumber, f.field_path());
  w->StringField(F::kQuestionFieldNumber, f.question());
  w->RepeatedStrings(F::kRuleIdsFieldNumber, f.rule_ids());
}

// The packed review_by field's payload size.
size_t ReviewBodiesSize(const google::protobuf::RepeatedField<int>& bodies) {
  size_t n = 0;
  for (int body : bodies) n += WireFormatLite::Int32Size(body);
  return n;
}

}  // namespace

std::string EncodeRuleIdAndKindFields(const v1::Rule& rule) {
  v1::RuleOutcome id_and_kind;
  id_and_kind.set_rule_id(rule.id());
  id_and_kind.set_kind(rule.kind());
  return id_and_kind.SerializeAsString();
}

std::string EncodeRuleTextField(const v1::Rule& rule) {
  v1::RuleOutcome text_only;
  text_only.set_text(rule.text());
  return text_only.SerializeAsString();
}

void WriteDecision(const CompiledVersion& version, const v1::Decision& d,
                   std::string* bytes) {
  using D = v1::Decision;
  // Measure, then write into a buffer of exactly that size. A decision has
  // one outcome per rule of its version, in order.
  const int rules = std::min<int>(d.rules_size(),
                                  static_cast<int>(version.rules.size()));
  const CompiledRule* compiled = version.rules.data();
  size_t size = StringFieldSize(D::kDecisionIdFieldNumber, d.decision_id()) +
                StringFieldSize(D::kSiteIdFieldNumber, d.site_id()) +
                StringFieldSize(D::kPolicyVersionFieldNumber, d.policy_version()) +
                StringFieldSize(D::kEncounterIdFieldNumber, d.encounter_id()) +
                Int32FieldSize(D::kPathwayFieldNumber, d.pathway()) +
                Int32FieldSize(D::kOutcomeFieldNumber, d.outcome()) +
                StringFieldSize(D::kSummaryFieldNumber, d.summary()) +
                RepeatedStringsSize(D::kNotesFieldNumber, d.notes());
  const size_t date_size = DateSize(d.policy_approved_on());
  if (d.has_policy_approved_on()) {
    size += LengthDelimitedSize(D::kPolicyApprovedOnFieldNumber, date_size);
  }
  const size_t review_size = ReviewBodiesSize(d.review_by());
  if (review_size > 0) {
    size += LengthDelimitedSize(D::kReviewByFieldNumber, review_size);
  }
  // The rules' sizes are needed twice: in the total and before each rule.
  SizeList rule_sizes(rules);
  SizeList charge_sizes;
  for (int i = 0; i < rules; ++i) {
    rule_sizes[i] = RuleOutcomeSize(d.rules(i), compiled[i], &charge_sizes);
    size += LengthDelimitedSize(D::kRulesFieldNumber, rule_sizes[i]);
  }
  for (const v1::MissingFact& fact : d.missing_facts()) {
    size += LengthDelimitedSize(D::kMissingFactsFieldNumber,
                                MissingFactSize(fact));
  }

  bytes->resize(size);
  Writer w(bytes->data());
  w.StringField(D::kDecisionIdFieldNumber, d.decision_id());
  w.StringField(D::kSiteIdFieldNumber, d.site_id());
  w.StringField(D::kPolicyVersionFieldNumber, d.policy_version());
  if (d.has_policy_approved_on()) {
    w.Header(D::kPolicyApprovedOnFieldNumber, date_size);
    WriteDate(d.policy_approved_on(), &w);
  }
  w.StringField(D::kEncounterIdFieldNumber, d.encounter_id());
  w.Int32Field(D::kPathwayFieldNumber, d.pathway());
  w.Int32Field(D::kOutcomeFieldNumber, d.outcome());
  if (review_size > 0) {
    w.Header(D::kReviewByFieldNumber, review_size);
    for (int body : d.review_by()) w.PackedInt32(body);
  }
  const size_t* charge_size = charge_sizes.data();
  for (int i = 0; i < rules; ++i) {
    w.Header(D::kRulesFieldNumber, rule_sizes[i]);
    WriteRuleOutcome(d.rules(i), compiled[i], &charge_size, &w);
  }
  for (const v1::MissingFact& fact : d.missing_facts()) {
    w.Header(D::kMissingFactsFieldNumber, MissingFactSize(fact));
    WriteMissingFact(fact, &w);
  }
  w.StringField(D::kSummaryFieldNumber, d.summary());
  w.RepeatedStrings(D::kNotesFieldNumber, d.notes());
}

void AddRuleNames(const CompiledVersion& version, v1::Decision* decision) {
  const int n = std::min<int>(decision->rules_size(),
                              static_cast<int>(version.rules.size()));
  for (int i = 0; i < n; ++i) {
    const v1::Rule& rule = *version.rules[i].rule;
    v1::RuleOutcome* out = decision->mutable_rules(i);
    out->set_rule_id(rule.id());
    out->set_kind(rule.kind());
    out->set_text(rule.text());
  }
}

}  // namespace divert::eligibility
