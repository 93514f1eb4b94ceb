// Which version decides: the one in force on the encounter's local date in
// the site's time zone.
#include "eligibility/version_selector.h"

#include <memory>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "divert/eligibility/policy.h"
#include "eligibility/dates.h"
#include "eligibility/test_policies.h"
#include "gtest/gtest.h"

namespace divert::eligibility {
namespace {

using testing::EligibleEncounter;
using testing::Example1;

std::string VersionAt(int64_t seconds) {
  v1::Encounter e = EligibleEncounter();
  e.mutable_occurred_at()->set_seconds(seconds);
  auto d = Example1()->Evaluate(e);
  return d.ok() ? d->policy_version() : std::string(d.status().message());
}

TEST(EligibilityVersionSelectorTest, LocalDateDecides) {
  // 2024-03-01T04:59:59Z is still 29 February in New York (UTC-5).
  EXPECT_EQ(VersionAt(1709269199), "2024-1");
  EXPECT_EQ(VersionAt(1709269200), "2024-2");  // 2024-03-01T00:00 local
  EXPECT_EQ(VersionAt(1704085200), "2024-1");  // 2024-01-01T00:00 local
}

TEST(EligibilityVersionSelectorTest, BeforeTheFirstVersionNothingDecides) {
  v1::Encounter e = EligibleEncounter();
  e.mutable_occurred_at()->set_seconds(1704085199);  // 2023-12-31T23:59:59 local
  auto d = Example1()->Evaluate(e);
  EXPECT_EQ(d.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(d.status().message(),
            "no version of policy 'nyc-test' is in force on 2023-12-31 (the "
            "first takes effect on 2024-01-01)");
}

TEST(EligibilityVersionSelectorTest, EvaluateWithVersionIgnoresTheDate) {
  auto d = Example1()->EvaluateWithVersion(EligibleEncounter(), "2024-1");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->policy_version(), "2024-1");
  EXPECT_EQ(Example1()->EvaluateWithVersion(EligibleEncounter(), "2030-1")
                .status()
                .code(),
            absl::StatusCode::kNotFound);
}

TEST(EligibilityVersionSelectorTest, PolicyWithoutTimeZoneUsesUtc) {
  auto policy = CompiledPolicy::FromTextFormat(R"pb(
    site_id: "utc"
    versions { version: "a" approved_on { year: 2024 month: 1 day: 1 } effective_from { year: 2024 month: 1 day: 1 }
               rules { id: "r" kind: CRITERION condition: "true" } }
    versions { version: "b" approved_on { year: 2024 month: 1 day: 1 } effective_from { year: 2024 month: 3 day: 1 }
               rules { id: "r" kind: CRITERION condition: "true" } })pb");
  ASSERT_TRUE(policy.ok()) << policy.status();
  v1::Encounter e = EligibleEncounter();
  e.clear_charges();
  e.mutable_occurred_at()->set_seconds(1709251200);  // 2024-03-01T00:00Z
  EXPECT_EQ((*policy)->Evaluate(e)->policy_version(), "b");
  e.mutable_occurred_at()->set_seconds(1709251199);
  EXPECT_EQ((*policy)->Evaluate(e)->policy_version(), "a");
}

// Choosing by instant gives the version of the instant's local day, also
// on days whose midnight the clocks skip (São Paulo, 4 November 2018) or
// repeat (Havana, 3 November 2019).
TEST(EligibilityVersionSelectorTest, ChoosingByInstantAgreesWithTheLocalDay) {
  for (const char* name : {"America/New_York", "America/Sao_Paulo",
                           "America/Havana"}) {
    absl::TimeZone zone;
    ASSERT_TRUE(absl::LoadTimeZone(name, &zone)) << name;
    std::vector<std::unique_ptr<CompiledVersion>> versions;
    for (absl::CivilDay day :
         {absl::CivilDay(2018, 11, 4), absl::CivilDay(2019, 3, 10),
          absl::CivilDay(2019, 11, 3), absl::CivilDay(2019, 11, 4)}) {
      auto version = std::make_unique<CompiledVersion>();
      version->effective_from = day;
      version->in_force_from = StartOfDay(day, zone);
      versions.push_back(std::move(version));
    }
    for (absl::Time t = absl::FromCivil(absl::CivilDay(2018, 11, 2), zone);
         t < absl::FromCivil(absl::CivilDay(2019, 11, 6), zone);
         t += absl::Minutes(30)) {
      ASSERT_EQ(VersionInForceAt(versions, t),
                VersionInForce(versions, absl::ToCivilDay(t, zone)))
          << name << " " << absl::FormatTime(t, zone);
    }
    // The first instant of each version, and the nanosecond before it.
    for (const auto& version : versions) {
      for (absl::Time t : {version->in_force_from,
                           version->in_force_from - absl::Nanoseconds(1)}) {
        ASSERT_EQ(VersionInForceAt(versions, t),
                  VersionInForce(versions, absl::ToCivilDay(t, zone)))
            << name << " " << absl::FormatTime(t, zone);
      }
    }
  }
}

}  // namespace
}  // namespace divert::eligibility
