// Building Arrow arrays, schemas and streams (C Data Interface) that own
// their memory and free it in their release callbacks: the result columns
// of a screening run, and test inputs. A consumer of anything built here
// may release a child before or after its parent, as the specification
// allows.
#ifndef DIVERT_SRC_SCREENING_ARROW_BUILD_H_
#define DIVERT_SRC_SCREENING_ARROW_BUILD_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/optional.h"
#include "divert/screening/arrow_c.h"

namespace divert::screening {

// Memory for the buffers of built arrays, used again: a buffer taken from
// a pool goes back to it when its array is released (from any thread), and
// the pool keeps up to `max_free_bytes` of them for the next Take of the
// same size. A stream's consumer that releases each batch before asking
// for the next one thus gets the same warm memory every time, instead of
// fresh pages the system has to zero. Shared by the arrays that hold its
// buffers, so it outlives whoever made it. Take and Give cost the same
// however many buffers, of however many sizes, the pool keeps.
class BufferPool {
 public:
  explicit BufferPool(size_t max_free_bytes) : max_free_bytes_(max_free_bytes) {}

  // A buffer of `bytes` (at least one), its contents unspecified.
  std::unique_ptr<uint8_t[]> Take(size_t bytes);
  // Takes back a buffer of `bytes` from Take.
  void Give(std::unique_ptr<uint8_t[]> buffer, size_t bytes);

 private:
  const size_t max_free_bytes_;
  std::mutex mutex_;
  // The buffers kept, by their size; no size without buffers.
  absl::flat_hash_map<size_t, std::vector<std::unique_ptr<uint8_t[]>>> free_;
  size_t free_bytes_ = 0;
};

// A column under construction: a schema and an array, both owned.
class BuiltColumn {
 public:
  BuiltColumn();
  BuiltColumn(BuiltColumn&& other) noexcept;
  BuiltColumn& operator=(BuiltColumn&& other) noexcept;
  ~BuiltColumn();

  ArrowSchema schema;
  ArrowArray array;
};

// Text (utf8) values; nullopt is null.
BuiltColumn TextColumn(absl::string_view name,
                       const std::vector<absl::optional<std::string>>& values);
// Dictionary-encoded text: `indices` (-1 is null) into `dictionary`, as
// int32, or int8 when `narrow` (the dictionary then has at most 127
// entries).
BuiltColumn DictionaryColumn(absl::string_view name,
                             const std::vector<std::string>& dictionary,
                             const std::vector<int32_t>& indices, bool narrow);
// Text values laid out once as a utf8 array's buffers and lent to many
// arrays: a result column's dictionary, the same for every batch of a
// stream until it grows. Immutable.
class SharedText {
 public:
  explicit SharedText(const std::vector<std::string>& values);
  int64_t size() const { return static_cast<int64_t>(offsets_.size()) - 1; }
  // Fills `out` with a utf8 array of the values that borrows `text`'s
  // buffers and keeps `text` alive until released.
  static void Lend(std::shared_ptr<const SharedText> text, ArrowArray* out);

 private:
  std::vector<int32_t> offsets_;
  std::string chars_;
};

// Dictionary-encoded text of `length` rows into `dictionary` (lent, see
// SharedText), with int8 indices when `narrow`, else int32, that the
// caller writes at *indices. When `nullable`, *validity is a bitmap of
// (length + 7) / 8 bytes that the caller writes whole (a set bit for a row
// that is not null), and then sets array.null_count; else *validity is
// null and no row is null. The indices and the validity come from `pool`
// when it is not null. Only the array is made (schema.release is null):
// DictionarySchema describes it.
BuiltColumn DictionaryArrayToFill(std::shared_ptr<const SharedText> dictionary,
                                  int64_t length, bool narrow, bool nullable,
                                  void** indices, uint8_t** validity,
                                  std::shared_ptr<BufferPool> pool = nullptr);
// The schema of DictionaryArrayToFill's arrays named `name`.
ArrowSchema DictionarySchema(absl::string_view name, bool narrow);
// int32 values of `length` rows; a negative value is null. The buffers
// come from `pool` when given.
BuiltColumn NonNegativeInt32Column(absl::string_view name,
                                   const int32_t* values, int64_t length,
                                   std::shared_ptr<BufferPool> pool = nullptr);
BuiltColumn Int32Column(absl::string_view name,
                        const std::vector<absl::optional<int32_t>>& values);
BuiltColumn Int64Column(absl::string_view name,
                        const std::vector<absl::optional<int64_t>>& values);
BuiltColumn BoolColumn(absl::string_view name,
                       const std::vector<absl::optional<bool>>& values);
// A list<utf8> column; nullopt is a null list.
BuiltColumn TextListColumn(
    absl::string_view name,
    const std::vector<absl::optional<std::vector<std::string>>>& values);

// A record batch (a struct array) of `columns`, which all have `length`
// values. Takes the columns.
BuiltColumn RecordBatch(std::vector<BuiltColumn> columns, int64_t length);

// A record batch of borrowed columns from `input` (a record batch that
// this takes, released when the last of its columns is) followed by
// `extra` columns (their arrays; their schemas are not read). Only the
// array is made: a stream's batches share the schema it gave once.
absl::StatusOr<ArrowArray> ExtendBatch(int64_t input_columns, ArrowArray* input,
                                       std::vector<BuiltColumn> extra);

// A deep copy of `schema`.
ArrowSchema CopySchema(const ArrowSchema& schema);

// A stream producing `batches` (record batches that all share `schema`).
// Takes everything.
void MakeStream(ArrowSchema schema, std::vector<ArrowArray> batches,
                ArrowArrayStream* out);

// A stream whose batches come from `next`: it returns OK with a batch, OK
// with array.release == nullptr at the end, or an error. `schema` is the
// stream's schema (taken).
using NextBatch = std::function<absl::Status(ArrowArray*)>;
void MakeStream(ArrowSchema schema, NextBatch next, ArrowArrayStream* out);

}  // namespace divert::screening

#endif  // DIVERT_SRC_SCREENING_ARROW_BUILD_H_
