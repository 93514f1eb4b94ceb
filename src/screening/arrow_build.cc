#include "screening/arrow_build.h"

#include <cerrno>
#include <cstring>
#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"

namespace divert::screening {
namespace {

// ---- arrays --------------------------------------------------------------

struct ArrayData {
  std::vector<std::unique_ptr<uint8_t[]>> owned;
  // Buffers taken from `pool` (given back on release), and their sizes.
  std::shared_ptr<BufferPool> pool;
  std::vector<std::unique_ptr<uint8_t[]>> pooled;
  std::vector<size_t> pooled_bytes;
  std::vector<const void*> buffers;
  std::vector<ArrowArray*> children;
  ArrowArray* dictionary = nullptr;
  // Keeps borrowed memory alive (ExtendBatch).
  std::shared_ptr<const void> keep_alive;
};

void ReleaseArray(ArrowArray* array) {
  auto* data = static_cast<ArrayData*>(array->private_data);
  for (ArrowArray* child : data->children) {
    if (child->release != nullptr) child->release(child);
    delete child;
  }
  if (data->dictionary != nullptr) {
    if (data->dictionary->release != nullptr) {
      data->dictionary->release(data->dictionary);
    }
    delete data->dictionary;
  }
  for (size_t i = 0; i < data->pooled.size(); ++i) {
    data->pool->Give(std::move(data->pooled[i]), data->pooled_bytes[i]);
  }
  delete data;
  array->release = nullptr;
}

// Fills `array` from `data` (taken).
void InitArray(ArrowArray* array, ArrayData* data, int64_t length,
               int64_t null_count) {
  array->length = length;
  array->null_count = null_count;
  array->offset = 0;
  array->n_buffers = static_cast<int64_t>(data->buffers.size());
  array->n_children = static_cast<int64_t>(data->children.size());
  array->buffers = data->buffers.data();
  array->children = data->children.empty() ? nullptr : data->children.data();
  array->dictionary = data->dictionary;
  array->release = &ReleaseArray;
  array->private_data = data;
}

// Adds an owned buffer of `bytes` (zeroed, unless the caller writes every
// byte) and returns it.
uint8_t* AddBuffer(ArrayData* data, size_t bytes, bool zeroed = true) {
  // Never empty, so that every buffer pointer is valid.
  const size_t size = bytes == 0 ? 1 : bytes;
  data->owned.emplace_back(zeroed ? new uint8_t[size]() : new uint8_t[size]);
  data->buffers.push_back(data->owned.back().get());
  return data->owned.back().get();
}

// Adds a buffer of `bytes` from data->pool (contents unspecified), or an
// owned one (zeroed) without a pool.
uint8_t* AddPooledBuffer(ArrayData* data, size_t bytes) {
  if (data->pool == nullptr) return AddBuffer(data, bytes);
  const size_t size = bytes == 0 ? 1 : bytes;
  data->pooled.push_back(data->pool->Take(size));
  data->pooled_bytes.push_back(size);
  data->buffers.push_back(data->pooled.back().get());
  return data->pooled.back().get();
}

// A validity bitmap for `valid`, or a null buffer when all are valid.
// Returns the null count.
int64_t AddValidity(ArrayData* data, const std::vector<bool>& valid) {
  int64_t nulls = 0;
  for (bool v : valid) nulls += v ? 0 : 1;
  if (nulls == 0) {
    data->buffers.push_back(nullptr);
    return 0;
  }
  uint8_t* bits = AddBuffer(data, (valid.size() + 7) / 8);
  for (size_t i = 0; i < valid.size(); ++i) {
    if (valid[i]) bits[i >> 3] |= static_cast<uint8_t>(1u << (i & 7));
  }
  return nulls;
}

// ---- schemas -------------------------------------------------------------

struct SchemaData {
  std::string format;
  std::string name;
  std::string metadata;
  std::vector<ArrowSchema*> children;
  ArrowSchema* dictionary = nullptr;
};

void ReleaseSchema(ArrowSchema* schema) {
  auto* data = static_cast<SchemaData*>(schema->private_data);
  for (ArrowSchema* child : data->children) {
    if (child->release != nullptr) child->release(child);
    delete child;
  }
  if (data->dictionary != nullptr) {
    if (data->dictionary->release != nullptr) {
      data->dictionary->release(data->dictionary);
    }
    delete data->dictionary;
  }
  delete data;
  schema->release = nullptr;
}

void InitSchema(ArrowSchema* schema, SchemaData* data, int64_t flags) {
  schema->format = data->format.c_str();
  schema->name = data->name.c_str();
  schema->metadata = data->metadata.empty() ? nullptr : data->metadata.data();
  schema->flags = flags;
  schema->n_children = static_cast<int64_t>(data->children.size());
  schema->children = data->children.empty() ? nullptr : data->children.data();
  schema->dictionary = data->dictionary;
  schema->release = &ReleaseSchema;
  schema->private_data = data;
}

void MakeSchema(ArrowSchema* schema, absl::string_view format,
                absl::string_view name) {
  auto* data = new SchemaData;
  data->format = std::string(format);
  data->name = std::string(name);
  InitSchema(schema, data, ARROW_FLAG_NULLABLE);
}

// ---- text ----------------------------------------------------------------

void FillText(ArrowArray* array,
              const std::vector<absl::optional<std::string>>& values) {
  auto* data = new ArrayData;
  std::vector<bool> valid;
  size_t bytes = 0;
  for (const auto& v : values) {
    valid.push_back(v.has_value());
    if (v) bytes += v->size();
  }
  const int64_t nulls = AddValidity(data, valid);
  auto* offsets = reinterpret_cast<int32_t*>(
      AddBuffer(data, (values.size() + 1) * sizeof(int32_t)));
  uint8_t* chars = AddBuffer(data, bytes);
  int32_t at = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    offsets[i] = at;
    if (values[i]) {
      std::memcpy(chars + at, values[i]->data(), values[i]->size());
      at += static_cast<int32_t>(values[i]->size());
    }
  }
  offsets[values.size()] = at;
  InitArray(array, data, static_cast<int64_t>(values.size()), nulls);
}

template <typename T>
BuiltColumn FixedColumn(absl::string_view name, absl::string_view format,
                        const std::vector<absl::optional<T>>& values) {
  BuiltColumn column;
  MakeSchema(&column.schema, format, name);
  auto* data = new ArrayData;
  std::vector<bool> valid;
  for (const auto& v : values) valid.push_back(v.has_value());
  const int64_t nulls = AddValidity(data, valid);
  T* out = reinterpret_cast<T*>(AddBuffer(data, values.size() * sizeof(T)));
  for (size_t i = 0; i < values.size(); ++i) out[i] = values[i].value_or(T());
  InitArray(&column.array, data, static_cast<int64_t>(values.size()), nulls);
  return column;
}

// ---- borrowed columns ----------------------------------------------------

// A record batch taken from a producer; released with its last column.
struct TakenBatch {
  ArrowArray array;
  ~TakenBatch() {
    if (array.release != nullptr) array.release(&array);
  }
};

struct BorrowedData {
  std::shared_ptr<TakenBatch> batch;
};

void ReleaseBorrowed(ArrowArray* array) {
  delete static_cast<BorrowedData*>(array->private_data);
  array->release = nullptr;
}

// ---- streams -------------------------------------------------------------

struct StreamData {
  ArrowSchema schema;
  NextBatch next;
  std::string error;
};

int StreamGetSchema(ArrowArrayStream* stream, ArrowSchema* out) {
  auto* data = static_cast<StreamData*>(stream->private_data);
  *out = CopySchema(data->schema);
  return 0;
}

int StreamGetNext(ArrowArrayStream* stream, ArrowArray* out) {
  auto* data = static_cast<StreamData*>(stream->private_data);
  std::memset(out, 0, sizeof(*out));
  absl::Status status;
  try {
    status = data->next(out);
  } catch (const std::exception& e) {
    status = absl::InternalError(absl::StrCat("internal error: ", e.what()));
  }
  if (status.ok()) {
    data->error.clear();
    return 0;
  }
  data->error = std::string(status.message());
  return status.code() == absl::StatusCode::kInvalidArgument ? EINVAL : EIO;
}

const char* StreamGetLastError(ArrowArrayStream* stream) {
  auto* data = static_cast<StreamData*>(stream->private_data);
  return data->error.empty() ? nullptr : data->error.c_str();
}

void StreamRelease(ArrowArrayStream* stream) {
  auto* data = static_cast<StreamData*>(stream->private_data);
  if (data->schema.release != nullptr) data->schema.release(&data->schema);
  delete data;
  stream->release = nullptr;
}

}  // namespace

