#include "eligibility/charge_enricher.h"

#include <string>
#include <vector>

#include "eligibility/test_policies.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace divert::eligibility {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class EligibilityChargeEnricherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    catalog_ = testing::ParseText<v1::OffenseCatalog>(R"pb(
      offenses { code: "PL 220.03" aliases: "PL 2200300" description: "Criminal possession 7th"
                 level: MISDEMEANOR category: "drug possession" drug_possession: true }
    )pb");
    std::vector<std::string> problems;
    index_.Build(catalog_, &problems);
  }

  v1::OffenseCatalog catalog_;
  OffenseIndex index_;
};

TEST_F(EligibilityChargeEnricherTest, FillsWhatTheChargeLeftOpen) {
  v1::Encounter e;
  e.add_charges()->set_statute_code("pl 2200300");
  std::vector<const v1::Offense*> offenses;
  std::vector<std::string> notes;
  EnrichCharges(index_, "v1", &e, &offenses, &notes);
  const v1::Charge& c = e.charges(0);
  EXPECT_EQ(c.statute_code(), "PL 220.03");
  EXPECT_EQ(c.description(), "Criminal possession 7th");
  EXPECT_EQ(c.level(), v1::MISDEMEANOR);
  EXPECT_EQ(c.offense_category(), "drug possession");
  ASSERT_TRUE(c.has_drug_possession());
  EXPECT_TRUE(c.drug_possession());
  ASSERT_TRUE(c.has_violent()) << "the catalog's false is a known no";
  EXPECT_FALSE(c.violent());
  EXPECT_THAT(notes, IsEmpty());
}

TEST_F(EligibilityChargeEnricherTest, TheOfficersValuesWin) {
  v1::Encounter e;
  v1::Charge* c = e.add_charges();
  c->set_statute_code("PL 220.03");
  c->set_description("Possession");
  c->set_level(v1::FELONY);
  c->set_offense_category("narcotics");
  c->set_drug_possession(false);
  c->set_drug_sale(true);
  std::vector<const v1::Offense*> offenses;
  std::vector<std::string> notes;
  EnrichCharges(index_, "v1", &e, &offenses, &notes);
  EXPECT_EQ(c->description(), "Possession");
  EXPECT_EQ(c->level(), v1::FELONY);
  EXPECT_EQ(c->offense_category(), "narcotics");
  EXPECT_FALSE(c->drug_possession());
  EXPECT_TRUE(c->drug_sale());
  EXPECT_TRUE(c->has_prostitution());
}

TEST_F(EligibilityChargeEnricherTest, UnknownCodesStayAsGivenWithANote) {
  v1::Encounter e;
  e.add_charges()->set_statute_code("PL 220.03");
  e.add_charges()->set_statute_code("PL 999.99");
  e.add_charges();
  std::vector<const v1::Offense*> offenses;
  std::vector<std::string> notes;
  EnrichCharges(index_, "2024-2", &e, &offenses, &notes);
  EXPECT_EQ(e.charges(1).statute_code(), "PL 999.99");
  EXPECT_FALSE(e.charges(1).has_violent()) << "unknown, not no";
  ASSERT_EQ(offenses.size(), 3u);
  EXPECT_EQ(offenses[0], &catalog_.offenses(0));
  EXPECT_EQ(offenses[1], nullptr);
  EXPECT_EQ(offenses[2], nullptr);
  EXPECT_THAT(notes,
              ElementsAre("charge 2 (PL 999.99) is not in the offense catalog "
                          "of policy 2024-2",
                          "charge 3 (no statute code) is not in the offense "
                          "catalog of policy 2024-2"));
}

}  // namespace
}  // namespace divert::eligibility
