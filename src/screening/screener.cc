// The Screener: per-batch work (reading columns, translating each distinct
// value once, keying arrests by the facts the policy reads, deciding each
// new key with the per-record engine) and the output stream.
#include "divert/screening/screener.h"

#include <algorithm>
#include <cstring>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "divert/limits.h"
#include "divert/v1/decision.pb.h"
#include "eligibility/compiled_policy.h"
#include "eligibility/version_selector.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/json_util.h"
#include "screening/arrow_build.h"
#include "screening/arrow_input.h"
#include "screening/column_codes.h"
#include "screening/field_feed.h"
#include "screening/gather.h"
#include "screening/key_cache.h"
#include "screening/policy_inputs.h"
#include "screening/row_counts.h"
#include "screening/statute_classes.h"
#include "screening/text_codes.h"

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
  explicit FeedState(FieldFeed compiled) : feed(std::move(compiled)) {}
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
  // The statute code: key ids by class of value (see StatuteClasses).
  absl::flat_hash_map<std::string, int32_t> classes;
  // Some value has an issue: rows are counted by code.
  bool any_issue = false;
  // Key feeds: each code's key id as a small dense number (0 for null),
  // and its place in packed keys (see State::UpdateLayout).
  std::vector<int32_t> dense{0};
  absl::flat_hash_map<int32_t, int32_t> dense_of_key_id{{0, 0}};
  int width = 0;
  int shift = 0;
  // What each code adds to a packed key (see State::Contribution), for
  // the layout `contribution_layout`.
  std::vector<uint64_t> contribution;
  int contribution_layout = -1;
  // The codes of plain text values.
  screening::TextCodes texts;
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

// Rows [begin, end) of a batch.
struct Rows {
  BatchOut* batch;
  int64_t begin, end;
};

// A value of the arrest key column kept after its batch is gone.
struct KeptCell {
  Cell cell;
  std::string text;
  void Keep(const Cell& c) {
    cell = c;
    text = std::string(c.text);
    cell.text = text;
  }
};

// The result column of each row's charge's place in its arrest (one row
// per charge).
constexpr absl::string_view kChargeIndexColumn = "charge_index";

// Rows are screened in chunks of this many, so that a chunk's codes and
// keys stay in the processor's caches whatever the batch's size.
constexpr int64_t kChunkRows = 4096;

// The most memory of released result columns kept for the next batches.
constexpr size_t kPooledBytes = size_t{32} << 20;

// Where a closed arrest's charges go in its packed key (see
// Screener::State::UpdateLayout): a row's word holds its encounter
// fields' numbers (`encounter`), its charge's (`charge`: where a key holds
// its first charge) and the charged bit (63); charge k of an arrest goes
// k * `step` bits higher, for k < `cached`.
struct ChargePacking {
  uint64_t encounter = 0;
  uint64_t charge = 0;
  uint32_t step = 0;
  uint32_t cached = 0;
};

// The bit of an arrest's packed key that says it has more charges than
// are packed (no packed key uses it, see UpdateLayout): such a key is
// never in the cache.
constexpr uint64_t kUnpackedCharges = uint64_t{1} << 63;

// One row per charge: the arrests of rows [0, n), where row r > 0
// continues the arrest of row r - 1 when goes_on(r) is 1 (row 0 starts
// one). Row r's arrest is arrest_of[r]; charge_index[r] is its charge's
// place in the arrest (-1 for a row without a charge). keys[a] is arrest
// a's packed key with its charge count (mod 8) in its lowest bits, and
// kUnpackedCharges when it has more than packing.cached charges. Returns
// the number of arrests. Branch-free: arrests of one, two or three rows
// alternate at random.
template <typename GoesOn>
ABSL_ATTRIBUTE_NOINLINE int64_t AssembleArrests(
    GoesOn goes_on, const uint64_t* words, int64_t n,
    const ChargePacking& packing, int32_t* charge_index, uint64_t* keys,
    int32_t* arrest_of) {
  const uint64_t encounter = packing.encounter, charge = packing.charge;
  const uint32_t step = packing.step, cached = packing.cached;
  uint64_t key = 0;
  // The arrest's charges so far, and where its next charge goes (count *
  // step, kept as a sum rather than multiplied row after row).
  uint32_t count = 0, shift = 0;
  int64_t a = -1;
  auto add = [&](int64_t row, uint32_t continues) {
    const uint64_t word = words[row];
    a += 1 - continues;
    count &= 0u - continues;
    shift &= 0u - continues;
    const uint64_t first = word & encounter;
    key = continues ? key : first;
    const uint32_t charged = static_cast<uint32_t>(word >> 63);
    // A row without a charge has no charge bits in its word.
    charge_index[row] = static_cast<int32_t>(count | (charged - 1));
    const uint64_t packed = (word & charge) << (shift & 63);
    key |= count < cached ? packed : static_cast<uint64_t>(charged) << 63;
    count += charged;
    shift += step & (0u - charged);
    keys[a] = key | (count & 7);
    arrest_of[row] = static_cast<int32_t>(a);
  };
  if (n > 0) add(0, 0);
  for (int64_t row = 1; row < n; ++row) add(row, goes_on(row));
  return a + 1;
}

}  // namespace

struct Screener::State {
  std::shared_ptr<const CompiledPolicy> policy;
  const eligibility::CompiledPolicyImpl* impl = nullptr;
  v1::ColumnMapping mapping;
  screening::PolicyInputs inputs;
  std::vector<FeedState> feeds;
  bool occurred_at_read = false;
  bool has_charge_feeds = false;
  // Which statute codes are alike to the policy; null when each code is
  // a class of its own.
  std::unique_ptr<screening::StatuteClasses> statute_classes;

