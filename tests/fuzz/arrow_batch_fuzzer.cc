// libFuzzer target: record batches whose structure comes from the fuzzer —
// lengths, offsets, null counts, buffer counts, missing buffers, child and
// dictionary arrays, offsets and dictionary indices and view entries of any
// value — screened against Example 1. The structures stay within what the
// Arrow C Data Interface lets a producer express: every buffer given is as
// long as the specification says for the array's declared length and offset
// (a variable-size data buffer is as long as the last offset says, a view
// buffer as its size entry says), so every bad structure is one the screener
// can and must detect. It must answer with an error, never crash or read
// outside a buffer.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "arrow_fuzz_columns.h"
#include "divert/screening/screener.h"
#include "fuzz_support.h"
#include "screening/arrow_build.h"

namespace {

using divert::fuzz::Arena;
using divert::fuzz::Column;
using divert::fuzz::MakeColumn;
using divert::fuzz::ReleaseArray;
using divert::fuzz::ReleaseSchema;

const divert::v1::ColumnMapping& Mapping(bool charge_per_row) {
  static const auto* mappings = [] {
    auto* m = new std::vector<divert::v1::ColumnMapping>();
    for (const char* text : {
             R"pb(shape: ARREST_PER_ROW
                  defaults { pathway: ARREST_DIVERSION }
                  columns { column: "c0" field: "occurred_at" time_format: "%m/%d/%Y" }
                  columns { column: "c1" field: "charges.statute_code" }
                  columns { column: "c2" field: "person.age" }
                  columns { column: "c3" field: "charges.violent" })pb",
             R"pb(shape: CHARGE_PER_ROW
                  arrest_key_column: "c3"
                  defaults { pathway: ARREST_DIVERSION }
                  columns { column: "c0" field: "occurred_at" }
                  columns { column: "c1" field: "charges.statute_code" }
                  columns { column: "c2" field: "charges.level" })pb"}) {
      auto parsed = divert::Screener::ParseMapping(text);
      if (!parsed.ok()) std::abort();
      m->push_back(*parsed);
    }
    return m;
  }();
  return (*mappings)[charge_per_row ? 1 : 0];
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace s = divert::screening;
  FuzzedDataProvider in(data, size);
  Arena arena;  // outlives every stream below
  const bool charge_per_row = in.ConsumeBool();
  // One screener per mapping for the whole run, as an embedder keeps one:
  // a stream refused halfway must not spoil the next.
  static divert::Screener* const screeners[2] = {
      divert::Screener::Create(divert::fuzz::Example1(), Mapping(false))->release(),
      divert::Screener::Create(divert::fuzz::Example1(), Mapping(true))->release()};
  divert::Screener* screener = screeners[charge_per_row ? 1 : 0];

  static const char* const kNames[] = {"c0", "c1", "c2", "c3"};
  // The schema comes from the first batch's columns.
  std::vector<ArrowArray> batches;
  ArrowSchema batch_schema;
  const int batch_count = in.ConsumeIntegralInRange(1, 2);
  std::vector<ArrowSchema*> column_schemas;
  for (int b = 0; b < batch_count; ++b) {
    const int columns = b == 0 ? in.ConsumeIntegralInRange(1, 4)
                               : static_cast<int>(column_schemas.size());
    std::vector<ArrowArray*> column_arrays;
    std::vector<ArrowSchema*> schemas;
    for (int c = 0; c < columns; ++c) {
      Column column = MakeColumn(arena, in, kNames[c], 0,
                                 b == 0 ? nullptr : column_schemas[c]);
      schemas.push_back(column.schema);
      column_arrays.push_back(column.array);
    }
    if (b == 0) column_schemas = schemas;
    arena.array_lists.push_back(std::make_unique<std::vector<ArrowArray*>>(column_arrays));
    ArrowArray batch;
    std::memset(&batch, 0, sizeof(batch));
    batch.length = in.ConsumeIntegralInRange<int64_t>(0, 12);
    batch.offset = in.ConsumeIntegralInRange(0, 7) == 0 ? in.ConsumeIntegralInRange(-1, 3) : 0;
    batch.null_count = in.ConsumeIntegralInRange(0, 7) == 0 ? 1 : 0;
    batch.n_buffers = 1;
    static const void* kNoValidity[1] = {nullptr};
    batch.buffers = kNoValidity;
    batch.n_children = columns;
    batch.children = arena.array_lists.back()->data();
    batch.release = ReleaseArray;
    batches.push_back(batch);
  }
  arena.schema_lists.push_back(std::make_unique<std::vector<ArrowSchema*>>(column_schemas));
  std::memset(&batch_schema, 0, sizeof(batch_schema));
  batch_schema.format = "+s";
  batch_schema.name = "";
  batch_schema.n_children = static_cast<int64_t>(column_schemas.size());
  batch_schema.children = arena.schema_lists.back()->data();
  batch_schema.release = ReleaseSchema;

  ArrowArrayStream input, output;
  s::MakeStream(batch_schema, std::move(batches), &input);
  absl::Status status = screener->Screen(&input, &output);
  if (status.ok()) {
    divert::fuzz::Drain(&output);
  } else if (status.message().empty()) {
    std::abort();
  }
  return 0;
}
