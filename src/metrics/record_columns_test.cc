// The records as Arrow tables (the referral log, and people, encounters
// and arrests with it or not): the same report as the records the columns
// stand for, and bad columns refused with the table, column and
// row named (never a person's key).
#include "divert/metrics/record_columns.h"

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "divert/metrics/metrics.h"
#include "divert/metrics/synthetic_site.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "metrics/testing/fixture.h"
#include "metrics/testing/record_columns.h"

namespace divert::metrics {
namespace {

using ::divert::testing::ColumnOptions;
using ::divert::testing::FixedNode;
using ::divert::testing::OwnedRecordColumns;
using ::divert::testing::TableNode;
using ::divert::testing::TextNode;
using ::google::protobuf::util::MessageDifferencer;

std::shared_ptr<const CompiledCatalog> Lead() {
  static auto* catalog =
      new std::shared_ptr<const CompiledCatalog>(*CompiledCatalog::Compile(testing::LeadCatalog()));
  return *catalog;
}

v1::MetricRequest Request(int year_from, int year_to, int month_to, int day_to,
                          std::vector<v1::Breakdown> by) {
  v1::MetricRequest request;
  *request.mutable_period()->mutable_start() = testing::MakeDate(year_from, 1, 1);
  *request.mutable_period()->mutable_end() = testing::MakeDate(year_to, month_to, day_to);
  for (v1::Breakdown b : by) request.add_breakdowns(b);
  return request;
}

void ExpectSameReport(const v1::MetricRecords& records, ColumnOptions options,
                      const v1::MetricRequest& request) {
  auto expected = Lead()->Compute(records, request);
  ASSERT_TRUE(expected.ok()) << expected.status();
  OwnedRecordColumns columns(records, options);
  auto actual = Lead()->Compute(columns.view(), request);
  ASSERT_TRUE(actual.ok()) << actual.status();
  std::string differences;
  MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&differences);
  EXPECT_TRUE(differencer.Compare(*expected, *actual)) << differences;
}

TEST(RecordColumnsTest, FixtureSiteGivesTheRecordsReport) {
  const v1::MetricRecords records = testing::FixtureSite();
  for (ColumnOptions options :
       {ColumnOptions{}, ColumnOptions{true, false}, ColumnOptions{false, true},
        ColumnOptions{false, false, false}}) {
    SCOPED_TRACE(absl::StrCat("integer_ids=", options.integer_ids,
                              " plain_text=", options.plain_text,
                              " person_tables=", options.person_tables));
    ExpectSameReport(records, options,
                     Request(2024, 2024, 3, 31, {v1::RACE_ETHNICITY, v1::GENDER, v1::PATHWAY}));
    ExpectSameReport(
        records, options,
        Request(2024, 2024, 3, 31, {v1::CASE_MANAGER, v1::PRECINCT, v1::REFERRAL_SOURCE}));
    // An end before some referrals start: they are left out.
    ExpectSameReport(records, options,
                     Request(2024, 2024, 1, 15, {v1::AREA, v1::AGE_GROUP, v1::NEED}));
  }
}

TEST(RecordColumnsTest, SyntheticSiteGivesTheRecordsReport) {
  SyntheticSiteOptions site;
  site.referrals = 3000;
  v1::MetricRecords records;
  GenerateSyntheticSite(site, &records);
  for (ColumnOptions options :
       {ColumnOptions{}, ColumnOptions{true, true}, ColumnOptions{false, false, false}}) {
    ExpectSameReport(records, options,
                     Request(2024, 2024, 6, 30, {v1::RACE_ETHNICITY, v1::GENDER, v1::PATHWAY}));
    ExpectSameReport(records, options,
                     Request(2023, 2024, 12, 31, {v1::CASE_MANAGER, v1::REFERRAL_SOURCE}));
  }
}

// A catalog folds into the memory of its fold before (FoldScratch): a
// computation after another, over a smaller site and then the larger again,
// gives what a new catalog gives.
TEST(RecordColumnsTest, LaterComputationsGiveWhatANewCatalogGives) {
  SyntheticSiteOptions site;
  site.referrals = 3000;
  v1::MetricRecords large;
  GenerateSyntheticSite(site, &large);
  const v1::MetricRecords small = testing::FixtureSite();
  const OwnedRecordColumns large_columns(large, ColumnOptions{});
  const OwnedRecordColumns small_columns(small, ColumnOptions{});
  const v1::MetricRequest request =
      Request(2024, 2024, 6, 30, {v1::RACE_ETHNICITY, v1::GENDER, v1::PATHWAY});
  auto fresh = [&](const OwnedRecordColumns& columns) {
    auto catalog = *CompiledCatalog::Compile(testing::LeadCatalog());
    return *catalog->Compute(columns.view(), request);
  };
  auto catalog = *CompiledCatalog::Compile(testing::LeadCatalog());
  for (const OwnedRecordColumns* columns : {&large_columns, &small_columns, &large_columns}) {
    auto report = catalog->Compute(columns->view(), request);
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_TRUE(MessageDifferencer::Equals(*report, fresh(*columns)));
  }
  const std::vector<const v1::MetricRecords*> sites = {&large, &small, &large};
  for (const v1::MetricRecords* records : sites) {
    auto report = catalog->Compute(*records, request);
    ASSERT_TRUE(report.ok()) << report.status();
    auto fresh_catalog = *CompiledCatalog::Compile(testing::LeadCatalog());
    EXPECT_TRUE(MessageDifferencer::Equals(*report, *fresh_catalog->Compute(*records, request)));
  }
}

// A connection names its service by text: two values of a dictionary may
// be the same text.
TEST(RecordColumnsTest, ConnectionFindsItsServiceByText) {
  using Node = std::unique_ptr<divert::testing::ArrowNode>;
  auto service_ids = [](bool dictionary) {
    if (!dictionary) {
      return TextNode("service_referral_id", {"", "S1", "S1"}, {false, true, true});
    }
    Node ids = FixedNode<int32_t>("service_referral_id", "i", {0, 0, 1},
                                  {false, true, true});
    ids->SetDictionary(TextNode("", {"S1", "S1"}));
    return ids;
  };
  for (bool dictionary : {false, true}) {
    SCOPED_TRACE(absl::StrCat("dictionary=", dictionary));
    std::vector<Node> referral_columns;
    referral_columns.push_back(TextNode("referral_id", {"R1"}));
    Node referrals = TableNode(std::move(referral_columns), 1);
    // R1 recorded eligible, referred to a service, connected to it.
    std::vector<Node> event_columns;
    event_columns.push_back(TextNode("referral_id", {"R1", "R1", "R1"}));
    event_columns.push_back(FixedNode<int64_t>(
        "occurred_at", "tss:UTC", {1704103200, 1704189600, 1704276000}));
    event_columns.push_back(FixedNode<int32_t>("kind", "i", {10, 53, 54}));
    event_columns.push_back(service_ids(dictionary));
    event_columns.push_back(FixedNode<int32_t>("need", "i", {0, v1::EMERGENCY_HOUSING, 0},
                                               {false, true, false}));
    Node events = TableNode(std::move(event_columns), 3);
    v1::MetricRecords rest;
    RecordColumns columns;
    columns.records = &rest;
    columns.referrals = {&referrals->schema, {&referrals->array}};
    columns.events = {&events->schema, {&events->array}};
    v1::MetricRequest request = Request(2024, 2024, 3, 31, {});
    request.set_disclosure(v1::INTERNAL);
    request.add_metric_ids("service_connections");
    auto report = Lead()->Compute(columns, request);
    ASSERT_TRUE(report.ok()) << report.status();
    EXPECT_EQ(report->results(0).total().value(), 1);
  }
}

// A one-referral site, its tables built column by column so a test can
// leave one out or give it the wrong type.
class BadColumnsTest : public ::testing::Test {
 protected:
  using Node = std::unique_ptr<divert::testing::ArrowNode>;