  std::vector<std::string> rule_ids;
  absl::flat_hash_map<std::string, int> rule_index;
  std::vector<std::string> version_labels;
  StringTable decisive, missing, not_decided;
  std::vector<Result> results;
  // Arrests by result, in the order results were first needed.
  std::vector<int64_t> arrests_by_result;
  // The truth: the key (key ids of the key feeds, then the charge count)
  // of every distinct input decided.
  absl::flat_hash_map<std::string, int32_t> result_by_key;
  // Each result column's value (a dictionary index, -1 for null) by
  // result, filled in as results are made; whether it has a null.
  std::vector<std::vector<int32_t>> result_values;
  std::vector<bool> result_has_null;
  // The same, laid out for GatherBytes and GatherInt32x4 (nulls as
  // kNullByte and -1): the int8 columns (outcome, then the rules) in groups of 16 bytes per
  // result, and the int32 ones (version, decisive rules, missing facts,
  // not decided) as 4 values per result.
  std::vector<std::vector<uint8_t>> narrow_tables;
  std::vector<int32_t> wide_table;
  // By result column, the dictionary that its batches lend (see
  // ResultDictionary).
  std::vector<std::shared_ptr<const screening::SharedText>> result_dictionaries;
  // The memory of result columns, used again once a consumer releases
  // them (a streaming consumer's batches then never touch fresh pages).
  std::shared_ptr<screening::BufferPool> pool =
      std::make_shared<screening::BufferPool>(kPooledBytes);
  // A cache in front of result_by_key for arrests with at most
  // cached_charges charges: their dense key numbers packed into a word
  // (see UpdateLayout).
  screening::KeyCache cache;
  bool packable = false;
  int encounter_bits = 0, charge_bits = 0, encounter_shift = 0, charge_shift = 0;
  int32_t cached_charges = 0;
  int layout_version = 0;
  v1::ScreeningSummary summary;

  // The feeds that are charge fields, in order.
  std::vector<size_t> charge_feeds;

  // The stream being screened.
  bool streaming = false;
  ArrowSchema input_schema{};
  int64_t arrest_key_column = -1;
  // CHARGE_PER_ROW: the arrest being read (still open at the end of the
  // last batch): the codes of its first row, the codes of its charges
  // (charge_feeds' codes, one charge after another), its packed key parts
  // (valid while open_layout is the layout), its rows, and the last value
  // of the arrest key column seen.
  bool open = false;
  std::vector<int32_t> open_encounter;
  std::vector<int32_t> open_charges;
  int32_t open_charge_count = 0;
  uint64_t open_encounter_key = 0, open_charge_keys = 0;
  int open_layout = -1;
  std::vector<Rows> open_pieces;
  KeptCell last_arrest_id;

  // Scratch for a chunk of rows: codes by feed, each row's packed key
  // word (see Contribution), whether a row continues the arrest of the row
  // before it; one row per charge, by arrest of the chunk: its packed
  // key, charge count and result, and each row's arrest.
  std::vector<std::vector<int32_t>> codes;
  std::vector<uint64_t> row_words;
  std::vector<uint8_t> same_arrest;
  // Counts the rows of a chunk by code (issues) and by result.
  screening::RowCounter row_counter;
  // One row per charge: the chunk's arrest keys when they are 64-bit
  // integers without nulls (compared in place, same_arrest unused).
  const int64_t* chunk_ids = nullptr;
  std::vector<uint64_t> arrest_keys;
  std::vector<int32_t> arrest_results, arrest_of_row;
  // The chunk being screened: its coders and first row (for RowCode).
  const std::vector<screening::ColumnCoder>* chunk_coders = nullptr;
  int64_t chunk_begin = 0;
  // By feed: the column is a dictionary array whose entries all have
  // codes (see ScreenBatch), so it is not coded row by row:
  // ColumnCoder::CodeAt gives a row's code, and the row loops work on its
  // indices. For those: rows by entry (when some entry has an issue), and
  // what each entry adds to a packed key (for entry_layout).
  std::vector<uint8_t> by_entry;
  std::vector<std::vector<int64_t>> entry_rows;
  std::vector<std::vector<uint64_t>> entry_contribution;
  std::vector<int> entry_layout;
  std::vector<int32_t> found;
  std::string key;

  ~State() {
    if (input_schema.release != nullptr) input_schema.release(&input_schema);
  }

