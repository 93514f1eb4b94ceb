#include "eligibility/offense_catalog.h"

#include <string>
#include <vector>

#include "eligibility/test_policies.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace divert::eligibility {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

TEST(EligibilityOffenseCatalogTest, NormalizesCaseAndSpaces) {
  EXPECT_EQ(NormalizeOffenseCode("  pl\t155.25  "), "PL 155.25");
  EXPECT_EQ(NormalizeOffenseCode("PL    155.25"), "PL 155.25");
  EXPECT_EQ(NormalizeOffenseCode(""), "");
}

TEST(EligibilityOffenseCatalogTest, FindsCodesAndAliases) {
  const v1::OffenseCatalog catalog = testing::ParseText<v1::OffenseCatalog>(R"pb(
    offenses { code: "PL 155.25" aliases: "PL 1552500" category: "theft" }
    offenses { code: "AC 10-125" category: "public order" }
  )pb");
  OffenseIndex index;
  std::vector<std::string> problems;
  index.Build(catalog, &problems);
  EXPECT_THAT(problems, IsEmpty());
  ASSERT_NE(index.Find("pl 155.25"), nullptr);
  EXPECT_EQ(index.Find("pl 155.25")->code(), "PL 155.25");
  EXPECT_EQ(index.Find("PL 1552500"), index.Find("PL 155.25"));
  EXPECT_EQ(index.Find(" ac  10-125 ")->code(), "AC 10-125");
  EXPECT_EQ(index.Find("PL 155.2"), nullptr);
  EXPECT_EQ(index.Find(std::string(200, 'x')), nullptr) << "long codes are fine";
  EXPECT_TRUE(index.HasCategory("theft"));
  EXPECT_FALSE(index.HasCategory("Theft")) << "categories compare exactly";
}

TEST(EligibilityOffenseCatalogTest, ReportsCodesNamingTwoEntries) {
  const v1::OffenseCatalog catalog = testing::ParseText<v1::OffenseCatalog>(R"pb(
    offenses { code: "PL 1" aliases: "X 1" aliases: "pl 1" }
    offenses { code: "PL 2" aliases: "x  1" }
  )pb");
  OffenseIndex index;
  std::vector<std::string> problems;
  index.Build(catalog, &problems);
  EXPECT_THAT(problems, ElementsAre("offense code 'x  1' names two catalog "
                                    "entries ('PL 1' and 'PL 2')"))
      << "an alias repeating its own entry's code is harmless";
  EXPECT_EQ(index.Find("X 1")->code(), "PL 1") << "the first entry keeps it";
}

TEST(EligibilityOffenseCatalogTest, EmptyIndexFindsNothing) {
  OffenseIndex index;
  EXPECT_TRUE(index.empty());
  EXPECT_EQ(index.Find("PL 1"), nullptr);
}

}  // namespace
}  // namespace divert::eligibility
