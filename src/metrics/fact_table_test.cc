// A fact table: columns by field, joined columns read through a row index,
// and columns left out for fields nobody reads.
#include "metrics/fact_table.h"

#include <vector>

#include "divert/v1/metrics.pb.h"
#include "gtest/gtest.h"

namespace divert::metrics {
namespace {

TEST(FactTableTest, NewRowsHoldTheFieldsDefaults) {
  FactTable meetings(v1::MeetingFacts::descriptor());
  const size_t first = meetings.AddRows(2);
  EXPECT_EQ(first, 0u);
  EXPECT_EQ(meetings.rows(), 2u);
  // An optional date is unset; a count is 0.
  EXPECT_EQ(meetings.Column(meetings.FieldIndex("day"))[1], kNone);
  EXPECT_EQ(meetings.Column(meetings.FieldIndex("attended"))[1], 0);
}

TEST(FactTableTest, ColumnsLeftOutHoldNothing) {
  FactTable meetings(v1::MeetingFacts::descriptor());
  const int day = meetings.FieldIndex("day");
  const int attended = meetings.FieldIndex("attended");
  std::vector<bool> kept(static_cast<size_t>(meetings.schema()->field_count()), false);
  kept[static_cast<size_t>(day)] = true;
  meetings.KeepOnly(kept);
  meetings.AddRows(3);
  meetings.Set(2, day, 19000);
  meetings.Set(2, attended, 1);  // Left out: nothing happens.

  EXPECT_TRUE(meetings.kept(day));
  EXPECT_EQ(meetings.Column(day)[2], 19000);
  EXPECT_FALSE(meetings.kept(attended));
  EXPECT_EQ(meetings.Column(attended).data, nullptr);
}

TEST(FactTableTest, KeepOnlyAfterTheFirstRowChangesNothing) {
  FactTable meetings(v1::MeetingFacts::descriptor());
  meetings.AddRow();
  meetings.KeepOnly(std::vector<bool>(static_cast<size_t>(meetings.schema()->field_count()), false));
  EXPECT_TRUE(meetings.kept(meetings.FieldIndex("day")));
  // An empty list of marks keeps every column too.
  FactTable other(v1::MeetingFacts::descriptor());
  other.KeepOnly({});
  EXPECT_TRUE(other.kept(other.FieldIndex("attended")));
}

TEST(FactTableTest, AJoinedColumnReadsItsParentThroughTheRowIndex) {
  FactTable referrals(v1::ReferralFacts::descriptor());
  FactTable events(v1::EventFacts::descriptor());
  const int referral_race = referrals.FieldIndex("race");
  referrals.AddRows(2);
  referrals.Set(0, referral_race, v1::RACE_GROUP_WHITE);
  referrals.Set(1, referral_race, v1::RACE_GROUP_ASIAN_OR_ASIAN_AMERICAN);
  const std::vector<uint32_t> event_referral = {1, 1, 0};
  const int race = events.FieldIndex("race");
  events.JoinColumn(race, referrals, &event_referral);
  events.AddRows(3);

  EXPECT_FALSE(events.kept(race));
  EXPECT_EQ(events.joined_table(race), &referrals);
  EXPECT_EQ(events.Column(race)[0], v1::RACE_GROUP_ASIAN_OR_ASIAN_AMERICAN);
  EXPECT_EQ(events.Column(race)[2], v1::RACE_GROUP_WHITE);
}

}  // namespace
}  // namespace divert::metrics
