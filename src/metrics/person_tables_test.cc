// People, encounters and arrests as Arrow tables: each gives the report of
// the messages it stands for, with or without the other tables, and bad
// tables are refused with the table, column and row named (never a
// person's key).
#include "metrics/person_tables.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "divert/metrics/metrics.h"
#include "divert/metrics/record_columns.h"
#include "divert/metrics/synthetic_site.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "metrics/testing/fixture.h"
#include "metrics/testing/record_columns.h"

namespace divert::metrics {
namespace {

using ::divert::testing::FixedNode;
using ::divert::testing::IntListNode;
using ::divert::testing::OwnedRecordColumns;
using ::divert::testing::TableNode;
using ::divert::testing::TextNode;
using ::google::protobuf::util::MessageDifferencer;
using Node = std::unique_ptr<divert::testing::ArrowNode>;

std::shared_ptr<const CompiledCatalog> Lead() {
  static auto* catalog =
      new std::shared_ptr<const CompiledCatalog>(*CompiledCatalog::Compile(testing::LeadCatalog()));
  return *catalog;
}

v1::MetricRequest Request(std::vector<v1::Breakdown> by) {
  v1::MetricRequest request;
  *request.mutable_period()->mutable_start() = testing::MakeDate(2024, 1, 1);
  *request.mutable_period()->mutable_end() = testing::MakeDate(2024, 6, 30);
  for (v1::Breakdown b : by) request.add_breakdowns(b);
  return request;
}

void ExpectSameReports(const v1::MetricReport& expected,
                       const absl::StatusOr<v1::MetricReport>& actual) {
  ASSERT_TRUE(actual.ok()) << actual.status();
  std::string differences;
  MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&differences);
  EXPECT_TRUE(differencer.Compare(expected, *actual)) << differences;
}

// Each table alone, with the rest (the referral log too) as messages.
TEST(PersonTablesTest, EachTableAloneGivesTheRecordsReport) {
  SyntheticSiteOptions site;
  site.referrals = 2000;
  v1::MetricRecords records;
  GenerateSyntheticSite(site, &records);
  const OwnedRecordColumns owned(records);
  const RecordColumns all = owned.view();
  for (const v1::MetricRequest& request :
       {Request({v1::RACE_ETHNICITY, v1::GENDER, v1::AGE_GROUP}),
        Request({v1::PRECINCT, v1::AREA, v1::PATHWAY})}) {
    const v1::MetricReport expected = *Lead()->Compute(records, request);
    for (const char* name : {"people", "encounters", "arrests"}) {
      SCOPED_TRACE(name);
      v1::MetricRecords rest = records;
      RecordColumns columns;
      columns.records = &rest;
      if (std::string(name) == "people") {
        rest.clear_people();
        columns.people = all.people;
      } else if (std::string(name) == "encounters") {
        rest.clear_encounters();
        columns.encounters = all.encounters;
      } else {
        rest.clear_arrests();
        columns.arrests = all.arrests;
      }
      ExpectSameReports(expected, Lead()->Compute(columns, request));
    }
  }
}

// A small site of two people and their arrests, its tables built column by
// column so a test can leave one out or give it the wrong type.
class PersonTablesErrorTest : public ::testing::Test {
 protected:
  std::vector<Node> PeopleColumns() {
    std::vector<Node> columns;
    columns.push_back(TextNode("person_key", {"Jane-Roe-1990-04-01", "John-Doe-1985-02-03"}));
    // Black, then Asian and White (multiracial).
    columns.push_back(IntListNode("race_ethnicity", {0, 1, 3}, {3, 2, 7}));
    columns.push_back(FixedNode<int32_t>("date_of_birth", "tdD", {7395, 5512}));
    return columns;
  }
  std::vector<Node> ArrestColumns() {
    std::vector<Node> columns;
    columns.push_back(TextNode("person_key", {"Jane-Roe-1990-04-01", "John-Doe-1985-02-03"}));
    columns.push_back(FixedNode<int32_t>("occurred_on", "tdD", {19800, 19801}));
    columns.push_back(FixedNode<int8_t>("lead_eligible", "c", {1, 1}));
    return columns;
  }

  absl::StatusOr<v1::MetricReport> Compute(std::vector<Node> people,
                                           std::vector<Node> arrests) {
    people_ = TableNode(std::move(people), 2);
    arrests_ = TableNode(std::move(arrests), 2);
    RecordColumns columns;
    columns.records = &rest_;
    columns.people = {&people_->schema, {&people_->array}};
    columns.arrests = {&arrests_->schema, {&arrests_->array}};
    v1::MetricRequest request = Request({v1::RACE_ETHNICITY, v1::AGE_GROUP});
    request.set_disclosure(v1::INTERNAL);
    request.add_metric_ids("lead_eligible_arrests");
    return Lead()->Compute(columns, request);
  }

  void ExpectError(const absl::Status& status, const std::string& says) {
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
    EXPECT_NE(status.message().find(says), std::string::npos) << status.message();
    EXPECT_EQ(status.message().find("Jane"), std::string::npos) << status.message();
  }

