// Batch screening agrees with per-record evaluation: random arrests (both
// table shapes, many record batches, arrests split across batches) are
// screened, and every arrest's outcome, policy version, rule results,
// decisive rules and missing facts are compared with what
// CompiledPolicy::Evaluate says about the Encounter built from its row.
#include "divert/screening/screener.h"

#include <cstring>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "divert/eligibility/policy.h"
#include "divert/v1/decision.pb.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "screening/arrow_build.h"
#include "screening/arrow_input.h"

namespace divert {
namespace {

using screening::BuiltColumn;
using screening::Cell;
using screening::ColumnReader;
using ::testing::HasSubstr;

std::shared_ptr<const CompiledPolicy> Example1() {
  std::ifstream file(std::string(DIVERT_SOURCE_DIR) +
                     "/examples/policies/example1_new_york.textproto");
  std::stringstream text;
  text << file.rdbuf();
  auto policy = CompiledPolicy::FromTextFormat(text.str());
  EXPECT_TRUE(policy.ok()) << policy.status();
  return *policy;
}

// The mapping the random tables use. Charge columns are lists for one row
// per arrest, plain for one row per charge.
v1::ColumnMapping RandomMapping(v1::TableShape shape) {
  constexpr char kText[] = R"pb(
    name: "random"
    defaults { agency: "test" }
    columns { column: "date" field: "occurred_at" time_format: "%m/%d/%Y" }
    columns { column: "pathway" field: "pathway" }
    columns { column: "precinct" field: "place.precinct" }
    columns {
      column: "race" field: "person.race_ethnicity"
      values { from: "BLACK" to: "BLACK_AFRICAN_AMERICAN_OR_AFRICAN" }
      values { from: "WHITE HISPANIC" to: "WHITE,HISPANIC_LATINA_E_O" }
      values { from: "UNKNOWN" to: "" }
    }
    columns { column: "age" field: "person.age" }
    columns { column: "needs_drugs" field: "person.needs.drugs" }
    columns { column: "needs_housing" field: "person.needs.homelessness" }
    columns { column: "related" field: "circumstances.offense_related_to_needs" }
    columns { column: "consent" field: "circumstances.able_to_consent"
              values { from: "Y" to: "true" } values { from: "N" to: "false" } }
    columns { column: "victim" field: "circumstances.victim_present" }
    columns { column: "declines" field: "circumstances.victim_declines_prosecution" }
    columns { column: "supervision" field: "circumstances.on_supervision" }
    columns { column: "warrants" field: "circumstances.outstanding_warrants" }
    columns { column: "profit" field: "circumstances.sale_for_profit" }
    columns { column: "danger" field: "circumstances.imminent_danger" }
    columns { column: "law_code" field: "charges.statute_code" }
    columns {
      column: "level" field: "charges.level"
      values { from: "F" to: "FELONY" } values { from: "M" to: "MISDEMEANOR" }
      values { from: "V" to: "VIOLATION" } values { from: "I" to: "INFRACTION" }
      values { from: "" to: "" }
    }
    columns { column: "grams" field: "charges.drug_quantity_grams" }
    columns { column: "violent" field: "charges.violent" }
  )pb";
  auto mapping = Screener::ParseMapping(kText);
  EXPECT_TRUE(mapping.ok()) << mapping.status();
  mapping->set_shape(shape);
  if (shape == v1::CHARGE_PER_ROW) mapping->set_arrest_key_column("arrest");
  return *mapping;
}

// One random arrest, as the columns hold it.
struct Charge {
  absl::optional<std::string> code, level, violent;
  absl::optional<int32_t> grams;
};
struct Arrest {
  absl::optional<std::string> date, pathway, race, consent;
  absl::optional<int32_t> precinct, age;
  absl::optional<bool> needs_drugs, needs_housing, related, victim, declines,
      supervision, warrants, profit, danger;
  std::vector<Charge> charges;
};

std::vector<Arrest> RandomArrests(const CompiledPolicy& policy, int n,
                                  uint32_t seed) {
  std::mt19937 rng(seed);
  std::vector<std::string> codes;
  for (const v1::Offense& o :
       policy.policy().versions(0).offense_catalog().offenses()) {
    if (rng() % 8 == 0) codes.push_back(o.code());
    if (o.aliases_size() > 0 && rng() % 8 == 0) codes.push_back(o.aliases(0));
  }
  // Not in the catalog: Penal Law codes (alike to the policy, which tests
  // only the prefix), and others.
  codes.push_back("PL 9999999");
  codes.push_back("PL 8888888");
  codes.push_back("VTL 0511");
  codes.push_back("AC 0100");
  codes.push_back("pl  155.25");   // spacing and case differ
  auto pick = [&](int n) { return static_cast<int>(rng() % n); };
  auto maybe_bool = [&](int null_in) -> absl::optional<bool> {
    if (pick(null_in) == 0) return absl::nullopt;
    return pick(2) == 0;
  };
  const absl::CivilDay first(2017, 6, 25);
  std::vector<Arrest> arrests(n);
  for (Arrest& a : arrests) {
    if (pick(200) != 0) {
      // 2017-06-25 .. 2018-01-08: before the first version, both versions.
      const absl::CivilDay day = first + pick(198);
      a.date = absl::StrFormat("%02d/%02d/%04d", day.month(), day.day(), day.year());
    }
    const char* pathways[] = {"ARREST_DIVERSION", "SOCIAL_CONTACT", "arrest_diversion"};
    if (pick(20) != 0) a.pathway = pathways[pick(10) < 8 ? 0 : 1 + pick(2)];
    const char* races[] = {"BLACK", "WHITE HISPANIC", "UNKNOWN", "ASIAN / PACIFIC ISLANDER"};
    if (pick(10) != 0) a.race = races[pick(4)];
    if (pick(4) != 0) a.consent = pick(5) == 0 ? "N" : (pick(30) == 0 ? "maybe" : "Y");
    if (pick(3) != 0) a.precinct = 1 + pick(120);
    if (pick(3) != 0) a.age = 16 + pick(60);
    a.needs_drugs = maybe_bool(3);
    a.needs_housing = maybe_bool(3);
    a.related = maybe_bool(3);
    a.victim = maybe_bool(3);
    a.declines = maybe_bool(3);
    a.supervision = pick(4) == 0 ? maybe_bool(2) : absl::optional<bool>(false);
    a.warrants = pick(4) == 0 ? maybe_bool(2) : absl::optional<bool>(false);
    a.profit = maybe_bool(3);
    a.danger = pick(4) == 0 ? maybe_bool(2) : absl::optional<bool>(false);
    const int charges = pick(10) == 0 ? 0 : 1 + (pick(4) == 0 ? pick(3) : 0);
    for (int c = 0; c < charges; ++c) {
      Charge charge;
      // A charge without a code is written "" (a row of nulls lists no
      // charge in a table with one row per charge).
      charge.code = pick(50) != 0 ? codes[pick(static_cast<int>(codes.size()))] : "";
      const char* levels[] = {"F", "M", "V", "I", "", "X"};
      if (pick(3) == 0) charge.level = levels[pick(6)];
      if (pick(4) == 0) charge.grams = pick(4);
      if (pick(10) == 0) charge.violent = pick(2) == 0 ? "true" : "false";
      a.charges.push_back(charge);
    }
  }
  return arrests;
}

// The Encounter an arrest's row stands for, built here without the
// mapping code: what per-record evaluation is given.
v1::Encounter EncounterOf(const Arrest& a) {
  v1::Encounter e;
  e.set_agency("test");
  const absl::TimeZone zone = [] {
    absl::TimeZone z;
    absl::LoadTimeZone("America/New_York", &z);
    return z;
  }();
  if (a.date) {
    int m, d, y;
    std::sscanf(a.date->c_str(), "%d/%d/%d", &m, &d, &y);
    const absl::Time t = absl::FromCivil(absl::CivilDay(y, m, d), zone);
    e.mutable_occurred_at()->set_seconds(absl::ToUnixSeconds(t));
  }
  if (a.pathway) {
    v1::Pathway p;
    if (v1::Pathway_Parse(absl::AsciiStrToUpper(*a.pathway), &p)) e.set_pathway(p);
  }
  if (a.precinct) e.mutable_place()->set_precinct(absl::StrCat(*a.precinct));
  if (a.race == "BLACK") {
    e.mutable_person()->add_race_ethnicity(v1::BLACK_AFRICAN_AMERICAN_OR_AFRICAN);
  } else if (a.race == "WHITE HISPANIC") {
    e.mutable_person()->add_race_ethnicity(v1::WHITE);
    e.mutable_person()->add_race_ethnicity(v1::HISPANIC_LATINA_E_O);
  }
  if (a.age) e.mutable_person()->set_age(*a.age);
  if (a.needs_drugs) e.mutable_person()->mutable_needs()->set_drugs(*a.needs_drugs);
  if (a.needs_housing) {
    e.mutable_person()->mutable_needs()->set_homelessness(*a.needs_housing);
  }
  v1::Circumstances* c = e.mutable_circumstances();
  if (a.related) c->set_offense_related_to_needs(*a.related);
  if (a.consent == "Y") c->set_able_to_consent(true);
  if (a.consent == "N") c->set_able_to_consent(false);
  if (a.victim) c->set_victim_present(*a.victim);
  if (a.declines) c->set_victim_declines_prosecution(*a.declines);
  if (a.supervision) c->set_on_supervision(*a.supervision);
  if (a.warrants) c->set_outstanding_warrants(*a.warrants);
  if (a.profit) c->set_sale_for_profit(*a.profit);
  if (a.danger) c->set_imminent_danger(*a.danger);
  for (const Charge& charge : a.charges) {
    v1::Charge* out = e.add_charges();
    if (charge.code) out->set_statute_code(*charge.code);
    const std::map<std::string, v1::OffenseLevel> levels = {
        {"F", v1::FELONY}, {"M", v1::MISDEMEANOR}, {"V", v1::VIOLATION},
        {"I", v1::INFRACTION}};
    if (charge.level && levels.count(*charge.level)) {
      out->set_level(levels.at(*charge.level));
    }
    if (charge.grams) out->set_drug_quantity_grams(*charge.grams);
    if (charge.violent) out->set_violent(*charge.violent == "true");
  }
  return e;
}

template <typename T, typename F>
std::vector<absl::optional<T>> Column(const std::vector<Arrest>& arrests,
                                      size_t begin, size_t end, F f) {
  std::vector<absl::optional<T>> out;
  for (size_t i = begin; i < end; ++i) out.push_back(f(arrests[i]));
  return out;
}

// How text columns are encoded: plain utf8; dictionary-encoded with the
// batch's own values (int8 indices when the dictionary is small enough,
// else int32); or with a dictionary shared across batches, as a table's
// unified dictionary is: int32 indices, entries no row of the batch uses
// (values the mapping cannot use among them), and under each null an
// index outside the dictionary (the specification lets it be anything).
enum class Encoding { kPlain, kDictionary, kSharedDictionary };

BuiltColumn Text(const char* name,
                 const std::vector<absl::optional<std::string>>& values,
                 Encoding encoding) {
  if (encoding == Encoding::kPlain) return screening::TextColumn(name, values);
  const bool shared = encoding == Encoding::kSharedDictionary;
  std::vector<std::string> words;
  if (shared) words = {"NOT A VALUE", "PL 0000000", "12/31/1899"};
  std::map<std::string, int32_t> index;
  std::vector<int32_t> indices;
  for (const auto& v : values) {
    if (!v) {
      indices.push_back(-1);
      continue;
    }
    auto [it, added] = index.emplace(*v, static_cast<int32_t>(words.size()));
    if (added) words.push_back(*v);
    indices.push_back(it->second);
  }
  if (shared) words.push_back("unused at the end");
  BuiltColumn column = screening::DictionaryColumn(
      name, words, indices, !shared && words.size() <= 127);
  if (shared) {
    auto* written = static_cast<int32_t*>(const_cast<void*>(column.array.buffers[1]));
    for (size_t r = 0; r < indices.size(); ++r) {
      if (indices[r] < 0) written[r] = 1 << 30;
    }
  }
  return column;
}

// The arrest-level columns of the arrests at `rows` (an arrest may be
// repeated).
std::vector<BuiltColumn> ArrestColumns(const std::vector<Arrest>& arrests,
                                       const std::vector<size_t>& rows,
                                       Encoding dictionary = Encoding::kPlain) {
  std::vector<BuiltColumn> columns;
  auto text = [&](const char* name, auto f) {
    std::vector<absl::optional<std::string>> v;
    for (size_t i : rows) v.push_back(f(arrests[i]));
    columns.push_back(Text(name, v, dictionary));
  };
  auto boolean = [&](const char* name, auto f) {
    std::vector<absl::optional<bool>> v;
    for (size_t i : rows) v.push_back(f(arrests[i]));
    columns.push_back(screening::BoolColumn(name, v));
  };
  auto int32 = [&](const char* name, auto f) {
    std::vector<absl::optional<int32_t>> v;
    for (size_t i : rows) v.push_back(f(arrests[i]));
    columns.push_back(screening::Int32Column(name, v));
  };
  text("date", [](const Arrest& a) { return a.date; });
  text("pathway", [](const Arrest& a) { return a.pathway; });
  int32("precinct", [](const Arrest& a) { return a.precinct; });
  text("race", [](const Arrest& a) { return a.race; });
  int32("age", [](const Arrest& a) { return a.age; });
  boolean("needs_drugs", [](const Arrest& a) { return a.needs_drugs; });
  boolean("needs_housing", [](const Arrest& a) { return a.needs_housing; });
  boolean("related", [](const Arrest& a) { return a.related; });
  text("consent", [](const Arrest& a) { return a.consent; });
  boolean("victim", [](const Arrest& a) { return a.victim; });
  boolean("declines", [](const Arrest& a) { return a.declines; });
  boolean("supervision", [](const Arrest& a) { return a.supervision; });
  boolean("warrants", [](const Arrest& a) { return a.warrants; });
  boolean("profit", [](const Arrest& a) { return a.profit; });
  boolean("danger", [](const Arrest& a) { return a.danger; });
  return columns;
}

// One row per arrest, charges in list columns, in batches of `batch` rows.
std::vector<BuiltColumn> ArrestPerRow(const std::vector<Arrest>& arrests,
                                      size_t batch) {
  std::vector<BuiltColumn> batches;
  for (size_t begin = 0; begin < arrests.size(); begin += batch) {
    const size_t end = std::min(arrests.size(), begin + batch);
    std::vector<size_t> rows;
    for (size_t i = begin; i < end; ++i) rows.push_back(i);
    std::vector<BuiltColumn> columns = ArrestColumns(arrests, rows);
    std::vector<absl::optional<std::vector<std::string>>> codes, levels, grams,
        violent;
    for (size_t i = begin; i < end; ++i) {
      std::vector<std::string> c, l, g, v;
      for (const Charge& charge : arrests[i].charges) {
        // Lists of text: a null element is written as "" (unset).
        c.push_back(charge.code.value_or(""));
        l.push_back(charge.level.value_or(""));
        g.push_back(charge.grams ? absl::StrCat(*charge.grams) : "");
        v.push_back(charge.violent.value_or(""));
      }
      codes.push_back(c);
      levels.push_back(l);
      grams.push_back(g);
      violent.push_back(v);
    }
    columns.push_back(screening::TextListColumn("law_code", codes));
    columns.push_back(screening::TextListColumn("level", levels));
    columns.push_back(screening::TextListColumn("grams", grams));
    columns.push_back(screening::TextListColumn("violent", violent));
    batches.push_back(screening::RecordBatch(std::move(columns),
                                             static_cast<int64_t>(end - begin)));
  }
  return batches;
}

// How ChargePerRow writes the arrest key: 64-bit integers (compared in
// place) or text.
enum class ArrestKeys { kInt64, kText };

// One row per charge (an arrest without charges has one row without a
// code), with an arrest key, in batches of `batch` rows.
std::vector<BuiltColumn> ChargePerRow(const std::vector<Arrest>& arrests,
                                      size_t batch,
                                      Encoding dictionary = Encoding::kPlain,
                                      ArrestKeys key_kind = ArrestKeys::kInt64) {
  struct Row {
    size_t arrest;
    int charge;  // -1: no charge
  };
  std::vector<Row> all;
  for (size_t i = 0; i < arrests.size(); ++i) {
    if (arrests[i].charges.empty()) all.push_back({i, -1});
    for (size_t c = 0; c < arrests[i].charges.size(); ++c) {
      all.push_back({i, static_cast<int>(c)});
    }
  }
  std::vector<BuiltColumn> batches;
  for (size_t begin = 0; begin < all.size(); begin += batch) {
    const size_t end = std::min(all.size(), begin + batch);
    std::vector<size_t> rows;
    std::vector<absl::optional<int64_t>> keys;
    std::vector<absl::optional<std::string>> text_keys, codes, levels, violent;
    std::vector<absl::optional<int32_t>> grams;
    for (size_t r = begin; r < end; ++r) {
      rows.push_back(all[r].arrest);
      keys.push_back(static_cast<int64_t>(1000 + all[r].arrest));
      text_keys.push_back(absl::StrCat("A-", 1000 + all[r].arrest));
      const Charge charge = all[r].charge < 0
                                ? Charge()
                                : arrests[all[r].arrest].charges[all[r].charge];
      codes.push_back(charge.code);
      levels.push_back(charge.level);
      violent.push_back(charge.violent);
      grams.push_back(charge.grams);
    }
    std::vector<BuiltColumn> columns = ArrestColumns(arrests, rows, dictionary);
    columns.push_back(key_kind == ArrestKeys::kInt64
                          ? screening::Int64Column("arrest", keys)
                          : screening::TextColumn("arrest", text_keys));
    columns.push_back(Text("law_code", codes, dictionary));
    columns.push_back(Text("level", levels, dictionary));
    columns.push_back(screening::Int32Column("grams", grams));
    columns.push_back(Text("violent", violent, dictionary));
    batches.push_back(screening::RecordBatch(std::move(columns),
                                             static_cast<int64_t>(end - begin)));
  }
  return batches;
}

// One row per arrest, each charge field a plain column: arrests with at
// most one charge (a charge without a code has a null one).
std::vector<BuiltColumn> ArrestPerRowPlain(const std::vector<Arrest>& arrests,
                                           size_t batch, Encoding dictionary) {
  std::vector<BuiltColumn> batches;
  for (size_t begin = 0; begin < arrests.size(); begin += batch) {
    const size_t end = std::min(arrests.size(), begin + batch);
    std::vector<size_t> rows;
    std::vector<absl::optional<std::string>> codes, levels, violent;
    std::vector<absl::optional<int32_t>> grams;
    for (size_t i = begin; i < end; ++i) {
      rows.push_back(i);
      const Charge charge =
          arrests[i].charges.empty() ? Charge() : arrests[i].charges[0];
      codes.push_back(charge.code);
      levels.push_back(charge.level);
      violent.push_back(charge.violent);
      grams.push_back(charge.grams);
    }
    std::vector<BuiltColumn> columns = ArrestColumns(arrests, rows, dictionary);
    columns.push_back(Text("law_code", codes, dictionary));
    columns.push_back(Text("level", levels, dictionary));
    columns.push_back(screening::Int32Column("grams", grams));
    columns.push_back(Text("violent", violent, dictionary));
    batches.push_back(screening::RecordBatch(std::move(columns),
                                             static_cast<int64_t>(end - begin)));
  }
  return batches;
}

// The arrests with their first charge only.
std::vector<Arrest> AtMostOneCharge(std::vector<Arrest> arrests) {
  for (Arrest& a : arrests) {
    if (a.charges.size() > 1) a.charges.resize(1);
  }
  return arrests;
}

ArrowArrayStream StreamOf(std::vector<BuiltColumn> batches) {
  ArrowSchema schema = screening::CopySchema(batches.front().schema);
  std::vector<ArrowArray> arrays;
  for (BuiltColumn& b : batches) {
    arrays.push_back(b.array);
    b.array.release = nullptr;
  }
  ArrowArrayStream stream;
  screening::MakeStream(schema, std::move(arrays), &stream);
  return stream;
}

// The result columns of a screened stream, by name, as text per row.
struct Screened {
  std::map<std::string, std::vector<absl::optional<std::string>>> columns;
  size_t rows = 0;
};

Screened ReadAll(ArrowArrayStream* stream) {
  Screened out;
  ArrowSchema schema;
  EXPECT_EQ(stream->get_schema(stream, &schema), 0);
  while (true) {
    ArrowArray batch;
    const int code = stream->get_next(stream, &batch);
    EXPECT_EQ(code, 0) << stream->get_last_error(stream);
    if (code != 0 || batch.release == nullptr) break;
    for (int64_t i = 0; i < schema.n_children; ++i) {
      auto reader = ColumnReader::Create(*schema.children[i], *batch.children[i]);
      if (!reader.ok() || (*reader)->is_list()) continue;
      auto& values = out.columns[schema.children[i]->name];
      for (int64_t r = 0; r < batch.length; ++r) {
        const Cell cell = (*reader)->Get(r);
        switch (cell.kind) {
          case Cell::Kind::kNull: values.push_back(absl::nullopt); break;
          case Cell::Kind::kText: values.push_back(std::string(cell.text)); break;
          case Cell::Kind::kInt: values.push_back(absl::StrCat(cell.integer)); break;
          default: values.push_back("?"); break;
        }
      }
    }
    out.rows += static_cast<size_t>(batch.length);
    batch.release(&batch);
  }
  schema.release(&schema);
  stream->release(stream);
  return out;
}

// Compares row `row` of `screened` with the decision for `arrest`.
void ExpectAgrees(const CompiledPolicy& policy, const Arrest& arrest,
                  const Screened& screened, size_t row, int* decided) {
  const absl::StatusOr<v1::Decision> d = policy.Evaluate(EncounterOf(arrest));
  const auto& col = screened.columns;
  auto at = [&](const std::string& name) {
    return col.at(name)[row].value_or("(null)");
  };
  if (!d.ok()) {
    ASSERT_EQ(at("outcome"), "(null)") << "row " << row;
    ASSERT_EQ(at("not_decided"), std::string(d.status().message())) << "row " << row;
    return;
  }
  ++*decided;
  ASSERT_EQ(at("outcome"), v1::Outcome_Name(d->outcome())) << "row " << row;
  ASSERT_EQ(at("policy_version"), d->policy_version()) << "row " << row;
  std::vector<std::string> decisive, missing;
  std::map<std::string, std::string> results;
  for (const v1::RuleOutcome& rule : d->rules()) {
    results[rule.rule_id()] = std::string(
        absl::StripPrefix(v1::RuleResult_Name(rule.result()), "RULE_"));
    if (rule.decisive()) decisive.push_back(rule.rule_id());
  }
  for (const v1::MissingFact& fact : d->missing_facts()) {
    missing.push_back(fact.field_path());
  }
  ASSERT_EQ(at("decisive_rules"), absl::StrJoin(decisive, ", "))
      << "row " << row << " outcome " << at("outcome") << "\n"
      << EncounterOf(arrest).DebugString() << d->DebugString();
  ASSERT_EQ(missing.empty() ? "(null)" : absl::StrJoin(missing, "; "),
            at("missing_facts"))
      << "row " << row;
  for (const auto& [id, result] : results) {
    ASSERT_EQ(at("rule:" + id), result) << "row " << row << " rule " << id;
  }
}

// Screens `batches` (one row per arrest, in the order of `arrests`) and
// compares every arrest with per-record evaluation; the summary.
v1::ScreeningSummary ExpectEveryArrestAgrees(
    const std::shared_ptr<const CompiledPolicy>& policy,
    const std::vector<Arrest>& arrests, std::vector<BuiltColumn> batches) {
  auto screener = Screener::Create(policy, RandomMapping(v1::ARREST_PER_ROW));
  EXPECT_TRUE(screener.ok()) << screener.status();
  if (!screener.ok()) return {};
  ArrowArrayStream input = StreamOf(std::move(batches));
  ArrowArrayStream output;
  EXPECT_TRUE((*screener)->Screen(&input, &output).ok());
  const Screened screened = ReadAll(&output);
  EXPECT_EQ(screened.rows, arrests.size());
  int decided = 0;
  for (size_t i = 0; i < arrests.size() && i < screened.rows; ++i) {
    ExpectAgrees(*policy, arrests[i], screened, i, &decided);
    if (::testing::Test::HasFailure()) break;
  }
  const v1::ScreeningSummary summary = (*screener)->summary();
  EXPECT_EQ(summary.arrests() - summary.arrests_not_decided(), decided);
  return summary;
}

TEST(ScreenerTest, ArrestPerRowAgreesWithPerRecordEvaluation) {
  auto policy = Example1();
  const std::vector<Arrest> arrests = RandomArrests(*policy, 100000, 7);
  const v1::ScreeningSummary summary =
      ExpectEveryArrestAgrees(policy, arrests, ArrestPerRow(arrests, 8192));
  EXPECT_EQ(summary.rows(), 100000);
  EXPECT_EQ(summary.arrests(), 100000);
  // Every outcome occurs, and far fewer distinct inputs than arrests.
  EXPECT_EQ(summary.arrests_by_outcome_size(), 5);
  EXPECT_LT(summary.distinct_inputs(), summary.arrests());
  EXPECT_GT(summary.arrests() - summary.arrests_not_decided(), 90000);
}

// Screens `count` random arrests (from `seed`), one row per charge, in
// small odd batches (many arrests span two batches), their keys written as
// `key_kind`: every row agrees with per-record evaluation and gives its
// charge's place in its arrest.
void ExpectChargePerRowAgrees(int count, uint32_t seed, ArrestKeys key_kind) {
  auto policy = Example1();
  const std::vector<Arrest> arrests = RandomArrests(*policy, count, seed);
  auto screener = Screener::Create(policy, RandomMapping(v1::CHARGE_PER_ROW));
  ASSERT_TRUE(screener.ok()) << screener.status();
  ArrowArrayStream input =
      StreamOf(ChargePerRow(arrests, 997, Encoding::kPlain, key_kind));
  ArrowArrayStream output;
  ASSERT_TRUE((*screener)->Screen(&input, &output).ok());
  const Screened screened = ReadAll(&output);
  size_t row = 0;
  int decided = 0;
  for (size_t i = 0; i < arrests.size(); ++i) {
    const size_t rows = std::max<size_t>(1, arrests[i].charges.size());
    for (size_t c = 0; c < rows; ++c, ++row) {
      ASSERT_EQ(screened.columns.at("charge_index")[row],
                arrests[i].charges.empty() ? absl::nullopt
                                           : absl::optional<std::string>(absl::StrCat(c)));
      int ignored = 0;
      ExpectAgrees(*policy, arrests[i], screened, row, c == 0 ? &decided : &ignored);
      if (::testing::Test::HasFailure()) return;
    }
  }
  EXPECT_EQ(row, screened.rows);
  EXPECT_EQ((*screener)->summary().arrests(), count);
}

TEST(ScreenerTest, ChargePerRowAgreesAcrossBatchBoundaries) {
  ExpectChargePerRowAgrees(100000, 11, ArrestKeys::kInt64);
}

// Arrest keys that are not 64-bit integers are compared value by value,
// not in place: the same arrests, the same results.
TEST(ScreenerTest, ChargePerRowWithTextArrestKeysAgrees) {
  ExpectChargePerRowAgrees(20000, 17, ArrestKeys::kText);
}

// Dictionary-encoded columns (one dictionary for every batch, read by
// entry), batches of several chunks, and arrests of 8-12 charges (more
// than a packed key holds) among short ones: every row of every arrest
// agrees with per-record evaluation.
TEST(ScreenerTest, ChargePerRowWithLongArrestsAgrees) {
  auto policy = Example1();
  std::vector<Arrest> arrests = RandomArrests(*policy, 20000, 13);
  std::mt19937 rng(13);
  for (Arrest& a : arrests) {
    if (a.charges.empty() || rng() % 50 != 0) continue;
    const size_t target = 8 + rng() % 5;
    while (a.charges.size() < target) {
      const Arrest& other = arrests[rng() % arrests.size()];
      const Charge charge = other.charges.empty() ? a.charges[0] : other.charges[0];
      a.charges.push_back(charge);
    }
  }
  auto screener = Screener::Create(policy, RandomMapping(v1::CHARGE_PER_ROW));
  ASSERT_TRUE(screener.ok()) << screener.status();
  ArrowArrayStream input =
      StreamOf(ChargePerRow(arrests, 9001, Encoding::kSharedDictionary));
  ArrowArrayStream output;
  ASSERT_TRUE((*screener)->Screen(&input, &output).ok());
  const Screened screened = ReadAll(&output);
  size_t row = 0, long_arrests = 0;
  for (size_t i = 0; i < arrests.size(); ++i) {
    const size_t rows = std::max<size_t>(1, arrests[i].charges.size());
    long_arrests += rows >= 8 ? 1 : 0;
    for (size_t c = 0; c < rows; ++c, ++row) {
      ASSERT_EQ(screened.columns.at("charge_index")[row],
                arrests[i].charges.empty() ? absl::nullopt
                                           : absl::optional<std::string>(absl::StrCat(c)));
      int ignored = 0;
      ExpectAgrees(*policy, arrests[i], screened, row, &ignored);
      if (HasFailure()) return;
    }
  }
  EXPECT_EQ(row, screened.rows);
  EXPECT_GT(long_arrests, 200u);
  EXPECT_EQ((*screener)->summary().arrests(), 20000);
}

// Arrests with more charges than a packed key holds are told apart by
// every charge: two of twelve charges that agree on all the packed ones
// and differ only in the last (a violent felony) get their own results,
// however often they alternate (in batches of three arrests, so that one
// is looked up in the key cache after the other was decided).
TEST(ScreenerTest, ChargePerRowTellsApartLongArrestsThatDifferPastThePackedCharges) {
  auto policy = Example1();
  Arrest petty_only = RandomArrests(*policy, 1, 5)[0];
  petty_only.date = "12/01/2017";
  petty_only.pathway = "ARREST_DIVERSION";
  Charge petty;
  petty.code = "PL 1552500";
  petty.level = "M";
  petty.violent = "false";
  petty_only.charges.assign(12, petty);
  Arrest last_violent = petty_only;
  last_violent.charges.back().level = "F";
  last_violent.charges.back().violent = "true";
  std::vector<Arrest> arrests;
  for (int i = 0; i < 3; ++i) {
    arrests.push_back(petty_only);
    arrests.push_back(last_violent);
  }
  auto screener = Screener::Create(policy, RandomMapping(v1::CHARGE_PER_ROW));
  ASSERT_TRUE(screener.ok()) << screener.status();
  ArrowArrayStream input = StreamOf(ChargePerRow(arrests, 36, Encoding::kPlain));
  ArrowArrayStream output;
  ASSERT_TRUE((*screener)->Screen(&input, &output).ok());
  const Screened screened = ReadAll(&output);
  ASSERT_EQ(screened.rows, 72u);
  for (size_t row = 0; row < 72; ++row) {
    int ignored = 0;
    ExpectAgrees(*policy, arrests[row / 12], screened, row, &ignored);
    if (HasFailure()) return;
  }
  EXPECT_EQ(screened.columns.at("outcome")[12], "EXCLUDED");
  EXPECT_NE(screened.columns.at("outcome")[0], screened.columns.at("outcome")[12]);
}

TEST(ScreenerTest, ArrestPerRowWithPlainColumnsAgreesWithPerRecordEvaluation) {
  auto policy = Example1();
  const std::vector<Arrest> arrests =
      AtMostOneCharge(RandomArrests(*policy, 100000, 5));
  // Batches larger than the screener's chunks, and a short last one.
  const v1::ScreeningSummary summary = ExpectEveryArrestAgrees(
      policy, arrests, ArrestPerRowPlain(arrests, 30000, Encoding::kPlain));
  EXPECT_EQ(summary.arrests(), 100000);
}

// Screens `batches` with the random mapping of `shape`.
std::pair<Screened, v1::ScreeningSummary> ScreenWith(
    v1::TableShape shape, std::vector<BuiltColumn> batches) {
  auto screener = Screener::Create(Example1(), RandomMapping(shape));
  EXPECT_TRUE(screener.ok()) << screener.status();
  ArrowArrayStream input = StreamOf(std::move(batches));
  ArrowArrayStream output;
  EXPECT_TRUE((*screener)->Screen(&input, &output).ok());
  Screened screened = ReadAll(&output);
  return {std::move(screened), (*screener)->summary()};
}

void ExpectIdentical(const std::pair<Screened, v1::ScreeningSummary>& text,
                     const std::pair<Screened, v1::ScreeningSummary>& dictionary) {
  ASSERT_EQ(text.first.rows, dictionary.first.rows);
  for (const auto& [name, values] : text.first.columns) {
    // The input's own text columns read back alike too.
    EXPECT_EQ(values, dictionary.first.columns.at(name)) << name;
  }
  EXPECT_EQ(text.second.DebugString(), dictionary.second.DebugString());
}

TEST(ScreenerTest, DictionaryAndPlainTextGiveIdenticalResults) {
  auto policy = Example1();
  const std::vector<Arrest> arrests = RandomArrests(*policy, 20000, 13);
  // Batches of 9001 rows: arrests span batches and the screener's chunks.
  ExpectIdentical(ScreenWith(v1::CHARGE_PER_ROW, ChargePerRow(arrests, 9001, Encoding::kPlain)),
                  ScreenWith(v1::CHARGE_PER_ROW, ChargePerRow(arrests, 9001, Encoding::kDictionary)));
  std::vector<Arrest> single = AtMostOneCharge(arrests);
  ExpectIdentical(
      ScreenWith(v1::ARREST_PER_ROW, ArrestPerRowPlain(single, 9001, Encoding::kPlain)),
      ScreenWith(v1::ARREST_PER_ROW, ArrestPerRowPlain(single, 9001, Encoding::kDictionary)));
  // Columns the policy does not read whose values all translate (race,
  // consent) are not read row by row when dictionary-encoded.
  for (Arrest& a : single) {
    if (a.race == "ASIAN / PACIFIC ISLANDER") a.race = "BLACK";
    if (a.consent == "maybe") a.consent = "Y";
  }
  const auto text = ScreenWith(v1::ARREST_PER_ROW, ArrestPerRowPlain(single, 9001, Encoding::kPlain));
  ExpectIdentical(
      text, ScreenWith(v1::ARREST_PER_ROW, ArrestPerRowPlain(single, 9001, Encoding::kDictionary)));
  for (const v1::ColumnIssue& issue : text.second.issues()) {
    EXPECT_NE(issue.column(), "race");
    EXPECT_NE(issue.column(), "consent");
  }
}

// One row per arrest, a dictionary column is read entry by entry (every
// entry translated, rows gathered by index): entries no row uses, values
// under nulls and dictionaries shared by batches change no result and no
// count of the summary (the unused entries are values the mapping cannot
// use, which the summary would list).
TEST(ScreenerTest, SharedDictionariesGiveIdenticalResults) {
  auto policy = Example1();
  const std::vector<Arrest> arrests = RandomArrests(*policy, 20000, 17);
  const std::vector<Arrest> single = AtMostOneCharge(arrests);
  const auto text =
      ScreenWith(v1::ARREST_PER_ROW, ArrestPerRowPlain(single, 9001, Encoding::kPlain));
  ExpectIdentical(text, ScreenWith(v1::ARREST_PER_ROW,
                                   ArrestPerRowPlain(single, 9001,
                                                     Encoding::kSharedDictionary)));
  ExpectIdentical(
      ScreenWith(v1::CHARGE_PER_ROW, ChargePerRow(arrests, 9001, Encoding::kPlain)),
      ScreenWith(v1::CHARGE_PER_ROW,
                 ChargePerRow(arrests, 9001, Encoding::kSharedDictionary)));
}

TEST(ScreenerTest, CountsValuesTheMappingCannotUseByColumn) {
  auto policy = Example1();
  auto screener = Screener::Create(policy, RandomMapping(v1::CHARGE_PER_ROW));
  ASSERT_TRUE(screener.ok());
  const std::vector<Arrest> arrests = RandomArrests(*policy, 2000, 3);
  ArrowArrayStream input = StreamOf(ChargePerRow(arrests, 500));
  ArrowArrayStream output;
  ASSERT_TRUE((*screener)->Screen(&input, &output).ok());
  ReadAll(&output);
  std::map<std::string, int64_t> rows;
  const v1::ScreeningSummary summary = (*screener)->summary();
  for (const v1::ColumnIssue& issue : summary.issues()) {
    rows[absl::StrCat(issue.column(), " ", v1::ColumnIssue::Kind_Name(issue.kind()),
                      " ", issue.value())] += issue.rows();
  }
  int64_t x_levels = 0, unknown_code = 0, asian = 0;
  for (const Arrest& a : arrests) {
    for (const Charge& c : a.charges) {
      x_levels += c.level == "X";
      unknown_code += c.code == "PL 9999999";
    }
    asian += a.race == "ASIAN / PACIFIC ISLANDER";
  }
  // One row per charge: an arrest's value is on each of its rows.
  int64_t maybe_rows = 0;
  for (const Arrest& a : arrests) {
    if (a.consent == "maybe") {
      maybe_rows += static_cast<int64_t>(std::max<size_t>(1, a.charges.size()));
    }
  }
  // Each unusable value is counted on every row that has it.
  EXPECT_EQ(rows["level UNMAPPED_VALUE X"], x_levels);
  EXPECT_EQ(rows["consent UNMAPPED_VALUE maybe"], maybe_rows);
  EXPECT_EQ(rows["law_code NOT_IN_CATALOG PL 9999999"], unknown_code);
  EXPECT_GT(asian, 0);
  EXPECT_GE(rows["race UNMAPPED_VALUE ASIAN / PACIFIC ISLANDER"], asian);
}

TEST(ScreenerTest, AlikeStatuteCodesShareTheirArrestsKeys) {
  // Example 1 reads a code itself only through startsWith('PL '): codes
  // missing from the catalog are alike when they agree on that prefix.
  auto policy = Example1();
  const std::vector<Arrest> arrests = RandomArrests(*policy, 5000, 5);
  std::vector<Arrest> merged = arrests;
  int changed = 0;
  for (Arrest& a : merged) {
    for (Charge& c : a.charges) {
      if (c.code == "PL 8888888") c.code = "PL 9999999";
      if (c.code == "AC 0100") c.code = "VTL 0511";
      changed += c.code != absl::nullopt && (c.code == "PL 9999999" || c.code == "VTL 0511");
    }
  }
  ASSERT_GT(changed, 0);
  v1::ScreeningSummary summaries[2];
  Screened screened[2];
  for (int i = 0; i < 2; ++i) {
    auto screener = Screener::Create(policy, RandomMapping(v1::CHARGE_PER_ROW));
    ASSERT_TRUE(screener.ok());
    ArrowArrayStream input = StreamOf(ChargePerRow(i == 0 ? arrests : merged, 700));
    ArrowArrayStream output;
    ASSERT_TRUE((*screener)->Screen(&input, &output).ok());
    screened[i] = ReadAll(&output);
    summaries[i] = (*screener)->summary();
  }
  for (const char* column : {"outcome", "policy_version", "decisive_rules",
                             "missing_facts", "rule:criterion.offense"}) {
    EXPECT_EQ(screened[0].columns[column], screened[1].columns[column]) << column;
  }
  EXPECT_EQ(summaries[0].distinct_inputs(), summaries[1].distinct_inputs());
}

TEST(ScreenerTest, RejectsBadMappingsWithTheirPlace) {
  auto policy = Example1();
  v1::ColumnMapping mapping = RandomMapping(v1::ARREST_PER_ROW);
  mapping.add_columns()->set_column("x");
  mapping.mutable_columns()->rbegin()->set_field("person.shoe_size");
  auto screener = Screener::Create(policy, mapping);
  ASSERT_FALSE(screener.ok());
  EXPECT_THAT(screener.status().message(),
              HasSubstr("column 'x' feeds 'person.shoe_size': divert.v1.Person "
                        "has no field 'shoe_size'"));

  auto level = RandomMapping(v1::ARREST_PER_ROW);
  v1::ColumnFeed* feed = level.add_columns();
  feed->set_column("lvl");
  feed->set_field("charges.level");
  feed->add_values()->set_from("M");
  feed->mutable_values(0)->set_to("MISDEMEANOUR");
  screener = Screener::Create(policy, level);
  ASSERT_FALSE(screener.ok());
  EXPECT_THAT(screener.status().message(),
              HasSubstr("the translation of 'M' to 'MISDEMEANOUR' is not a value"));

  auto parsed = Screener::ParseMapping("name: \"x\"\ncolumns { colum: \"a\" }");
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(), HasSubstr("mapping 2:"));
}