  int32_t CodeOf(FeedState& f, const Cell& cell);
  int32_t VersionIndex(absl::Time time) const;
  int32_t Decide(const ArrestCodes& codes);
  // The result of an arrest with `count` charges whose encounter fields
  // have the codes encounter_code(feed) and whose charge c has the codes
  // charge_code(feed, c): found by its key in result_by_key, or decided.
  template <typename EncounterCode, typename ChargeCode>
  int32_t ResolveArrest(int64_t count, EncounterCode encounter_code,
                        ChargeCode charge_code);
  void UpdateLayout();
  // What code `code` of feed `f` adds to a row's packed key word: its
  // dense number at its place (charge fields after the encounter fields),
  // and for a charge field that is not null, the charged bit (ChargedBit).
  uint64_t Contribution(const FeedState& f, int32_t code) const;
  // The bit of a row's word that says it lists a charge: one row per
  // arrest, the charge count's bit of the packed key; one row per charge,
  // the top bit (above every packed charge).
  uint64_t ChargedBit() const {
    if (mapping.shape() == v1::CHARGE_PER_ROW) return uint64_t{1} << 63;
    return packable ? 1 : 0;
  }
  // The bits of a row's word (or a packed key) that hold its encounter
  // fields' numbers; those of a row's word shifted down by charge_shift
  // that hold its charge's (one row per charge).
  uint64_t EncounterMask() const {
    return packable ? ((uint64_t{1} << encounter_bits) - 1) << encounter_shift : 0;
  }
  uint64_t ChargeMask() const {
    return packable ? (uint64_t{1} << charge_bits) - 1 : 0;
  }
  // words[r - begin] = the OR of the contributions of row r's key and
  // charge columns, for rows [begin, end).
  void OrContributions(std::vector<screening::ColumnCoder>& coders,
                       int64_t begin, int64_t end, uint64_t* words);
  // The code of feed i at row chunk_begin + r.
  int32_t RowCode(size_t i, int64_t r) const {
    return by_entry[i] ? (*chunk_coders)[i].CodeAt(chunk_begin + r)
                       : codes[i][static_cast<size_t>(r)];
  }
  // f.contribution, for every code of `f` and the current layout.
  const std::vector<uint64_t>& Contributions(FeedState& f);
  absl::Status ScreenBatch(BatchOut* out);
  // One row per arrest: rows [begin, end), whose columns are coded.
  void ScreenArrests(BatchOut* out, std::vector<screening::ColumnCoder>& coders,
                     int64_t begin, int64_t end);
  absl::Status ScreenRows(BatchOut* out, std::vector<screening::ColumnCoder>& coders,
                          const ColumnReader* arrest_ids, int64_t begin,
                          int64_t end);
  // One row per charge: rows [begin, end), whose columns are coded.
  void ScreenCharges(BatchOut* out, std::vector<screening::ColumnCoder>& coders,
                     const ColumnReader& arrest_ids, int64_t begin, int64_t end);
  // One row per charge: the arrests that start at rows [from, to) of the
  // chunk (row_words filled in, and same_arrest unless chunk_ids is set;
  // from a row that starts an arrest, to one that starts the next),
  // column by column.
  void ScreenClosedArrests(BatchOut* out, int64_t from, int64_t to);
  // The result of closed arrest i of the n rows from row `from` of the
  // chunk (after AssembleArrests), found in result_by_key or decided.
  int32_t ResolveClosedArrest(int64_t from, int64_t n, int32_t i);
  absl::Status ScreenListBatch(BatchOut* out,
                               std::vector<screening::ColumnCoder>& coders);
  void StartArrest(int64_t r);
  void AddRow(BatchOut* out, int64_t begin, int64_t r);
  void CloseArrest();
  // The input columns a batch is read from: those fed, and the arrest key.
  std::vector<int64_t> ColumnsRead() const {
    std::vector<int64_t> columns;
    for (const FeedState& f : feeds) {
      if (!f.skipped) columns.push_back(f.column);
    }
    if (arrest_key_column >= 0) columns.push_back(arrest_key_column);
    return columns;
  }
  // The result columns of `out`: their arrays; the dictionary columns
  // without schemas (see AddResultSchemas).
  std::vector<BuiltColumn> ResultColumns(const BatchOut& out);
  // Gives the dictionary columns of ResultColumns their schemas.
  void AddResultSchemas(std::vector<BuiltColumn>* columns) const;
  // Whether result column k has int8 indices (a fixed vocabulary).
  static bool NarrowResult(size_t k) { return k == 0 || k >= 5; }
  // The dictionary of result column k, laid out again only once it grew.
  std::shared_ptr<const screening::SharedText> ResultDictionary(size_t k);
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
  if (f.feed.is_statute_code() && statute_classes != nullptr) {
    // Codes alike to the policy share a key id; any other value is a
    // class of its own.
    const std::string alike =
        value.kind == FieldValue::Kind::kText
            ? absl::StrCat("C", statute_classes->Of(value.text))
            : absl::StrCat("V", value.Identity());
    key_id = f.classes.emplace(alike, static_cast<int32_t>(f.classes.size()) + 1)
                 .first->second;
  }
  f.values.push_back(std::move(value));
  f.key_ids.push_back(key_id);
  f.dense.push_back(
      f.dense_of_key_id
          .emplace(key_id, static_cast<int32_t>(f.dense_of_key_id.size()))
          .first->second);
  if (issue != v1::ColumnIssue::KIND_UNSPECIFIED) f.any_issue = true;
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
  std::vector<int32_t> values = {result.outcome, result.version, result.decisive,
                                 result.missing, result.not_decided};
  values.insert(values.end(), result.rules.begin(), result.rules.end());
  for (size_t k = 0; k < values.size(); ++k) {
    result_values[k].push_back(values[k]);
    if (values[k] < 0) result_has_null[k] = true;
  }
  for (auto& table : narrow_tables) table.resize(table.size() + 16, 0);
  for (size_t j = 0; j < 1 + rule_ids.size(); ++j) {
    const size_t k = j == 0 ? 0 : 4 + j;
    narrow_tables[j / 16][results.size() * 16 + j % 16] =
        values[k] < 0 ? screening::kNullByte : static_cast<uint8_t>(values[k]);
  }
  wide_table.insert(wide_table.end(), values.begin() + 1, values.begin() + 5);
  results.push_back(std::move(result));
  arrests_by_result.push_back(0);
  return static_cast<int32_t>(results.size()) - 1;
}

template <typename EncounterCode, typename ChargeCode>
int32_t Screener::State::ResolveArrest(int64_t count,
                                       EncounterCode encounter_code,
                                       ChargeCode charge_code) {
  key.clear();
  for (size_t i = 0; i < feeds.size(); ++i) {
    if (feeds[i].key && !feeds[i].feed.is_charge_field()) {
      AppendInt(&key, feeds[i].key_ids[encounter_code(i)]);
    }
  }
  for (int64_t c = 0; c < count; ++c) {
    for (size_t i : charge_feeds) {
      if (feeds[i].key) AppendInt(&key, feeds[i].key_ids[charge_code(i, c)]);
    }
  }
  AppendInt(&key, static_cast<int32_t>(count));
  auto it = result_by_key.find(key);
  if (it != result_by_key.end()) return it->second;
  ArrestCodes arrest;
  arrest.encounter.assign(feeds.size(), 0);
  arrest.charges.assign(count, std::vector<int32_t>(feeds.size(), 0));
  for (size_t i = 0; i < feeds.size(); ++i) {
    if (!feeds[i].feed.is_charge_field()) arrest.encounter[i] = encounter_code(i);
  }
  for (int64_t c = 0; c < count; ++c) {
    for (size_t i : charge_feeds) arrest.charges[c][i] = charge_code(i, c);
  }
  const int32_t index = Decide(arrest);
  result_by_key.emplace(key, index);
  return index;
}

