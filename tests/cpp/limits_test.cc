// The documented limits (docs/limits.md, divert/limits.h): an input past
// one is refused with ResourceExhausted naming its size and the limit, at
// the C++ API and through the C ABI (DIVERT_ERROR_LIMIT); one at the limit
// is not refused for its size.
#include "divert/limits.h"

#include <cstring>
#include <string>

#include "divert/divert.h"
#include "divert/eligibility/policy.h"
#include "divert/screening/screener.h"
#include "eligibility/test_policies.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "screening/arrow_build.h"

namespace divert {
namespace {

using eligibility::testing::EligibleEncounter;
using eligibility::testing::Example1;
using ::testing::HasSubstr;

TEST(LimitsTest, APolicyPastTheLimitIsRefusedUnread) {
  const std::string huge(limits::kMaxPolicyBytes + 1, ' ');
  std::vector<PolicyIssue> issues;
  for (auto load : {&CompiledPolicy::FromTextFormat, &CompiledPolicy::FromJson,
                    &CompiledPolicy::FromBinary}) {
    issues.clear();
    auto policy = load(huge, &issues);
    EXPECT_EQ(policy.status().code(), absl::StatusCode::kResourceExhausted);
    EXPECT_THAT(policy.status().message(),
                HasSubstr("the policy is 67108865 bytes; the limit is 67108864"));
    ASSERT_EQ(issues.size(), 1u);
  }
  divert_policy* out = nullptr;
  EXPECT_EQ(divert_policy_compile(huge.data(), huge.size(), DIVERT_FORMAT_TEXT, &out),
            DIVERT_ERROR_LIMIT);
  EXPECT_THAT(divert_last_error(), HasSubstr("the limit is 67108864"));
  EXPECT_EQ(out, nullptr);
}

TEST(LimitsTest, AnEncounterPastTheLimitIsRefused) {
  const std::string huge(limits::kMaxEncounterBytes + 1, '\0');
  std::string decision;
  absl::Status status = Example1()->EvaluateSerialized(huge, &decision);
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_THAT(status.message(), HasSubstr("the limit is 1048576"));

  const std::string text = Example1()->policy().SerializeAsString();
  divert_policy* policy = nullptr;
  ASSERT_EQ(divert_policy_compile(text.data(), text.size(), DIVERT_FORMAT_BINARY, &policy),
            DIVERT_OK);
  char* out = nullptr;
  size_t out_len = 0;
  EXPECT_EQ(divert_policy_evaluate(policy, huge.data(), huge.size(), DIVERT_FORMAT_BINARY,
                                   DIVERT_FORMAT_JSON, &out, &out_len),
            DIVERT_ERROR_LIMIT);
  EXPECT_THAT(divert_last_error(), HasSubstr("encounter: 1048577 bytes"));
  divert_policy_destroy(policy);
}

TEST(LimitsTest, AtMostAThousandCharges) {
  v1::Encounter e = EligibleEncounter();
  while (e.charges_size() < limits::kMaxCharges) *e.add_charges() = e.charges(0);
  EXPECT_TRUE(Example1()->Evaluate(e).ok());
  *e.add_charges() = e.charges(0);
  std::string bytes;
  for (const absl::Status& status :
       {Example1()->Evaluate(e).status(), Example1()->EvaluateWithVersion(e, "2024-2").status(),
        Example1()->EvaluateSerialized(e.SerializeAsString(), &bytes)}) {
    EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
    EXPECT_THAT(status.message(), HasSubstr("1001 charges; the limit is 1000"));
  }
}

TEST(LimitsTest, AReferralEventPastTheLimitIsRefused) {
  divert_referrals* referrals = nullptr;
  ASSERT_EQ(divert_referrals_create("intake_deadline_days: 30", DIVERT_NUL_TERMINATED,
                                    DIVERT_FORMAT_TEXT, nullptr, &referrals),
            DIVERT_OK);
  const std::string huge(limits::kMaxEventBytes + 1, ' ');
  EXPECT_EQ(divert_referrals_append(referrals, huge.data(), huge.size(), DIVERT_FORMAT_JSON),
            DIVERT_ERROR_LIMIT);
  EXPECT_THAT(divert_last_error(),
              HasSubstr("1048577 bytes; the limit for a divert.v1.ReferralEvent is 1048576"));
  EXPECT_EQ(divert_referrals_event_count(referrals), 0u);
  divert_referrals_destroy(referrals);
}

TEST(LimitsTest, AMappingPastTheLimitIsRefused) {
  auto mapping = Screener::ParseMapping(std::string(limits::kMaxPolicyBytes + 1, ' '));
  EXPECT_EQ(mapping.status().code(), absl::StatusCode::kResourceExhausted);
}

TEST(LimitsTest, ABatchPastTheRowLimitIsRefusedBeforeItIsRead) {
  auto mapping = Screener::ParseMapping(R"pb(
    shape: ARREST_PER_ROW
    defaults { pathway: ARREST_DIVERSION }
    columns { column: "LAW_CODE" field: "charges.statute_code" }
  )pb");
  ASSERT_TRUE(mapping.ok()) << mapping.status();
  auto screener = Screener::Create(Example1(), *mapping);
  ASSERT_TRUE(screener.ok()) << screener.status();
  // A batch that claims more rows than the limit (its buffers are never
  // read: the claim alone is refused).
  std::vector<screening::BuiltColumn> columns;
  columns.push_back(screening::TextColumn("LAW_CODE", {"PL 155.25"}));
  screening::BuiltColumn batch = screening::RecordBatch(std::move(columns), 1);
  batch.array.length = limits::kMaxBatchRows + 1;
  ArrowSchema schema = batch.schema;
  std::vector<ArrowArray> batches = {batch.array};
  batch.schema.release = nullptr;
  batch.array.release = nullptr;
  ArrowArrayStream input, output;
  screening::MakeStream(schema, std::move(batches), &input);
  ASSERT_TRUE((*screener)->Screen(&input, &output).ok());
  ArrowArray out;
  EXPECT_NE(output.get_next(&output, &out), 0);
  EXPECT_THAT(output.get_last_error(&output),
              HasSubstr("2147483648 rows; the limit is 2147483647"));
  output.release(&output);
}

}  // namespace
}  // namespace divert