std::unique_ptr<uint8_t[]> BufferPool::Take(size_t bytes) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto same_size = free_.find(bytes);
    if (same_size != free_.end()) {
      std::unique_ptr<uint8_t[]> buffer = std::move(same_size->second.back());
      same_size->second.pop_back();
      if (same_size->second.empty()) free_.erase(same_size);
      free_bytes_ -= bytes;
      return buffer;
    }
  }
  return std::unique_ptr<uint8_t[]>(new uint8_t[bytes]);
}

void BufferPool::Give(std::unique_ptr<uint8_t[]> buffer, size_t bytes) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (free_bytes_ + bytes > max_free_bytes_) return;  // freed as it goes
  free_bytes_ += bytes;
  free_[bytes].push_back(std::move(buffer));
}

BuiltColumn::BuiltColumn() {
  std::memset(&schema, 0, sizeof(schema));
  std::memset(&array, 0, sizeof(array));
}

BuiltColumn::BuiltColumn(BuiltColumn&& other) noexcept
    : schema(other.schema), array(other.array) {
  other.schema.release = nullptr;
  other.array.release = nullptr;
}

BuiltColumn& BuiltColumn::operator=(BuiltColumn&& other) noexcept {
  if (this != &other) {
    this->~BuiltColumn();
    schema = other.schema;
    array = other.array;
    other.schema.release = nullptr;
    other.array.release = nullptr;
  }
  return *this;
}