  Node Referrals() {
    std::vector<Node> columns;
    columns.push_back(TextNode("referral_id", {"R1"}));
    columns.push_back(TextNode("person_key", {"Jane-Roe-1990-04-01"}));
    return TableNode(std::move(columns), 1);
  }

  // Events: R1 referred, then offered (or `referral` for the second).
  std::vector<Node> EventColumns(const std::string& second_referral = "R1") {
    std::vector<Node> columns;
    columns.push_back(TextNode("referral_id", {"R1", second_referral}));
    columns.push_back(FixedNode<int64_t>("occurred_at", "tss:UTC",
                                         {1704103200, 1704189600}));
    columns.push_back(FixedNode<int32_t>("kind", "i", {10, 11}));
    columns.push_back(TextNode("officer_id", {"o1", ""}, {true, false}));
    return columns;
  }

  absl::Status Compute(Node events, Node referrals = nullptr) {
    if (referrals == nullptr) referrals = Referrals();
    RecordColumns columns;
    columns.records = &rest_;
    columns.referrals = {&referrals->schema, {&referrals->array}};
    columns.events = {&events->schema, {&events->array}};
    v1::MetricRequest request = Request(2024, 2024, 3, 31, {v1::RACE_ETHNICITY});
    request.add_metric_ids("referrals_made");
    return Lead()->Compute(columns, request).status();
  }

  Node Table(std::vector<Node> columns) { return TableNode(std::move(columns), 2); }

  void ExpectError(const absl::Status& status, const std::string& says) {
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
    EXPECT_NE(status.message().find(says), std::string::npos) << status.message();
    EXPECT_EQ(status.message().find("Jane"), std::string::npos) << status.message();
  }

