// libFuzzer target: a column mapping from arbitrary bytes (text format, or
// proto3 JSON when it starts with '{'), joined with Example 1 and used to
// screen a small fixed table whose columns have every kind the screener
// reads (text, integers, booleans, a dictionary, a list). A mapping that
// does not parse or join is expected and fine; one that does must screen
// the table, or fail with a message, without crashing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "divert/screening/screener.h"
#include "fuzz_support.h"
#include "screening/arrow_build.h"

namespace {

using divert::screening::BuiltColumn;

// Six arrests; the column names are those of NYC's arrest data and a few more.
void Table(ArrowArrayStream* out) {
  namespace s = divert::screening;
  std::vector<BuiltColumn> columns;
  columns.push_back(s::TextColumn("ARREST_KEY", {"1", "1", "2", "3", absl::nullopt, "4"}));
  columns.push_back(s::TextColumn(
      "ARREST_DATE", {"12/14/2017", "12/14/2017", "03/10/2024", "bad", absl::nullopt, "02/30/2024"}));
  columns.push_back(s::TextColumn(
      "LAW_CODE", {"PL 1552500", "PL 1200000", "PL 2203900", "", absl::nullopt, "AC 10-125"}));
  columns.push_back(s::TextColumn("ARREST_PRECINCT", {"14", "14", "75", "-1", absl::nullopt, "x"}));
  columns.push_back(s::TextColumn("ARREST_BORO", {"M", "M", "K", "Z", absl::nullopt, "B"}));
  columns.push_back(s::TextColumn("PERP_RACE", {"BLACK", "BLACK", "WHITE", "ASIAN/PAC.ISL", absl::nullopt, "?"}));
  columns.push_back(s::TextColumn("PERP_SEX", {"M", "M", "F", "U", absl::nullopt, "F"}));
  columns.push_back(s::Int64Column("AGE", {41, 41, -3, 200, absl::nullopt, 0}));
  columns.push_back(s::Int32Column("GRAMS", {1, 1, 0, 5, absl::nullopt, -1}));
  columns.push_back(s::BoolColumn("VIOLENT", {false, true, absl::nullopt, false, true, false}));
  columns.push_back(s::DictionaryColumn("LEVEL", {"M", "F", "V", "I"}, {0, 1, -1, 2, 3, 0}, true));
  columns.push_back(s::TextListColumn(
      "CHARGES", {std::vector<std::string>{"PL 155.25", "PL 120.00"}, std::vector<std::string>{},
                  absl::nullopt, std::vector<std::string>{"PL 220.03"},
                  std::vector<std::string>{"", "x"}, std::vector<std::string>{"AC 10-125"}}));
  columns.push_back(s::TextColumn("PERSON_KEY", {"p1", "p1", "p2", "p3", absl::nullopt, "p4"}));
  BuiltColumn batch = s::RecordBatch(std::move(columns), 6);
  ArrowSchema schema = batch.schema;
  ArrowArray array = batch.array;
  batch.schema.release = nullptr;
  batch.array.release = nullptr;
  std::vector<ArrowArray> batches;
  batches.push_back(array);
  s::MakeStream(schema, std::move(batches), out);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  auto mapping = divert::Screener::ParseMapping(text);
  if (!mapping.ok()) {
    if (mapping.status().message().empty()) std::abort();
    return 0;
  }
  auto screener = divert::Screener::Create(divert::fuzz::Example1(), *mapping);
  if (!screener.ok()) {
    if (screener.status().message().empty()) std::abort();
    return 0;
  }
  (void)(*screener)->result_columns();
  (void)(*screener)->fields_read();
  ArrowArrayStream input, output;
  Table(&input);
  if ((*screener)->Screen(&input, &output).ok()) {
    divert::fuzz::Drain(&output);
  }
  (void)(*screener)->summary();
  return 0;
}