// Packed keys: each key feed's dense number gets `width` bits. A key is
// the charge count (the lowest bits), then the encounter fields' numbers
// (encounter_bits bits from encounter_shift), then each charge's numbers
// (charge_bits bits each, the first at charge_shift) for up to
// cached_charges charges: the keys of arrests with one charge are small
// numbers (KeyCache's flat array). A feed whose numbers outgrow their bits
// gets one more bit than it needs, and the cache starts again. Arrests with
// more charges than fit go to result_by_key only.
void Screener::State::UpdateLayout() {
  bool grown = false;
  for (FeedState& f : feeds) {
    if (!f.key) continue;
    const uint32_t largest = static_cast<uint32_t>(f.dense.size() - 1);
    int needed = 1;
    while (needed < 32 && (largest >> needed) != 0) ++needed;
    if (needed > f.width) {
      f.width = needed + 1;
      grown = true;
    }
  }
  if (!grown && layout_version > 0) return;
  encounter_bits = charge_bits = 0;
  for (FeedState& f : feeds) {
    if (!f.key) continue;
    int& bits = f.feed.is_charge_field() ? charge_bits : encounter_bits;
    f.shift = bits;
    bits += f.width;
  }
  // One row per arrest: at most one charge (a 1-bit count). One row per
  // charge: up to 7 charges (a 3-bit count), as many as fit below the top
  // bit (a row's charged bit, see ChargedBit).
  const bool one_charge = mapping.shape() == v1::ARREST_PER_ROW;
  const int count_bits = one_charge ? 1 : 3;
  const int limit = one_charge ? 1 : 7;
  const int room = (one_charge ? 64 : 63) - encounter_bits - count_bits;
  cached_charges = charge_bits == 0 ? limit : std::min(limit, room / charge_bits);
  packable = room >= 0 && cached_charges >= 1;
  encounter_shift = count_bits;
  charge_shift = count_bits + encounter_bits;
  ++layout_version;
  cache.Reset(packable ? charge_shift + cached_charges * charge_bits : 64);
}

absl::Status Screener::State::ScreenBatch(BatchOut* out) {
  const ArrowArray& batch = out->input;
  if (batch.n_children != input_schema.n_children) {
    return absl::InvalidArgumentError(
        "a record batch has a different number of columns than its schema");
  }
  if (batch.n_children > 0 && batch.children == nullptr) {
    return absl::InvalidArgumentError(
        "a record batch is not a valid Arrow array: it has columns but no children");
  }
  if (batch.length < 0 || batch.offset != 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "a record batch has length ", batch.length, " and offset ", batch.offset,
        "; divert reads batches with offset 0 (slice the columns instead)"));
  }
  if (batch.length > limits::kMaxBatchRows) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "a record batch has ", batch.length, " rows; the limit is ",
        limits::kMaxBatchRows, " (docs/limits.md): split it into smaller batches"));
  }
  const int64_t rows = batch.length;
  for (int64_t column : ColumnsRead()) {
    const ArrowArray* child = batch.children[column];
    if (child == nullptr || child->length < rows) {
      return absl::InvalidArgumentError(absl::StrCat(
          "column '", input_schema.children[column]->name == nullptr
                          ? ""
                          : input_schema.children[column]->name,
          "' has ", child == nullptr ? 0 : child->length,
          " values in a record batch of ", rows, " rows"));
    }
  }
  out->result.assign(rows, -1);
  out->open_rows = rows;
  summary.set_rows(summary.rows() + rows);

  std::vector<screening::ColumnCoder> coders(feeds.size());
  bool lists = false;
  for (size_t i = 0; i < feeds.size(); ++i) {
    const FeedState& f = feeds[i];
    if (f.skipped) continue;
    absl::StatusOr<screening::ColumnCoder> coder = screening::ColumnCoder::Create(
        *input_schema.children[f.column], *batch.children[f.column]);
    if (!coder.ok()) return coder.status();
    coders[i] = *std::move(coder);
    if (coders[i].reader().is_list()) {
      if (!f.feed.is_charge_field() || mapping.shape() != v1::ARREST_PER_ROW) {
        return absl::InvalidArgumentError(absl::StrCat(
            "column '", f.feed.feed().column(),
            "' is a list; lists can only feed charge fields of a table with "
            "one row per arrest"));
      }
      lists = true;
    }
  }
  by_entry.assign(feeds.size(), 0);
  if (lists) return ScreenListBatch(out, coders);

  // A dictionary column (of no more entries than the batch has rows) is
  // coded entry by entry, and its rows are read as indices: counted by
  // entry when some entry has an issue, and gathered into packed keys when
  // it is a key or charge field. A column that is neither, and whose
  // entries have no issue, needs no pass over its rows.
  entry_rows.resize(feeds.size());
  entry_contribution.resize(feeds.size());
  entry_layout.assign(feeds.size(), -1);
  for (size_t i = 0; i < feeds.size(); ++i) {
    FeedState& f = feeds[i];
    if (f.skipped || !coders[i].CodeAllEntries(rows, [&](const Cell& cell) {
          return CodeOf(f, cell);
        })) {
      continue;
    }
    by_entry[i] = 1;
    bool issues = false;
    for (int32_t code : coders[i].entry_codes()) {
      issues |= f.issues[code] != v1::ColumnIssue::KIND_UNSPECIFIED;
    }
    entry_rows[i].assign(issues ? coders[i].entry_codes().size() : 0, 0);
  }

  std::unique_ptr<ColumnReader> arrest_ids;
  if (mapping.shape() == v1::CHARGE_PER_ROW) {
    out->charge_index.assign(rows, -1);
    absl::StatusOr<std::unique_ptr<ColumnReader>> reader =
        ColumnReader::Create(*input_schema.children[arrest_key_column],
                             *batch.children[arrest_key_column]);
    if (!reader.ok()) return reader.status();
    arrest_ids = *std::move(reader);
  }
  for (int64_t begin = 0; begin < rows; begin += kChunkRows) {
    absl::Status status = ScreenRows(out, coders, arrest_ids.get(), begin,
                                     std::min(rows, begin + kChunkRows));
    if (!status.ok()) return status;
  }
  if (arrest_ids != nullptr && rows > 0) {
    last_arrest_id.Keep(arrest_ids->Get(rows - 1));
  }
  for (size_t i = 0; i < feeds.size(); ++i) {
    if (!by_entry[i]) continue;
    const std::vector<int32_t>& entry_codes = coders[i].entry_codes();
    for (size_t e = 0; e < entry_rows[i].size(); ++e) {
      feeds[i].rows[entry_codes[e]] += entry_rows[i][e];
    }
  }
  return absl::OkStatus();
}

