// For tests and benchmarks of metrics: a site's MetricRecords turned into
// the columnar input (divert/metrics/record_columns.h), tables of
// referrals, events, people, encounters and arrests as Arrow arrays this
// code owns, so the columnar fold can be checked against the message fold
// on the same site.
#ifndef DIVERT_SRC_METRICS_TESTING_RECORD_COLUMNS_H_
#define DIVERT_SRC_METRICS_TESTING_RECORD_COLUMNS_H_

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "divert/metrics/record_columns.h"
#include "divert/v1/metrics.pb.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/util/field_mask_util.h"
#include "metrics/demographics.h"

namespace divert::testing {

// One Arrow column (or table: a struct of columns), schema and array, that
// owns its buffers. Its release callbacks only mark it released: the
// memory lives as long as the ArrowNode.
class ArrowNode {
 public:
  ArrowNode(std::string name, std::string format, int64_t length)
      : name_(std::move(name)), format_(std::move(format)) {
    std::memset(&schema, 0, sizeof(schema));
    std::memset(&array, 0, sizeof(array));
    array.length = length;
  }
  ArrowNode(const ArrowNode&) = delete;
  ArrowNode& operator=(const ArrowNode&) = delete;

  // Adds a buffer of `bytes` zeroed bytes; returns it.
  uint8_t* AddBuffer(size_t bytes) {
    buffers_.emplace_back(bytes == 0 ? 1 : bytes, 0);
    return buffers_.back().data();
  }
  void AddNullBuffer() { buffers_.emplace_back(); }
  // Sets the validity bitmap (buffer 0) from `valid`.
  void SetValidity(const std::vector<bool>& valid) {
    int64_t nulls = 0;
    for (bool v : valid) nulls += v ? 0 : 1;
    array.null_count = nulls;
    if (nulls == 0) return;
    buffers_[0].assign((valid.size() + 7) / 8, 0);
    for (size_t i = 0; i < valid.size(); ++i) {
      if (valid[i]) buffers_[0][i >> 3] |= static_cast<uint8_t>(1u << (i & 7));
    }
  }
  ArrowNode* AddChild(std::unique_ptr<ArrowNode> child) {
    children_.push_back(std::move(child));
    return children_.back().get();
  }
  void SetDictionary(std::unique_ptr<ArrowNode> dictionary) {
    dictionary_ = std::move(dictionary);
  }

  // Points the C structs at the owned memory; call when complete.
  void Finish() {
    for (auto& child : children_) {
      child->Finish();
      child_schemas_.push_back(&child->schema);
      child_arrays_.push_back(&child->array);
    }
    if (dictionary_ != nullptr) dictionary_->Finish();
    for (auto& buffer : buffers_) {
      buffer_pointers_.push_back(buffer.empty() ? nullptr : buffer.data());
    }
    schema.format = format_.c_str();
    schema.name = name_.c_str();
    schema.flags = ARROW_FLAG_NULLABLE;
    schema.n_children = static_cast<int64_t>(children_.size());
    schema.children = child_schemas_.data();
    schema.dictionary = dictionary_ ? &dictionary_->schema : nullptr;
    schema.release = &ReleaseSchema;
    array.n_buffers = static_cast<int64_t>(buffers_.size());
    array.buffers = buffer_pointers_.data();
    array.n_children = static_cast<int64_t>(children_.size());
    array.children = child_arrays_.data();
    array.dictionary = dictionary_ ? &dictionary_->array : nullptr;
    array.release = &ReleaseArray;
  }

  ArrowSchema schema;
  ArrowArray array;

 private:
  static void ReleaseSchema(ArrowSchema* s) { s->release = nullptr; }
  static void ReleaseArray(ArrowArray* a) { a->release = nullptr; }

