// Compiling a catalog: every problem is found at once, named by metric.
#include "divert/metrics/metrics.h"

#include <initializer_list>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "metrics/catalog_plan.h"

namespace divert::metrics {
namespace {

absl::Status CompileText(absl::string_view text) {
  auto catalog = ParseCatalogText(text);
  if (!catalog.ok()) return catalog.status();
  return CompiledCatalog::Compile(*catalog).status();
}

TEST(CatalogPlanTest, ReportsEveryProblemWithItsMetric) {
  const absl::Status status = CompileText(R"pb(
    metrics { id: "a" records: REFERRALS kind: COUNT filter: "referral.pathwya == 1" }
    metrics { id: "b" records: REFERRALS kind: COUNT filter: "referral.extensions" }
    metrics { id: "c" records: MEETINGS kind: SUM value: "nobody" }
    metrics { id: "d" records: MEETINGS kind: COUNT breakdowns: RACE_ETHNICITY }
    metrics { id: "d" kind: RATIO numerator: "zzz" denominator: "a" }
    metrics { id: "Bad Id" records: REFERRALS kind: SHARE }
  )pb");
  ASSERT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  const std::string message(status.message());
  EXPECT_NE(message.find("metric a: filter: ERROR: a.filter:1:"), std::string::npos)
      << message;
  EXPECT_NE(message.find("pathwya"), std::string::npos) << message;
  EXPECT_NE(message.find("metric b: filter is a int, not a bool"), std::string::npos)
      << message;
  EXPECT_NE(message.find("metric c: value: MeetingFacts has no field 'nobody'"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("metric d: breakdown RACE_ETHNICITY is not available for MEETINGS"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("metric d: id is used by an earlier metric"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("metric d: numerator: no metric 'zzz'"), std::string::npos)
      << message;
  EXPECT_NE(message.find("metric Bad Id: id must be lower_snake_case"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("metric Bad Id: a SHARE needs a condition"),
            std::string::npos)
      << message;
}

TEST(CatalogPlanTest, RefusesCyclesAndBadTimeRules) {
  EXPECT_NE(CompileText(R"pb(
              metrics { id: "x" kind: RATIO numerator: "y" denominator: "y" }
              metrics { id: "y" kind: RATIO numerator: "x" denominator: "x" }
            )pb")
                .message()
                .find("refer to each other in a cycle"),
            absl::string_view::npos);
  EXPECT_EQ(CompileText(R"pb(
              metrics { id: "x" records: REFERRALS kind: COUNT
                        time { kind: AS_OF_END end_field: "stage" } }
            )pb")
                .message(),
            "metric x: time.end_field: 'stage' is not a date field of ReferralFacts");
}

TEST(CatalogPlanTest, ParseErrorsGiveLineAndColumn) {
  const absl::Status status =
      CompileText("metrics {\n  id: \"a\"\n  kind: NOT_A_KIND\n}");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(status.message(), "catalog: 4:1: ")) << status;
  EXPECT_NE(status.message().find("\"NOT_A_KIND\""), absl::string_view::npos);
}

// The kinds of event the metrics over EVENTS of `text` may count.
EventKindSet CountedKinds(absl::string_view text) {
  auto catalog = ParseCatalogText(text);
  EXPECT_TRUE(catalog.ok()) << catalog.status();
  auto plan = CatalogPlan::Compile(*catalog);
  EXPECT_TRUE(plan.ok()) << plan.status();
  return plan.ok() ? (*plan)->counted_event_kinds() : EventKindSet();
}

EventKindSet Kinds(std::initializer_list<v1::EventKind> kinds) {
  EventKindSet set;
  for (v1::EventKind kind : kinds) set.set(kind);
  return set;
}

TEST(CatalogPlanTest, CountsTheEventKindsItsEventFiltersName) {
  EXPECT_EQ(CountedKinds(R"pb(
              metrics { id: "filed" records: EVENTS kind: COUNT
                        filter: "event.kind == EventKind.EVENT_CHARGE_FILED" }
              metrics { id: "discretion" records: EVENTS kind: COUNT
                        filter: "event.kind == EventKind.EVENT_PROSECUTOR_DECIDED && "
                                "event.prosecutor_decision != ProsecutorDecision.CONTINUE_TO_MONITOR" }
              metrics { id: "either" records: EVENTS kind: COUNT
                        filter: "EventKind.EVENT_EXITED == event.kind || "
                                "event.kind in [EventKind.EVENT_ENROLLED, EventKind.EVENT_OFFER_MADE]" }
              metrics { id: "referrals" records: REFERRALS kind: COUNT }
            )pb"),
            Kinds({v1::EVENT_CHARGE_FILED, v1::EVENT_PROSECUTOR_DECIDED, v1::EVENT_EXITED,
                   v1::EVENT_ENROLLED, v1::EVENT_OFFER_MADE}));
}

TEST(CatalogPlanTest, CountsEveryEventKindUnlessEachEventFilterNarrowsThem) {
  // No filter, a filter on another field, a negation, a kind compared
  // with a field: any kind may pass.
  for (const char* filter :
       {"", "event.need == Need.EMERGENCY_HOUSING", "!(event.kind == EventKind.EVENT_EXITED)",
        "event.kind == EventKind.EVENT_EXITED || event.day > 0",
        "event.kind != EventKind.EVENT_EXITED", "event.kind == event.status"}) {
    SCOPED_TRACE(filter);
    EXPECT_TRUE(CountedKinds(absl::StrCat(R"pb(
                  metrics { id: "some" records: EVENTS kind: COUNT
                            filter: "event.kind == EventKind.EVENT_CHARGE_FILED" }
                  metrics { id: "any" records: EVENTS kind: COUNT filter: ")pb",
                                          filter, R"pb(" }
                )pb"))
                    .all());
  }
  // A catalog without metrics over EVENTS counts none.
  EXPECT_TRUE(CountedKinds(R"pb(metrics { id: "referrals" records: REFERRALS kind: COUNT })pb")
                  .none());
}

// The names of the fields of `kind` that the metrics of `text` read to
// compute a request with `breakdowns` and `metric_ids`.
std::vector<std::string> FieldsRead(absl::string_view text, v1::RecordKind kind,
                                    std::vector<v1::Breakdown> breakdowns = {},
                                    std::vector<std::string> metric_ids = {}) {
  auto catalog = ParseCatalogText(text);
  EXPECT_TRUE(catalog.ok()) << catalog.status();
  auto plan = CatalogPlan::Compile(*catalog);
  EXPECT_TRUE(plan.ok()) << plan.status();
  std::vector<std::string> names;
  if (!plan.ok()) return names;
  v1::MetricRequest request;
  for (v1::Breakdown b : breakdowns) request.add_breakdowns(b);
  for (const std::string& id : metric_ids) request.add_metric_ids(id);
  const std::vector<bool> marks = (*plan)->FieldsRead(request)[kind];
  for (size_t i = 0; i < marks.size(); ++i) {
    if (marks[i]) names.push_back(FactsSchema(kind)->field(static_cast<int>(i))->name());
  }
  return names;
}

TEST(CatalogPlanTest, MarksTheFieldsItsMetricsRead) {
  const std::string catalog = R"pb(
    metrics { id: "intake" records: REFERRALS kind: MEDIAN value: "days_to_intake"
              filter: "referral.pathway == Pathway.SOCIAL_CONTACT"
              breakdowns: [RACE_ETHNICITY, GENDER] }
    metrics { id: "retained" records: PARTICIPANTS kind: SHARE
              condition: "has(participant.exited_day)"
              time { kind: AS_OF_END end_field: "exited_day" } }
    metrics { id: "met" records: MEETINGS kind: COUNT }
    metrics { id: "ratio" kind: RATIO numerator: "intake" denominator: "retained" }
  )pb";
  // The default date of referrals is referred_day; participants need
  // their enrolled_day.
  EXPECT_EQ(FieldsRead(catalog, v1::REFERRALS, {v1::GENDER}),
            (std::vector<std::string>{"pathway", "gender", "referred_day",
                                      "days_to_intake"}));
  EXPECT_EQ(FieldsRead(catalog, v1::PARTICIPANTS),
            (std::vector<std::string>{"enrolled_day", "exited_day"}));
  EXPECT_EQ(FieldsRead(catalog, v1::MEETINGS), (std::vector<std::string>{"day"}));
  EXPECT_TRUE(FieldsRead(catalog, v1::EVENTS).empty());

  // Only the metrics requested, and those they are built from.
  EXPECT_EQ(FieldsRead(catalog, v1::REFERRALS, {}, {"ratio"}),
            (std::vector<std::string>{"pathway", "referred_day", "days_to_intake"}));
  EXPECT_EQ(FieldsRead(catalog, v1::PARTICIPANTS, {}, {"ratio"}),
            (std::vector<std::string>{"enrolled_day", "exited_day"}));
  EXPECT_TRUE(FieldsRead(catalog, v1::MEETINGS, {}, {"ratio"}).empty());
  EXPECT_TRUE(FieldsRead(catalog, v1::REFERRALS, {}, {"met"}).empty());
  EXPECT_EQ(FieldsRead(catalog, v1::MEETINGS, {}, {"met"}),
            (std::vector<std::string>{"day"}));
}

TEST(CatalogPlanTest, MarksTheFieldsOfTheRequestsBreakdowns) {
  const std::string catalog = R"pb(
    metrics { id: "referred" records: REFERRALS kind: COUNT
              breakdowns: [RACE_ETHNICITY, GENDER, AGE_GROUP, PRECINCT] }
  )pb";
  EXPECT_EQ(FieldsRead(catalog, v1::REFERRALS),
            (std::vector<std::string>{"referred_day"}));
  EXPECT_EQ(FieldsRead(catalog, v1::REFERRALS, {v1::AGE_GROUP, v1::PRECINCT}),
            (std::vector<std::string>{"precinct", "age_group", "referred_day"}));
  // A breakdown the metric does not support reads nothing.
  EXPECT_EQ(FieldsRead(catalog, v1::REFERRALS, {v1::CASE_MANAGER}),
            (std::vector<std::string>{"referred_day"}));
}

TEST(CatalogPlanTest, MarksRaceWhenADisparityRatioIsComputed) {
  const std::string catalog = R"pb(
    metrics { id: "referred" records: REFERRALS kind: COUNT
              breakdowns: [RACE_ETHNICITY, GENDER] }
    metrics { id: "enrolled" records: PARTICIPANTS kind: DISPARITY_RATIO
              reference: "referred" breakdowns: [RACE_ETHNICITY] }
  )pb";
  // The disparity ratio, and the metric it refers to, are by race
  // whatever the request's breakdowns.
  EXPECT_EQ(FieldsRead(catalog, v1::REFERRALS, {}, {"enrolled"}),
            (std::vector<std::string>{"race", "referred_day"}));
  EXPECT_EQ(FieldsRead(catalog, v1::PARTICIPANTS, {}, {"enrolled"}),
            (std::vector<std::string>{"race", "enrolled_day"}));
  EXPECT_EQ(FieldsRead(catalog, v1::REFERRALS, {v1::GENDER}, {"referred"}),
            (std::vector<std::string>{"gender", "referred_day"}));
}

TEST(CatalogPlanTest, MarksEveryFieldForAFilterThatIsNotMemoizable) {
  // A comprehension over the referral reads it whole.
  const std::vector<std::string> read = FieldsRead(R"pb(
    metrics { id: "any" records: REFERRALS kind: COUNT
              filter: "[referral].exists(r, r.extensions > 1)" }
  )pb", v1::REFERRALS);
  EXPECT_EQ(static_cast<int>(read.size()),
            FactsSchema(v1::REFERRALS)->field_count());
}

}  // namespace
}  // namespace divert::metrics
