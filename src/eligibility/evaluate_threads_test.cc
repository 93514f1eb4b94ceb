// One compiled policy, many threads: evaluation is thread-safe and gives
// every thread the same decisions as a single thread.
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "divert/eligibility/policy.h"
#include "eligibility/test_policies.h"
#include "gtest/gtest.h"

namespace divert::eligibility {
namespace {

using testing::EligibleEncounter;
using testing::Example1;

// Encounters that take different paths: eligible, excluded, not eligible,
// review, missing facts, unknown codes, both pathways and both versions.
std::vector<v1::Encounter> Mix() {
  std::vector<v1::Encounter> mix;
  mix.push_back(EligibleEncounter());
  v1::Encounter e = EligibleEncounter();
  e.add_charges()->set_statute_code("PL 120.00");
  mix.push_back(e);
  e = EligibleEncounter();
  e.mutable_charges(0)->set_statute_code("PL 220.39");
  mix.push_back(e);
  e = EligibleEncounter();
  e.mutable_circumstances()->set_on_supervision(true);
  mix.push_back(e);
  e = EligibleEncounter();
  e.clear_circumstances();
  e.add_charges()->set_statute_code("PL 999.99");
  mix.push_back(e);
  e = EligibleEncounter();
  e.set_pathway(v1::SOCIAL_CONTACT);
  e.clear_charges();
  mix.push_back(e);
  e = EligibleEncounter();
  e.mutable_occurred_at()->set_seconds(1706000000);  // version 2024-1
  e.mutable_charges(0)->set_statute_code("PL 220.03");
  e.mutable_charges(0)->set_drug_quantity_grams(1.5);
  mix.push_back(e);
  return mix;
}

TEST(EligibilityThreadsTest, EightThreadsDecideAsOne) {
  const std::vector<v1::Encounter> mix = Mix();
  // A second policy, so that each thread switches between versions of two
  // policies (more than its cache of activations holds).
  auto other = CompiledPolicy::FromTextFormat(
      absl::StrCat(testing::kExample1Policy, ""));
  ASSERT_TRUE(other.ok());
  std::vector<std::string> expected;
  for (const v1::Encounter& e : mix) {
    expected.push_back(Example1()->Evaluate(e)->SerializeAsString());
  }
  std::atomic<int> mismatches{0};
  std::atomic<int> runs{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      std::string bytes;
      v1::Decision reused;
      for (int i = 0; i < 300; ++i) {
        const size_t k = (i + t) % mix.size();
        const CompiledPolicy& policy = (i % 3 == 0) ? **other : *Example1();
        std::string got;
        switch (i % 3) {
          case 0:
          case 1:
            got = policy.Evaluate(mix[k])->SerializeAsString();
            break;
          default:
            if (!policy.EvaluateSerialized(mix[k].SerializeAsString(), &bytes).ok()) {
              ++mismatches;
            }
            got = bytes;
            break;
        }
        if (got != expected[k]) ++mismatches;
        if (!policy.EvaluateInto(mix[k], &reused).ok() ||
            reused.SerializeAsString() != expected[k]) {
          ++mismatches;
        }
        runs += 2;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(runs.load(), 8 * 300 * 2);
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(EligibilityThreadsTest, ANewPolicyNeverSeesAnOldOnesActivation) {
  auto make = [](double grams) {
    auto policy = CompiledPolicy::FromTextFormat(absl::StrCat(R"pb(
      site_id: "s" versions {
        version: "1" approved_on { year: 2024 month: 1 day: 1 } effective_from { year: 2024 month: 1 day: 1 }
        parameters { name: "limit" double_value: )pb", grams, R"pb( }
        rules { id: "x" kind: EXCLUSION condition: "encounter.person.age > limit" } })pb"));
    EXPECT_TRUE(policy.ok()) << policy.status();
    return *policy;
  };
  v1::Encounter e = EligibleEncounter();
  e.clear_charges();
  e.mutable_person()->set_age(30);
  for (int round = 0; round < 20; ++round) {
    // Each policy is destroyed before the next is made, which may reuse
    // its memory; the decisions must follow the new parameter.
    const double limit = round % 2 == 0 ? 10 : 50;
    auto policy = make(limit);
    EXPECT_EQ(policy->Evaluate(e)->outcome(),
              limit < 30 ? v1::EXCLUDED : v1::ELIGIBLE)
        << "round " << round;
  }
}

}  // namespace
}  // namespace divert::eligibility