BuiltColumn::~BuiltColumn() {
  if (schema.release != nullptr) schema.release(&schema);
  if (array.release != nullptr) array.release(&array);
}

BuiltColumn TextColumn(absl::string_view name,
                       const std::vector<absl::optional<std::string>>& values) {
  BuiltColumn column;
  MakeSchema(&column.schema, "u", name);
  FillText(&column.array, values);
  return column;
}

BuiltColumn DictionaryColumn(absl::string_view name,
                             const std::vector<std::string>& dictionary,
                             const std::vector<int32_t>& indices, bool narrow) {
  const int64_t length = static_cast<int64_t>(indices.size());
  int64_t nulls = 0;
  for (int32_t i : indices) nulls += i < 0 ? 1 : 0;
  void* out = nullptr;
  uint8_t* validity = nullptr;
  BuiltColumn column =
      DictionaryArrayToFill(std::make_shared<const SharedText>(dictionary),
                            length, narrow, nulls > 0, &out, &validity);
  column.schema = DictionarySchema(name, narrow);
  if (validity != nullptr) {
    std::memset(validity, 0, static_cast<size_t>((length + 7) / 8));
  }
  for (int64_t r = 0; r < length; ++r) {
    const int32_t index = indices[r] < 0 ? 0 : indices[r];
    if (narrow) {
      static_cast<int8_t*>(out)[r] = static_cast<int8_t>(index);
    } else {
      static_cast<int32_t*>(out)[r] = index;
    }
    if (validity != nullptr && indices[r] >= 0) {
      validity[r >> 3] |= static_cast<uint8_t>(1u << (r & 7));
    }
  }
  column.array.null_count = nulls;
  return column;
}

namespace {

// A validity bitmap with bit r set when valid(r); returns the null count.
// Adds no buffer (a null one) when every row is valid.
template <typename Valid>
int64_t AddValidityOf(ArrayData* data, int64_t length, Valid valid) {
  int64_t nulls = 0;
  for (int64_t r = 0; r < length; ++r) nulls += valid(r) ? 0 : 1;
  if (nulls == 0) {
    data->buffers.push_back(nullptr);
    return 0;
  }
  uint8_t* bits = AddBuffer(data, static_cast<size_t>((length + 7) / 8));
  for (int64_t r = 0; r < length; ++r) {
    bits[r >> 3] |= static_cast<uint8_t>((valid(r) ? 1u : 0u) << (r & 7));
  }
  return nulls;
}

}  // namespace

SharedText::SharedText(const std::vector<std::string>& values) {
  offsets_.reserve(values.size() + 1);
  offsets_.push_back(0);
  for (const std::string& value : values) {
    chars_ += value;
    offsets_.push_back(static_cast<int32_t>(chars_.size()));
  }
}

void SharedText::Lend(std::shared_ptr<const SharedText> text, ArrowArray* out) {
  auto* data = new ArrayData;
  data->buffers = {nullptr, text->offsets_.data(),
                   text->chars_.empty() ? static_cast<const void*>(text->offsets_.data())
                                        : static_cast<const void*>(text->chars_.data())};
  const int64_t size = text->size();
  data->keep_alive = std::move(text);
  InitArray(out, data, size, 0);
}

