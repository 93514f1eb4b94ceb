// A mapping whose key columns need more than 64 bits of packed key (found
// by tests/fuzz/mapping_fuzzer: twenty columns mapped to occurred_at) is
// screened without a packed key, and gives the results of the narrow
// mapping it repeats. Under UBSan this once failed: the charge count was
// shifted past bit 63 for arrests that were never looked up in the cache.
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "divert/eligibility/policy.h"
#include "divert/screening/screener.h"
#include "gtest/gtest.h"
#include "screening/arrow_build.h"
#include "screening/arrow_input.h"

namespace divert {
namespace {

std::shared_ptr<const CompiledPolicy> Example1() {
  std::ifstream file(std::string(DIVERT_SOURCE_DIR) +
                     "/examples/policies/example1_new_york.textproto");
  std::stringstream text;
  text << file.rdbuf();
  auto policy = CompiledPolicy::FromTextFormat(text.str());
  EXPECT_TRUE(policy.ok()) << policy.status();
  return *policy;
}

// One row per charge, the date column mapped `copies` times.
v1::ColumnMapping DateMapping(int copies) {
  std::string text = R"pb(
    shape: CHARGE_PER_ROW
    arrest_key_column: "ARREST_KEY"
    defaults { pathway: ARREST_DIVERSION }
    columns { column: "LAW_CODE" field: "charges.statute_code" }
  )pb";
  for (int i = 0; i < copies; ++i) {
    absl::StrAppend(&text, R"pb(columns { column: "ARREST_DATE" field: "occurred_at" )pb",
                    R"pb(time_format: "%m/%d/%Y" })pb");
  }
  auto mapping = Screener::ParseMapping(text);
  EXPECT_TRUE(mapping.ok()) << mapping.status();
  return *mapping;
}

// Eight arrests of one or two charges on seven dates, then each row's
// outcome (or "(null)").
std::vector<std::string> Outcomes(const v1::ColumnMapping& mapping) {
  namespace s = screening;
  auto screener = Screener::Create(Example1(), mapping);
  EXPECT_TRUE(screener.ok()) << screener.status();
  if (!screener.ok()) return {};
  std::vector<s::BuiltColumn> columns;
  columns.push_back(s::TextColumn(
      "ARREST_KEY", {"1", "1", "2", "3", "3", "4", "5", "6", "7", "8", "8"}));
  columns.push_back(s::TextColumn(
      "ARREST_DATE", {"01/02/2018", "01/02/2018", "03/10/2024", "05/05/2019",
                      "05/05/2019", "12/14/2017", "07/04/2020", "02/29/2024",
                      "10/31/2021", "01/02/2018", "01/02/2018"}));
  columns.push_back(s::TextColumn(
      "LAW_CODE", {"PL 155.25", "PL 120.00", "PL 220.03", "PL 155.25", "PL 221.05",
                   "PL 155.25", absl::nullopt, "PL 165.40", "PL 220.03", "PL 155.25",
                   "PL 220.03"}));
  s::BuiltColumn batch = s::RecordBatch(std::move(columns), 11);
  std::vector<ArrowArray> batches{batch.array};
  batch.array.release = nullptr;
  ArrowArrayStream input, output;
  s::MakeStream(batch.schema, std::move(batches), &input);
  batch.schema.release = nullptr;
  const absl::Status status = (*screener)->Screen(&input, &output);
  EXPECT_TRUE(status.ok()) << status;
  if (!status.ok()) return {};

  std::vector<std::string> outcomes;
  ArrowSchema schema;
  EXPECT_EQ(output.get_schema(&output, &schema), 0);
  while (true) {
    ArrowArray out;
    EXPECT_EQ(output.get_next(&output, &out), 0) << output.get_last_error(&output);
    if (out.release == nullptr) break;
    for (int64_t i = 0; i < schema.n_children; ++i) {
      if (std::string(schema.children[i]->name) != "outcome") continue;
      auto reader = s::ColumnReader::Create(*schema.children[i], *out.children[i]);
      EXPECT_TRUE(reader.ok()) << reader.status();
      if (!reader.ok()) break;
      for (int64_t r = 0; r < out.length; ++r) {
        const s::Cell cell = (*reader)->Get(r);
        outcomes.push_back(cell.kind == s::Cell::Kind::kText ? std::string(cell.text)
                                                             : "(null)");
      }
    }
    out.release(&out);
  }
  schema.release(&schema);
  output.release(&output);
  return outcomes;
}

TEST(ScreenerWideKeysTest, KeysWiderThanAWordGiveTheNarrowMappingsResults) {
  const std::vector<std::string> narrow = Outcomes(DateMapping(1));
  ASSERT_EQ(narrow.size(), 11u);
  EXPECT_NE(narrow[0], "(null)");
  EXPECT_EQ(Outcomes(DateMapping(20)), narrow);
}

}  // namespace
}  // namespace divert