TEST(ScreenerTest, RejectsInputsWithoutTheMappedColumns) {
  auto policy = Example1();
  auto screener = Screener::Create(policy, RandomMapping(v1::ARREST_PER_ROW));
  ASSERT_TRUE(screener.ok());
  std::vector<BuiltColumn> columns;
  columns.push_back(screening::TextColumn("date", {std::string("12/01/2017")}));
  std::vector<BuiltColumn> batches;
  batches.push_back(screening::RecordBatch(std::move(columns), 1));
  ArrowArrayStream input = StreamOf(std::move(batches));
  ArrowArrayStream output;
  absl::Status status = (*screener)->Screen(&input, &output);
  EXPECT_THAT(status.message(),
              HasSubstr("the mapping reads column 'pathway', which the input "
                        "does not have"));
}

TEST(ScreenerTest, RefusesADictionaryIndexOutsideItsDictionary) {
  auto policy = Example1();
  v1::ColumnMapping mapping = RandomMapping(v1::ARREST_PER_ROW);
  mapping.clear_columns();
  v1::ColumnFeed* feed = mapping.add_columns();
  feed->set_column("law_code");
  feed->set_field("charges.statute_code");
  auto screener = Screener::Create(policy, mapping);
  ASSERT_TRUE(screener.ok()) << screener.status();
  std::vector<BuiltColumn> columns;
  columns.push_back(screening::DictionaryColumn("law_code", {"PL 155.25", "PL 221.05"},
                                                {0, 1, 2, 1}, /*narrow=*/true));
  std::vector<BuiltColumn> batches;
  batches.push_back(screening::RecordBatch(std::move(columns), 4));
  ArrowArrayStream input = StreamOf(std::move(batches));
  ArrowArrayStream output;
  ASSERT_TRUE((*screener)->Screen(&input, &output).ok());
  ArrowArray batch;
  EXPECT_NE(output.get_next(&output, &batch), 0);
  EXPECT_THAT(output.get_last_error(&output),
              HasSubstr("column 'law_code' is not a valid Arrow array: "
                        "dictionary index 2 of row 2 is not in its dictionary of 2"));
  output.release(&output);
}

TEST(ScreenerTest, ReadsOnlyTheFieldsThePolicyReads) {
  auto policy = Example1();
  auto screener = Screener::Create(policy, RandomMapping(v1::ARREST_PER_ROW));
  ASSERT_TRUE(screener.ok());
  const std::vector<std::string> read = (*screener)->fields_read();
  EXPECT_THAT(read, ::testing::Contains("divert.v1.Charge.level"));
  EXPECT_THAT(read, ::testing::Contains("divert.v1.Circumstances.on_supervision"));
  EXPECT_THAT(read, ::testing::Not(::testing::Contains("divert.v1.Person.race_ethnicity")));
}

}  // namespace
}  // namespace divert
