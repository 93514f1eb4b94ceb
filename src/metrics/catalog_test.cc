// The shipped LEAD catalog, metric by metric, against the fixture site
// (examples/metrics/fixture_site.json) for the first quarter of 2024. Each
// expected value was worked out by hand from the tables of
// examples/metrics/tools/make_fixture.py; the comments say how.
#include <map>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "divert/metrics/metrics.h"
#include "divert/referral/lifecycle.h"
#include "divert/referral/referrals.h"
#include "gtest/gtest.h"
#include "metrics/testing/fixture.h"

namespace divert::metrics {
namespace {

struct Expected {
  double value;
  int64_t records;
  // Shares: the numerator; -1 when not checked.
  int64_t numerator = -1;
  v1::TargetStatus target = v1::TARGET_STATUS_UNSPECIFIED;
};

const std::map<std::string, Expected>& HandComputed() {
  static const auto* expected = new std::map<std::string, Expected>{
      // Trainings in Q1: o1 (twice), o2, o3; o4 trained in 2023.
      {"officers_trained", {3, 3}},
      // ELIGIBLE decisions in Q1: p01, p02, p04, p05, p10, p03.
      {"people_deemed_eligible", {6, 6}},
      // dec-1, dec-2, dec-3, dec-4, dec-7 (dec-8 is a social contact).
      {"eligible_arrests", {5, 5}},
      // dec-7 and dec-8: no referral names them.
      {"eligible_not_referred", {2, 2}},
      // r01-r07 and r10; r08 was referred in 2023, r09 in April.
      {"referrals_made", {8, 8}},
      {"arrest_diversions", {4, 4}},
      {"social_contact_referrals", {4, 4}},
      // r01, r03, r04 enrolled by 31 March.
      {"referral_to_enrolment_conversion", {3.0 / 8, 8, 3}},
      // r02 declined, of r01, r02, r04, r05.
      {"offers_declined_share", {1.0 / 4, 4, 1}},
      // Vetted: r03 and r10 approved, r06 denied.
      {"social_contact_approval_share", {2.0 / 3, 3, 2}},
      // r07.
      {"social_contact_pending", {1, 1}},
      // r01 (7 Jan), r03 (25 Jan), r04 (10 Mar).
      {"intake_assessments_completed", {3, 3}},
      {"enrolments", {3, 3}},
      // Days to intake: r01 2, r03 10, r04 50.
      {"median_days_to_intake", {10, 3}},
      {"p90_days_to_intake", {50, 3}},
      {"intake_within_48_hours_share", {1.0 / 3, 3, 1}},
      // r04 was extended to 20 March and enrolled on the 10th.
      {"intake_within_deadline_share", {1, 3, 3}},
      {"intake_within_30_days_share", {2.0 / 3, 3, 2, v1::MISSES}},
      // r10: approved, due 21 March, no intake.
      {"intakes_overdue", {1, 1}},
      {"extensions_granted", {1, 1}},
      {"charges_filed", {1, 1}},
      // r01, r03, r04 (r08 exited on 15 February).
      {"participants_enrolled", {3, 3}},
      // r03 is INACTIVE.
      {"active_participants", {2, 2}},
      {"active_share", {2.0 / 3, 3, 2}},
      {"inactive_share", {1.0 / 3, 3, 1}},
      // Enrolled by 1 January: only r08, which exited.
      {"retention_90_days_share", {0, 1, 0}},
      // r01 (cm-a) and r04 (cm-b); r03 is a social contact referral.
      {"participants_with_case_manager", {2, 2}},
      {"case_managers_with_caseload", {2, 2}},
      {"caseload_per_case_manager", {1, 2, -1, v1::MEETS_PREFERRED}},
      // s1, s2 (8 Jan), s3, s4 (1 Feb).
      {"service_referrals_made", {4, 4}},
      // s1 (10 Jan), s2 (15 Jan), s3 (10 Feb).
      {"service_connections", {3, 3}},
      {"service_connection_share", {3.0 / 4, 4, 3}},
      // Days to connect: 2, 7, 9.
      {"median_days_to_service_connection", {7, 3}},
      // r03 (food), r04 (identification).
      {"unmet_needs_share", {2.0 / 3, 3, 2}},
      // r01 and r03.
      {"service_initiation_share", {2.0 / 3, 3, 2}},
      {"housing_connections", {1, 1}},
      {"benefits_connections", {1, 1}},
      // r01: screened 6 Jan, housing 10 Jan, counselling 15 Jan.
      {"sheltered_and_bh_within_14_days_share", {1.0 / 3, 3, 1}},
      {"arrests_after_enrolment", {1, 1}},
      // r01, of r01, r03, r04, r08.
      {"rearrested_share", {1.0 / 4, 4, 1}},
      // r08's legacy case: DECLINE_TO_FILE on 12 January.
      {"prosecutorial_discretion_used", {1, 1}},
      {"owg_meetings_held", {6, 6}},
      {"pcg_meetings_held", {2, 2}},
      // 6 + 7 + 5 + 8 + 6 + 7 of 6 x 8.
      {"owg_partners_attending", {39, 6}},
      {"owg_partners_invited", {48, 6}},
      {"owg_attendance_rate", {39.0 / 48, 6}},
      {"pcg_partners_attending", {17, 2}},
      {"pcg_partners_invited", {20, 2}},
      {"pcg_attendance_rate", {17.0 / 20, 2}},
      // p01, p09, p10, p02, p05 (p10's February arrest is not eligible).
      {"people_arrested_lead_eligible", {5, 5}},
      {"lead_eligible_arrests", {6, 6}},
      {"lead_eligible_bookings", {4, 4}},
      // 0 + 3 + 5 + 0 + 1 + 2.
      {"lead_eligible_jail_days", {11, 6}},
      // 6 per 100,000 residents.
      {"lead_eligible_arrests_per_1000_residents", {0.06, 6}},
      // r01 Black, r03 Hispanic, r04 multiracial.
      {"bipoc_share_of_participants", {1, 3, 3}},
      // (3/3) / (600/1000).
      {"participants_vs_jail_disparity", {1.0 / 0.6, 3, 3, v1::MEETS}},
      // Diversions 2 BIPOC of 4; eligible arrests 3 of 5.
      {"diversion_vs_eligible_disparity", {(2.0 / 4) / (3.0 / 5), 2, 2}},
      // Enrolments 3 of 3; referrals 5 of 7 with race known.
      {"enrolment_vs_referral_disparity", {(3.0 / 3) / (5.0 / 7), 3, 3}},
      // Eligible arrests 2 of 6 BIPOC; residents 40,000 of 100,000.
      {"arrest_vs_residents_disparity", {(2.0 / 6) / 0.4, 2, 2}},
  };
  return *expected;
}

class CatalogTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto compiled = CompiledCatalog::Compile(testing::LeadCatalog());
    ASSERT_TRUE(compiled.ok()) << compiled.status();
    catalog_ = new std::shared_ptr<const CompiledCatalog>(*compiled);
  }
  static void TearDownTestSuite() { delete catalog_; }