  std::string name_;
  std::string format_;
  std::vector<std::vector<uint8_t>> buffers_;
  std::vector<const void*> buffer_pointers_;
  std::vector<std::unique_ptr<ArrowNode>> children_;
  std::vector<ArrowSchema*> child_schemas_;
  std::vector<ArrowArray*> child_arrays_;
  std::unique_ptr<ArrowNode> dictionary_;
};

// Fixed-width values (`format` "i", "l", "c", "tdD", "tss:UTC", ...);
// `valid` empty: no nulls.
template <typename T>
std::unique_ptr<ArrowNode> FixedNode(const std::string& name,
                                     const std::string& format,
                                     const std::vector<T>& values,
                                     const std::vector<bool>& valid = {}) {
  auto node = std::make_unique<ArrowNode>(name, format, values.size());
  node->AddNullBuffer();
  uint8_t* buffer = node->AddBuffer(values.size() * sizeof(T));
  if (!values.empty()) std::memcpy(buffer, values.data(), values.size() * sizeof(T));
  if (!valid.empty()) node->SetValidity(valid);
  return node;
}

inline std::unique_ptr<ArrowNode> TextNode(const std::string& name,
                                           const std::vector<std::string>& values,
                                           const std::vector<bool>& valid = {}) {
  auto node = std::make_unique<ArrowNode>(name, "u", values.size());
  node->AddNullBuffer();
  auto* offsets = reinterpret_cast<int32_t*>(
      node->AddBuffer((values.size() + 1) * sizeof(int32_t)));
  size_t bytes = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    offsets[i] = static_cast<int32_t>(bytes);
    bytes += values[i].size();
  }
  offsets[values.size()] = static_cast<int32_t>(bytes);
  uint8_t* chars = node->AddBuffer(bytes);
  for (const std::string& v : values) {
    std::memcpy(chars, v.data(), v.size());
    chars += v.size();
  }
  if (!valid.empty()) node->SetValidity(valid);
  return node;
}

// A text column built value by value, plain or dictionary-encoded (int32
// indices into the distinct values in order of first sight).
class TextColumnBuilder {
 public:
  TextColumnBuilder(std::string name, bool dictionary)
      : name_(std::move(name)), dictionary_(dictionary) {}
  void Add(const std::string& value) {
    valid_.push_back(true);
    if (!dictionary_) {
      values_.push_back(value);
      return;
    }
    auto [it, inserted] =
        codes_.try_emplace(value, static_cast<int32_t>(distinct_.size()));
    if (inserted) distinct_.push_back(value);
    indices_.push_back(it->second);
  }
  void AddNull() {
    valid_.push_back(false);
    if (dictionary_) {
      indices_.push_back(0);
    } else {
      values_.emplace_back();
    }
  }
  std::unique_ptr<ArrowNode> Finish() const {
    if (!dictionary_) return TextNode(name_, values_, valid_);
    auto node = FixedNode<int32_t>(name_, "i", indices_, valid_);
    node->SetDictionary(TextNode("", distinct_));
    return node;
  }

 private:
  std::string name_;
  bool dictionary_;
  std::vector<bool> valid_;
  std::vector<std::string> values_;
  std::vector<int32_t> indices_;
  std::vector<std::string> distinct_;
  absl::flat_hash_map<std::string, int32_t> codes_;
};

// A table (a struct of `columns`, all of `length` rows), finished.
inline std::unique_ptr<ArrowNode> TableNode(
    std::vector<std::unique_ptr<ArrowNode>> columns, int64_t length) {
  auto table = std::make_unique<ArrowNode>("", "+s", length);
  table->AddNullBuffer();
  for (auto& column : columns) table->AddChild(std::move(column));
  table->Finish();
  return table;
}

// Bools, bit-packed (Arrow format "b").
inline std::unique_ptr<ArrowNode> BoolNode(const std::string& name,
                                           const std::vector<bool>& values) {
  auto node = std::make_unique<ArrowNode>(name, "b", values.size());
  node->AddNullBuffer();
  uint8_t* bits = node->AddBuffer((values.size() + 7) / 8);
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i]) bits[i >> 3] |= static_cast<uint8_t>(1u << (i & 7));
  }
  return node;
}