namespace {

bool SameValue(const Cell& a, const Cell& b) {
  if (a.kind != b.kind) return false;
  switch (a.kind) {
    case Cell::Kind::kNull:
      return false;
    case Cell::Kind::kText:
      return a.text == b.text;
    case Cell::Kind::kInt:
      return a.integer == b.integer;
    case Cell::Kind::kDouble:
      return std::memcmp(&a.real, &b.real, sizeof(a.real)) == 0;
    case Cell::Kind::kBool:
      return a.boolean == b.boolean;
    case Cell::Kind::kTime:
    case Cell::Kind::kCivilTime:
      return a.time == b.time;
  }
  return false;
}

// same[r - begin] = whether row r (> 0) has the same arrest key as row
// r - 1, neither being null; same[0] is left alone when begin is 0.
void SameAsPrevious(const ArrowSchema& schema, const ArrowArray& array,
                    const ColumnReader& reader, int64_t begin, int64_t end,
                    uint8_t* same) {
  const int64_t first = std::max<int64_t>(begin, 1);
  const absl::string_view format = schema.format == nullptr ? "" : schema.format;
  if (format == "l" && schema.dictionary == nullptr) {
    // 64-bit integer keys, the common case, compared in place.
    const auto* values = static_cast<const int64_t*>(array.buffers[1]) + array.offset;
    const auto* validity = array.null_count != 0 && array.n_buffers > 0
                               ? static_cast<const uint8_t*>(array.buffers[0])
                               : nullptr;
    for (int64_t r = first; r < end; ++r) same[r - begin] = values[r] == values[r - 1];
    if (validity != nullptr) {
      auto valid = [&](int64_t r) {
        const int64_t i = r + array.offset;
        return ((validity[i >> 3] >> (i & 7)) & 1) != 0;
      };
      for (int64_t r = first; r < end; ++r) {
        same[r - begin] &= valid(r) && valid(r - 1);
      }
    }
    return;
  }
  Cell previous = reader.Get(first - 1);
  for (int64_t r = first; r < end; ++r) {
    const Cell id = reader.Get(r);
    same[r - begin] = id.kind != Cell::Kind::kNull && SameValue(previous, id);
    previous = id;
  }
}

// The values of a column of 64-bit integer keys without nulls (from its
// offset), or null for any other column.
const int64_t* Int64Ids(const ArrowSchema& schema, const ArrowArray& array) {
  const absl::string_view format = schema.format == nullptr ? "" : schema.format;
  if (format != "l" || schema.dictionary != nullptr || array.null_count != 0 ||
      array.n_buffers < 2) {
    return nullptr;
  }
  return static_cast<const int64_t*>(array.buffers[1]) + array.offset;
}

}  // namespace

absl::Status Screener::State::ScreenRows(
    BatchOut* out, std::vector<screening::ColumnCoder>& coders,
    const ColumnReader* arrest_ids, int64_t begin, int64_t end) {
  const int64_t n = end - begin;
  codes.resize(feeds.size());
  // Each column into codes, one column at a time.
  for (size_t i = 0; i < feeds.size(); ++i) {
    FeedState& f = feeds[i];
    std::vector<int32_t>& c = codes[i];
    // Skipped: code 0 (unset) everywhere, since nothing else writes it;
    // the field cannot change a decision. Deferred: never read.
    c.resize(n);
    if (f.skipped) continue;
    if (by_entry[i]) {
      if (!entry_rows[i].empty()) {
        coders[i].CountEntries(begin, end, entry_rows[i].data());
      }
      continue;
    }
    absl::Status status = coders[i].Code(
        begin, end, &f.texts, [&](const Cell& cell) { return CodeOf(f, cell); },
        c.data());
    if (!status.ok()) return status;
    if (f.any_issue) row_counter.Count(c.data(), n, f.rows.size(), f.rows.data());
  }
  UpdateLayout();
  chunk_coders = &coders;
  chunk_begin = begin;
  if (mapping.shape() == v1::ARREST_PER_ROW) {
    ScreenArrests(out, coders, begin, end);
  } else {
    ScreenCharges(out, coders, *arrest_ids, begin, end);
  }
  chunk_coders = nullptr;
  return absl::OkStatus();
}

void Screener::State::ScreenCharges(
    BatchOut* out, std::vector<screening::ColumnCoder>& coders,
    const ColumnReader& arrest_ids, int64_t begin, int64_t end) {
  const int64_t n = end - begin;
  row_words.resize(n);
  OrContributions(coders, begin, end, row_words.data());
  // Adjacent rows with one arrest key are one arrest; a null key is an
  // arrest of its own. Keys of 64-bit integers without nulls (the common
  // case) are compared where the arrests are assembled; others first
  // into same_arrest.
  const ArrowArray& ids = *out->input.children[arrest_key_column];
  chunk_ids = Int64Ids(*input_schema.children[arrest_key_column], ids);
  if (chunk_ids != nullptr) {
    chunk_ids += begin;
  } else {
    same_arrest.resize(n);
    SameAsPrevious(*input_schema.children[arrest_key_column], ids, arrest_ids,
                   begin, end, same_arrest.data());
  }
  // Whether row r of the chunk continues the arrest of the row before it;
  // the batch's first row, the last batch's last arrest.
  const bool first_goes_on =
      begin == 0 ? arrest_ids.Get(0).kind != Cell::Kind::kNull &&
                       SameValue(last_arrest_id.cell, arrest_ids.Get(0))
                 : chunk_ids != nullptr ? chunk_ids[0] == chunk_ids[-1]
                                        : same_arrest[0] != 0;
  auto goes_on = [&](int64_t r) {
    if (r == 0) return first_goes_on;
    return chunk_ids != nullptr ? chunk_ids[r] == chunk_ids[r - 1]
                                : same_arrest[r] != 0;
  };
  // The arrest still open from the chunk before, row by row.
  int64_t r = 0;
  if (open) {
    while (r < n && goes_on(r)) AddRow(out, begin, r++);
    if (r == n) return;
    CloseArrest();
  }
  // The chunk's last arrest may go on in the next chunk: it stays open.
  // Those before it are closed here, column by column.
  int64_t last = n - 1;
  while (last > r && goes_on(last)) --last;
  ScreenClosedArrests(out, r, last);
  StartArrest(last);
  for (int64_t row = last; row < n; ++row) AddRow(out, begin, row);
}

