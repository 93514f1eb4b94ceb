// The Screener: per-batch work (reading columns, translating each distinct
// value once, keying arrests by the facts the policy reads, deciding each
// new key with the per-record engine) and the output stream.
#include "divert/screening/screener.h"

#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "divert/v1/decision.pb.h"
#include "eligibility/compiled_policy.h"
#include "eligibility/version_selector.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "screening/arrow_build.h"
#include "screening/arrow_input.h"
#include "screening/field_feed.h"
#include "screening/policy_inputs.h"

namespace divert {
namespace {

using screening::BuiltColumn;
using screening::Cell;
using screening::ColumnReader;
using screening::FieldFeed;
using screening::FieldValue;

const std::vector<std::string>& OutcomeNames() {
  static const auto* names = new std::vector<std::string>{
      "ELIGIBLE", "NOT_ELIGIBLE", "EXCLUDED", "NEEDS_REVIEW",
      "NEEDS_INFORMATION"};
  return *names;
}

const std::vector<std::string>& RuleResultNames() {
  static const auto* names = new std::vector<std::string>{
      "HOLDS", "DOES_NOT_HOLD", "UNKNOWN", "ERROR", "NOT_APPLICABLE"};
  return *names;
}

// Distinct strings, numbered in order of first appearance.
class StringTable {
 public:
  int32_t Id(const std::string& s) {
    auto [it, added] = ids_.emplace(s, static_cast<int32_t>(strings_.size()));
    if (added) strings_.push_back(s);
    return it->second;
  }
  const std::vector<std::string>& strings() const { return strings_; }

 private:
  absl::flat_hash_map<std::string, int32_t> ids_;
  std::vector<std::string> strings_;
};

// The answer for one distinct key.
struct Result {
  int32_t outcome = -1;  // into OutcomeNames(); -1 when not decided
  int32_t version = -1;
  int32_t decisive = -1;
  int32_t missing = -1;
  int32_t not_decided = -1;
  std::vector<int32_t> rules;  // into RuleResultNames(); -1 for null
};

// A column feeding a field, and every distinct value it has had.
struct FeedState {
  FieldFeed feed;
  // Part of the decision key.
  bool key = false;
  // Neither part of the key, nor able to hold a value the mapping cannot
  // use (text fed into a text field), nor a charge field (whose presence
  // makes a charge): not read at all.
  bool skipped = false;
  // By code; code 0 is null.
  std::vector<FieldValue> values{FieldValue()};
  std::vector<int32_t> key_ids{0};
  std::vector<int64_t> rows{0};
  std::vector<v1::ColumnIssue::Kind> issues{v1::ColumnIssue::KIND_UNSPECIFIED};
  std::vector<std::string> shown{""};
  absl::flat_hash_map<std::string, int32_t> by_text;
  absl::flat_hash_map<std::pair<int, int64_t>, int32_t> by_number;
  absl::flat_hash_map<std::string, int32_t> identities;
  // The column's index in the input schema.
  int64_t column = -1;
};

// The codes of one arrest: for encounter fields (by feed), and for each
// charge (by feed).
struct ArrestCodes {
  std::vector<int32_t> encounter;
  std::vector<std::vector<int32_t>> charges;
};

// The results of one input batch, filled in as its arrests close.
struct BatchOut {
  ArrowArray input;
  std::vector<int32_t> result;
  std::vector<int32_t> charge_index;
  int64_t open_rows = 0;
  ~BatchOut() {
    if (input.release != nullptr) input.release(&input);
  }
};

}  // namespace

struct Screener::State {
  std::shared_ptr<const CompiledPolicy> policy;
  const eligibility::CompiledPolicyImpl* impl = nullptr;
  v1::ColumnMapping mapping;
  screening::PolicyInputs inputs;
  std::vector<FeedState> feeds;
  bool occurred_at_read = false;
  bool has_charge_feeds = false;