// A list<int32> column: row i holds values[offsets[i] .. offsets[i + 1]).
inline std::unique_ptr<ArrowNode> IntListNode(const std::string& name,
                                              const std::vector<int32_t>& offsets,
                                              const std::vector<int32_t>& values) {
  auto node = std::make_unique<ArrowNode>(name, "+l", offsets.size() - 1);
  node->AddNullBuffer();
  std::memcpy(node->AddBuffer(offsets.size() * sizeof(int32_t)), offsets.data(),
              offsets.size() * sizeof(int32_t));
  node->AddChild(FixedNode<int32_t>("item", "i", values));
  return node;
}

// Copies the fields of `records` but `left_out` into `out`. (Not a copy
// of everything, then cleared: in a benchmark, the heap those millions of
// frees leave behind would be the first measured call's to tidy.)
inline void CopyAllBut(const v1::MetricRecords& records,
                       const std::vector<std::string>& left_out,
                       v1::MetricRecords* out) {
  google::protobuf::FieldMask fields;
  const google::protobuf::Descriptor* descriptor = records.GetDescriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const std::string& name = descriptor->field(i)->name();
    if (std::find(left_out.begin(), left_out.end(), name) == left_out.end()) {
      fields.add_paths(name);
    }
  }
  google::protobuf::util::FieldMaskUtil::MergeMessageTo(
      records, fields, google::protobuf::util::FieldMaskUtil::MergeOptions(), out);
}

struct ColumnOptions {
  // Referral ids as int64 numbers (the referrals table's row + 1) instead
  // of text (dictionary-encoded in the events table).
  bool integer_ids = false;
  // Plain utf8 text columns instead of dictionary-encoded ones.
  bool plain_text = false;
  // People, encounters and arrests as tables too (not only the referral
  // log).
  bool person_tables = true;
};

// `records` as the columnar input: the referrals and events tables, and
// the rest of the records. view() is valid while this lives.
class OwnedRecordColumns {
 public:
  OwnedRecordColumns(const v1::MetricRecords& records, ColumnOptions options = {}) {
    std::vector<std::string> tables = {"events", "subjects"};
    if (options.person_tables) tables.insert(tables.end(), {"people", "encounters", "arrests"});
    CopyAllBut(records, tables, &rest_);
    BuildReferrals(records, options);
    BuildEvents(records, options);
    if (options.person_tables) {
      BuildPeople(records, options);
      BuildEncounters(records, options);
      BuildArrests(records, options);
    }
  }

  metrics::RecordColumns view() const {
    metrics::RecordColumns columns;
    columns.records = &rest_;
    columns.referrals.schema = &referrals_->schema;
    columns.referrals.batches = {&referrals_->array};
    columns.events.schema = &events_->schema;
    columns.events.batches = {&events_->array};
    for (auto [table, node] : {std::pair{&columns.people, people_.get()},
                               std::pair{&columns.encounters, encounters_.get()},
                               std::pair{&columns.arrests, arrests_.get()}}) {
      if (node == nullptr) continue;
      table->schema = &node->schema;
      table->batches = {&node->array};
    }
    return columns;
  }
  v1::MetricRecords& rest() { return rest_; }

 private:
  using Event = v1::ReferralEvent;

