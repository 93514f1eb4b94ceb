// Arrow columns whose structure comes from the fuzzer, for the fuzz targets
// that read Arrow input (arrow_batch_fuzzer, metrics_columns_fuzzer):
// lengths, offsets, null counts, buffer counts, missing buffers, child and
// dictionary arrays, offsets and dictionary indices and view entries of any
// value. Every buffer given is as long as the specification says for the
// array's declared length and offset (a variable-size data buffer is as
// long as the last offset says, a view buffer as its size entry says), so
// every bad structure is one a reader can and must detect. Only fuzz
// targets include this header.
#ifndef DIVERT_TESTS_FUZZ_ARROW_FUZZ_COLUMNS_H_
#define DIVERT_TESTS_FUZZ_ARROW_FUZZ_COLUMNS_H_

#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "divert/screening/arrow_c.h"

namespace divert::fuzz {

// Owns every schema, array and buffer made for one input; the structures'
// release callbacks only mark them released.
struct Arena {
  std::vector<std::unique_ptr<ArrowSchema>> schemas;
  std::vector<std::unique_ptr<ArrowArray>> arrays;
  std::vector<std::unique_ptr<std::vector<uint8_t>>> bytes;
  std::vector<std::unique_ptr<std::vector<const void*>>> pointers;
  std::vector<std::unique_ptr<std::vector<ArrowSchema*>>> schema_lists;
  std::vector<std::unique_ptr<std::vector<ArrowArray*>>> array_lists;
  std::vector<std::unique_ptr<std::string>> strings;