int32_t Screener::State::ResolveClosedArrest(int64_t from, int64_t n,
                                             int32_t i) {
  const int32_t* arrest_of = arrest_of_row.data();
  const int64_t first = std::lower_bound(arrest_of, arrest_of + n, i) - arrest_of;
  const int64_t end = std::upper_bound(arrest_of, arrest_of + n, i) - arrest_of;
  std::vector<int64_t> charged_rows;
  for (int64_t row = from + first; row < from + end; ++row) {
    if (row_words[row] >> 63) charged_rows.push_back(row);
  }
  return ResolveArrest(
      static_cast<int64_t>(charged_rows.size()),
      [&](size_t f) { return RowCode(f, from + first); },
      [&](size_t f, int64_t c) { return RowCode(f, charged_rows[c]); });
}

void Screener::State::ScreenClosedArrests(BatchOut* out, int64_t from,
                                          int64_t to) {
  const int64_t n = to - from;
  if (n <= 0) return;
  const uint64_t* words = row_words.data() + from;
  int32_t* charge_index = out->charge_index.data() + chunk_begin + from;
  arrest_keys.resize(n);
  arrest_of_row.resize(n);
  ChargePacking packing;
  if (packable) {
    packing = {EncounterMask(), ChargeMask() << charge_shift,
               static_cast<uint32_t>(charge_bits),
               static_cast<uint32_t>(cached_charges)};
  }
  int32_t* arrest_of = arrest_of_row.data();
  const int64_t arrests =
      chunk_ids != nullptr
          ? AssembleArrests(
                [ids = chunk_ids + from](int64_t r) {
                  return static_cast<uint32_t>(ids[r] == ids[r - 1]);
                },
                words, n, packing, charge_index, arrest_keys.data(), arrest_of)
          : AssembleArrests(
                [same = same_arrest.data() + from](int64_t r) {
                  return uint32_t{same[r]};
                },
                words, n, packing, charge_index, arrest_keys.data(), arrest_of);
  const uint64_t* keys = arrest_keys.data();
  arrest_results.resize(static_cast<size_t>(arrests));
  int32_t* results = arrest_results.data();
  if (packable) {
    cache.FindAll(keys, arrests, results);
  } else {
    std::fill(results, results + arrests, -1);
  }
  // Each arrest's result counted; one whose key is not in the cache (as
  // none with more charges than packed is) is found in result_by_key or
  // decided, in the order of the arrests.
  int64_t* by_result = arrests_by_result.data();
  for (int64_t i = 0; i < arrests; ++i) {
    if (results[i] < 0) {
      results[i] = ResolveClosedArrest(from, n, static_cast<int32_t>(i));
      if (packable && (keys[i] & kUnpackedCharges) == 0) {
        cache.Insert(keys[i], results[i]);
      }
      by_result = arrests_by_result.data();  // Decide may have grown it
    }
    ++by_result[results[i]];
  }
  int32_t* result = out->result.data() + chunk_begin + from;
  for (int64_t row = 0; row < n; ++row) result[row] = results[arrest_of[row]];
  out->open_rows -= n;
}

uint64_t Screener::State::Contribution(const FeedState& f, int32_t code) const {
  const bool charge = f.feed.is_charge_field();
  uint64_t bits = 0;
  if (f.key && packable) {
    bits = static_cast<uint64_t>(f.dense[code])
           << (f.shift + (charge ? charge_shift : encounter_shift));
  }
  if (charge && code != 0) bits |= ChargedBit();
  return bits;
}

const std::vector<uint64_t>& Screener::State::Contributions(FeedState& f) {
  if (f.contribution_layout != layout_version) {
    f.contribution.clear();
    f.contribution_layout = layout_version;
  }
  for (size_t code = f.contribution.size(); code < f.values.size(); ++code) {
    f.contribution.push_back(Contribution(f, static_cast<int32_t>(code)));
  }
  return f.contribution;
}

void Screener::State::OrContributions(
    std::vector<screening::ColumnCoder>& coders, int64_t begin, int64_t end,
    uint64_t* words) {
  const int64_t n = end - begin;
  // The first column read from codes writes the words; the others OR.
  bool written = false;
  for (size_t i = 0; i < feeds.size(); ++i) {
    FeedState& f = feeds[i];
    if (f.skipped || !((f.key && packable) || f.feed.is_charge_field())) continue;
    if (by_entry[i]) {
      std::vector<uint64_t>& table = entry_contribution[i];
      if (entry_layout[i] != layout_version) {
        table.clear();
        for (int32_t code : coders[i].entry_codes()) {
          table.push_back(Contribution(f, code));
        }
        entry_layout[i] = layout_version;
      }
      if (!written) std::fill(words, words + n, 0);
      coders[i].OrByEntry(begin, end, table.data(), words);
    } else {
      const uint64_t* table = Contributions(f).data();
      const int32_t* c = codes[i].data();
      if (written) {
        for (int64_t r = 0; r < n; ++r) words[r] |= table[c[r]];
      } else {
        for (int64_t r = 0; r < n; ++r) words[r] = table[c[r]];
      }
    }
    written = true;
  }
  if (!written) std::fill(words, words + n, 0);
}

void Screener::State::ScreenArrests(
    BatchOut* out, std::vector<screening::ColumnCoder>& coders, int64_t begin,
    int64_t end) {
  const int64_t n = end - begin;
  int32_t* result = out->result.data() + begin;
  // One charge per arrest at most: the packed key is the whole key, the
  // OR of what each key or charge column's value adds to it.
  uint64_t* keys = nullptr;
  if (packable) {
    row_words.resize(n);
    keys = row_words.data();
    OrContributions(coders, begin, end, keys);
    cache.FindAll(keys, n, result);
  } else {
    std::fill(result, result + n, -1);
  }
  // Keys not in the cache: found in result_by_key, or decided.
  for (int64_t r = 0; r < n; ++r) {
    if (result[r] >= 0) continue;
    auto code = [&](size_t i) { return RowCode(i, r); };
    int64_t charged = 0;
    for (size_t i : charge_feeds) charged |= code(i) != 0 ? 1 : 0;
    result[r] = ResolveArrest(charged, code,
                              [&](size_t i, int64_t) { return code(i); });
    if (packable) cache.Insert(keys[r], result[r]);
  }
  row_counter.Count(result, n, arrests_by_result.size(), arrests_by_result.data());
  out->open_rows -= n;
}