  std::vector<std::string> rule_ids;
  absl::flat_hash_map<std::string, int> rule_index;
  std::vector<std::string> version_labels;
  StringTable decisive, missing, not_decided;
  std::vector<Result> results;
  absl::flat_hash_map<std::string, int32_t> result_by_key;
  v1::ScreeningSummary summary;
  // Arrests by outcome (index into OutcomeNames()); into the summary when
  // it is asked for.
  int64_t arrests_by_outcome[5] = {0, 0, 0, 0, 0};

  // The stream being screened.
  bool streaming = false;
  ArrowSchema input_schema{};
  int64_t arrest_key_column = -1;
  // CHARGE_PER_ROW: the arrest still open at the end of the last batch.
  bool open = false;
  std::string open_arrest;
  std::string open_key;
  ArrestCodes open_codes;
  std::vector<std::pair<BatchOut*, int64_t>> open_slots;

  ~State() {
    if (input_schema.release != nullptr) input_schema.release(&input_schema);
  }

  int32_t CodeOf(FeedState& f, const Cell& cell);
  int32_t VersionIndex(absl::Time time) const;
  int32_t Decide(const ArrestCodes& codes);
  void Close(const std::string& key, const ArrestCodes& codes,
             const std::vector<std::pair<BatchOut*, int64_t>>& slots);
  absl::Status ScreenBatch(BatchOut* out);
  std::vector<BuiltColumn> ResultColumns(const BatchOut& out) const;
  std::vector<std::string> ResultNames() const;
};

namespace {

// A text that stands for `cell` in the report.
std::string Show(const Cell& cell) {
  switch (cell.kind) {
    case Cell::Kind::kNull:
      return "";
    case Cell::Kind::kText:
      return std::string(cell.text);
    case Cell::Kind::kInt:
      return absl::StrCat(cell.integer);
    case Cell::Kind::kDouble:
      return absl::StrCat(cell.real);
    case Cell::Kind::kBool:
      return cell.boolean ? "true" : "false";
    case Cell::Kind::kTime:
    case Cell::Kind::kCivilTime:
      return absl::FormatTime(cell.time, absl::UTCTimeZone());
  }
  return "";
}

void AppendInt(std::string* key, int32_t v) {
  key->append(reinterpret_cast<const char*>(&v), sizeof(v));
}

}  // namespace

int32_t Screener::State::VersionIndex(absl::Time time) const {
  const auto& compiled = impl->compiled();
  const eligibility::CompiledVersion* version = eligibility::VersionInForce(
      compiled.versions, absl::ToCivilDay(time, compiled.zone));
  if (version == nullptr) return -1;
  for (size_t i = 0; i < compiled.versions.size(); ++i) {
    if (compiled.versions[i].get() == version) return static_cast<int32_t>(i);
  }
  return -1;
}

int32_t Screener::State::CodeOf(FeedState& f, const Cell& cell) {
  if (cell.kind == Cell::Kind::kNull) return 0;
  int32_t* slot = nullptr;
  if (cell.kind == Cell::Kind::kText) {
    auto it = f.by_text.find(cell.text);
    if (it != f.by_text.end()) return it->second;
    slot = &f.by_text[std::string(cell.text)];
  } else {
    int64_t bits = cell.integer;
    if (cell.kind == Cell::Kind::kDouble) std::memcpy(&bits, &cell.real, 8);
    if (cell.kind == Cell::Kind::kBool) bits = cell.boolean;
    if (cell.kind == Cell::Kind::kTime || cell.kind == Cell::Kind::kCivilTime) {
      bits = absl::ToUnixNanos(cell.time);
    }
    auto key = std::make_pair(static_cast<int>(cell.kind), bits);
    auto it = f.by_number.find(key);
    if (it != f.by_number.end()) return it->second;
    slot = &f.by_number[key];
  }
  const int32_t code = static_cast<int32_t>(f.values.size());
  *slot = code;
  FieldValue value = f.feed.Translate(cell);
  v1::ColumnIssue::Kind issue = value.issue;
  if (issue == v1::ColumnIssue::KIND_UNSPECIFIED && f.feed.is_statute_code() &&
      value.kind == FieldValue::Kind::kText) {
    for (const auto& version : impl->compiled().versions) {
      if (version->catalog.Find(value.text) == nullptr) {
        issue = v1::ColumnIssue::NOT_IN_CATALOG;
      }
    }
  }
  const int32_t identity =
      f.identities
          .emplace(value.Identity(), static_cast<int32_t>(f.identities.size()) + 1)
          .first->second;
  int32_t key_id = identity;
  if (f.feed.is_occurred_at() && !occurred_at_read &&
      value.kind == FieldValue::Kind::kTime) {
    // Only the version in force matters; a date before every version is
    // kept apart, since the error names it.
    const int32_t version = VersionIndex(value.time);
    key_id = version >= 0 ? version + 1 : -identity;
  }
  f.values.push_back(std::move(value));
  f.key_ids.push_back(key_id);
  f.rows.push_back(0);
  f.issues.push_back(issue);
  f.shown.push_back(issue != v1::ColumnIssue::KIND_UNSPECIFIED &&
                            !f.feed.identifying()
                        ? Show(cell)
                        : "");
  return code;
}

int32_t Screener::State::Decide(const ArrestCodes& codes) {
  v1::Encounter encounter = mapping.defaults();
  for (size_t c = 0; c < codes.charges.size(); ++c) encounter.add_charges();
  for (size_t i = 0; i < feeds.size(); ++i) {
    const FeedState& f = feeds[i];
    if (!f.feed.is_charge_field()) {
      f.feed.Apply(f.values[codes.encounter[i]], 0, &encounter);
      continue;
    }
    for (size_t c = 0; c < codes.charges.size(); ++c) {
      f.feed.Apply(f.values[codes.charges[c][i]], static_cast<int>(c),
                   &encounter);
    }
  }
  Result result;
  result.rules.assign(rule_ids.size(), -1);
  absl::StatusOr<v1::Decision> decision = policy->Evaluate(encounter);
  if (!decision.ok()) {
    result.not_decided = not_decided.Id(std::string(decision.status().message()));
  } else {
    result.outcome = static_cast<int32_t>(decision->outcome()) - 1;
    for (size_t v = 0; v < version_labels.size(); ++v) {
      if (version_labels[v] == decision->policy_version()) {
        result.version = static_cast<int32_t>(v);
      }
    }
    std::vector<std::string> decisive_ids;
    for (const v1::RuleOutcome& rule : decision->rules()) {
      auto it = rule_index.find(rule.rule_id());
      if (it != rule_index.end()) {
        result.rules[it->second] = static_cast<int32_t>(rule.result()) - 1;
      }
      if (rule.decisive()) decisive_ids.push_back(rule.rule_id());
    }
    result.decisive = decisive.Id(absl::StrJoin(decisive_ids, ", "));
    std::vector<std::string> paths;
    for (const v1::MissingFact& fact : decision->missing_facts()) {
      paths.push_back(fact.field_path());
    }
    if (!paths.empty()) result.missing = missing.Id(absl::StrJoin(paths, "; "));
  }
  results.push_back(std::move(result));
  return static_cast<int32_t>(results.size()) - 1;
}

void Screener::State::Close(
    const std::string& key, const ArrestCodes& codes,
    const std::vector<std::pair<BatchOut*, int64_t>>& slots) {
  int32_t index;
  auto it = result_by_key.find(key);
  if (it != result_by_key.end()) {
    index = it->second;
  } else {
    index = Decide(codes);
    result_by_key.emplace(key, index);
  }
  const Result& result = results[index];
  summary.set_arrests(summary.arrests() + 1);
  if (result.outcome >= 0) {
    ++arrests_by_outcome[result.outcome];
  } else {
    summary.set_arrests_not_decided(summary.arrests_not_decided() + 1);
    if (summary.first_not_decided_reason().empty()) {
      summary.set_first_not_decided_reason(
          not_decided.strings()[result.not_decided]);
    }
  }
  for (const auto& [batch, row] : slots) {
    batch->result[row] = index;
    --batch->open_rows;
  }
}

absl::Status Screener::State::ScreenBatch(BatchOut* out) {
  const ArrowArray& batch = out->input;
  if (batch.n_children != input_schema.n_children) {
    return absl::InvalidArgumentError(
        "a record batch has a different number of columns than its schema");
  }
  const int64_t rows = batch.length;
  out->result.assign(rows, -1);
  out->open_rows = rows;
  summary.set_rows(summary.rows() + rows);

  // Read every fed column into codes, one column at a time.
  std::vector<std::unique_ptr<ColumnReader>> readers(feeds.size());
  std::vector<std::vector<int32_t>> codes(feeds.size());
  // For list columns: codes of the elements, and each row's range.
  std::vector<bool> is_list(feeds.size(), false);
  for (size_t i = 0; i < feeds.size(); ++i) {
    FeedState& f = feeds[i];
    if (f.skipped) {
      // Code 0 (unset) everywhere: the field cannot change a decision.
      codes[i].assign(rows, 0);
      continue;
    }
    absl::StatusOr<std::unique_ptr<ColumnReader>> reader = ColumnReader::Create(
        *input_schema.children[f.column], *batch.children[f.column]);
    if (!reader.ok()) return reader.status();
    readers[i] = *std::move(reader);
    const ColumnReader* column = readers[i].get();
    if (column->is_list()) {
      if (!f.feed.is_charge_field() ||
          mapping.shape() != v1::ARREST_PER_ROW) {
        return absl::InvalidArgumentError(absl::StrCat(
            "column '", f.feed.feed().column(),
            "' is a list; lists can only feed charge fields of a table with "
            "one row per arrest"));
      }
      is_list[i] = true;
      int64_t begin, end, first = 0, last = 0;
      if (rows > 0) {
        column->ListRange(0, &first, &end);
        column->ListRange(rows - 1, &begin, &last);
      }
      codes[i].assign(static_cast<size_t>(std::max<int64_t>(last, 0)), 0);
      const ColumnReader* values = column->values();
      for (int64_t e = first; e < last; ++e) {
        codes[i][e] = CodeOf(f, values->Get(e));
        f.rows[codes[i][e]]++;
      }
      continue;
    }
    codes[i].resize(rows);
    if (column->is_dictionary()) {
      std::vector<int32_t> by_index(column->dictionary_size(), -1);
      for (int64_t r = 0; r < rows; ++r) {
        const int64_t d = column->DictionaryIndex(r);
        int32_t code = 0;
        if (d >= 0) {
          if (by_index[d] < 0) by_index[d] = CodeOf(f, column->dictionary()->Get(d));
          code = by_index[d];
        }
        codes[i][r] = code;
        f.rows[code]++;
      }
    } else {
      for (int64_t r = 0; r < rows; ++r) {
        const int32_t code = CodeOf(f, column->Get(r));
        codes[i][r] = code;
        f.rows[code]++;
      }
    }
  }

  std::string key;
  ArrestCodes arrest;
  if (mapping.shape() == v1::ARREST_PER_ROW) {
    for (int64_t r = 0; r < rows; ++r) {
      // How many charges: the longest list, or one when charge fields come
      // from plain columns.
      int64_t count = 0;
      bool any_plain_charge = false;
      for (size_t i = 0; i < feeds.size(); ++i) {
        if (!feeds[i].feed.is_charge_field()) continue;
        if (is_list[i]) {
          int64_t begin, end;
          readers[i]->ListRange(r, &begin, &end);
          count = std::max(count, end - begin);
        } else {
          any_plain_charge = true;
        }
      }
      // Plain charge columns all null: an arrest without a charge.
      if (count == 0 && any_plain_charge) {
        for (size_t i = 0; i < feeds.size(); ++i) {
          if (feeds[i].feed.is_charge_field() && !is_list[i] && codes[i][r] != 0) {
            count = 1;
          }
        }
      }
      key.clear();
      for (size_t i = 0; i < feeds.size(); ++i) {
        if (feeds[i].key && !feeds[i].feed.is_charge_field()) {
          AppendInt(&key, feeds[i].key_ids[codes[i][r]]);
        }
      }
      auto charge_code = [&](size_t i, int64_t c) -> int32_t {
        if (!is_list[i]) return codes[i][r];
        int64_t begin, end;
        readers[i]->ListRange(r, &begin, &end);
        return begin + c < end ? codes[i][begin + c] : 0;
      };
      for (int64_t c = 0; c < count; ++c) {
        for (size_t i = 0; i < feeds.size(); ++i) {
          if (feeds[i].key && feeds[i].feed.is_charge_field()) {
            AppendInt(&key, feeds[i].key_ids[charge_code(i, c)]);
          }
        }
      }
      AppendInt(&key, static_cast<int32_t>(count));
      auto it = result_by_key.find(key);
      if (it == result_by_key.end()) {
        arrest.encounter.assign(feeds.size(), 0);
        arrest.charges.assign(count, std::vector<int32_t>(feeds.size(), 0));
        for (size_t i = 0; i < feeds.size(); ++i) {
          if (!feeds[i].feed.is_charge_field()) {
            arrest.encounter[i] = codes[i][r];
          } else {
            for (int64_t c = 0; c < count; ++c) {
              arrest.charges[c][i] = charge_code(i, c);
            }
          }
        }
      }
      Close(key, arrest, {{out, r}});
    }
    return absl::OkStatus();
  }

  // CHARGE_PER_ROW: adjacent rows with one arrest key are one arrest.
  out->charge_index.assign(rows, 0);
  const ColumnReader* arrest_keys = nullptr;
  std::unique_ptr<ColumnReader> arrest_reader;
  {
    absl::StatusOr<std::unique_ptr<ColumnReader>> reader =
        ColumnReader::Create(*input_schema.children[arrest_key_column],
                             *batch.children[arrest_key_column]);
    if (!reader.ok()) return reader.status();
    arrest_reader = *std::move(reader);
    arrest_keys = arrest_reader.get();
  }
  auto close_open = [&]() {
    AppendInt(&open_key, static_cast<int32_t>(open_codes.charges.size()));
    Close(open_key, open_codes, open_slots);
    open = false;
  };
  for (int64_t r = 0; r < rows; ++r) {
    const Cell cell = arrest_keys->Get(r);
    // A null key is an arrest of its own.
    const bool null_key = cell.kind == Cell::Kind::kNull;
    std::string arrest_id = absl::StrCat(static_cast<int>(cell.kind), ":", Show(cell));
    if (open && (null_key || arrest_id != open_arrest)) close_open();
    if (!open) {
      open = true;
      open_arrest = null_key ? std::string("\0null", 5) : arrest_id;
      open_key.clear();
      open_slots.clear();
      open_codes.encounter.assign(feeds.size(), 0);
      open_codes.charges.clear();
      for (size_t i = 0; i < feeds.size(); ++i) {
        if (!feeds[i].feed.is_charge_field()) {
          open_codes.encounter[i] = codes[i][r];
          if (feeds[i].key) AppendInt(&open_key, feeds[i].key_ids[codes[i][r]]);
        }
      }
    }
    open_slots.emplace_back(out, r);
    // A row whose charge columns are all null lists no charge.
    bool any = false;
    for (size_t i = 0; i < feeds.size(); ++i) {
      if (feeds[i].feed.is_charge_field() && codes[i][r] != 0) any = true;
    }
    if (!any) {
      out->charge_index[r] = -1;
      continue;
    }
    std::vector<int32_t> charge(feeds.size(), 0);
    for (size_t i = 0; i < feeds.size(); ++i) {
      if (feeds[i].feed.is_charge_field()) {
        charge[i] = codes[i][r];
        if (feeds[i].key) AppendInt(&open_key, feeds[i].key_ids[codes[i][r]]);
      }
    }
    out->charge_index[r] = static_cast<int32_t>(open_codes.charges.size());
    open_codes.charges.push_back(std::move(charge));
  }
  return absl::OkStatus();
}

std::vector<std::string> Screener::State::ResultNames() const {
  std::vector<std::string> names = {"outcome", "policy_version",
                                    "decisive_rules", "missing_facts",
                                    "not_decided"};
  for (const std::string& id : rule_ids) names.push_back(absl::StrCat("rule:", id));
  if (mapping.shape() == v1::CHARGE_PER_ROW) names.push_back("charge_index");
  return names;
}

std::vector<BuiltColumn> Screener::State::ResultColumns(
    const BatchOut& out) const {
  const size_t rows = out.result.size();
  const std::vector<std::string> names = ResultNames();
  std::vector<BuiltColumn> columns;
  // Index widths are fixed per column, so that every batch matches the
  // stream's schema: int8 for the fixed vocabularies, int32 for the rest.
  auto column = [&](const std::string& name,
                    const std::vector<std::string>& dictionary, bool narrow,
                    auto&& pick) {
    std::vector<int32_t> indices(rows);
    for (size_t r = 0; r < rows; ++r) {
      indices[r] = out.result[r] < 0 ? -1 : pick(results[out.result[r]]);
    }
    columns.push_back(
        screening::DictionaryColumn(name, dictionary, indices, narrow));
  };
  column(names[0], OutcomeNames(), true,
         [](const Result& r) { return r.outcome; });
  column(names[1], version_labels, false,
         [](const Result& r) { return r.version; });
  column(names[2], decisive.strings(), false,
         [](const Result& r) { return r.decisive; });
  column(names[3], missing.strings(), false,
         [](const Result& r) { return r.missing; });
  column(names[4], not_decided.strings(), false,
         [](const Result& r) { return r.not_decided; });
  for (size_t k = 0; k < rule_ids.size(); ++k) {
    column(names[5 + k], RuleResultNames(), true,
           [k](const Result& r) { return r.rules[k]; });
  }
  if (mapping.shape() == v1::CHARGE_PER_ROW) {
    std::vector<absl::optional<int32_t>> index;
    for (int32_t i : out.charge_index) {
      index.push_back(i < 0 ? absl::nullopt : absl::optional<int32_t>(i));
    }
    columns.push_back(screening::Int32Column(names.back(), index));
  }
  return columns;
}

// ---- Screener --------------------------------------------------------------

namespace {

class MappingErrors : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (first.empty()) {
      first = absl::StrCat("mapping ", line + 1, ":", column + 1, ": ", message);
    }
  }
  void AddWarning(int, google::protobuf::io::ColumnNumber,
                  const std::string&) override {}
  std::string first;
};

}  // namespace