BuiltColumn DictionaryArrayToFill(std::shared_ptr<const SharedText> dictionary,
                                  int64_t length, bool narrow, bool nullable,
                                  void** indices, uint8_t** validity,
                                  std::shared_ptr<BufferPool> pool) {
  BuiltColumn column;
  auto* data = new ArrayData;
  data->pool = std::move(pool);
  if (nullable) {
    *validity = AddPooledBuffer(data, static_cast<size_t>((length + 7) / 8));
  } else {
    *validity = nullptr;
    data->buffers.push_back(nullptr);
  }
  *indices =
      AddPooledBuffer(data, static_cast<size_t>(length) * (narrow ? 1 : 4));
  data->dictionary = new ArrowArray;
  SharedText::Lend(std::move(dictionary), data->dictionary);
  InitArray(&column.array, data, length, 0);
  return column;
}

ArrowSchema DictionarySchema(absl::string_view name, bool narrow) {
  ArrowSchema schema;
  MakeSchema(&schema, narrow ? "c" : "i", name);
  auto* schema_data = static_cast<SchemaData*>(schema.private_data);
  schema_data->dictionary = new ArrowSchema;
  MakeSchema(schema_data->dictionary, "u", "");
  schema.dictionary = schema_data->dictionary;
  return schema;
}

BuiltColumn NonNegativeInt32Column(absl::string_view name,
                                   const int32_t* values, int64_t length,
                                   std::shared_ptr<BufferPool> pool) {
  BuiltColumn column;
  MakeSchema(&column.schema, "i", name);
  auto* data = new ArrayData;
  data->pool = std::move(pool);
  const size_t bytes = static_cast<size_t>(length) * sizeof(int32_t);
  int64_t nulls = 0;
  for (int64_t r = 0; r < length; ++r) nulls += values[r] < 0 ? 1 : 0;
  if (nulls == 0) {
    data->buffers.push_back(nullptr);
    uint8_t* out = AddPooledBuffer(data, bytes);
    if (length > 0) std::memcpy(out, values, bytes);  // no rows: values may be null
  } else {
    const size_t bitmap = static_cast<size_t>((length + 7) / 8);
    uint8_t* bits = AddPooledBuffer(data, bitmap);
    std::memset(bits, 0, bitmap);
    for (int64_t r = 0; r < length; ++r) {
      bits[r >> 3] |= static_cast<uint8_t>((values[r] >= 0 ? 1u : 0u) << (r & 7));
    }
    auto* out = reinterpret_cast<int32_t*>(AddPooledBuffer(data, bytes));
    for (int64_t r = 0; r < length; ++r) out[r] = values[r] < 0 ? 0 : values[r];
  }
  InitArray(&column.array, data, length, nulls);
  return column;
}

BuiltColumn Int32Column(absl::string_view name,
                        const std::vector<absl::optional<int32_t>>& values) {
  return FixedColumn<int32_t>(name, "i", values);
}

BuiltColumn Int64Column(absl::string_view name,
                        const std::vector<absl::optional<int64_t>>& values) {
  return FixedColumn<int64_t>(name, "l", values);
}

BuiltColumn BoolColumn(absl::string_view name,
                       const std::vector<absl::optional<bool>>& values) {
  BuiltColumn column;
  MakeSchema(&column.schema, "b", name);
  auto* data = new ArrayData;
  std::vector<bool> valid;
  for (const auto& v : values) valid.push_back(v.has_value());
  const int64_t nulls = AddValidity(data, valid);
  uint8_t* bits = AddBuffer(data, (values.size() + 7) / 8);
  for (size_t i = 0; i < values.size(); ++i) {
    if (values[i].value_or(false)) bits[i >> 3] |= static_cast<uint8_t>(1u << (i & 7));
  }
  InitArray(&column.array, data, static_cast<int64_t>(values.size()), nulls);
  return column;
}

BuiltColumn TextListColumn(
    absl::string_view name,
    const std::vector<absl::optional<std::vector<std::string>>>& values) {
  BuiltColumn column;
  MakeSchema(&column.schema, "+l", name);
  auto* schema_data = static_cast<SchemaData*>(column.schema.private_data);
  schema_data->children.push_back(new ArrowSchema);
  MakeSchema(schema_data->children.back(), "u", "item");
  column.schema.n_children = 1;
  column.schema.children = schema_data->children.data();

  auto* data = new ArrayData;
  std::vector<bool> valid;
  std::vector<absl::optional<std::string>> items;
  for (const auto& v : values) {
    valid.push_back(v.has_value());
    if (v) items.insert(items.end(), v->begin(), v->end());
  }
  const int64_t nulls = AddValidity(data, valid);
  auto* offsets = reinterpret_cast<int32_t*>(
      AddBuffer(data, (values.size() + 1) * sizeof(int32_t)));
  int32_t at = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    offsets[i] = at;
    if (values[i]) at += static_cast<int32_t>(values[i]->size());
  }
  offsets[values.size()] = at;
  data->children.push_back(new ArrowArray);
  FillText(data->children.back(), items);
  InitArray(&column.array, data, static_cast<int64_t>(values.size()), nulls);
  return column;
}

