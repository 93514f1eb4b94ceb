// Reading policies from text format, JSON and binary, with positions for
// syntax errors.
#include <string>
#include <vector>

#include "divert/eligibility/policy.h"
#include "eligibility/test_policies.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "google/protobuf/util/json_util.h"

namespace divert::eligibility {
namespace {

using ::testing::HasSubstr;
using ::testing::SizeIs;

TEST(PolicyLoaderTest, TextFormatSyntaxErrorsHaveLineAndColumn) {
  std::vector<PolicyIssue> issues;
  auto policy = CompiledPolicy::FromTextFormat(
      "site_id: \"x\"\nversions {\n  version: \"1\"\n  rules { id: \"r\" condtion: \"true\" }\n}\n",
      &issues);
  EXPECT_EQ(policy.status().code(), absl::StatusCode::kInvalidArgument);
  ASSERT_THAT(issues, SizeIs(1));
  EXPECT_EQ(issues[0].line, 4);
  EXPECT_EQ(issues[0].column, 27) << "protobuf points just after the name";
  EXPECT_THAT(issues[0].message, HasSubstr("condtion"));
  EXPECT_THAT(std::string(policy.status().message()), HasSubstr("4:27: "));

  issues.clear();
  policy = CompiledPolicy::FromTextFormat("site_id: \"x\"\nversions { version: ", &issues);
  ASSERT_THAT(issues, SizeIs(1));
  EXPECT_EQ(issues[0].line, 2);
}

TEST(PolicyLoaderTest, JsonRoundTrip) {
  const v1::SitePolicy policy =
      testing::ParseText<v1::SitePolicy>(testing::kExample1Policy);
  std::string json;
  ASSERT_TRUE(google::protobuf::util::MessageToJsonString(policy, &json).ok());
  auto compiled = CompiledPolicy::FromJson(json);
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  EXPECT_EQ((*compiled)->policy().SerializeAsString(), policy.SerializeAsString());
}

TEST(PolicyLoaderTest, JsonSyntaxErrorsHaveLineAndColumn) {
  std::vector<PolicyIssue> issues;
  auto policy = CompiledPolicy::FromJson(
      "{\n  \"siteId\": \"x\",\n  \"versions\": [ { \"version\": \"1\", } ]\n}", &issues);
  EXPECT_FALSE(policy.ok());
  ASSERT_THAT(issues, SizeIs(1));
  EXPECT_EQ(issues[0].line, 3);
  EXPECT_EQ(issues[0].column, 35);
  EXPECT_EQ(issues[0].message, "JSON syntax: expected a member name in double quotes");
}

TEST(PolicyLoaderTest, JsonFieldErrorsPointAtTheField) {
  std::vector<PolicyIssue> issues;
  auto policy = CompiledPolicy::FromJson(
      "{\"siteId\": \"x\",\n \"versions\": [{\"version\": \"1\",\n   \"rules\": [{\"id\": \"r\", \"kind\": \"NOPE\"}]}]}",
      &issues);
  EXPECT_FALSE(policy.ok());
  ASSERT_THAT(issues, SizeIs(1));
  EXPECT_EQ(issues[0].line, 3);
  EXPECT_EQ(issues[0].column, 26);
  EXPECT_THAT(issues[0].message, HasSubstr("NOPE"));

  issues.clear();
  policy = CompiledPolicy::FromJson("{\"siteId\": \"x\",\n  \"bogus\": 1}", &issues);
  ASSERT_THAT(issues, SizeIs(1));
  EXPECT_EQ(issues[0].line, 2);
  EXPECT_EQ(issues[0].column, 3);
}

TEST(PolicyLoaderTest, JsonPolicyStillCompiles) {
  std::vector<PolicyIssue> issues;
  auto policy = CompiledPolicy::FromJson(R"({"siteId": "x", "versions": [{"version": "1",
      "approvedOn": {"year": 2024, "month": 1, "day": 1},
      "effectiveFrom": {"year": 2024, "month": 1, "day": 1},
      "rules": [{"id": "r", "kind": "CRITERION", "condition": "encounter.person.agee > 1"}]}]})",
                                         &issues);
  EXPECT_FALSE(policy.ok());
  ASSERT_THAT(issues, SizeIs(1));
  EXPECT_EQ(issues[0].ToString(), "version 1, rule r, 1:17: undefined field 'agee'");
}

TEST(PolicyLoaderTest, Binary) {
  const v1::SitePolicy policy =
      testing::ParseText<v1::SitePolicy>(testing::kExample1Policy);
  auto compiled = CompiledPolicy::FromBinary(policy.SerializeAsString());
  ASSERT_TRUE(compiled.ok()) << compiled.status();
  EXPECT_EQ((*compiled)->policy().site_id(), "nyc-test");
  std::vector<PolicyIssue> issues;
  EXPECT_FALSE(CompiledPolicy::FromBinary("\x0a\xff", &issues).ok());
  ASSERT_THAT(issues, SizeIs(1));
  EXPECT_EQ(issues[0].message, "the bytes are not a serialized divert.v1.SitePolicy");
}

TEST(PolicyLoaderTest, CompileKeepsThePolicy) {
  const v1::SitePolicy policy =
      testing::ParseText<v1::SitePolicy>(testing::kExample1Policy);
  auto compiled = CompiledPolicy::Compile(policy);
  ASSERT_TRUE(compiled.ok());
  EXPECT_EQ((*compiled)->policy().SerializeAsString(), policy.SerializeAsString());
}

}  // namespace
}  // namespace divert::eligibility
