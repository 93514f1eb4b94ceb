// Compiling a catalog: every problem is found at once, named by metric.
#include "divert/metrics/metrics.h"

#include <initializer_list>

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

}  // namespace
}  // namespace divert::metrics