  static const CompiledCatalog& catalog() { return **catalog_; }

  static const v1::MetricResult* Find(const v1::MetricReport& report,
                                      const std::string& id) {
    for (const v1::MetricResult& r : report.results()) {
      if (r.definition().id() == id) return &r;
    }
    return nullptr;
  }

  static std::shared_ptr<const CompiledCatalog>* catalog_;
};

std::shared_ptr<const CompiledCatalog>* CatalogTest::catalog_ = nullptr;

TEST_F(CatalogTest, ShipsAtLeast35MetricsEachWithAHandComputedValue) {
  const v1::MetricCatalog& metrics = catalog().catalog();
  EXPECT_GE(metrics.metrics_size(), 35);
  absl::flat_hash_set<std::string> ids;
  for (const v1::MetricDefinition& d : metrics.metrics()) {
    ids.insert(d.id());
    EXPECT_TRUE(HandComputed().count(d.id())) << d.id() << " has no fixture value";
    EXPECT_FALSE(d.title().empty()) << d.id();
    EXPECT_FALSE(d.description().empty()) << d.id();
    EXPECT_NE(d.level(), v1::LOGIC_MODEL_LEVEL_UNSPECIFIED) << d.id();
  }
  for (const auto& [id, expected] : HandComputed()) {
    EXPECT_TRUE(ids.contains(id)) << id << " is not in the catalog";
  }
}