absl::StatusOr<v1::ColumnMapping> Screener::ParseMapping(absl::string_view text) {
  v1::ColumnMapping mapping;
  const size_t start = text.find_first_not_of(" \t\r\n");
  if (start != absl::string_view::npos && text[start] == '{') {
    const auto status = google::protobuf::util::JsonStringToMessage(
        std::string(text), &mapping);
    if (!status.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat("mapping (JSON): ", std::string(status.message())));
    }
    return mapping;
  }
  google::protobuf::TextFormat::Parser parser;
  MappingErrors errors;
  parser.RecordErrorsTo(&errors);
  if (!parser.ParseFromString(std::string(text), &mapping)) {
    return absl::InvalidArgumentError(
        errors.first.empty() ? "the mapping is not a divert.v1.ColumnMapping"
                             : errors.first);
  }
  return mapping;
}

absl::StatusOr<std::unique_ptr<Screener>> Screener::Create(
    std::shared_ptr<const CompiledPolicy> policy,
    const v1::ColumnMapping& mapping) {
  if (policy == nullptr) return absl::InvalidArgumentError("no policy");
  auto state = std::make_shared<State>();
  state->impl = dynamic_cast<const eligibility::CompiledPolicyImpl*>(policy.get());
  absl::StatusOr<screening::PolicyInputs> inputs =
      screening::PolicyInputs::Of(*policy);
  if (!inputs.ok()) return inputs.status();
  state->inputs = *std::move(inputs);
  state->policy = std::move(policy);
  state->mapping = mapping;
  if (mapping.shape() == v1::TABLE_SHAPE_UNSPECIFIED) {
    return absl::InvalidArgumentError(
        "the mapping has no shape (ARREST_PER_ROW or CHARGE_PER_ROW)");
  }
  if (mapping.shape() == v1::CHARGE_PER_ROW && mapping.arrest_key_column().empty()) {
    return absl::InvalidArgumentError(
        "a mapping with one row per charge needs arrest_key_column");
  }
  if (mapping.defaults().charges_size() > 0) {
    return absl::InvalidArgumentError(
        "the mapping's defaults cannot hold charges; charges come from columns");
  }
  for (const std::string& field : state->inputs.FieldsRead()) {
    if (field == "divert.v1.Encounter.occurred_at") state->occurred_at_read = true;
  }
  const absl::TimeZone zone = state->impl->compiled().zone;
  for (const v1::ColumnFeed& feed : mapping.columns()) {
    absl::StatusOr<FieldFeed> compiled = FieldFeed::Compile(feed, zone);
    if (!compiled.ok()) return compiled.status();
    FeedState f{*std::move(compiled)};
    const std::string& top = f.feed.path().front()->name();
    f.key = state->inputs.Matters(f.feed.path()) || f.feed.is_occurred_at() ||
            f.feed.is_statute_code() || top == "pathway";
    f.skipped = !f.key && !f.feed.can_fail() && !f.feed.is_charge_field();
    if (f.feed.is_charge_field()) state->has_charge_feeds = true;
    state->feeds.push_back(std::move(f));
  }
  for (const v1::PolicyVersion& version : state->policy->policy().versions()) {
    state->version_labels.push_back(version.version());
    for (const v1::Rule& rule : version.rules()) {
      if (state->rule_index.emplace(rule.id(), state->rule_ids.size()).second) {
        state->rule_ids.push_back(rule.id());
      }
    }
  }
  state->summary.set_site_id(state->policy->policy().site_id());
  state->summary.set_mapping_name(mapping.name());
  return std::unique_ptr<Screener>(new Screener(std::move(state)));
}

