// libFuzzer target: the metrics' columnar input — the referrals, events and
// people tables — with columns of the names the fold reads, each present or
// not, mostly of a type the fold reads there (else any), of any structure
// arrow_fuzz_columns.h builds, computed with the shipped LEAD catalog. The
// answer is a report or an error with a message, never a crash or a read
// outside a buffer.
#include <fuzzer/FuzzedDataProvider.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "arrow_fuzz_columns.h"
#include "divert/metrics/metrics.h"
#include "fuzz_support.h"

namespace {

using divert::fuzz::Arena;
using divert::fuzz::Column;
using divert::fuzz::MakeColumn;
using divert::fuzz::ReleaseArray;
using divert::fuzz::ReleaseSchema;

// Types a column is given the shape of (MakeColumn's `like`).
struct Types {
  ArrowSchema text, dictionary_text, integers, bytes, int64s, timestamps, dates, bools,
      integer_lists;

  static const Types& Get() {
    static const Types* types = [] {
      auto* t = new Types();
      for (ArrowSchema* schema : {&t->text, &t->dictionary_text, &t->integers, &t->bytes,
                                  &t->int64s, &t->timestamps, &t->dates, &t->bools,
                                  &t->integer_lists}) {
        std::memset(schema, 0, sizeof(*schema));
      }
      t->text.format = "u";
      t->dictionary_text.format = "i";
      t->dictionary_text.dictionary = &t->text;
      t->integers.format = "i";
      t->bytes.format = "c";
      t->int64s.format = "l";
      t->timestamps.format = "tss:UTC";
      t->dates.format = "tdD";
      t->bools.format = "b";
      static ArrowSchema* item[1] = {&t->integers};
      t->integer_lists.format = "+l";
      t->integer_lists.n_children = 1;
      t->integer_lists.children = item;
      return t;
    }();
    return *types;
  }
};

// A column named `name` and, three times in four, of one of `types`.
struct Named {
  const char* name;
  std::vector<const ArrowSchema*> types;
};

// One record batch of a table whose columns are some of `columns`.
struct Table {
  ArrowSchema schema;
  ArrowArray batch;
};

void MakeTable(Arena& arena, FuzzedDataProvider& in, const std::vector<Named>& columns,
               Table* table) {
  std::vector<ArrowSchema*> schemas;
  std::vector<ArrowArray*> arrays;
  for (const Named& named : columns) {
    if (!in.ConsumeBool()) continue;
    const ArrowSchema* like = nullptr;
    if (!named.types.empty() && in.ConsumeIntegralInRange(0, 3) != 0) {
      like = named.types[in.ConsumeIntegralInRange<size_t>(0, named.types.size() - 1)];
    }
    Column column = MakeColumn(arena, in, named.name, 0, like);
    schemas.push_back(column.schema);
    arrays.push_back(column.array);
  }
  arena.schema_lists.push_back(std::make_unique<std::vector<ArrowSchema*>>(schemas));
  arena.array_lists.push_back(std::make_unique<std::vector<ArrowArray*>>(arrays));
  std::memset(&table->schema, 0, sizeof(table->schema));
  table->schema.format = "+s";
  table->schema.name = "";
  table->schema.n_children = static_cast<int64_t>(schemas.size());
  table->schema.children = arena.schema_lists.back()->data();
  table->schema.release = ReleaseSchema;
  std::memset(&table->batch, 0, sizeof(table->batch));
  // Mostly as long as its shortest column, which tables are.
  int64_t shortest = 12;
  for (const ArrowArray* array : arrays) shortest = std::min(shortest, array->length);
  table->batch.length = in.ConsumeIntegralInRange(0, 3) != 0
                            ? std::max<int64_t>(shortest, 0)
                            : in.ConsumeIntegralInRange<int64_t>(0, 12);
  // (An input that has run out gives zeros: offset 0.)
  table->batch.offset =
      in.ConsumeIntegralInRange(0, 7) == 7 ? in.ConsumeIntegralInRange(-1, 3) : 0;
  static const void* kNoValidity[1] = {nullptr};
  table->batch.n_buffers = 1;
  table->batch.buffers = kNoValidity;
  table->batch.n_children = static_cast<int64_t>(arrays.size());
  table->batch.children = arena.array_lists.back()->data();
  table->batch.release = ReleaseArray;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace m = divert::metrics;
  FuzzedDataProvider in(data, size);
  Arena arena;
  const Types& t = Types::Get();
  const std::vector<const ArrowSchema*> text = {&t.text, &t.dictionary_text};
  const std::vector<const ArrowSchema*> ids = {&t.text, &t.dictionary_text, &t.int64s};
  const std::vector<const ArrowSchema*> integers = {&t.integers, &t.bytes};
  Table referrals, events, people;
  MakeTable(arena, in,
            {{"referral_id", ids}, {"person_key", text}, {"precinct", text}, {"area", text}},
            &referrals);
  MakeTable(arena, in,
            {{"referral_id", ids}, {"occurred_at", {&t.timestamps, &t.dates}},
             {"kind", {&t.integers, &t.bytes, &t.text, &t.dictionary_text}},
             {"officer_id", text}, {"agency", text}, {"source", text},
             {"decision_id", text}, {"case_manager_id", text}, {"provider", text},
             {"service_referral_id", text}, {"need", integers}, {"needs", {}},
             {"status", integers}, {"exit_reason", integers}, {"new_due", {&t.dates}},
             {"prosecutor_decision", integers}, {"arrest_outcome", integers}},
            &events);
  MakeTable(arena, in,
            {{"person_key", text}, {"race_ethnicity", {&t.integer_lists, &t.integers}},
             {"gender", {&t.integer_lists, &t.integers}}, {"date_of_birth", {&t.dates}},
             {"comparison_group", {&t.bools}}},
            &people);

  divert::v1::MetricRecords rest;
  m::RecordColumns columns;
  columns.records = &rest;
  columns.referrals = {&referrals.schema, {&referrals.batch}};
  columns.events = {&events.schema, {&events.batch}};
  if (in.ConsumeBool()) columns.people = {&people.schema, {&people.batch}};
  const divert::v1::MetricRequest request = divert::fuzz::Year2024ByRace();
  auto report = divert::fuzz::LeadMetricCatalog().Compute(columns, request);
  if (!report.ok() && report.status().message().empty()) std::abort();
  return 0;
}