  v1::MetricRecords rest_;
};

TEST_F(BadColumnsTest, GoodTablesCompute) {
  const absl::Status status = Compute(Table(EventColumns()));
  EXPECT_TRUE(status.ok()) << status;
}

TEST_F(BadColumnsTest, MissingRequiredColumn) {
  std::vector<Node> columns = EventColumns();
  columns.erase(columns.begin() + 2);  // kind
  ExpectError(Compute(TableNode(std::move(columns), 2)),
              "events: the required column 'kind' is missing");
}

TEST_F(BadColumnsTest, WrongType) {
  std::vector<Node> columns = EventColumns();
  columns[1] = TextNode("occurred_at", {"2024-01-01", "2024-01-02"});
  ExpectError(Compute(Table(std::move(columns))),
              "events column 'occurred_at': expected a timestamp or a date, got "
              "Arrow format 'u'");
}

TEST_F(BadColumnsTest, EventOfAnUnknownReferral) {
  ExpectError(Compute(Table(EventColumns("R2"))),
              "events row 1: 'referral_id' is not a referral of the referrals table");
}

TEST_F(BadColumnsTest, NullWhereRequired) {
  std::vector<Node> columns = EventColumns();
  columns[1] = FixedNode<int64_t>("occurred_at", "tss:UTC", {1704103200, 0}, {true, false});
  ExpectError(Compute(Table(std::move(columns))), "events row 1: 'occurred_at' is null");
}

TEST_F(BadColumnsTest, UnknownKind) {
  std::vector<Node> columns = EventColumns();
  columns[2] = FixedNode<int32_t>("kind", "i", {10, 99});
  ExpectError(Compute(Table(std::move(columns))),
              "events row 1: 'kind' 99 is not the field number of an event");
}

TEST_F(BadColumnsTest, TheFirstBadRowIsNamed) {
  // Kinds are read a block of rows at a time, ids too; the error is still
  // the first row's.
  std::vector<Node> columns = EventColumns();
  columns[0] = TextNode("referral_id", {"R2", "R1"});
  columns[2] = FixedNode<int32_t>("kind", "i", {10, 99});
  ExpectError(Compute(Table(std::move(columns))),
              "events row 0: 'referral_id' is not a referral of the referrals table");
  columns = EventColumns();
  columns[1] = FixedNode<int64_t>("occurred_at", "tss:UTC", {0, 1704189600}, {false, true});
  columns[2] = FixedNode<int32_t>("kind", "i", {10, 0}, {true, false});
  ExpectError(Compute(Table(std::move(columns))), "events row 0: 'occurred_at' is null");
}

TEST_F(BadColumnsTest, DictionaryIndexOutsideItsDictionary) {
  std::vector<Node> columns = EventColumns();
  auto officer = FixedNode<int32_t>("officer_id", "i", {0, 7});
  officer->SetDictionary(TextNode("", {"o1"}));
  columns[3] = std::move(officer);
  ExpectError(Compute(Table(std::move(columns))),
              "events column 'officer_id' is not a valid Arrow array: dictionary index 7 "
              "of row 1 is not in its dictionary of 1");
}

TEST_F(BadColumnsTest, NegativeOffset) {
  std::vector<Node> columns = EventColumns();
  columns[1]->array.offset = -1;
  ExpectError(Compute(Table(std::move(columns))),
              "events column 'occurred_at': the array has a negative offset or length");
}

TEST_F(BadColumnsTest, NullKind) {
  std::vector<Node> columns = EventColumns();
  columns[2] = FixedNode<int32_t>("kind", "i", {10, 0}, {true, false});
  ExpectError(Compute(Table(std::move(columns))), "events row 1: 'kind' is null");
}

TEST_F(BadColumnsTest, KindByName) {
  std::vector<Node> columns = EventColumns();
  columns[2] = TextNode("kind", {"eligibility_recorded", "offer_mad"});
  ExpectError(Compute(Table(std::move(columns))),
              "events row 1: 'kind' 'offer_mad' is not an event");
  columns = EventColumns();
  columns[2] = TextNode("kind", {"eligibility_recorded", "offer_made"});
  EXPECT_TRUE(Compute(Table(std::move(columns))).ok());
}

TEST_F(BadColumnsTest, IdTypesDiffer) {
  std::vector<Node> columns = EventColumns();
  columns[0] = FixedNode<int64_t>("referral_id", "l", {1, 1});
  ExpectError(Compute(Table(std::move(columns))),
              "events column 'referral_id': integers, but the referrals' are text");
}

TEST_F(BadColumnsTest, ReferralListedTwice) {
  std::vector<Node> referrals;
  referrals.push_back(TextNode("referral_id", {"R1", "R1"}));
  ExpectError(Compute(Table(EventColumns()), TableNode(std::move(referrals), 2)),
              "referrals row 1: 'referral_id' is listed twice");
}

TEST_F(BadColumnsTest, RecordsWithTheirOwnLog) {
  rest_.add_events()->set_referral_id("R1");
  ExpectError(Compute(Table(EventColumns())), "records: events and subjects must be empty");
}

}  // namespace
}  // namespace divert::metrics
