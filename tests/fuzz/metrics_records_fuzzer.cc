// libFuzzer target: a site's records built from the fuzzer's choices — a
// referral log of up to 48 events of any kind, in any order, for up to six
// referrals, with the fields the columnar events table carries; subjects,
// people, encounters and arrests — computed with the shipped LEAD catalog
// twice: from the records as messages, and from the same records as
// Arrow tables (text or dictionary-encoded, text or integer referral ids,
// with or without the person tables). The two must agree: both a report,
// and the same report, or both an error with a message. The log's later
// events (services connected, needs, exits after a start) are what
// metrics_columns_fuzzer, whose tables are of random bytes, rarely reaches.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "divert/metrics/metrics.h"
#include "fuzz_support.h"
#include "google/protobuf/util/message_differencer.h"
#include "metrics/testing/record_columns.h"

namespace {

namespace v1 = divert::v1;
using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// One of `words`, or (rarely) "".
std::string Pick(FuzzedDataProvider& in, const std::vector<std::string>& words) {
  const size_t i = in.ConsumeIntegralInRange<size_t>(0, words.size());
  return i < words.size() ? words[i] : "";
}

// Days from 2023-06-01 to early 2025, as a Date.
void SetDate(FuzzedDataProvider& in, v1::Date* date) {
  const int day = in.ConsumeIntegralInRange(0, 640);
  // 2023-06-01 is day 19,509 since 1970-01-01.
  const absl::CivilDay civil = absl::CivilDay(1970, 1, 1) + 19509 + day;
  date->set_year(static_cast<int32_t>(civil.year()));
  date->set_month(civil.month());
  date->set_day(civil.day());
}

// An enum field's value: one of its numbers, or (rarely) one past them.
int EnumValue(FuzzedDataProvider& in, const FieldDescriptor* field) {
  const auto* type = field->enum_type();
  const int i = in.ConsumeIntegralInRange(0, type->value_count());
  return i < type->value_count() ? type->value(i)->number() : type->value_count() + 7;
}

// Sets the fields of an event's own message that the columnar events
// table carries (record_columns.h); leaves the others unset.
void FillEventFields(FuzzedDataProvider& in, Message* message) {
  const Descriptor* type = message->GetDescriptor();
  const Reflection* reflection = message->GetReflection();
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    const std::string& name = field->name();
    if (name == "officer_id" && type->name() != "ArrestAfterEnrollment") {
      reflection->SetString(message, field, Pick(in, {"o0", "o1", "o2"}));
    } else if (name == "agency") {
      reflection->SetString(message, field, Pick(in, {"a0", "a1"}));
    } else if (name == "decision_id") {
      reflection->SetString(message, field, Pick(in, {"d0", "d1", "d2", "d3"}));
    } else if (name == "source" && field->type() == FieldDescriptor::TYPE_STRING) {
      reflection->SetString(message, field, Pick(in, {"family", "outreach"}));
    } else if (name == "case_manager_id") {
      reflection->SetString(message, field, Pick(in, {"cm0", "cm1", "cm2"}));
    } else if (name == "provider") {
      reflection->SetString(message, field, Pick(in, {"v0", "v1"}));
    } else if (name == "service_referral_id") {
      reflection->SetString(message, field, Pick(in, {"s0", "s1", "s2", "s3"}));
    } else if ((name == "need" && type->name() == "ServiceReferred") ||
               (name == "status" && type->name() == "StatusChanged") ||
               (name == "decision" && type->name() == "ProsecutorDecided") ||
               (name == "outcome" && type->name() == "ArrestAfterEnrollment") ||
               (name == "reason" && type->name() == "Exited")) {
      reflection->SetEnumValue(message, field, EnumValue(in, field));
    } else if (name == "new_due") {
      if (in.ConsumeBool()) {
        SetDate(in, static_cast<v1::Date*>(reflection->MutableMessage(message, field)));
      }
    } else if (name == "needs") {
      const int count = in.ConsumeIntegralInRange(0, 3);
      for (int k = 0; k < count; ++k) {
        auto* need = static_cast<v1::NeedStatus*>(reflection->AddMessage(message, field));
        need->set_need(static_cast<v1::Need>(
            EnumValue(in, v1::NeedStatus::descriptor()->FindFieldByName("need"))));
        need->set_state(static_cast<v1::NeedState>(
            EnumValue(in, v1::NeedStatus::descriptor()->FindFieldByName("state"))));
      }
    }
  }
}