  uint8_t* Buffer(FuzzedDataProvider& in, size_t size) {
    auto buffer = std::make_unique<std::vector<uint8_t>>(size);
    std::vector<uint8_t> fill = in.ConsumeBytes<uint8_t>(size);
    if (!fill.empty()) std::memcpy(buffer->data(), fill.data(), fill.size());
    bytes.push_back(std::move(buffer));
    // A zero-length buffer still gets a distinct valid address.
    return bytes.back()->empty() ? nullptr : bytes.back()->data();
  }
  const char* String(std::string s) {
    strings.push_back(std::make_unique<std::string>(std::move(s)));
    return strings.back()->c_str();
  }
};

inline void ReleaseSchema(ArrowSchema* schema) { schema->release = nullptr; }

// A view layout's buffer of data buffer sizes: `sizes`, as int64 values
// (null when there are none).
inline uint8_t* ViewSizes(Arena& arena, FuzzedDataProvider& in,
                   const std::vector<int64_t>& sizes) {
  uint8_t* buffer = arena.Buffer(in, sizes.size() * 8);
  if (buffer != nullptr) std::memcpy(buffer, sizes.data(), sizes.size() * 8);
  return buffer;
}
inline void ReleaseArray(ArrowArray* array) { array->release = nullptr; }

inline constexpr const char* kFormats[] = {
    "u", "U", "vu", "z", "c", "C", "s", "S", "i", "I", "l", "L", "f", "g", "b",
    "tdD", "tdm", "tss:", "tsm:UTC", "tsu:", "tsn:America/New_York", "+l", "+L",
    "dict", "n", "+s"};

inline size_t Width(const std::string& format) {
  if (format == "c" || format == "C") return 1;
  if (format == "s" || format == "S") return 2;
  if (format == "i" || format == "I" || format == "f" || format == "tdD" ||
      format == "u" || format == "z" || format == "+l") {
    return 4;
  }
  return 8;
}

struct Column {
  ArrowSchema* schema;
  ArrowArray* array;
};

// A column; its type is the fuzzer's choice, or that of `like` (a later
// batch's columns have the stream schema's types: an array does not carry
// its type, so one of another type could not be detected).
inline Column MakeColumn(Arena& arena, FuzzedDataProvider& in, const char* name, int depth,
                         const ArrowSchema* like);

// Fills `array`'s buffers for `format` and the declared length and offset.
inline void FillBuffers(Arena& arena, FuzzedDataProvider& in, const std::string& format,
                 ArrowSchema* schema, ArrowArray* array, int depth,
                 const ArrowSchema* like) {
  const int64_t slots = array->offset + array->length;
  const size_t bitmap = static_cast<size_t>((slots + 7) / 8);
  std::vector<const void*> buffers;
  // A view layout's data buffer sizes (its last buffer says them too).
  std::vector<int64_t> view_sizes;
  buffers.push_back(in.ConsumeBool() ? arena.Buffer(in, bitmap) : nullptr);
  if (format == "u" || format == "U" || format == "z") {
    const size_t width = Width(format);
    uint8_t* offsets = arena.Buffer(in, (slots + 1) * width);
    const int64_t data_size = in.ConsumeIntegralInRange<int64_t>(0, 64);
    if (offsets != nullptr) {  // the last offset is the data buffer's size
      if (width == 4) {
        const int32_t last = static_cast<int32_t>(data_size);
        std::memcpy(offsets + slots * 4, &last, 4);
      } else {
        std::memcpy(offsets + slots * 8, &data_size, 8);
      }
    }
    buffers.push_back(in.ConsumeBool() ? offsets : nullptr);
    buffers.push_back(in.ConsumeBool() ? arena.Buffer(in, data_size) : nullptr);
  } else if (format == "vu") {
    buffers.push_back(arena.Buffer(in, slots * 16));
    const int data_buffers = in.ConsumeIntegralInRange(0, 2);
    for (int b = 0; b < data_buffers; ++b) {
      view_sizes.push_back(in.ConsumeIntegralInRange<int64_t>(0, 64));
      buffers.push_back(arena.Buffer(in, view_sizes.back()));
    }
    buffers.push_back(ViewSizes(arena, in, view_sizes));
  } else if (format == "b") {
    buffers.push_back(arena.Buffer(in, bitmap));
  } else if (format == "+l" || format == "+L") {
    buffers.push_back(arena.Buffer(in, (slots + 1) * Width(format)));
    Column values = MakeColumn(arena, in, "item", depth + 1,
                               like != nullptr && like->n_children == 1 ? like->children[0] : nullptr);
    arena.schema_lists.push_back(std::make_unique<std::vector<ArrowSchema*>>(1, values.schema));
    arena.array_lists.push_back(std::make_unique<std::vector<ArrowArray*>>(1, values.array));
    schema->n_children = 1;
    schema->children = arena.schema_lists.back()->data();
    array->n_children = in.ConsumeBool() ? 1 : in.ConsumeIntegralInRange(0, 2);
    array->children = array->n_children > 0 ? arena.array_lists.back()->data() : nullptr;
    if (array->n_children > 1) array->children = nullptr;  // claims two, gives none
  } else if (format == "n") {
    buffers.clear();
  } else if (format != "+s") {
    buffers.push_back(arena.Buffer(in, slots * Width(format)));
  }
  // A producer may give the wrong number of buffers, or none at all. A
  // view layout's last buffer still gives the sizes of the data buffers
  // before it (those cut off, none; those added, absent and 0 bytes):
  // sizes that claim memory a buffer does not have are a lie no consumer
  // can detect.
  size_t n = buffers.size();
  if (in.ConsumeIntegralInRange(0, 7) == 0) n = in.ConsumeIntegralInRange<size_t>(0, 4);
  const bool recount_views = format == "vu" && n != buffers.size() && n >= 3;
  buffers.resize(n, nullptr);
  if (recount_views) {
    view_sizes.resize(n - 3, 0);
    buffers[n - 1] = ViewSizes(arena, in, view_sizes);
  }
  arena.pointers.push_back(std::make_unique<std::vector<const void*>>(buffers));
  array->n_buffers = static_cast<int64_t>(n);
  array->buffers = n == 0 && in.ConsumeBool() ? nullptr : arena.pointers.back()->data();
}

inline Column MakeColumn(Arena& arena, FuzzedDataProvider& in, const char* name, int depth,
                         const ArrowSchema* like) {
  arena.schemas.push_back(std::make_unique<ArrowSchema>());
  arena.arrays.push_back(std::make_unique<ArrowArray>());
  ArrowSchema* schema = arena.schemas.back().get();
  ArrowArray* array = arena.arrays.back().get();
  std::memset(schema, 0, sizeof(*schema));
  std::memset(array, 0, sizeof(*array));
  schema->release = ReleaseSchema;
  array->release = ReleaseArray;
  schema->name = name;
  schema->flags = ARROW_FLAG_NULLABLE;

  std::string format = like != nullptr    ? (like->dictionary != nullptr ? "dict" : like->format)
                       : depth > 2 ? "u"
                                   : in.PickValueInArray(kFormats);
  array->length = in.ConsumeIntegralInRange<int64_t>(0, 12);
  array->offset = in.ConsumeIntegralInRange(0, 7) == 0
                      ? in.ConsumeIntegralInRange<int64_t>(-2, 4)
                      : 0;
  switch (in.ConsumeIntegralInRange(0, 3)) {
    case 0: array->null_count = 0; break;
    case 1: array->null_count = -1; break;
    case 2: array->null_count = in.ConsumeIntegralInRange<int64_t>(-3, 16); break;
    default: array->null_count = 1; break;
  }
  if (array->offset < 0 || array->offset + array->length < 0) {
    // Buffers cannot be sized for a negative slot count: give none.
    schema->format = arena.String(format == "dict" ? "i" : format);
    array->n_buffers = 0;
    return {schema, array};
  }
  if (format == "dict") {
    const bool narrow = like != nullptr ? std::string(like->format) == "c" : in.ConsumeBool();
    std::string indices = narrow ? "c" : "i";
    schema->format = arena.String(indices);
    FillBuffers(arena, in, indices, schema, array, depth, nullptr);
    Column values = MakeColumn(arena, in, "values", depth + 1,
                               like != nullptr ? like->dictionary : nullptr);
    schema->dictionary = values.schema;
    array->dictionary = in.ConsumeIntegralInRange(0, 7) == 0 ? nullptr : values.array;
    return {schema, array};
  }
  schema->format = arena.String(format);
  FillBuffers(arena, in, format, schema, array, depth, like);
  return {schema, array};
}

}  // namespace divert::fuzz

#endif  // DIVERT_TESTS_FUZZ_ARROW_FUZZ_COLUMNS_H_