BuiltColumn RecordBatch(std::vector<BuiltColumn> columns, int64_t length) {
  BuiltColumn batch;
  MakeSchema(&batch.schema, "+s", "");
  batch.schema.flags = 0;
  auto* schema_data = static_cast<SchemaData*>(batch.schema.private_data);
  auto* data = new ArrayData;
  data->buffers.push_back(nullptr);
  for (BuiltColumn& column : columns) {
    schema_data->children.push_back(new ArrowSchema(column.schema));
    column.schema.release = nullptr;
    data->children.push_back(new ArrowArray(column.array));
    column.array.release = nullptr;
  }
  batch.schema.n_children = static_cast<int64_t>(schema_data->children.size());
  batch.schema.children = schema_data->children.data();
  InitArray(&batch.array, data, length, 0);
  return batch;
}

absl::StatusOr<ArrowArray> ExtendBatch(int64_t input_columns, ArrowArray* input,
                                       std::vector<BuiltColumn> extra) {
  if (input->n_children != input_columns) {
    return absl::InvalidArgumentError(
        "a record batch does not match its schema (column counts differ)");
  }
  auto taken = std::make_shared<TakenBatch>();
  taken->array = *input;
  input->release = nullptr;
  const ArrowArray& batch = taken->array;

  auto* data = new ArrayData;
  data->buffers.push_back(nullptr);
  data->children.reserve(static_cast<size_t>(batch.n_children) + extra.size());
  for (int64_t i = 0; i < batch.n_children; ++i) {
    auto* child = new ArrowArray(*batch.children[i]);
    // A batch with an offset shifts its columns.
    child->offset += batch.offset;
    child->private_data = new BorrowedData{taken};
    child->release = &ReleaseBorrowed;
    data->children.push_back(child);
  }
  for (BuiltColumn& column : extra) {
    data->children.push_back(new ArrowArray(column.array));
    column.array.release = nullptr;
  }
  ArrowArray out;
  InitArray(&out, data, batch.length, 0);
  return out;
}

ArrowSchema CopySchema(const ArrowSchema& schema) {
  ArrowSchema out;
  auto* data = new SchemaData;
  data->format = schema.format == nullptr ? "" : schema.format;
  data->name = schema.name == nullptr ? "" : schema.name;
  if (schema.metadata != nullptr) {
    // Metadata: int32 count, then (int32 length, bytes) for keys and values.
    const char* p = schema.metadata;
    int32_t count;
    std::memcpy(&count, p, 4);
    size_t size = 4;
    for (int32_t i = 0; i < 2 * count; ++i) {
      int32_t length;
      std::memcpy(&length, p + size, 4);
      size += 4 + static_cast<size_t>(length);
    }
    data->metadata.assign(p, size);
  }
  for (int64_t i = 0; i < schema.n_children; ++i) {
    data->children.push_back(new ArrowSchema(CopySchema(*schema.children[i])));
  }
  if (schema.dictionary != nullptr) {
    data->dictionary = new ArrowSchema(CopySchema(*schema.dictionary));
  }
  InitSchema(&out, data, schema.flags);
  return out;
}

void MakeStream(ArrowSchema schema, std::vector<ArrowArray> batches,
                ArrowArrayStream* out) {
  struct Batches {
    std::vector<ArrowArray> arrays;
    size_t next = 0;
    ~Batches() {
      for (; next < arrays.size(); ++next) {
        if (arrays[next].release != nullptr) arrays[next].release(&arrays[next]);
      }
    }
  };
  auto owned = std::make_shared<Batches>();
  owned->arrays = std::move(batches);
  MakeStream(schema, [owned](ArrowArray* array) {
    if (owned->next < owned->arrays.size()) {
      *array = owned->arrays[owned->next];
      owned->arrays[owned->next++].release = nullptr;
    }
    return absl::OkStatus();
  }, out);
}

void MakeStream(ArrowSchema schema, NextBatch next, ArrowArrayStream* out) {
  auto* data = new StreamData{schema, std::move(next), ""};
  out->get_schema = &StreamGetSchema;
  out->get_next = &StreamGetNext;
  out->get_last_error = &StreamGetLastError;
  out->release = &StreamRelease;
  out->private_data = data;
}

}  // namespace divert::screening