  void BuildReferrals(const v1::MetricRecords& records, ColumnOptions options) {
    TextColumnBuilder person("person_key", !options.plain_text);
    TextColumnBuilder precinct("precinct", !options.plain_text);
    TextColumnBuilder area("area", !options.plain_text);
    auto add = [&](const std::string& id, const v1::ReferralSubject* subject) {
      if (!rows_.try_emplace(id, static_cast<int32_t>(ids_.size())).second) return;
      ids_.push_back(id);
      if (subject == nullptr) {
        person.AddNull();
        precinct.AddNull();
        area.AddNull();
        return;
      }
      person.Add(subject->person_key());
      precinct.Add(subject->precinct());
      area.Add(subject->area());
    };
    for (const v1::ReferralSubject& s : records.subjects()) add(s.referral_id(), &s);
    for (const Event& e : records.events()) add(e.referral_id(), nullptr);
    std::vector<std::unique_ptr<ArrowNode>> columns;
    columns.push_back(IdNode(ids_, options));
    columns.push_back(person.Finish());
    columns.push_back(precinct.Finish());
    columns.push_back(area.Finish());
    referrals_ = TableNode(std::move(columns), static_cast<int64_t>(ids_.size()));
  }

  std::unique_ptr<ArrowNode> IdNode(const std::vector<std::string>& ids,
                                    ColumnOptions options) {
    if (!options.integer_ids) return TextNode("referral_id", ids);
    std::vector<int64_t> numbers;
    for (size_t i = 0; i < ids.size(); ++i) numbers.push_back(static_cast<int64_t>(i) + 1);
    return FixedNode<int64_t>("referral_id", "l", numbers);
  }

