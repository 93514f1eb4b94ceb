// A table of facts: one row per record, one int32 column per field of a
// facts message (metrics.proto: ReferralFacts, EventFacts, ...).
//
// Enums and bools are stored as their numbers, strings as codes into the
// column's dictionary, unset optional fields as kNone. A column may instead
// be joined: its values are another table's column, read through this
// table's row-to-parent index (an event's race is its referral's race), so
// ten million events do not copy their referral's columns.
#ifndef DIVERT_SRC_METRICS_FACT_TABLE_H_
#define DIVERT_SRC_METRICS_FACT_TABLE_H_

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "metrics/block_cache.h"
#include "metrics/text_map.h"

namespace divert::metrics {

// The value of an unset optional field (and of a string never set).
inline constexpr int32_t kNone = std::numeric_limits<int32_t>::min();

// Distinct strings of one column, numbered from 0 in order of first sight.
// (Strings of up to 16 bytes, as ids, keys and codes mostly are, are
// looked up as integers: text_map.h.)
class Dictionary {
 public:
  Dictionary() = default;
  // Its memory in blocks of `cache` (block_cache.h), which must outlive it.
  explicit Dictionary(BlockCache* cache)
      : values_(RecyclingAllocator<std::string>(cache)), codes_(cache) {}

  int32_t Code(absl::string_view value);
  // As Code, but kNone (and no code) for "".
  int32_t CodeUnlessEmpty(absl::string_view value) {
    return value.empty() ? kNone : Code(value);
  }
  // kNone when the value was never seen.
  int32_t Find(absl::string_view value) const;
  // Loads the memory that Code(value) or Find(value) will read, so that a
  // loop over many rows can ask for a row's value several rows ahead and
  // not wait for it (a dictionary of a million values is far bigger than
  // the cache).
  void Prefetch(absl::string_view value) const { codes_.Prefetch(value); }
  // Makes room for `values` values (of up to 16 bytes) without growing
  // again.
  void Reserve(size_t values) {
    codes_.Reserve(values);
    values_.reserve(values);
  }
  const std::string& Value(int32_t code) const { return values_[code]; }
  int32_t size() const { return static_cast<int32_t>(values_.size()); }

 private:
  std::vector<std::string, RecyclingAllocator<std::string>> values_;
  TextMap<int32_t> codes_;
};

// Reads one column: data[i], or data[via[i]] for a joined column.
struct ColumnView {
  const int32_t* data = nullptr;
  const uint32_t* via = nullptr;
  const Dictionary* dictionary = nullptr;

  int32_t operator[](size_t row) const {
    return via == nullptr ? data[row] : data[via[row]];
  }
};

class FactTable {
 public:
  // `schema` is a facts message type; every field must be a singular
  // int32, bool, enum or string.
  explicit FactTable(const google::protobuf::Descriptor* schema);
  FactTable(FactTable&&) = default;
  FactTable& operator=(FactTable&&) = default;

  const google::protobuf::Descriptor* schema() const { return schema_; }
  size_t rows() const { return rows_; }

  // Adds a row with every owned column at its default (0, or kNone for
  // optional fields); returns its index.
  size_t AddRow();
  // Adds `count` rows at their defaults; returns the first one's index.
  size_t AddRows(size_t count);
  // Keeps the first `rows` rows (at most rows()).
  void Truncate(size_t rows);
  void Reserve(size_t rows);

  // Moves the columns' memory into `storage`, emptied but with its
  // capacity kept, for a later table of the same schema (ReuseColumns);
  // the table is left without rows.
  void ReleaseColumns(std::vector<std::vector<int32_t>>* storage);
  // Takes the emptied columns of `storage` (ReleaseColumns of a table of
  // the same schema) as its own, before its first row: rows added later
  // reuse their memory instead of fresh memory. No effect when `storage`
  // does not hold one column per field.
  void ReuseColumns(std::vector<std::vector<int32_t>>* storage);

  // The column of field `name`; -1 when the schema has no such field.
  int FieldIndex(absl::string_view name) const;
  // Sets an owned column's value; does nothing for a column left out.
  void Set(size_t row, int field_index, int32_t value) {
    if (kept_[field_index] != 0) columns_[field_index][row] = value;
  }
  // Leaves out the columns of the fields not marked in `kept` (one mark
  // per field), before the first row: they get no memory, Set does
  // nothing to them, and they must not be read. For the fields a
  // computation never reads (CatalogPlan::fields_read).
  void KeepOnly(const std::vector<bool>& kept);
  bool kept(int field_index) const { return kept_[field_index] != 0; }
  Dictionary& dictionary(int field_index) { return *dictionaries_[field_index]; }
  // Makes column `field_index` code its strings in `dictionary`, which
  // other tables may share (one person_key dictionary for every table).
  void ShareDictionary(int field_index, std::shared_ptr<Dictionary> dictionary) {
    dictionaries_[field_index] = std::move(dictionary);
  }

  // Makes column `field_index` read `parent`'s column of the same name
  // through `parent_rows` (one entry per row of this table, filled by the
  // caller; `parent` and this table must not move afterwards).
  void JoinColumn(int field_index, const FactTable& parent,
                  const std::vector<uint32_t>* parent_rows);

  ColumnView Column(int field_index) const;
  // The table whose column of the same name a joined column reads, and
  // that column's index there; nullptr and -1 for an owned column.
  const FactTable* joined_table(int field_index) const {
    return joins_[field_index].parent;
  }
  int joined_field(int field_index) const {
    return joins_[field_index].parent_field;
  }

  // Fills `message` (of the schema's type) with the fields in
  // `field_indexes` of row `row`; the rest stay as they are.
  void FillMessage(size_t row, const std::vector<int>& field_indexes,
                   google::protobuf::Message* message) const;

  // The text a string column's code stands for; "" for kNone.
  std::string Label(int field_index, int32_t code) const;

 private:
  const google::protobuf::Descriptor* schema_;
  size_t rows_ = 0;
  std::vector<std::vector<int32_t>> columns_;
  // Whether each field has a column of its own (not left out by KeepOnly,
  // nor joined).
  std::vector<uint8_t> kept_;
  std::vector<int32_t> defaults_;
  std::vector<std::shared_ptr<Dictionary>> dictionaries_;
  struct Join {
    const FactTable* parent = nullptr;
    int parent_field = -1;
    const std::vector<uint32_t>* rows = nullptr;
  };
  std::vector<Join> joins_;
};

}  // namespace divert::metrics

#endif  // DIVERT_SRC_METRICS_FACT_TABLE_H_