TEST_F(CatalogTest, FixtureLogObeysTheLifeCycleRules) {
  const v1::MetricRecords records = testing::FixtureSite();
  ASSERT_GT(records.events_size(), 50);
  auto rules = LifecycleRules::Create(records.settings(), records.time_zone());
  ASSERT_TRUE(rules.ok()) << rules.status();
  Referrals referrals(*rules);
  std::vector<v1::ReferralEvent> events(records.events().begin(),
                                        records.events().end());
  EXPECT_TRUE(referrals.AppendBatch(events).ok())
      << referrals.AppendBatch(events);
}

TEST_F(CatalogTest, EveryMetricMatchesTheHandComputedFixture) {
  auto report = catalog().Compute(testing::FixtureSite(),
                                  testing::FirstQuarter2024());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->synthetic());
  EXPECT_EQ(report->disclosure(), v1::INTERNAL);
  ASSERT_EQ(report->results_size(), catalog().catalog().metrics_size());
  for (const v1::MetricResult& result : report->results()) {
    const std::string& id = result.definition().id();
    auto it = HandComputed().find(id);
    if (it == HandComputed().end()) continue;
    const Expected& e = it->second;
    const v1::MetricValue& total = result.total();
    EXPECT_TRUE(total.defined()) << id;
    EXPECT_NEAR(total.value(), e.value, 1e-9) << id;
    EXPECT_EQ(total.records(), e.records) << id;
    if (e.numerator >= 0) EXPECT_EQ(total.numerator(), e.numerator) << id;
    EXPECT_EQ(total.target(), e.target) << id;
    EXPECT_EQ(total.suppression(), v1::NOT_SUPPRESSED) << id;
  }
}

TEST_F(CatalogTest, BreaksDownByRaceAndPathway) {
  v1::MetricRequest request = testing::FirstQuarter2024();
  request.add_breakdowns(v1::RACE_ETHNICITY);
  request.add_metric_ids("eligible_arrests");
  request.add_metric_ids("referrals_made");
  request.add_metric_ids("caseload_per_case_manager");
  request.add_metric_ids("participants_vs_jail_disparity");
  auto report = catalog().Compute(testing::FixtureSite(), request);
  ASSERT_TRUE(report.ok()) << report.status();

  std::map<std::string, double> eligible;
  for (const v1::MetricCell& cell : Find(*report, "eligible_arrests")->cells()) {
    ASSERT_EQ(cell.keys_size(), 1);
    EXPECT_EQ(cell.keys(0).breakdown(), v1::RACE_ETHNICITY);
    eligible[cell.keys(0).label()] = cell.value().value();
  }
  EXPECT_EQ(eligible, (std::map<std::string, double>{
                          {"RACE_GROUP_BLACK_AFRICAN_AMERICAN_OR_AFRICAN", 2},
                          {"RACE_GROUP_WHITE", 2},
                          {"RACE_GROUP_MULTIRACIAL", 1}}));

  // By race, each group's participants over its case managers.
  std::map<std::string, double> caseload;
  for (const v1::MetricCell& cell :
       Find(*report, "caseload_per_case_manager")->cells()) {
    caseload[cell.keys(0).label()] = cell.value().value();
  }
  EXPECT_EQ(caseload, (std::map<std::string, double>{
                          {"RACE_GROUP_BLACK_AFRICAN_AMERICAN_OR_AFRICAN", 1},
                          {"RACE_GROUP_MULTIRACIAL", 1}}));

  std::map<std::string, double> disparity;
  for (const v1::MetricCell& cell :
       Find(*report, "participants_vs_jail_disparity")->cells()) {
    if (cell.value().defined()) disparity[cell.keys(0).label()] = cell.value().value();
  }
  ASSERT_EQ(disparity.size(), 2u);
  EXPECT_NEAR(disparity["RACE_GROUP_BLACK_AFRICAN_AMERICAN_OR_AFRICAN"],
              (1.0 / 3) / 0.45, 1e-9);
  EXPECT_NEAR(disparity["RACE_GROUP_HISPANIC_LATINA_E_O"], (1.0 / 3) / 0.1, 1e-9);
}

