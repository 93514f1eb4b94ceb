// Compiling a catalog: every problem is found at once, named by metric.
#include "divert/metrics/metrics.h"

#include "absl/strings/match.h"
#include "gtest/gtest.h"

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

}  // namespace
}  // namespace divert::metrics