  void BuildEvents(const v1::MetricRecords& records, ColumnOptions options) {
    const size_t n = static_cast<size_t>(records.events_size());
    const bool dict = !options.plain_text;
    std::vector<int32_t> referral(n);
    std::vector<int64_t> seconds(n), numbers;
    std::vector<bool> dated(n);
    std::vector<int8_t> kind(n);
    TextColumnBuilder officer("officer_id", dict), agency("agency", dict),
        source("source", dict), decision("decision_id", dict),
        case_manager("case_manager_id", dict), provider("provider", dict),
        service("service_referral_id", dict);
    std::vector<int32_t> need(n), status(n), prosecutor(n), arrest(n), exit(n), due(n);
    std::vector<bool> has_need(n), has_status(n), has_prosecutor(n), has_arrest(n),
        has_exit(n), has_due(n), has_needs(n);
    std::vector<int32_t> need_offsets = {0}, need_numbers, need_states;
    for (size_t i = 0; i < n; ++i) {
      const Event& e = records.events(static_cast<int>(i));
      referral[i] = rows_.at(e.referral_id());
      numbers.push_back(referral[i] + 1);
      dated[i] = e.has_occurred_at();
      seconds[i] = e.occurred_at().seconds();
      kind[i] = static_cast<int8_t>(e.event_case());
      auto text = [](TextColumnBuilder& b, bool has, const std::string& v) {
        if (has) {
          b.Add(v);
        } else {
          b.AddNull();
        }
      };
      const bool eligibility = e.has_eligibility_recorded();
      const bool social = e.has_social_contact_referred();
      text(officer, eligibility || social,
           eligibility ? e.eligibility_recorded().officer_id()
                       : e.social_contact_referred().officer_id());
      text(agency, eligibility || social,
           eligibility ? e.eligibility_recorded().agency()
                       : e.social_contact_referred().agency());
      text(source, social, e.social_contact_referred().source());
      text(decision, eligibility || social,
           eligibility ? e.eligibility_recorded().decision_id()
                       : e.social_contact_referred().decision_id());
      text(case_manager, e.has_warm_hand_off(), e.warm_hand_off().case_manager_id());
      text(provider, e.has_service_referred(), e.service_referred().provider());
      text(service, e.has_service_referred() || e.has_service_connected(),
           e.has_service_referred() ? e.service_referred().service_referral_id()
                                    : e.service_connected().service_referral_id());
      has_need[i] = e.has_service_referred();
      need[i] = e.service_referred().need();
      has_status[i] = e.has_status_changed();
      status[i] = e.status_changed().status();
      has_prosecutor[i] = e.has_prosecutor_decided();
      prosecutor[i] = e.prosecutor_decided().decision();
      has_arrest[i] = e.has_arrest_after_enrollment();
      arrest[i] = e.arrest_after_enrollment().outcome();
      has_exit[i] = e.has_exited();
      exit[i] = e.exited().reason();
      due[i] = metrics::DayNumber(e.extension_granted().new_due());
      has_due[i] = due[i] != metrics::kNone;
      has_needs[i] = e.has_initial_screening() || e.has_needs_recorded();
      const auto& needs = e.has_initial_screening() ? e.initial_screening().needs()
                                                    : e.needs_recorded().needs();
      for (const v1::NeedStatus& s : needs) {
        need_numbers.push_back(s.need());
        need_states.push_back(s.state());
      }
      need_offsets.push_back(static_cast<int32_t>(need_numbers.size()));
    }
    std::vector<std::unique_ptr<ArrowNode>> columns;
    if (options.integer_ids) {
      columns.push_back(FixedNode<int64_t>("referral_id", "l", numbers));
    } else {
      auto id = FixedNode<int32_t>("referral_id", "i", referral);
      id->SetDictionary(TextNode("", ids_));
      columns.push_back(std::move(id));
    }
    columns.push_back(FixedNode<int64_t>("occurred_at", "tss:UTC", seconds, dated));
    columns.push_back(FixedNode<int8_t>("kind", "c", kind));
    for (TextColumnBuilder* b : {&officer, &agency, &source, &decision,
                                 &case_manager, &provider, &service}) {
      columns.push_back(b->Finish());
    }
    columns.push_back(FixedNode<int32_t>("need", "i", need, has_need));
    columns.push_back(FixedNode<int32_t>("status", "i", status, has_status));
    columns.push_back(FixedNode<int32_t>("prosecutor_decision", "i", prosecutor, has_prosecutor));
    columns.push_back(FixedNode<int32_t>("arrest_outcome", "i", arrest, has_arrest));
    columns.push_back(FixedNode<int32_t>("exit_reason", "i", exit, has_exit));
    columns.push_back(FixedNode<int32_t>("new_due", "tdD", due, has_due));
    auto needs = std::make_unique<ArrowNode>("needs", "+l", n);
    needs->AddNullBuffer();
    std::memcpy(needs->AddBuffer(need_offsets.size() * sizeof(int32_t)),
                need_offsets.data(), need_offsets.size() * sizeof(int32_t));
    needs->SetValidity(has_needs);
    auto item = std::make_unique<ArrowNode>("item", "+s", need_numbers.size());
    item->AddNullBuffer();
    item->AddChild(FixedNode<int32_t>("need", "i", need_numbers));
    item->AddChild(FixedNode<int32_t>("state", "i", need_states));
    needs->AddChild(std::move(item));
    columns.push_back(std::move(needs));
    events_ = TableNode(std::move(columns), static_cast<int64_t>(n));
  }

  // A date column: days since 1970-01-01, null where unset.
  static std::unique_ptr<ArrowNode> DateNode(const std::string& name,
                                             const std::vector<int32_t>& days) {
    std::vector<bool> valid;
    for (int32_t day : days) valid.push_back(day != metrics::kNone);
    return FixedNode<int32_t>(name, "tdD", days, valid);
  }

  void BuildPeople(const v1::MetricRecords& records, ColumnOptions options) {
    TextColumnBuilder key("person_key", !options.plain_text);
    std::vector<int32_t> race_offsets = {0}, races, gender_offsets = {0}, genders, born;
    std::vector<bool> comparison;
    for (const v1::PersonRecord& p : records.people()) {
      key.Add(p.person_key());
      races.insert(races.end(), p.race_ethnicity().begin(), p.race_ethnicity().end());
      race_offsets.push_back(static_cast<int32_t>(races.size()));
      genders.insert(genders.end(), p.gender().begin(), p.gender().end());
      gender_offsets.push_back(static_cast<int32_t>(genders.size()));
      born.push_back(p.has_date_of_birth() ? metrics::DayNumber(p.date_of_birth())
                                           : metrics::kNone);
      comparison.push_back(p.comparison_group());
    }
    std::vector<std::unique_ptr<ArrowNode>> columns;
    columns.push_back(key.Finish());
    columns.push_back(IntListNode("race_ethnicity", race_offsets, races));
    columns.push_back(IntListNode("gender", gender_offsets, genders));
    columns.push_back(DateNode("date_of_birth", born));
    columns.push_back(BoolNode("comparison_group", comparison));
    people_ = TableNode(std::move(columns), records.people_size());
  }