TEST_F(CatalogTest, CaseloadByCaseManager) {
  v1::MetricRequest request = testing::FirstQuarter2024();
  request.add_breakdowns(v1::CASE_MANAGER);
  request.add_metric_ids("caseload_per_case_manager");
  auto report = catalog().Compute(testing::FixtureSite(), request);
  ASSERT_TRUE(report.ok()) << report.status();
  std::map<std::string, double> caseload;
  for (const v1::MetricCell& cell : report->results(0).cells()) {
    caseload[cell.keys(0).label()] = cell.value().value();
    EXPECT_EQ(cell.value().target(), v1::MEETS_PREFERRED);
  }
  EXPECT_EQ(caseload, (std::map<std::string, double>{{"cm-a", 1}, {"cm-b", 1}}));
}

TEST_F(CatalogTest, ThreeBreakdownsCrossClassify) {
  v1::MetricRequest request = testing::FirstQuarter2024();
  request.add_breakdowns(v1::PATHWAY);
  request.add_breakdowns(v1::AREA);
  request.add_breakdowns(v1::GENDER);
  request.add_metric_ids("referrals_made");
  auto report = catalog().Compute(testing::FixtureSite(), request);
  ASSERT_TRUE(report.ok()) << report.status();
  int64_t sum = 0;
  std::map<std::string, int64_t> cells;
  for (const v1::MetricCell& cell : report->results(0).cells()) {
    ASSERT_EQ(cell.keys_size(), 3);
    cells[cell.keys(0).label() + "/" + cell.keys(1).label() + "/" +
          cell.keys(2).label()] = static_cast<int64_t>(cell.value().value());
    sum += static_cast<int64_t>(cell.value().value());
  }
  EXPECT_EQ(sum, 8);
  // r01, r05 (men) and r02 (a woman) are arrest diversions in the North.
  EXPECT_EQ(cells["ARREST_DIVERSION/North/GENDER_GROUP_MAN"], 2);
  EXPECT_EQ(cells["ARREST_DIVERSION/North/GENDER_GROUP_WOMAN"], 1);
  EXPECT_EQ(cells["SOCIAL_CONTACT/North/GENDER_GROUP_WOMAN"], 2);  // r06, r10
}

TEST_F(CatalogTest, PublishedReportsSuppressSmallCells) {
  auto report = catalog().Compute(testing::FixtureSite(),
                                  testing::FirstQuarter2024(v1::PUBLISHED));
  ASSERT_TRUE(report.ok()) << report.status();
  const v1::MetricValue& referrals = Find(*report, "referrals_made")->total();
  EXPECT_EQ(referrals.suppression(), v1::SMALL_CELL);  // 8 < 11
  EXPECT_FALSE(referrals.defined());
  EXPECT_EQ(referrals.value(), 0);
  EXPECT_EQ(referrals.records(), 0);
  // Meetings are not people: no minimum cell size unless the metric sets one.
  const v1::MetricValue& owg = Find(*report, "owg_attendance_rate")->total();
  EXPECT_EQ(owg.suppression(), v1::NOT_SUPPRESSED);
  EXPECT_NEAR(owg.value(), 39.0 / 48, 1e-9);
}

}  // namespace
}  // namespace divert::metrics
