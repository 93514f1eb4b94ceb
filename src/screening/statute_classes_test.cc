// Statute codes alike to a policy: alike when every version's catalog
// completes them alike in the fields the policy reads and the policy's
// tests of the code (here `startsWith('PL ')`) say the same of them.
#include "screening/statute_classes.h"

#include <memory>
#include <string>

#include "absl/strings/str_replace.h"
#include "divert/eligibility/policy.h"
#include "eligibility/compiled_policy.h"
#include "eligibility/test_policies.h"
#include "gtest/gtest.h"
#include "screening/policy_inputs.h"

namespace divert::screening {
namespace {

const google::protobuf::FieldDescriptor* Field(const google::protobuf::Descriptor* d,
                                               const char* name) {
  return d->FindFieldByName(name);
}

std::vector<const google::protobuf::FieldDescriptor*> StatuteCodePath() {
  return {Field(v1::Encounter::descriptor(), "charges"),
          Field(v1::Charge::descriptor(), "statute_code")};
}

TEST(PolicyInputsTest, FindsTheConstantTestsOfATextField) {
  auto policy = eligibility::testing::Example1();
  absl::StatusOr<PolicyInputs> inputs = PolicyInputs::Of(*policy);
  ASSERT_TRUE(inputs.ok()) << inputs.status();
  const std::vector<TextTest>* tests = inputs->TextTests(StatuteCodePath());
  ASSERT_NE(tests, nullptr);
  // Both versions test startsWith('PL '), kept once.
  ASSERT_EQ(tests->size(), 1u);
  EXPECT_EQ((*tests)[0].kind, TextTest::Kind::kStartsWith);
  EXPECT_EQ((*tests)[0].literal, "PL ");
  EXPECT_TRUE((*tests)[0].Passes("PL 155.25"));
  EXPECT_FALSE((*tests)[0].Passes("VTL 0511"));
  // The level is compared with an enum value, not a text.
  EXPECT_EQ(inputs->TextTests({Field(v1::Encounter::descriptor(), "charges"),
                               Field(v1::Charge::descriptor(), "level")}),
            nullptr);
  // A field no condition reads has no tests.
  const std::vector<TextTest>* description = inputs->TextTests(
      {Field(v1::Encounter::descriptor(), "charges"),
       Field(v1::Charge::descriptor(), "description")});
  ASSERT_NE(description, nullptr);
  EXPECT_TRUE(description->empty());
}

TEST(PolicyInputsTest, ATextFieldReadAnyOtherWayHasNoTests) {
  for (const char* condition :
       {"size(charge.statute_code) > 3", "charge.statute_code.matches('^PL ')",
        "charge.statute_code.startsWith(charge.description)",
        "charge.statute_code + 'x' == 'PL 1x'"}) {
    SCOPED_TRACE(condition);
    const std::string text =
        absl::StrReplaceAll(eligibility::testing::kExample1Policy,
                            {{"charge.statute_code.startsWith('PL ')", condition}});
    absl::StatusOr<std::shared_ptr<const CompiledPolicy>> policy =
        CompiledPolicy::FromTextFormat(text);
    ASSERT_TRUE(policy.ok()) << policy.status();
    absl::StatusOr<PolicyInputs> inputs = PolicyInputs::Of(**policy);
    ASSERT_TRUE(inputs.ok()) << inputs.status();
    EXPECT_EQ(inputs->TextTests(StatuteCodePath()), nullptr);
    const auto* impl =
        dynamic_cast<const eligibility::CompiledPolicyImpl*>(policy->get());
    ASSERT_NE(impl, nullptr);
    EXPECT_EQ(StatuteClasses::For(*impl, *inputs), nullptr);
  }
}

class StatuteClassesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    policy_ = eligibility::testing::Example1();
    absl::StatusOr<PolicyInputs> inputs = PolicyInputs::Of(*policy_);
    ASSERT_TRUE(inputs.ok()) << inputs.status();
    inputs_ = *std::move(inputs);
    classes_ = StatuteClasses::For(
        dynamic_cast<const eligibility::CompiledPolicyImpl&>(*policy_), inputs_);
    ASSERT_NE(classes_, nullptr);
  }

  bool Alike(const char* a, const char* b) const {
    return classes_->Of(a) == classes_->Of(b);
  }

  std::shared_ptr<const CompiledPolicy> policy_;
  PolicyInputs inputs_;
  std::unique_ptr<StatuteClasses> classes_;
};

TEST_F(StatuteClassesTest, ACodeAndItsAliasAreAlike) {
  EXPECT_TRUE(Alike("PL 155.25", "PL 1552500"));
}

TEST_F(StatuteClassesTest, OffensesTheRulesCannotTellApartAreAlike) {
  // Non-violent Penal Law misdemeanors in both versions: this policy
  // reads neither their category nor the prostitution and drug
  // possession flags (the quantity rule tests only the quantity).
  EXPECT_TRUE(Alike("PL 155.25", "PL 230.00"));
  EXPECT_TRUE(Alike("PL 155.25", "PL 220.03"));
  // Violent; a felony sale; a violation of an order of protection; an
  // ordinance.
  EXPECT_FALSE(Alike("PL 155.25", "PL 120.00"));
  EXPECT_FALSE(Alike("PL 155.25", "PL 220.39"));
  EXPECT_FALSE(Alike("PL 220.39", "PL 215.51"));
  EXPECT_FALSE(Alike("PL 155.25", "AC 10-125"));
  // In the second version's catalog only.
  EXPECT_FALSE(Alike("PL 240.20", "PL 9999999"));
  EXPECT_FALSE(Alike("PL 240.20", "PL 155.25"));
}

TEST_F(StatuteClassesTest, CodesMissingFromTheCatalogAreAlikeWhenTheTestsAgree) {
  EXPECT_TRUE(Alike("PL 9999999", "PL 8888888"));
  EXPECT_TRUE(Alike("VTL 0511", "AC 0100"));
  EXPECT_FALSE(Alike("PL 9999999", "VTL 0511"));
  // An empty code is a missing fact, unlike any other.
  EXPECT_FALSE(Alike("", "VTL 0511"));
}

}  // namespace
}  // namespace divert::screening