  void BuildEncounters(const v1::MetricRecords& records, ColumnOptions options) {
    const bool dict = !options.plain_text;
    TextColumnBuilder decision("decision_id", dict), person("person_key", dict),
        precinct("precinct", dict), area("area", dict), agency("agency", dict),
        officer("officer_id", dict);
    std::vector<int32_t> on, pathway, outcome;
    for (const v1::EncounterRecord& e : records.encounters()) {
      decision.Add(e.decision_id());
      person.Add(e.person_key());
      precinct.Add(e.precinct());
      area.Add(e.area());
      agency.Add(e.agency());
      officer.Add(e.officer_id());
      on.push_back(metrics::DayNumber(e.occurred_on()));
      pathway.push_back(e.pathway());
      outcome.push_back(e.outcome());
    }
    std::vector<std::unique_ptr<ArrowNode>> columns;
    for (TextColumnBuilder* b : {&decision, &person, &precinct, &area, &agency, &officer}) {
      columns.push_back(b->Finish());
    }
    columns.push_back(DateNode("occurred_on", on));
    columns.push_back(FixedNode<int32_t>("pathway", "i", pathway));
    columns.push_back(FixedNode<int32_t>("outcome", "i", outcome));
    encounters_ = TableNode(std::move(columns), records.encounters_size());
  }

  void BuildArrests(const v1::MetricRecords& records, ColumnOptions options) {
    const bool dict = !options.plain_text;
    TextColumnBuilder person("person_key", dict), precinct("precinct", dict),
        area("area", dict);
    std::vector<int32_t> on, jail_days;
    std::vector<bool> citation, booked, charged, eligible;
    for (const v1::ArrestRecord& a : records.arrests()) {
      person.Add(a.person_key());
      precinct.Add(a.precinct());
      area.Add(a.area());
      on.push_back(metrics::DayNumber(a.occurred_on()));
      jail_days.push_back(a.jail_days());
      citation.push_back(a.citation());
      booked.push_back(a.booked());
      charged.push_back(a.charged());
      eligible.push_back(a.lead_eligible());
    }
    std::vector<std::unique_ptr<ArrowNode>> columns;
    for (TextColumnBuilder* b : {&person, &precinct, &area}) columns.push_back(b->Finish());
    columns.push_back(DateNode("occurred_on", on));
    columns.push_back(FixedNode<int32_t>("jail_days", "i", jail_days));
    columns.push_back(BoolNode("citation", citation));
    columns.push_back(BoolNode("booked", booked));
    columns.push_back(BoolNode("charged", charged));
    columns.push_back(BoolNode("lead_eligible", eligible));
    arrests_ = TableNode(std::move(columns), records.arrests_size());
  }

  v1::MetricRecords rest_;
  std::vector<std::string> ids_;
  absl::flat_hash_map<std::string, int32_t> rows_;
  std::unique_ptr<ArrowNode> referrals_;
  std::unique_ptr<ArrowNode> events_;
  std::unique_ptr<ArrowNode> people_;
  std::unique_ptr<ArrowNode> encounters_;
  std::unique_ptr<ArrowNode> arrests_;
};

}  // namespace divert::testing

#endif  // DIVERT_SRC_METRICS_TESTING_RECORD_COLUMNS_H_