  v1::MetricRecords rest_;
  Node people_, arrests_;
};

TEST_F(PersonTablesErrorTest, GoodTablesGiveTheMessagesReport) {
  v1::MetricRecords records;
  const char* keys[] = {"Jane-Roe-1990-04-01", "John-Doe-1985-02-03"};
  for (int i = 0; i < 2; ++i) {
    v1::PersonRecord* person = records.add_people();
    person->set_person_key(keys[i]);
    *person->mutable_date_of_birth() =
        i == 0 ? testing::MakeDate(1990, 4, 1) : testing::MakeDate(1985, 2, 3);
    v1::ArrestRecord* arrest = records.add_arrests();
    arrest->set_person_key(keys[i]);
    *arrest->mutable_occurred_on() =
        i == 0 ? testing::MakeDate(2024, 3, 18) : testing::MakeDate(2024, 3, 19);
    arrest->set_lead_eligible(true);
  }
  records.mutable_people(0)->add_race_ethnicity(v1::BLACK_AFRICAN_AMERICAN_OR_AFRICAN);
  records.mutable_people(1)->add_race_ethnicity(v1::ASIAN_OR_ASIAN_AMERICAN);
  records.mutable_people(1)->add_race_ethnicity(v1::WHITE);
  v1::MetricRequest request = Request({v1::RACE_ETHNICITY, v1::AGE_GROUP});
  request.set_disclosure(v1::INTERNAL);
  request.add_metric_ids("lead_eligible_arrests");
  const v1::MetricReport expected = *Lead()->Compute(records, request);
  ASSERT_EQ(expected.results(0).total().value(), 2);
  ExpectSameReports(expected, Compute(PeopleColumns(), ArrestColumns()));
}

TEST_F(PersonTablesErrorTest, OneRaceARowAsPlainIntegers) {
  std::vector<Node> people = PeopleColumns();
  people[1] = FixedNode<int32_t>("race_ethnicity", "i", {3, 7});
  auto report = Compute(std::move(people), ArrestColumns());
  ASSERT_TRUE(report.ok()) << report.status();
  std::vector<std::string> races;
  for (const v1::MetricCell& cell : report->results(0).cells()) {
    races.push_back(cell.keys(0).label());
  }
  EXPECT_NE(std::find(races.begin(), races.end(), "RACE_GROUP_WHITE"), races.end());
  EXPECT_NE(std::find(races.begin(), races.end(), "RACE_GROUP_BLACK_AFRICAN_AMERICAN_OR_AFRICAN"),
            races.end());
}

TEST_F(PersonTablesErrorTest, MissingPersonKey) {
  std::vector<Node> people = PeopleColumns();
  people.erase(people.begin());
  ExpectError(Compute(std::move(people), ArrestColumns()).status(),
              "people: the required column 'person_key' is missing");
}

TEST_F(PersonTablesErrorTest, NullPersonKey) {
  std::vector<Node> people = PeopleColumns();
  people[0] = TextNode("person_key", {"Jane-Roe-1990-04-01", ""}, {true, false});
  ExpectError(Compute(std::move(people), ArrestColumns()).status(),
              "people row 1: 'person_key' is null");
}

TEST_F(PersonTablesErrorTest, PersonListedTwice) {
  std::vector<Node> people = PeopleColumns();
  people[0] = TextNode("person_key", {"Jane-Roe-1990-04-01", "Jane-Roe-1990-04-01"});
  ExpectError(Compute(std::move(people), ArrestColumns()).status(),
              "people row 1: a person_key listed twice");
}

TEST_F(PersonTablesErrorTest, ListOffsetsPastTheirItems) {
  std::vector<Node> people = PeopleColumns();
  people[1] = IntListNode("race_ethnicity", {0, 1, 9}, {3, 2, 7});
  ExpectError(Compute(std::move(people), ArrestColumns()).status(),
              "people column 'race_ethnicity' is not a valid Arrow array: its list "
              "offsets are negative, decrease or pass the end of its 3 items");
  people = PeopleColumns();
  people[1] = IntListNode("race_ethnicity", {0, 2, 1}, {3, 2, 7});
  ExpectError(Compute(std::move(people), ArrestColumns()).status(),
              "people column 'race_ethnicity' is not a valid Arrow array");
}

TEST_F(PersonTablesErrorTest, WrongTypes) {
  std::vector<Node> people = PeopleColumns();
  people[1] = TextNode("race_ethnicity", {"Black", "White"});
  ExpectError(Compute(std::move(people), ArrestColumns()).status(),
              "people column 'race_ethnicity': expected integers, or lists of "
              "integers, got Arrow format 'u'");
  std::vector<Node> arrests = ArrestColumns();
  arrests[1] = TextNode("occurred_on", {"2024-03-18", "2024-03-19"});
  ExpectError(Compute(PeopleColumns(), std::move(arrests)).status(),
              "arrests column 'occurred_on': expected a timestamp or a date");
  arrests = ArrestColumns();
  arrests[2] = TextNode("lead_eligible", {"yes", "no"});
  ExpectError(Compute(PeopleColumns(), std::move(arrests)).status(),
              "arrests column 'lead_eligible': expected integers");
}

TEST_F(PersonTablesErrorTest, RecordsThatHoldATableAlready) {
  rest_.add_people()->set_person_key("Jane-Roe-1990-04-01");
  ExpectError(Compute(PeopleColumns(), ArrestColumns()).status(),
              "records: people must be empty when the people table is given");
}

TEST_F(PersonTablesErrorTest, ReferralsWithoutEvents) {
  people_ = TableNode(PeopleColumns(), 2);
  Node referrals = TableNode([] {
    std::vector<Node> columns;
    columns.push_back(TextNode("referral_id", {"R1"}));
    return columns;
  }(), 1);
  RecordColumns columns;
  columns.records = &rest_;
  columns.people = {&people_->schema, {&people_->array}};
  columns.referrals = {&referrals->schema, {&referrals->array}};
  ExpectError(Lead()->Compute(columns, Request({})).status(),
              "events: the table has no schema");
}

}  // namespace
}  // namespace divert::metrics
