// Folding records into facts: the fold agrees with the referral life
// cycle's own Fold, and bad records are refused with their place named.
#include "metrics/site_facts.h"

#include "absl/time/civil_time.h"
#include "divert/referral/lifecycle.h"
#include "divert/referral/referrals.h"
#include "gtest/gtest.h"
#include "metrics/demographics.h"
#include "metrics/testing/fixture.h"

namespace divert::metrics {
namespace {

int32_t Day(const v1::Date& date) { return DayNumber(date); }

TEST(SiteFactsTest, AgreesWithTheLifeCycleFoldOnEveryDay) {
  const v1::MetricRecords records = testing::FixtureSite();
  auto rules = LifecycleRules::Create(records.settings(), records.time_zone());
  ASSERT_TRUE(rules.ok());
  Referrals referrals(*rules);
  ASSERT_TRUE(referrals
                  .AppendBatch(std::vector<v1::ReferralEvent>(
                      records.events().begin(), records.events().end()))
                  .ok());
  for (absl::CivilDay day(2023, 11, 30); day <= absl::CivilDay(2024, 4, 10);
       day += 7) {
    const int32_t through = static_cast<int32_t>(day - absl::CivilDay(1970, 1, 1));
    auto facts = FoldRecords(records, through);
    ASSERT_TRUE(facts.ok()) << facts.status();
    const FactTable& table = (*facts)->referrals;
    const std::vector<v1::ReferralState> states = referrals.StatesAsOf(day);
    ASSERT_EQ(table.rows(), states.size()) << day;
    auto column = [&](const char* name) {
      return table.Column(table.FieldIndex(name));
    };
    for (size_t row = 0; row < states.size(); ++row) {
      const v1::ReferralState& s = states[row];
      SCOPED_TRACE(s.referral_id());
      EXPECT_EQ(column("stage")[row], s.stage());
      EXPECT_EQ(column("pathway")[row], s.pathway());
      EXPECT_EQ(column("referred_day")[row], Day(s.referred_on()));
      EXPECT_EQ(column("intake_due_day")[row], Day(s.intake_due()));
      EXPECT_EQ(column("enrolled_day")[row],
                s.has_enrolled_on() ? Day(s.enrolled_on()) : kNone);
      EXPECT_EQ(column("exited_day")[row],
                s.has_exited_on() ? Day(s.exited_on()) : kNone);
      EXPECT_EQ(column("status")[row], s.status());
      EXPECT_EQ(column("extensions")[row], s.extensions_size());
      EXPECT_EQ(column("exit_reason")[row], s.exit_reason());
      EXPECT_EQ(table.Label(table.FieldIndex("case_manager_id"),
                            column("case_manager_id")[row]),
                s.case_manager_id());
      EXPECT_EQ(column("services_referred")[row], s.services_size());
      int connected = 0;
      for (const v1::ServiceReferral& service : s.services()) {
        if (service.has_connected_on()) ++connected;
      }
      EXPECT_EQ(column("services_connected")[row], connected);
    }
  }
}

TEST(SiteFactsTest, JoinsPeopleAndPlacesOnTheReferral) {
  auto facts = FoldRecords(testing::FixtureSite(),
                           DayNumber(testing::MakeDate(2024, 3, 31)));
  ASSERT_TRUE(facts.ok()) << facts.status();
  const FactTable& referrals = (*facts)->referrals;
  // r04 (the fifth referral recorded, after r08, r01, r02, r03) is about
  // p04: Black and White (multiracial), non-binary, 53.
  const size_t r04 = 4;
  EXPECT_EQ(referrals.Column(referrals.FieldIndex("race"))[r04],
            v1::RACE_GROUP_MULTIRACIAL);
  EXPECT_EQ(referrals.Column(referrals.FieldIndex("bipoc"))[r04], 1);
  EXPECT_EQ(referrals.Column(referrals.FieldIndex("gender"))[r04],
            v1::GENDER_GROUP_NON_BINARY);
  EXPECT_EQ(referrals.Column(referrals.FieldIndex("age_group"))[r04],
            v1::AGE_45_TO_54);
  EXPECT_EQ(referrals.Label(referrals.FieldIndex("area"),
                            referrals.Column(referrals.FieldIndex("area"))[r04]),
            "South");
  // Events read their referral's columns.
  const FactTable& events = (*facts)->events;
  ASSERT_GT(events.rows(), 0u);
  const ColumnView race = events.Column(events.FieldIndex("race"));
  for (size_t row = 0; row < events.rows(); ++row) {
    EXPECT_EQ(race[row], referrals.Column(referrals.FieldIndex("race"))
                             [(*facts)->event_referral[row]]);
  }
}

TEST(SiteFactsTest, KeepsRowsOfEventsOfTheKindsAskedFor) {
  const v1::MetricRecords records = testing::FixtureSite();
  const int32_t through = DayNumber(testing::MakeDate(2024, 3, 31));
  auto all = FoldRecords(records, through);
  ASSERT_TRUE(all.ok()) << all.status();
  FoldOptions options;
  options.event_kinds.set(v1::EVENT_SERVICE_CONNECTED).set(v1::EVENT_ENROLLED);
  auto some = FoldRecords(records, through, options);
  ASSERT_TRUE(some.ok()) << some.status();

  // Every event still folds into its referral.
  const FactTable& referrals = (*all)->referrals;
  ASSERT_EQ((*some)->referrals.rows(), referrals.rows());
  for (int field = 0; field < referrals.schema()->field_count(); ++field) {
    SCOPED_TRACE(referrals.schema()->field(field)->name());
    for (size_t row = 0; row < referrals.rows(); ++row) {
      EXPECT_EQ((*some)->referrals.Column(field)[row], referrals.Column(field)[row]);
    }
  }
  // The events table keeps the rows of those kinds, in order, as they were.
  const FactTable& events = (*all)->events;
  const FactTable& kept = (*some)->events;
  const int kind = events.FieldIndex("kind");
  size_t next = 0;
  for (size_t row = 0; row < events.rows(); ++row) {
    if (!options.event_kinds[static_cast<size_t>(events.Column(kind)[row])]) continue;
    ASSERT_LT(next, kept.rows());
    for (const char* name : {"kind", "day", "need", "race"}) {
      const int field = events.FieldIndex(name);
      EXPECT_EQ(kept.Column(field)[next], events.Column(field)[row]) << name;
    }
    EXPECT_EQ((*some)->event_referral[next], (*all)->event_referral[row]);
    ++next;
  }
  EXPECT_GT(next, 0u);
  EXPECT_EQ(kept.rows(), next);
}

TEST(SiteFactsTest, KeepsColumnsOfTheFieldsAskedFor) {
  const v1::MetricRecords records = testing::FixtureSite();
  const int32_t through = DayNumber(testing::MakeDate(2024, 3, 31));
  auto all = FoldRecords(records, through);
  ASSERT_TRUE(all.ok()) << all.status();
  // Referrals: stage only; events: race (their referral's); every other
  // kind: nothing.
  FoldOptions options;
  for (int kind = 0; kind < v1::RecordKind_ARRAYSIZE; ++kind) {
    const FactTable* table = (*all)->Table(static_cast<v1::RecordKind>(kind));
    if (table != nullptr) options.fields[kind].assign(table->schema()->field_count(), false);
  }
  const FactTable& referrals = (*all)->referrals;
  options.fields[v1::REFERRALS][referrals.FieldIndex("stage")] = true;
  options.fields[v1::EVENTS][(*all)->events.FieldIndex("race")] = true;
  auto some = FoldRecords(records, through, options);
  ASSERT_TRUE(some.ok()) << some.status();

  // Kept: what was asked for, the race the events read through their
  // referral, and what the fold reads itself (the person key, and the
  // days ages and first enrolments are taken on); each as it was.
  const FactTable& kept = (*some)->referrals;
  ASSERT_EQ(kept.rows(), referrals.rows());
  for (const char* name : {"stage", "race", "person_key", "referred_day", "enrolled_day"}) {
    SCOPED_TRACE(name);
    const int field = referrals.FieldIndex(name);
    ASSERT_TRUE(kept.kept(field));
    for (size_t row = 0; row < referrals.rows(); ++row) {
      EXPECT_EQ(kept.Column(field)[row], referrals.Column(field)[row]);
    }
  }
  for (const char* name : {"pathway", "exited_day", "gender", "owg_reviews"}) {
    EXPECT_FALSE(kept.kept(referrals.FieldIndex(name))) << name;
  }
  const FactTable& events = (*some)->events;
  const ColumnView race = events.Column(events.FieldIndex("race"));
  for (size_t row = 0; row < events.rows(); ++row) {
    EXPECT_EQ(race[row], (*all)->events.Column(events.FieldIndex("race"))[row]);
  }
  EXPECT_FALSE(events.kept(events.FieldIndex("need")));
  EXPECT_FALSE((*some)->services.kept((*some)->services.FieldIndex("need")));
  EXPECT_TRUE((*some)->decisions.kept((*some)->decisions.FieldIndex("day")));
  EXPECT_FALSE((*some)->decisions.kept((*some)->decisions.FieldIndex("outcome")));
  // The texts of a column left out are not coded.
  for (const char* name : {"officer_id", "agency", "source", "case_manager_id", "precinct"}) {
    const int field = referrals.FieldIndex(name);
    EXPECT_GT((*all)->referrals.dictionary(field).size(), 0) << name;
    EXPECT_EQ((*some)->referrals.dictionary(field).size(), 0) << name;
  }
  for (const char* name : {"officer_id", "precinct"}) {
    const int field = (*all)->decisions.FieldIndex(name);
    EXPECT_GT((*all)->decisions.dictionary(field).size(), 0) << name;
    EXPECT_EQ((*some)->decisions.dictionary(field).size(), 0) << name;
  }
  const int provider = (*all)->services.FieldIndex("provider");
  EXPECT_GT((*all)->services.dictionary(provider).size(), 0);
  EXPECT_EQ((*some)->services.dictionary(provider).size(), 0);
}

TEST(SiteFactsTest, RefusesAnEventWithoutADate) {
  v1::MetricRecords records = testing::FixtureSite();
  records.mutable_events(3)->clear_occurred_at();
  auto facts = FoldRecords(records, 20000);
  ASSERT_FALSE(facts.ok());
  EXPECT_EQ(facts.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(facts.status().message(),
            "events[3] (referral " + records.events(3).referral_id() +
                "): occurred_at is missing");
}

TEST(SiteFactsTest, RefusesAnEventOfAReferralThatNeverStarted) {
  v1::MetricRecords records = testing::FixtureSite();
  v1::ReferralEvent* stray = records.add_events();
  *stray = records.events(1);
  stray->set_referral_id("r99");
  auto facts = FoldRecords(records, 20000);
  ASSERT_FALSE(facts.ok());
  EXPECT_NE(facts.status().message().find("(referral r99): the referral has no "
                                          "eligibility_recorded"),
            absl::string_view::npos)
      << facts.status();
}

TEST(SiteFactsTest, RefusesAnUnknownTimeZoneAndDuplicatePeople) {
  v1::MetricRecords records = testing::FixtureSite();
  records.set_time_zone("Mars/Olympus_Mons");
  EXPECT_EQ(FoldRecords(records, 20000).status().message(),
            "time_zone: unknown time zone 'Mars/Olympus_Mons'");
  records = testing::FixtureSite();
  *records.add_people() = records.people(0);
  EXPECT_EQ(FoldRecords(records, 20000).status().message(),
            "people[10]: a person_key listed twice");
}

TEST(DemographicsTest, OneGroupPerPerson) {
  v1::PersonRecord person;
  EXPECT_EQ(DemographicsOf(person).race, v1::RACE_GROUP_UNKNOWN);
  EXPECT_FALSE(DemographicsOf(person).race_known());
  person.add_race_ethnicity(v1::RACE_CLIENT_PREFERS_NOT_TO_ANSWER);
  EXPECT_FALSE(DemographicsOf(person).race_known());
  person.add_race_ethnicity(v1::WHITE);
  EXPECT_EQ(DemographicsOf(person).race, v1::RACE_GROUP_WHITE);
  EXPECT_TRUE(DemographicsOf(person).race_known());
  EXPECT_FALSE(DemographicsOf(person).bipoc());
  person.add_race_ethnicity(v1::WHITE);
  EXPECT_EQ(DemographicsOf(person).race, v1::RACE_GROUP_WHITE);
  person.add_race_ethnicity(v1::HISPANIC_LATINA_E_O);
  EXPECT_EQ(DemographicsOf(person).race, v1::RACE_GROUP_MULTIRACIAL);
  EXPECT_TRUE(DemographicsOf(person).bipoc());
  v1::PersonRecord asian;
  asian.add_race_ethnicity(v1::ASIAN_OR_ASIAN_AMERICAN);
  EXPECT_TRUE(DemographicsOf(asian).bipoc());
  person.add_gender(v1::WOMAN);
  person.add_gender(v1::TRANSGENDER);
  EXPECT_EQ(DemographicsOf(person).gender, v1::GENDER_GROUP_MORE_THAN_ONE);
}

TEST(DemographicsTest, AgeGroupOnTheDay) {
  const int32_t born = DayNumber(testing::MakeDate(2000, 6, 1));
  EXPECT_EQ(AgeGroupOn(born, DayNumber(testing::MakeDate(2018, 5, 31))),
            v1::AGE_UNDER_18);
  EXPECT_EQ(AgeGroupOn(born, DayNumber(testing::MakeDate(2018, 6, 1))),
            v1::AGE_18_TO_24);
  EXPECT_EQ(AgeGroupOn(born, DayNumber(testing::MakeDate(2065, 6, 1))),
            v1::AGE_65_AND_OVER);
  EXPECT_EQ(AgeGroupOn(kNone, 100), v1::AGE_UNKNOWN);
  EXPECT_EQ(DayNumber(testing::MakeDate(2024, 2, 30)), kNone);
}

}  // namespace
}  // namespace divert::metrics