v1::MetricRecords MakeRecords(FuzzedDataProvider& in) {
  v1::MetricRecords records;
  records.set_site("fuzz");
  if (in.ConsumeBool()) records.set_time_zone("America/New_York");
  const std::vector<std::string> referrals = {"r0", "r1", "r2", "r3", "r4", "r5"};
  const std::vector<std::string> people = {"p0", "p1", "p2", "p3"};
  // Subjects: each referral at most once.
  for (const std::string& id : referrals) {
    if (!in.ConsumeBool()) continue;
    v1::ReferralSubject* subject = records.add_subjects();
    subject->set_referral_id(id);
    subject->set_person_key(Pick(in, people));
    subject->set_precinct(Pick(in, {"1", "2"}));
    subject->set_area(Pick(in, {"North", "South"}));
  }
  // The log. Three times in four it is well formed, as a case-management
  // system writes it (each referral's first event starts it, and no later
  // one does; every event dated; time goes forward), so that logs of many
  // events compute; else anything goes.
  const bool well_formed = in.ConsumeIntegralInRange(0, 3) != 0;
  const auto* oneof = v1::ReferralEvent::descriptor()->FindOneofByName("event");
  const FieldDescriptor* starts[] = {
      v1::ReferralEvent::descriptor()->FindFieldByName("eligibility_recorded"),
      v1::ReferralEvent::descriptor()->FindFieldByName("social_contact_referred")};
  std::vector<const FieldDescriptor*> later_kinds;
  for (int k = 0; k < oneof->field_count(); ++k) {
    if (oneof->field(k) != starts[0] && oneof->field(k) != starts[1]) {
      later_kinds.push_back(oneof->field(k));
    }
  }
  std::vector<bool> started(referrals.size(), false);
  const int events = in.ConsumeIntegralInRange(0, 48);
  int64_t seconds = int64_t{19509} * 86400;
  for (int i = 0; i < events; ++i) {
    v1::ReferralEvent* event = records.add_events();
    const size_t referral = in.ConsumeIntegralInRange<size_t>(0, referrals.size() - 1);
    event->set_referral_id(referrals[referral]);
    if (well_formed || in.ConsumeIntegralInRange(0, 15) != 0) {
      seconds += !well_formed && in.ConsumeIntegralInRange(0, 3) == 0
                     ? -in.ConsumeIntegralInRange<int64_t>(0, 86400 * 3)
                     : in.ConsumeIntegralInRange<int64_t>(0, 86400 * 40);
      event->mutable_occurred_at()->set_seconds(seconds);
    }
    const FieldDescriptor* kind;
    if (!well_formed) {
      kind = oneof->field(in.ConsumeIntegralInRange(0, oneof->field_count() - 1));
    } else if (!started[referral]) {
      kind = starts[in.ConsumeBool() ? 1 : 0];
    } else {
      kind = later_kinds[in.ConsumeIntegralInRange<size_t>(0, later_kinds.size() - 1)];
    }
    started[referral] = true;
    FillEventFields(in, event->GetReflection()->MutableMessage(event, kind));
  }
  for (const std::string& key : people) {
    if (!in.ConsumeBool()) continue;
    v1::PersonRecord* person = records.add_people();
    person->set_person_key(key);
    const int races = in.ConsumeIntegralInRange(0, 2);
    for (int k = 0; k < races; ++k) {
      person->add_race_ethnicity(static_cast<v1::RaceEthnicity>(EnumValue(
          in, v1::PersonRecord::descriptor()->FindFieldByName("race_ethnicity"))));
    }
    if (in.ConsumeBool()) {
      person->add_gender(static_cast<v1::Gender>(
          EnumValue(in, v1::PersonRecord::descriptor()->FindFieldByName("gender"))));
    }
    if (in.ConsumeBool()) {
      SetDate(in, person->mutable_date_of_birth());
      person->mutable_date_of_birth()->set_year(person->date_of_birth().year() -
                                                in.ConsumeIntegralInRange(0, 70));
    }
    person->set_comparison_group(in.ConsumeBool());
  }
  const int encounters = in.ConsumeIntegralInRange(0, 6);
  for (int i = 0; i < encounters; ++i) {
    v1::EncounterRecord* e = records.add_encounters();
    e->set_decision_id(Pick(in, {"d0", "d1", "d2", "d3"}));
    e->set_person_key(Pick(in, people));
    SetDate(in, e->mutable_occurred_on());
    e->set_pathway(static_cast<v1::Pathway>(
        EnumValue(in, v1::EncounterRecord::descriptor()->FindFieldByName("pathway"))));
    e->set_outcome(static_cast<v1::Outcome>(
        EnumValue(in, v1::EncounterRecord::descriptor()->FindFieldByName("outcome"))));
    e->set_precinct(Pick(in, {"1", "2"}));
    e->set_area(Pick(in, {"North", "South"}));
    e->set_agency(Pick(in, {"a0", "a1"}));
    e->set_officer_id(Pick(in, {"o0", "o1", "o2"}));
  }
  const int arrests = in.ConsumeIntegralInRange(0, 6);
  for (int i = 0; i < arrests; ++i) {
    v1::ArrestRecord* a = records.add_arrests();
    a->set_person_key(Pick(in, people));
    SetDate(in, a->mutable_occurred_on());
    a->set_citation(in.ConsumeBool());
    a->set_booked(in.ConsumeBool());
    a->set_charged(in.ConsumeBool());
    a->set_jail_days(in.ConsumeIntegralInRange(0, 30));
    a->set_precinct(Pick(in, {"1", "2"}));
    a->set_area(Pick(in, {"North", "South"}));
  }
  return records;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  const v1::MetricRecords records = MakeRecords(in);
  divert::testing::ColumnOptions options;
  options.integer_ids = in.ConsumeBool();
  options.plain_text = in.ConsumeBool();
  options.person_tables = in.ConsumeBool();
  const divert::testing::OwnedRecordColumns columns(records, options);

  divert::v1::MetricRequest request = divert::fuzz::Year2024ByRace();
  if (in.ConsumeBool()) request.add_breakdowns(v1::GENDER);
  const auto from_records = divert::fuzz::LeadMetricCatalog().Compute(records, request);
  const auto from_columns = divert::fuzz::LeadMetricCatalog().Compute(columns.view(), request);
  if (from_records.ok() != from_columns.ok()) {
    std::fprintf(stderr, "records: %s\ncolumns: %s\n",
                 from_records.status().ToString().c_str(),
                 from_columns.status().ToString().c_str());
    std::abort();
  }
  if (!from_records.ok()) {
    if (from_records.status().message().empty() || from_columns.status().message().empty()) {
      std::abort();
    }
    return 0;
  }
  std::string differences;
  google::protobuf::util::MessageDifferencer differencer;
  differencer.ReportDifferencesToString(&differences);
  if (!differencer.Compare(*from_records, *from_columns)) {
    std::fprintf(stderr, "the reports differ:\n%s\n", differences.c_str());
    std::abort();
  }
  return 0;
}
