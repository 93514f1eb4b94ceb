#include "eligibility/decision_writer.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "absl/container/inlined_vector.h"
#include "divert/v1/decision.pb.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"

namespace divert::eligibility {
namespace {

using google::protobuf::internal::WireFormatLite;
using D = v1::Decision;
using R = v1::RuleOutcome;
using C = v1::ChargeResult;
using F = v1::MissingFact;

// Sizes of fields as proto3 writes them: nothing for a default value. Every
// field number of a decision is below 16, so every tag is one byte.
constexpr size_t kTagSize = 1;
static_assert(D::kNotesFieldNumber < 16 && R::kDecisiveFieldNumber < 16 &&
                  C::kMissingFactsFieldNumber < 16 &&
                  F::kRuleIdsFieldNumber < 16,
              "a field number of 16 or more needs a two-byte tag");

size_t Int32FieldSize(int32_t value) {
  return value == 0 ? 0 : kTagSize + WireFormatLite::Int32Size(value);
}
size_t BoolFieldSize(bool value) { return value ? kTagSize + 1 : 0; }
size_t LengthDelimitedSize(size_t length) {
  return kTagSize + WireFormatLite::LengthDelimitedSize(length);
}
size_t StringFieldSize(absl::string_view value) {
  return value.empty() ? 0 : LengthDelimitedSize(value.size());
}
size_t RepeatedStringsSize(const std::vector<std::string>& values) {
  size_t n = 0;
  for (const std::string& value : values) n += LengthDelimitedSize(value.size());
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
  void StringField(int field, absl::string_view value) {
    if (!value.empty()) {
      Header(field, value.size());
      Raw(value);
    }
  }
  void RepeatedStrings(int field, const std::vector<std::string>& values) {
    for (const std::string& value : values) {
      Header(field, value.size());
      Raw(value);
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
  void Raw(absl::string_view bytes) {
    if (bytes.empty()) return;
    std::memcpy(out_, bytes.data(), bytes.size());
    out_ += bytes.size();
  }

 private:
  uint8_t* out_;
};

// The statute code a charge result names: the enriched charge's.
absl::string_view StatuteCode(const v1::Encounter& encounter, size_t charge) {
  return charge < static_cast<size_t>(encounter.charges_size())
             ? absl::string_view(encounter.charges(static_cast<int>(charge))
                                     .statute_code())
             : absl::string_view();
}

size_t ChargeResultSize(const CompiledRule& rule, const ChargeRecord& charge,
                        size_t index, const v1::Encounter& encounter) {
  return Int32FieldSize(static_cast<int32_t>(index)) +
         StringFieldSize(StatuteCode(encounter, index)) +
         Int32FieldSize(charge.result) +
         StringFieldSize(AlternativeId(rule, charge.alternative)) +
         RepeatedStringsSize(charge.missing_facts);
}

void WriteChargeResult(const CompiledRule& rule, const ChargeRecord& charge,
                       size_t index, const v1::Encounter& encounter,
                       Writer* w) {
  w->Int32Field(C::kChargeIndexFieldNumber, static_cast<int32_t>(index));
  w->StringField(C::kStatuteCodeFieldNumber, StatuteCode(encounter, index));
  w->Int32Field(C::kResultFieldNumber, charge.result);
  w->StringField(C::kAlternativeIdFieldNumber,
                 AlternativeId(rule, charge.alternative));
  w->RepeatedStrings(C::kMissingFactsFieldNumber, charge.missing_facts);
}

// Sizes measured in the first pass and used again in the second, in the
// order the second pass writes them.
using SizeList = absl::InlinedVector<size_t, 64>;

// An outcome with nothing but the rule's id, kind, result, text and
// `decisive`, which is written from `rule.plain_outcomes`.
bool IsPlain(const CompiledRule& rule, const RuleRecord& r) {
  return r.charges.empty() && r.missing_facts.empty() && r.error.empty() &&
         AlternativeId(rule, r.alternative).empty();
}

const std::string& PlainOutcome(const CompiledRule& rule,
                                const RuleRecord& r) {
  return rule.plain_outcomes[r.result][r.decisive ? 1 : 0];
}

// Marks a plain outcome in the list of rule sizes.
constexpr size_t kPlain = ~size_t{0};

// The rule's id, kind, result and text are written together from the
// encodings of `rule` (fields 1 to 4, before the others, as protobuf orders
// fields). The sizes of the outcome's charge results are appended to
// `charge_sizes`.
size_t RuleOutcomeSize(const CompiledRule& rule, const RuleRecord& r,
                       const v1::Encounter& encounter,
                       SizeList* charge_sizes) {
  size_t n = rule.head_fields[r.result].size() +
             StringFieldSize(AlternativeId(rule, r.alternative)) +
             RepeatedStringsSize(r.missing_facts) + StringFieldSize(r.error) +
             BoolFieldSize(r.decisive);
  for (size_t c = 0; c < r.charges.size(); ++c) {
    charge_sizes->push_back(ChargeResultSize(rule, r.charges[c], c, encounter));
    n += LengthDelimitedSize(charge_sizes->back());
  }
  return n;
}

// Writes `r`; `*charge_size` walks the sizes RuleOutcomeSize appended.
void WriteRuleOutcome(const CompiledRule& rule, const RuleRecord& r,
                      const v1::Encounter& encounter,
                      const size_t** charge_size, Writer* w) {
  w->Raw(rule.head_fields[r.result]);
  w->StringField(R::kAlternativeIdFieldNumber,
                 AlternativeId(rule, r.alternative));
  w->RepeatedStrings(R::kMissingFactsFieldNumber, r.missing_facts);
  w->StringField(R::kErrorFieldNumber, r.error);
  for (size_t c = 0; c < r.charges.size(); ++c) {
    w->Header(R::kChargesFieldNumber, *(*charge_size)++);
    WriteChargeResult(rule, r.charges[c], c, encounter, w);
  }
  w->BoolField(R::kDecisiveFieldNumber, r.decisive);
}

size_t MissingFactSize(const CompiledVersion& version,
                       const MissingFactRecord& f) {
  size_t n = StringFieldSize(f.field_path) + StringFieldSize(f.question);
  for (int rule : f.rules) {
    n += LengthDelimitedSize(version.rules[rule].rule->id().size());
  }
  return n;
}

void WriteMissingFact(const CompiledVersion& version,
                      const MissingFactRecord& f, Writer* w) {
  w->StringField(F::kFieldPathFieldNumber, f.field_path);
  w->StringField(F::kQuestionFieldNumber, f.question);
  for (int rule : f.rules) {
    const std::string& id = version.rules[rule].rule->id();
    w->Header(F::kRuleIdsFieldNumber, id.size());
    w->Raw(id);
  }
}

// The packed review_by field's payload size.
size_t ReviewBodiesSize(const std::vector<v1::ReviewBody>& bodies) {
  size_t n = 0;
  for (v1::ReviewBody body : bodies) n += WireFormatLite::Int32Size(body);
  return n;
}

}  // namespace

std::array<std::string, kRuleResultCount> EncodeRuleHeadFields(
    const v1::Rule& rule) {
  std::array<std::string, kRuleResultCount> encoded;
  for (int result = 0; result < kRuleResultCount; ++result) {
    v1::RuleOutcome head;
    head.set_rule_id(rule.id());
    head.set_kind(rule.kind());
    head.set_result(static_cast<v1::RuleResult>(result));
    head.set_text(rule.text());
    encoded[result] = head.SerializeAsString();
  }
  return encoded;
}

std::array<std::array<std::string, 2>, kRuleResultCount>
EncodePlainRuleOutcomes(const v1::Rule& rule) {
  std::array<std::array<std::string, 2>, kRuleResultCount> encoded;
  for (int result = 0; result < kRuleResultCount; ++result) {
    for (int decisive = 0; decisive < 2; ++decisive) {
      v1::Decision decision;
      v1::RuleOutcome* outcome = decision.add_rules();
      outcome->set_rule_id(rule.id());
      outcome->set_kind(rule.kind());
      outcome->set_result(static_cast<v1::RuleResult>(result));
      outcome->set_text(rule.text());
      outcome->set_decisive(decisive == 1);
      encoded[result][decisive] = decision.SerializeAsString();
    }
  }
  return encoded;
}

std::string EncodeDecisionHeaderFields(absl::string_view site_id,
                                       const v1::PolicyVersion& version) {
  v1::Decision header;
  header.set_site_id(std::string(site_id));
  header.set_policy_version(version.version());
  *header.mutable_policy_approved_on() = version.approved_on();
  return header.SerializeAsString();
}

void WriteDecision(const CompiledVersion& version,
                   const v1::Encounter& encounter,
                   const DecisionRecord& record, std::string* bytes) {
  WriteDecision(version, encounter, record, [bytes](size_t size) {
    bytes->resize(size);
    return bytes->data();
  });
}

bool WriteDecision(const CompiledVersion& version,
                   const v1::Encounter& encounter,
                   const DecisionRecord& record,
                   absl::FunctionRef<char*(size_t size)> allocate) {
  // Measure, then write into a buffer of exactly that size. A decision has
  // one outcome per rule of its version, in order.
  const size_t rules = std::min(record.rules.size(), version.rules.size());
  const CompiledRule* compiled = version.rules.data();
  size_t size = StringFieldSize(record.decision_id) +
                version.decision_header_fields.size() +
                StringFieldSize(encounter.encounter_id()) +
                Int32FieldSize(encounter.pathway()) +
                Int32FieldSize(record.outcome) +
                StringFieldSize(record.summary) +
                RepeatedStringsSize(record.notes);
  const size_t review_size = ReviewBodiesSize(record.review_by);
  if (review_size > 0) size += LengthDelimitedSize(review_size);
  // The rules' sizes are needed twice: in the total and before each rule.
  SizeList rule_size_list(rules);
  size_t* rule_sizes = rule_size_list.data();
  const RuleRecord* outcomes = record.rules.data();
  SizeList charge_sizes;
  for (size_t i = 0; i < rules; ++i) {
    if (IsPlain(compiled[i], outcomes[i])) {
      rule_sizes[i] = kPlain;
      size += PlainOutcome(compiled[i], outcomes[i]).size();
      continue;
    }
    rule_sizes[i] =
        RuleOutcomeSize(compiled[i], outcomes[i], encounter, &charge_sizes);
    size += LengthDelimitedSize(rule_sizes[i]);
  }
  SizeList fact_sizes;
  for (const MissingFactRecord& fact : record.missing_facts) {
    fact_sizes.push_back(MissingFactSize(version, fact));
    size += LengthDelimitedSize(fact_sizes.back());
  }

  char* out = allocate(size);
  if (out == nullptr) return false;
  Writer w(out);
  w.StringField(D::kDecisionIdFieldNumber, record.decision_id);
  w.Raw(version.decision_header_fields);
  w.StringField(D::kEncounterIdFieldNumber, encounter.encounter_id());
  w.Int32Field(D::kPathwayFieldNumber, encounter.pathway());
  w.Int32Field(D::kOutcomeFieldNumber, record.outcome);
  if (review_size > 0) {
    w.Header(D::kReviewByFieldNumber, review_size);
    for (v1::ReviewBody body : record.review_by) w.PackedInt32(body);
  }
  const size_t* charge_size = charge_sizes.data();
  for (size_t i = 0; i < rules; ++i) {
    if (rule_sizes[i] == kPlain) {
      w.Raw(PlainOutcome(compiled[i], outcomes[i]));
      continue;
    }
    w.Header(D::kRulesFieldNumber, rule_sizes[i]);
    WriteRuleOutcome(compiled[i], outcomes[i], encounter, &charge_size, &w);
  }
  for (size_t i = 0; i < record.missing_facts.size(); ++i) {
    w.Header(D::kMissingFactsFieldNumber, fact_sizes[i]);
    WriteMissingFact(version, record.missing_facts[i], &w);
  }
  w.StringField(D::kSummaryFieldNumber, record.summary);
  w.RepeatedStrings(D::kNotesFieldNumber, record.notes);
  return true;
}

}  // namespace divert::eligibility