void Screener::State::StartArrest(int64_t r) {
  open = true;
  open_encounter.resize(feeds.size());
  for (size_t i = 0; i < feeds.size(); ++i) open_encounter[i] = RowCode(i, r);
  open_charges.clear();
  open_charge_count = 0;
  open_encounter_key = row_words[r] & EncounterMask();
  open_charge_keys = 0;
  open_layout = layout_version;
  open_pieces.clear();
}

void Screener::State::AddRow(BatchOut* out, int64_t begin, int64_t r) {
  const int64_t row = begin + r;
  if (!open_pieces.empty() && open_pieces.back().batch == out &&
      open_pieces.back().end == row) {
    ++open_pieces.back().end;
  } else {
    open_pieces.push_back({out, row, row + 1});
  }
  // A row whose charge columns are all null lists no charge.
  if ((row_words[r] >> 63) == 0) return;
  out->charge_index[row] = open_charge_count;
  if (packable && open_charge_count < cached_charges) {
    const uint64_t charge = (row_words[r] >> charge_shift) & ChargeMask();
    open_charge_keys |= charge
                        << (charge_shift + open_charge_count * charge_bits);
  }
  for (size_t i : charge_feeds) open_charges.push_back(RowCode(i, r));
  ++open_charge_count;
}

void Screener::State::CloseArrest() {
  open = false;
  const int32_t count = open_charge_count;
  const bool cached =
      packable && open_layout == layout_version && count <= cached_charges;
  // Only a cached arrest needs its packed key (the count in the lowest bits).
  const uint64_t packed =
      cached ? open_encounter_key | open_charge_keys |
                   static_cast<uint64_t>(count)
             : 0;
  int32_t index = cached ? cache.Find(packed) : -1;
  if (index < 0) {
    // open_charges holds charge_feeds' codes, one charge after another.
    std::vector<size_t> place(feeds.size(), 0);
    for (size_t j = 0; j < charge_feeds.size(); ++j) place[charge_feeds[j]] = j;
    index = ResolveArrest(
        count, [&](size_t i) { return open_encounter[i]; },
        [&](size_t i, int64_t c) {
          return open_charges[c * charge_feeds.size() + place[i]];
        });
    if (cached) cache.Insert(packed, index);
  }
  for (const Rows& piece : open_pieces) {
    std::fill(piece.batch->result.begin() + piece.begin,
              piece.batch->result.begin() + piece.end, index);
    piece.batch->open_rows -= piece.end - piece.begin;
  }
  open_pieces.clear();
  ++arrests_by_result[index];
}

// One row per arrest with list columns of charges: element i of each list
// feeds charge i, so arrests have any number of charges; each row's key is
// built as text.
absl::Status Screener::State::ScreenListBatch(
    BatchOut* out, std::vector<screening::ColumnCoder>& coders) {
  const int64_t rows = out->input.length;
  codes.assign(feeds.size(), {});
  std::vector<bool> is_list(feeds.size(), false);
  for (size_t i = 0; i < feeds.size(); ++i) {
    FeedState& f = feeds[i];
    std::vector<int32_t>& c = codes[i];
    auto code_of = [&](const Cell& cell) { return CodeOf(f, cell); };
    if (f.skipped) {
      c.assign(rows, 0);
      continue;
    }
    const ColumnReader& column = coders[i].reader();
    if (column.is_list()) {
      is_list[i] = true;
      int64_t begin, end, first = 0, last = 0;
      if (rows > 0) {
        column.ListRange(0, &first, &end);
        column.ListRange(rows - 1, &begin, &last);
      }
      c.assign(static_cast<size_t>(std::max<int64_t>(last, 0)), 0);
      const ColumnReader* values = column.values();
      for (int64_t e = first; e < last; ++e) {
        c[e] = CodeOf(f, values->Get(e));
        f.rows[c[e]]++;
      }
      continue;
    }
    c.resize(rows);
    absl::Status status = coders[i].Code(0, rows, &f.texts, code_of, c.data());
    if (!status.ok()) return status;
    for (int64_t r = 0; r < rows; ++r) f.rows[c[r]]++;
  }

  for (int64_t r = 0; r < rows; ++r) {
    // How many charges: the longest list, or one when charge fields come
    // from plain columns.
    int64_t count = 0;
    bool any_plain_charge = false;
    for (size_t i : charge_feeds) {
      if (is_list[i]) {
        int64_t begin, end;
        coders[i].reader().ListRange(r, &begin, &end);
        count = std::max(count, end - begin);
      } else {
        any_plain_charge = true;
      }
    }
    // Plain charge columns all null: an arrest without a charge.
    if (count == 0 && any_plain_charge) {
      for (size_t i : charge_feeds) {
        if (!is_list[i] && codes[i][r] != 0) count = 1;
      }
    }
    auto charge_code = [&](size_t i, int64_t c) -> int32_t {
      if (!is_list[i]) return codes[i][r];
      int64_t begin, end;
      coders[i].reader().ListRange(r, &begin, &end);
      return begin + c < end ? codes[i][begin + c] : 0;
    };
    const int32_t index = ResolveArrest(
        count, [&](size_t i) { return codes[i][r]; }, charge_code);
    out->result[r] = index;
    ++arrests_by_result[index];
  }
  out->open_rows = 0;
  return absl::OkStatus();
}

std::vector<std::string> Screener::State::ResultNames() const {
  std::vector<std::string> names = {"outcome", "policy_version",
                                    "decisive_rules", "missing_facts",
                                    "not_decided"};
  for (const std::string& id : rule_ids) names.push_back(absl::StrCat("rule:", id));
  if (mapping.shape() == v1::CHARGE_PER_ROW) names.emplace_back(kChargeIndexColumn);
  return names;
}

std::shared_ptr<const screening::SharedText> Screener::State::ResultDictionary(
    size_t k) {
  const std::vector<std::string>& words =
      k == 0   ? OutcomeNames()
      : k == 1 ? version_labels
      : k == 2 ? decisive.strings()
      : k == 3 ? missing.strings()
      : k == 4 ? not_decided.strings()
               : RuleResultNames();
  if (result_dictionaries.size() <= k) result_dictionaries.resize(k + 1);
  std::shared_ptr<const screening::SharedText>& shared = result_dictionaries[k];
  // The vocabularies only grow: a dictionary of the same size is the same.
  if (shared == nullptr || shared->size() != static_cast<int64_t>(words.size())) {
    shared = std::make_shared<const screening::SharedText>(words);
  }
  return shared;
}