Screener::Screener(std::shared_ptr<State> state) : state_(std::move(state)) {}
Screener::~Screener() = default;

std::vector<std::string> Screener::result_columns() const {
  return state_->ResultNames();
}

std::vector<std::string> Screener::fields_read() const {
  return state_->inputs.FieldsRead();
}

v1::ScreeningSummary Screener::summary() const {
  v1::ScreeningSummary summary = state_->summary;
  summary.set_distinct_inputs(static_cast<int64_t>(state_->results.size()));
  for (int i = 0; i < 5; ++i) {
    if (state_->arrests_by_outcome[i] > 0) {
      (*summary.mutable_arrests_by_outcome())[OutcomeNames()[i]] =
          state_->arrests_by_outcome[i];
    }
  }
  for (const FeedState& f : state_->feeds) {
    for (size_t code = 1; code < f.values.size(); ++code) {
      if (f.issues[code] == v1::ColumnIssue::KIND_UNSPECIFIED || f.rows[code] == 0) {
        continue;
      }
      v1::ColumnIssue* issue = summary.add_issues();
      issue->set_column(f.feed.feed().column());
      issue->set_field(f.feed.feed().field());
      issue->set_kind(f.issues[code]);
      issue->set_value(f.shown[code]);
      issue->set_rows(f.rows[code]);
    }
  }
  return summary;
}

