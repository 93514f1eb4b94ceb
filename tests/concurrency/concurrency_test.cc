// Sixteen threads share one compiled policy — the toolkit's Example 1
// (examples/policies/example1_new_york.textproto) — and one compiled metric
// catalog — the LEAD catalog (examples/metrics/lead_catalog.textproto). All
// at once, each decides encounters, screens a table and computes a published
// metric report over a small SYNTHETIC site, through the C++ API and through
// the C ABI. Every thread must get exactly what one thread alone gets.
// scripts/test.sh also runs this binary under ThreadSanitizer.
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "divert/divert.h"
#include "divert/eligibility/policy.h"
#include "divert/metrics/metrics.h"
#include "divert/metrics/synthetic_site.h"
#include "divert/screening/screener.h"
#include "gtest/gtest.h"
#include "screening/arrow_build.h"
#include "screening/arrow_input.h"

namespace divert {
namespace {

constexpr int kThreads = 16;

std::string ReadFile(const std::string& path) {
  std::ifstream in(std::string(DIVERT_SOURCE_DIR) + "/" + path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

const std::string& PolicyText() {
  static const auto* text =
      new std::string(ReadFile("examples/policies/example1_new_york.textproto"));
  return *text;
}

const std::string& CatalogText() {
  static const auto* text =
      new std::string(ReadFile("examples/metrics/lead_catalog.textproto"));
  return *text;
}

const std::string& MappingText() {
  static const auto* text =
      new std::string(ReadFile("examples/mappings/nypd_arrests.textproto"));
  return *text;
}

// A seeded mix of encounters over the newest version's catalog: both
// pathways, known and unknown facts, one to three charges, dates in every
// version.
std::vector<v1::Encounter> Encounters(const CompiledPolicy& policy, int count) {
  std::mt19937 random(2026);
  const v1::SitePolicy& site = policy.policy();
  const v1::OffenseCatalog& catalog =
      site.versions(site.versions_size() - 1).offense_catalog();
  std::vector<v1::Encounter> encounters;
  for (int i = 0; i < count; ++i) {
    v1::Encounter e;
    e.set_encounter_id(absl::StrCat("e-", i));
    e.set_pathway(random() % 5 == 0 ? v1::SOCIAL_CONTACT : v1::ARREST_DIVERSION);
    const v1::PolicyVersion& version = site.versions(random() % site.versions_size());
    const absl::CivilDay from(version.effective_from().year(),
                              version.effective_from().month(),
                              version.effective_from().day());
    e.mutable_occurred_at()->set_seconds(absl::ToUnixSeconds(
        absl::FromCivil(from + static_cast<int>(random() % 60), absl::UTCTimeZone()) +
        absl::Hours(15)));
    if (random() % 4 != 0) e.mutable_person()->set_age(16 + random() % 50);
    if (random() % 2 == 0) e.mutable_person()->mutable_needs()->set_drugs(true);
    if (random() % 3 == 0) e.mutable_circumstances()->set_on_supervision(random() % 2 == 0);
    if (random() % 2 == 0) e.mutable_circumstances()->set_offense_related_to_needs(true);
    if (e.pathway() == v1::ARREST_DIVERSION) {
      const int charges = 1 + random() % 3;
      for (int c = 0; c < charges; ++c) {
        e.add_charges()->set_statute_code(
            catalog.offenses(random() % catalog.offenses_size()).code());
      }
    }
    encounters.push_back(e);
  }
  return encounters;
}

// The columns examples/mappings/nypd_arrests.textproto reads: `rows`
// arrests in December 2017 with codes from the catalog.
void Table(const CompiledPolicy& policy, int rows, ArrowArrayStream* out) {
  std::mt19937 random(8);
  const v1::SitePolicy& site = policy.policy();
  const v1::OffenseCatalog& catalog =
      site.versions(site.versions_size() - 1).offense_catalog();
  std::vector<absl::optional<std::string>> keys, dates, codes, precincts, boros, races,
      sexes;
  for (int r = 0; r < rows; ++r) {
    keys.push_back(absl::StrCat(r));
    precincts.push_back(absl::StrCat(1 + random() % 120));
    races.push_back(random() % 2 == 0 ? "BLACK" : "WHITE HISPANIC");
    sexes.push_back(random() % 3 == 0 ? "F" : "M");
    dates.push_back(random() % 10 == 0 ? absl::optional<std::string>()
                                       : absl::StrFormat("12/%02d/2017", 1 + random() % 28));
    codes.push_back(catalog.offenses(random() % catalog.offenses_size()).code());
    boros.push_back(std::string(1, "BKMQS"[random() % 5]));
  }
  std::vector<screening::BuiltColumn> columns;
  columns.push_back(screening::TextColumn("ARREST_KEY", keys));
  columns.push_back(screening::TextColumn("ARREST_DATE", dates));
  columns.push_back(screening::TextColumn("LAW_CODE", codes));
  columns.push_back(screening::TextColumn("ARREST_PRECINCT", precincts));
  columns.push_back(screening::TextColumn("ARREST_BORO", boros));
  columns.push_back(screening::TextColumn("PERP_RACE", races));
  columns.push_back(screening::TextColumn("PERP_SEX", sexes));
  screening::BuiltColumn batch = screening::RecordBatch(std::move(columns), rows);
  ArrowSchema schema = batch.schema;
  std::vector<ArrowArray> batches = {batch.array};
  batch.schema.release = nullptr;
  batch.array.release = nullptr;
  screening::MakeStream(schema, std::move(batches), out);
}

// A published report of the first half of 2024 by race and pathway: every
// metric of the catalog, with small cells suppressed.
v1::MetricRequest ReportRequest() {
  v1::MetricRequest request;
  v1::Period& period = *request.mutable_period();
  period.mutable_start()->set_year(2024);
  period.mutable_start()->set_month(1);
  period.mutable_start()->set_day(1);
  period.mutable_end()->set_year(2024);
  period.mutable_end()->set_month(6);
  period.mutable_end()->set_day(30);
  request.add_breakdowns(v1::RACE_ETHNICITY);
  request.add_breakdowns(v1::PATHWAY);
  request.set_disclosure(v1::PUBLISHED);
  return request;
}

// Every result column of every row of `results` (released), as text.
std::string ReadResults(ArrowArrayStream* results) {
  std::string text;
  ArrowSchema schema;
  if (results->get_schema(results, &schema) != 0) return "no schema";
  while (true) {
    ArrowArray batch;
    if (results->get_next(results, &batch) != 0) {
      text += absl::StrCat("error: ", results->get_last_error(results));
      break;
    }
    if (batch.release == nullptr) break;
    for (int64_t c = 0; c < schema.n_children; ++c) {
      const std::string name = schema.children[c]->name;
      if (name.rfind("ARREST_", 0) == 0 || name.rfind("PERP_", 0) == 0 ||
          name == "LAW_CODE") {
        continue;  // an input column
      }
      auto reader = screening::ColumnReader::Create(*schema.children[c], *batch.children[c]);
      if (!reader.ok()) return reader.status().ToString();
      for (int64_t r = 0; r < batch.length; ++r) {
        absl::StrAppend(&text, name, "=", (*reader)->Get(r).text, ";");
      }
    }
    batch.release(&batch);
  }
  schema.release(&schema);
  results->release(results);
  return text;
}

// What one thread computes: each door's answers, one string each.
struct Answers {
  std::vector<std::string> cpp_decisions;
  std::vector<std::string> serialized_decisions;
  std::vector<std::string> capi_decisions;
  std::string cpp_screening;
  std::string capi_screening;
  std::string cpp_report;
  std::string capi_report;
};

// The metric catalog and the records every thread computes over.
struct MetricsInputs {
  std::shared_ptr<const metrics::CompiledCatalog> catalog;
  const divert_metric_catalog* c_catalog;
  v1::MetricRecords records;
  std::string records_bytes;
  std::string request_bytes;
};

Answers Compute(const std::shared_ptr<const CompiledPolicy>& policy,
                const divert_policy* c_policy, const v1::ColumnMapping& mapping,
                const MetricsInputs& inputs, const std::vector<v1::Encounter>& encounters) {
  Answers a;
  for (const v1::Encounter& e : encounters) {
    absl::StatusOr<v1::Decision> decision = policy->Evaluate(e);
    a.cpp_decisions.push_back(decision.ok() ? decision->SerializeAsString()
                                            : decision.status().ToString());
    std::string bytes;
    absl::Status status = policy->EvaluateSerialized(e.SerializeAsString(), &bytes);
    a.serialized_decisions.push_back(status.ok() ? bytes : status.ToString());

    const std::string in = e.SerializeAsString();
    char* out = nullptr;
    size_t out_len = 0;
    if (divert_policy_evaluate(c_policy, in.data(), in.size(), DIVERT_FORMAT_BINARY,
                               DIVERT_FORMAT_BINARY, &out, &out_len) == DIVERT_OK) {
      a.capi_decisions.emplace_back(out, out_len);
    } else {
      a.capi_decisions.push_back(divert_last_error());
    }
    divert_buffer_free(out);
  }

  auto screener = Screener::Create(policy, mapping);
  if (!screener.ok()) {
    a.cpp_screening = screener.status().ToString();
  } else {
    ArrowArrayStream input, output;
    Table(*policy, 300, &input);
    absl::Status status = (*screener)->Screen(&input, &output);
    a.cpp_screening = status.ok() ? ReadResults(&output) : status.ToString();
  }

  ArrowArrayStream input, output;
  Table(*policy, 300, &input);
  if (divert_policy_screen(c_policy, MappingText().data(), MappingText().size(),
                           DIVERT_FORMAT_TEXT, &input, &output) == DIVERT_OK) {
    a.capi_screening = ReadResults(&output);
  } else {
    a.capi_screening = divert_last_error();
  }

  absl::StatusOr<v1::MetricReport> report =
      inputs.catalog->Compute(inputs.records, ReportRequest());
  a.cpp_report = report.ok() ? report->SerializeAsString() : report.status().ToString();
  char* out = nullptr;
  size_t out_len = 0;
  if (divert_metric_catalog_compute(
          inputs.c_catalog, inputs.records_bytes.data(), inputs.records_bytes.size(),
          DIVERT_FORMAT_BINARY, inputs.request_bytes.data(), inputs.request_bytes.size(),
          DIVERT_FORMAT_BINARY, DIVERT_FORMAT_BINARY, &out, &out_len) == DIVERT_OK) {
    a.capi_report.assign(out, out_len);
  } else {
    a.capi_report = divert_last_error();
  }
  divert_buffer_free(out);
  return a;
}

TEST(ConcurrencyTest, SixteenThreadsDecideScreenAndComputeMetricsAsOne) {
  auto policy = CompiledPolicy::FromTextFormat(PolicyText());
  ASSERT_TRUE(policy.ok()) << policy.status();
  divert_policy* c_policy = nullptr;
  ASSERT_EQ(divert_policy_compile(PolicyText().data(), PolicyText().size(),
                                  DIVERT_FORMAT_TEXT, &c_policy),
            DIVERT_OK)
      << divert_last_error();
  auto mapping = Screener::ParseMapping(MappingText());
  ASSERT_TRUE(mapping.ok()) << mapping.status();
  const std::vector<v1::Encounter> encounters = Encounters(**policy, 48);

  MetricsInputs inputs;
  auto catalog_message = metrics::ParseCatalogText(CatalogText());
  ASSERT_TRUE(catalog_message.ok()) << catalog_message.status();
  auto catalog = metrics::CompiledCatalog::Compile(*catalog_message);
  ASSERT_TRUE(catalog.ok()) << catalog.status();
  inputs.catalog = *catalog;
  divert_metric_catalog* c_catalog = nullptr;
  ASSERT_EQ(divert_metric_catalog_compile(CatalogText().data(), CatalogText().size(),
                                          DIVERT_FORMAT_TEXT, &c_catalog),
            DIVERT_OK)
      << divert_last_error();
  inputs.c_catalog = c_catalog;
  metrics::SyntheticSiteOptions site;
  site.referrals = 400;
  metrics::GenerateSyntheticSite(site, &inputs.records);
  inputs.records_bytes = inputs.records.SerializeAsString();
  inputs.request_bytes = ReportRequest().SerializeAsString();

  const Answers expected = Compute(*policy, c_policy, *mapping, inputs, encounters);
  // The doors agree with each other, and the answers are not all errors.
  EXPECT_EQ(expected.serialized_decisions, expected.cpp_decisions);
  EXPECT_EQ(expected.capi_decisions, expected.cpp_decisions);
  EXPECT_EQ(expected.capi_screening, expected.cpp_screening);
  EXPECT_NE(expected.cpp_screening.find("outcome=NOT_ELIGIBLE;"), std::string::npos);
  EXPECT_EQ(expected.capi_report, expected.cpp_report);
  v1::MetricReport report;
  ASSERT_TRUE(report.ParseFromString(expected.cpp_report)) << expected.cpp_report;
  ASSERT_EQ(report.results_size(), catalog_message->metrics_size());
  int cells_published = 0;
  for (const v1::MetricResult& result : report.results()) {
    for (const v1::MetricCell& cell : result.cells()) {
      cells_published += cell.value().defined() &&
                         cell.value().suppression() == v1::NOT_SUPPRESSED;
    }
  }
  EXPECT_GT(cells_published, 20) << "the report is not all suppressed";
  int decided = 0;
  for (const v1::Encounter& e : encounters) decided += (*policy)->Evaluate(e).ok();
  EXPECT_GT(decided, 40);

  std::vector<Answers> answers(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      // Each thread starts at a different encounter.
      std::vector<v1::Encounter> rotated(encounters.begin() + t, encounters.end());
      rotated.insert(rotated.end(), encounters.begin(), encounters.begin() + t);
      answers[t] = Compute(*policy, c_policy, *mapping, inputs, rotated);
      std::rotate(answers[t].cpp_decisions.rbegin(), answers[t].cpp_decisions.rbegin() + t,
                  answers[t].cpp_decisions.rend());
      std::rotate(answers[t].serialized_decisions.rbegin(),
                  answers[t].serialized_decisions.rbegin() + t,
                  answers[t].serialized_decisions.rend());
      std::rotate(answers[t].capi_decisions.rbegin(), answers[t].capi_decisions.rbegin() + t,
                  answers[t].capi_decisions.rend());
    });
  }
  for (std::thread& thread : threads) thread.join();
  divert_policy_destroy(c_policy);
  divert_metric_catalog_destroy(c_catalog);

  for (int t = 0; t < kThreads; ++t) {
    SCOPED_TRACE(absl::StrCat("thread ", t));
    EXPECT_EQ(answers[t].cpp_decisions, expected.cpp_decisions);
    EXPECT_EQ(answers[t].serialized_decisions, expected.serialized_decisions);
    EXPECT_EQ(answers[t].capi_decisions, expected.capi_decisions);
    EXPECT_EQ(answers[t].cpp_screening, expected.cpp_screening);
    EXPECT_EQ(answers[t].capi_screening, expected.capi_screening);
    EXPECT_EQ(answers[t].cpp_report, expected.cpp_report);
    EXPECT_EQ(answers[t].capi_report, expected.capi_report);
  }
}

}  // namespace
}  // namespace divert