void Screener::State::AddResultSchemas(std::vector<BuiltColumn>* columns) const {
  const std::vector<std::string> names = ResultNames();
  for (size_t k = 0; k < result_values.size(); ++k) {
    (*columns)[k].schema = screening::DictionarySchema(names[k], NarrowResult(k));
  }
}

std::vector<BuiltColumn> Screener::State::ResultColumns(const BatchOut& out) {
  const int64_t rows = static_cast<int64_t>(out.result.size());
  const int32_t* by_row = out.result.data();
  // Index widths are fixed per column, so that every batch matches the
  // stream's schema: int8 for the fixed vocabularies (outcome, rules),
  // int32 for the rest.
  std::vector<BuiltColumn> columns;
  std::vector<uint8_t*> narrow;
  std::vector<int32_t*> wide;
  std::vector<uint8_t*> validity(result_values.size());
  for (size_t k = 0; k < result_values.size(); ++k) {
    const bool is_narrow = NarrowResult(k);
    void* indices = nullptr;
    columns.push_back(screening::DictionaryArrayToFill(
        ResultDictionary(k), rows, is_narrow, result_has_null[k], &indices,
        &validity[k], pool));
    if (is_narrow) {
      narrow.push_back(static_cast<uint8_t*>(indices));
    } else {
      wide.push_back(static_cast<int32_t*>(indices));
    }
  }
  // Validity bitmaps and null counts in the order of `narrow` and `wide`.
  std::vector<uint8_t*> narrow_validity, wide_validity;
  for (size_t k = 0; k < result_values.size(); ++k) {
    (NarrowResult(k) ? narrow_validity : wide_validity).push_back(validity[k]);
  }
  std::vector<int64_t> narrow_nulls(narrow.size()), wide_nulls(wide.size());
  for (size_t g = 0; g < narrow_tables.size(); ++g) {
    screening::GatherBytes(
        narrow_tables[g].data(), by_row, rows,
        static_cast<int>(std::min<size_t>(16, narrow.size() - 16 * g)),
        narrow.data() + 16 * g, narrow_validity.data() + 16 * g,
        narrow_nulls.data() + 16 * g);
  }
  screening::GatherInt32x4(wide_table.data(), by_row, rows, wide.data(),
                           wide_validity.data(), wide_nulls.data());
  for (size_t k = 0; k < result_values.size(); ++k) {
    columns[k].array.null_count =
        k == 0 ? narrow_nulls[0] : k < 5 ? wide_nulls[k - 1] : narrow_nulls[k - 4];
  }
  if (mapping.shape() == v1::CHARGE_PER_ROW) {
    columns.push_back(screening::NonNegativeInt32Column(
        kChargeIndexColumn, out.charge_index.data(), rows, pool));
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
  if (text.size() > limits::kMaxPolicyBytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "the mapping is ", text.size(), " bytes; the limit is ", limits::kMaxPolicyBytes,
        " (docs/limits.md)"));
  }
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
  state->statute_classes =
      screening::StatuteClasses::For(*state->impl, state->inputs);
  const absl::TimeZone zone = state->impl->compiled().zone;
  for (const v1::ColumnFeed& feed : mapping.columns()) {
    absl::StatusOr<FieldFeed> compiled = FieldFeed::Compile(feed, zone);
    if (!compiled.ok()) return compiled.status();
    FeedState f(*std::move(compiled));
    const std::string& top = f.feed.path().front()->name();
    f.key = state->inputs.Matters(f.feed.path()) || f.feed.is_occurred_at() ||
            f.feed.is_statute_code() || top == "pathway";
    f.skipped = !f.key && !f.feed.can_fail() && !f.feed.is_charge_field();
    if (f.feed.is_charge_field()) {
      state->has_charge_feeds = true;
      state->charge_feeds.push_back(state->feeds.size());
    }
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
  state->result_values.resize(5 + state->rule_ids.size());
  state->result_has_null.resize(5 + state->rule_ids.size());
  state->narrow_tables.resize((1 + state->rule_ids.size() + 15) / 16);
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
  // Results are made in the order arrests first need them, so the first
  // arrest not decided has the first result not decided.
  int64_t arrests = 0, not_decided = 0;
  int64_t by_outcome[5] = {0, 0, 0, 0, 0};
  for (size_t i = 0; i < state_->results.size(); ++i) {
    const Result& result = state_->results[i];
    const int64_t n = state_->arrests_by_result[i];
    if (n == 0) continue;
    arrests += n;
    if (result.outcome >= 0) {
      by_outcome[result.outcome] += n;
      continue;
    }
    not_decided += n;
    if (summary.first_not_decided_reason().empty()) {
      summary.set_first_not_decided_reason(
          state_->not_decided.strings()[result.not_decided]);
    }
  }
  summary.set_arrests(arrests);
  summary.set_arrests_not_decided(not_decided);
  for (int i = 0; i < 5; ++i) {
    if (by_outcome[i] > 0) {
      (*summary.mutable_arrests_by_outcome())[OutcomeNames()[i]] = by_outcome[i];
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
  if (schema.n_children < 0 || (schema.n_children > 0 && schema.children == nullptr)) {
    return absl::InvalidArgumentError(
        "the input's schema is not a valid Arrow schema: its children are missing");
  }
  for (int64_t i = 0; i < schema.n_children; ++i) {
    if (schema.children[i] == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the input's schema is not a valid Arrow schema: child ", i, " is missing"));
    }
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
    std::vector<BuiltColumn> results = state.ResultColumns(empty);
    state.AddResultSchemas(&results);
    for (BuiltColumn& c : results) columns.push_back(std::move(c));
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
      state->open_pieces.clear();
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
        absl::StatusOr<ArrowArray> batch = screening::ExtendBatch(
            state.input_schema.n_children, &done->input, std::move(results));
        if (!batch.ok()) return batch.status();
        *out = *batch;
        return absl::OkStatus();
      }
      if (*ended) {
        if (state.open) {
          state.CloseArrest();
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
