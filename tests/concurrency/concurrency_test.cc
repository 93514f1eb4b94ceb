// Sixteen threads share one compiled policy — the toolkit's Example 1
// (examples/policies/example1_new_york.textproto) — and decide encounters
// through the C++ API and the C ABI, and screen a table through both, all at
// once. Every thread must get exactly what one thread alone gets.
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
};

Answers Compute(const std::shared_ptr<const CompiledPolicy>& policy,
                const divert_policy* c_policy, const v1::ColumnMapping& mapping,
                const std::vector<v1::Encounter>& encounters) {
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
  return a;
}

TEST(ConcurrencyTest, SixteenThreadsDecideAndScreenAsOne) {
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

  const Answers expected = Compute(*policy, c_policy, *mapping, encounters);
  // The doors agree with each other, and the answers are not all errors.
  EXPECT_EQ(expected.serialized_decisions, expected.cpp_decisions);
  EXPECT_EQ(expected.capi_decisions, expected.cpp_decisions);
  EXPECT_EQ(expected.capi_screening, expected.cpp_screening);
  EXPECT_NE(expected.cpp_screening.find("outcome=NOT_ELIGIBLE;"), std::string::npos);
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
      answers[t] = Compute(*policy, c_policy, *mapping, rotated);
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

  for (int t = 0; t < kThreads; ++t) {
    SCOPED_TRACE(absl::StrCat("thread ", t));
    EXPECT_EQ(answers[t].cpp_decisions, expected.cpp_decisions);
    EXPECT_EQ(answers[t].serialized_decisions, expected.serialized_decisions);
    EXPECT_EQ(answers[t].capi_decisions, expected.capi_decisions);
    EXPECT_EQ(answers[t].cpp_screening, expected.cpp_screening);
    EXPECT_EQ(answers[t].capi_screening, expected.capi_screening);
  }
}

}  // namespace
}  // namespace divert