namespace {

// Releases a stream it holds.
struct InputStream {
  ArrowArrayStream stream;
  ~InputStream() {
    if (stream.release != nullptr) stream.release(&stream);
  }
};

std::string StreamError(ArrowArrayStream* stream, int code) {
  const char* message = stream->get_last_error(stream);
  return message != nullptr ? std::string(message)
                            : absl::StrCat("error code ", code);
}

}  // namespace

absl::Status Screener::Screen(ArrowArrayStream* input, ArrowArrayStream* output) {
  if (input == nullptr || input->release == nullptr || output == nullptr) {
    return absl::InvalidArgumentError("no input or output stream");
  }
  auto in = std::make_shared<InputStream>();
  in->stream = *input;
  input->release = nullptr;
  State& state = *state_;
  if (state.streaming) {
    return absl::FailedPreconditionError(
        "the screener is already screening a stream");
  }
  ArrowSchema schema;
  std::memset(&schema, 0, sizeof(schema));
  if (int code = in->stream.get_schema(&in->stream, &schema); code != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "could not read the input's schema: ", StreamError(&in->stream, code)));
  }
  if (state.input_schema.release != nullptr) {
    state.input_schema.release(&state.input_schema);
  }
  state.input_schema = schema;
  if (absl::string_view(schema.format == nullptr ? "" : schema.format) != "+s") {
    return absl::InvalidArgumentError(
        "the input is not a stream of record batches (its schema is not a struct)");
  }
  absl::flat_hash_map<std::string, int64_t> by_name;
  for (int64_t i = 0; i < schema.n_children; ++i) {
    by_name.emplace(schema.children[i]->name == nullptr ? "" : schema.children[i]->name, i);
  }
  const std::vector<std::string> names = state.ResultNames();
  for (const std::string& name : names) {
    if (by_name.contains(name)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the input already has a column named '", name,
          "' (a result column); screen the raw data, or rename it"));
    }
  }
  for (FeedState& f : state.feeds) {
    auto it = by_name.find(f.feed.feed().column());
    if (it == by_name.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the mapping reads column '", f.feed.feed().column(),
          "', which the input does not have"));
    }
    f.column = it->second;
  }
  if (state.mapping.shape() == v1::CHARGE_PER_ROW) {
    auto it = by_name.find(state.mapping.arrest_key_column());
    if (it == by_name.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the input has no arrest key column '",
          state.mapping.arrest_key_column(), "'"));
    }
    state.arrest_key_column = it->second;
  }
  state.open = false;

  // The output schema: the input's columns, then the results'.
  ArrowSchema out_schema;
  {
    BatchOut empty;
    std::memset(&empty.input, 0, sizeof(empty.input));
    std::vector<BuiltColumn> columns;
    for (int64_t i = 0; i < schema.n_children; ++i) {
      BuiltColumn c;
      c.schema = screening::CopySchema(*schema.children[i]);
      columns.push_back(std::move(c));
    }
    for (BuiltColumn& c : state.ResultColumns(empty)) columns.push_back(std::move(c));
    BuiltColumn batch = screening::RecordBatch(std::move(columns), 0);
    out_schema = batch.schema;
    batch.schema.release = nullptr;
  }

  state.streaming = true;
  // Lets the screener take another stream once this one is released.
  struct Busy {
    std::shared_ptr<State> state;
    std::deque<std::unique_ptr<BatchOut>> queue;
    bool ended = false;
    ~Busy() {
      state->streaming = false;
      state->open = false;
      state->open_slots.clear();
    }
  };
  auto busy = std::make_shared<Busy>();
  busy->state = state_;
  screening::MakeStream(out_schema, [busy, in](ArrowArray* out) -> absl::Status {
    State& state = *busy->state;
    auto* queue = &busy->queue;
    bool* ended = &busy->ended;
    while (true) {
      if (!queue->empty() && queue->front()->open_rows == 0) {
        std::unique_ptr<BatchOut> done = std::move(queue->front());
        queue->pop_front();
        std::vector<BuiltColumn> results = state.ResultColumns(*done);
        absl::StatusOr<BuiltColumn> batch = screening::ExtendBatch(
            state.input_schema, &done->input, std::move(results));
        if (!batch.ok()) return batch.status();
        *out = batch->array;
        batch->array.release = nullptr;
        return absl::OkStatus();
      }
      if (*ended) {
        if (state.open) {
          AppendInt(&state.open_key,
                    static_cast<int32_t>(state.open_codes.charges.size()));
          state.Close(state.open_key, state.open_codes, state.open_slots);
          state.open = false;
          continue;
        }
        return absl::OkStatus();  // the end: out->release stays null
      }
      auto batch = std::make_unique<BatchOut>();
      std::memset(&batch->input, 0, sizeof(batch->input));
      if (int code = in->stream.get_next(&in->stream, &batch->input); code != 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "could not read the input: ", StreamError(&in->stream, code)));
      }
      if (batch->input.release == nullptr) {
        *ended = true;
        continue;
      }
      absl::Status status = state.ScreenBatch(batch.get());
      if (!status.ok()) return status;
      queue->push_back(std::move(batch));
    }
  }, output);
  return absl::OkStatus();
}

}  // namespace divert
