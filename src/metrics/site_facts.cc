#include "metrics/site_facts.h"

#include <array>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "divert/referral/lifecycle.h"
#include "metrics/demographics.h"
#include "metrics/local_days.h"

namespace divert::metrics {
namespace {

using Event = v1::ReferralEvent;

constexpr int kNeeds = v1::Need_ARRAYSIZE;

bool IsBehavioralHealth(v1::Need need) {
  return need == v1::MENTAL_HEALTH_COUNSELING ||
         need == v1::SUBSTANCE_USE_TREATMENT;
}

int32_t FirstDay(int32_t current, int32_t day) {
  return current == kNone ? day : current;
}

// A referral while its events are folded.
struct Referral {
  int32_t pathway = 0;
  int32_t stage = 0;
  int32_t source = kNone;
  int32_t agency = kNone;
  int32_t officer = kNone;
  int32_t case_manager = kNone;
  int32_t referred_day = kNone;
  bool offer_declined = false;
  bool approved = false;
  bool denied = false;
  int32_t screened_day = kNone;
  int32_t assessment_day = kNone;
  int32_t enrolled_day = kNone;
  int32_t intake_due_day = kNone;
  int32_t extensions = 0;
  int32_t charge_filed_day = kNone;
  int32_t exited_day = kNone;
  int32_t exit_reason = 0;
  int32_t status = 0;
  int32_t services_referred = 0;
  int32_t services_connected = 0;
  std::array<uint8_t, kNeeds> need_state{};
  uint32_t connected_needs = 0;
  int32_t housing_day = kNone;
  int32_t benefits_day = kNone;
  int32_t behavioral_health_day = kNone;
  int32_t arrests_after_enrollment = 0;
  int32_t legacy_cases = 0;
  int32_t owg_reviews = 0;
  // Its services' rows, to find the one a connection names.
  std::vector<uint32_t> service_rows;
};

// The field indexes of a table, by name, looked up once.
class Fields {
 public:
  explicit Fields(FactTable* table) : table_(table) {}
  int operator()(absl::string_view name) const {
    return table_->FieldIndex(name);
  }

 private:
  FactTable* table_;
};

class Folder {
 public:
  Folder(const v1::MetricRecords& records, int32_t through_day,
         SiteFacts* facts, LocalDays* days)
      : records_(records), through_(through_day), facts_(facts), days_(days) {}

  absl::Status Run() {
    JoinReferralColumns(&facts_->events, &facts_->event_referral);
    JoinReferralColumns(&facts_->services, &facts_->service_referral);
    for (FactTable* table :
         {&facts_->referrals, &facts_->decisions, &facts_->arrests}) {
      table->ShareDictionary(table->FieldIndex("person_key"), people_keys_);
    }
    if (absl::Status s = IndexPeople(); !s.ok()) return s;
    if (absl::Status s = IndexSubjects(); !s.ok()) return s;
    if (absl::Status s = FoldEvents(); !s.ok()) return s;
    WriteReferrals();
    AddDecisions();
    AddMeetings();
    AddArrests();
    AddTrainings();
    AddBenchmarks();
    return absl::OkStatus();
  }

 private:
  absl::Status IndexPeople() {
    people_.reserve(records_.people_size());
    for (int i = 0; i < records_.people_size(); ++i) {
      const v1::PersonRecord& person = records_.people(i);
      const int32_t code = people_keys_->Code(person.person_key());
      if (code < static_cast<int32_t>(people_.size())) {
        return absl::InvalidArgumentError(
            absl::StrCat("people[", i, "]: a person_key listed twice"));
      }
      people_.push_back(metrics::DemographicsOf(person));
    }
    return absl::OkStatus();
  }

  absl::Status IndexSubjects() {
    subjects_.reserve(records_.subjects_size());
    for (int i = 0; i < records_.subjects_size(); ++i) {
      const v1::ReferralSubject& subject = records_.subjects(i);
      if (!subjects_.try_emplace(subject.referral_id(), &subject).second) {
        return absl::InvalidArgumentError(
            absl::StrCat("subjects[", i, "]: referral ", subject.referral_id(),
                         " listed twice"));
      }
    }
    return absl::OkStatus();
  }

  // The person's code in the shared person_key dictionary (people the
  // records do not describe get one too); kNone for no key.
  int32_t PersonCode(const std::string& person_key) {
    if (person_key.empty()) return kNone;
    const int32_t code = people_keys_->Code(person_key);
    if (code >= static_cast<int32_t>(people_.size())) people_.resize(code + 1);
    return code;
  }

  const Demographics* PersonAt(int32_t code) const {
    return code == kNone ? nullptr : &people_[code];
  }

  int32_t Day(const google::protobuf::Timestamp& time) {
    return days_->DayOf(time.seconds());
  }

  void AddEventRow(uint32_t referral, const Event& event, int32_t day) {
    FactTable& table = facts_->events;
    const size_t row = table.AddRow();
    facts_->event_referral.push_back(referral);
    table.Set(row, event_kind_, static_cast<int32_t>(event.event_case()));
    table.Set(row, event_day_, day);
    switch (event.event_case()) {
      case Event::kServiceReferred:
        table.Set(row, event_need_, event.service_referred().need());
        break;
      case Event::kServiceConnected:
        table.Set(row, event_need_, connected_need_);
        break;
      case Event::kProsecutorDecided:
        table.Set(row, event_prosecutor_, event.prosecutor_decided().decision());
        break;
      case Event::kArrestAfterEnrollment:
        table.Set(row, event_arrest_, event.arrest_after_enrollment().outcome());
        break;
      case Event::kStatusChanged:
        table.Set(row, event_status_, event.status_changed().status());
        break;
      default:
        break;
    }
  }

  absl::Status FoldEvents() {
    Fields event_fields(&facts_->events);
    event_kind_ = event_fields("kind");
    event_day_ = event_fields("day");
    event_need_ = event_fields("need");
    event_prosecutor_ = event_fields("prosecutor_decision");
    event_arrest_ = event_fields("arrest_outcome");
    event_status_ = event_fields("status");
    Fields service_fields(&facts_->services);
    service_need_ = service_fields("need");
    service_provider_ = service_fields("provider");
    service_referred_ = service_fields("referred_day");
    service_connected_ = service_fields("connected_day");
    service_days_ = service_fields("days_to_connect");
    service_is_connected_ = service_fields("connected");
    FactTable& referral_table = facts_->referrals;
    Fields referral_fields(&referral_table);
    const int source = referral_fields("source");
    const int agency = referral_fields("agency");
    const int officer = referral_fields("officer_id");
    const int case_manager = referral_fields("case_manager_id");

    const int deadline = records_.settings().intake_deadline_days() > 0
                             ? records_.settings().intake_deadline_days()
                             : kDefaultIntakeDeadlineDays;
    const bool needs_approval =
        records_.settings().social_contact_requires_owg_approval();
    facts_->events.Reserve(records_.events_size());
    facts_->event_referral.reserve(records_.events_size());
    index_.reserve(records_.events_size() / 8 + 16);

    absl::string_view last_id;
    uint32_t last_row = 0;
    for (int i = 0; i < records_.events_size(); ++i) {
      const Event& event = records_.events(i);
      if (!event.has_occurred_at()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "events[", i, "] (referral ", event.referral_id(),
            "): occurred_at is missing"));
      }
      const int32_t day = Day(event.occurred_at());
      const bool starts = event.has_eligibility_recorded() ||
                          event.has_social_contact_referred();
      uint32_t row;
      if (starts) {
        auto [it, inserted] = index_.try_emplace(
            event.referral_id(), static_cast<uint32_t>(referrals_.size()));
        if (!inserted) {
          return absl::InvalidArgumentError(absl::StrCat(
              "events[", i, "] (referral ", event.referral_id(),
              "): the referral starts twice"));
        }
        row = it->second;
        if (day > through_) {
          // Not yet referred on the day: leave it out entirely.
          index_.erase(it);
          skipped_.insert(event.referral_id());
          continue;
        }
        referrals_.emplace_back();
        referral_ids_.push_back(&event.referral_id());
        Referral& r = referrals_.back();
        r.referred_day = day;
        r.intake_due_day = day + deadline;
        if (event.has_eligibility_recorded()) {
          const v1::EligibilityRecorded& e = event.eligibility_recorded();
          r.pathway = v1::ARREST_DIVERSION;
          r.stage = v1::ELIGIBILITY_RECORDED;
          r.officer = referral_table.dictionary(officer).Code(e.officer_id());
          r.agency = referral_table.dictionary(agency).Code(e.agency());
          decisions_referred_.insert(e.decision_id());
        } else {
          const v1::SocialContactReferred& e = event.social_contact_referred();
          r.pathway = v1::SOCIAL_CONTACT;
          r.stage = needs_approval ? v1::PENDING_VETTING : v1::APPROVED;
          r.source = referral_table.dictionary(source).Code(e.source());
          r.officer = referral_table.dictionary(officer).Code(e.officer_id());
          r.agency = referral_table.dictionary(agency).Code(e.agency());
          if (!e.decision_id().empty()) {
            decisions_referred_.insert(e.decision_id());
          }
        }
        last_id = event.referral_id();
        last_row = row;
        AddEventRow(row, event, day);
        continue;
      }
      if (event.referral_id() == last_id && !last_id.empty()) {
        row = last_row;
      } else {
        auto it = index_.find(event.referral_id());
        if (it == index_.end()) {
          if (skipped_.contains(event.referral_id())) continue;
          return absl::InvalidArgumentError(absl::StrCat(
              "events[", i, "] (referral ", event.referral_id(),
              "): the referral has no eligibility_recorded or "
              "social_contact_referred event before it"));
        }
        row = it->second;
        last_id = event.referral_id();
        last_row = row;
      }
      if (day > through_) continue;
      connected_need_ = 0;
      Apply(event, day, row, case_manager);
      AddEventRow(row, event, day);
    }
    return absl::OkStatus();
  }

  void Apply(const Event& event, int32_t day, uint32_t row, int case_manager) {
    Referral& r = referrals_[row];
    switch (event.event_case()) {
      case Event::kOfferMade:
        r.stage = v1::OFFER_MADE;
        break;
      case Event::kOfferDeclined:
        r.stage = v1::OFFER_DECLINED;
        r.offer_declined = true;
        break;
      case Event::kOfferAccepted:
        r.stage = v1::OFFER_ACCEPTED;
        break;
      case Event::kWarmHandOff:
        r.case_manager = facts_->referrals.dictionary(case_manager)
                             .Code(event.warm_hand_off().case_manager_id());
        break;
      case Event::kReferralApproved:
        r.stage = v1::APPROVED;
        r.approved = true;
        break;
      case Event::kReferralDenied:
        r.stage = v1::DENIED;
        r.denied = true;
        break;
      case Event::kInitialScreening:
        r.screened_day = FirstDay(r.screened_day, day);
        for (const v1::NeedStatus& need : event.initial_screening().needs()) {
          if (need.need() > 0 && need.need() < kNeeds) {
            r.need_state[need.need()] = static_cast<uint8_t>(need.state());
          }
        }
        break;
      case Event::kNeedsRecorded:
        for (const v1::NeedStatus& need : event.needs_recorded().needs()) {
          if (need.need() > 0 && need.need() < kNeeds) {
            r.need_state[need.need()] = static_cast<uint8_t>(need.state());
          }
        }
        break;
      case Event::kAssessmentCompleted:
        r.assessment_day = FirstDay(r.assessment_day, day);
        break;
      case Event::kEnrolled:
        r.stage = v1::ENROLLED;
        r.enrolled_day = day;
        r.status = v1::ACTIVE;
        break;
      case Event::kExtensionGranted: {
        ++r.extensions;
        const int32_t due = DayNumber(event.extension_granted().new_due());
        if (due != kNone) r.intake_due_day = due;
        break;
      }
      case Event::kChargeFiled:
        r.stage = v1::CHARGE_FILED;
        r.charge_filed_day = day;
        break;
      case Event::kStatusChanged:
        r.status = event.status_changed().status();
        break;
      case Event::kServiceReferred: {
        FactTable& services = facts_->services;
        const size_t service = services.AddRow();
        facts_->service_referral.push_back(row);
        service_ids_.push_back(&event.service_referred().service_referral_id());
        services.Set(service, service_need_, event.service_referred().need());
        services.Set(service, service_provider_,
                     services.dictionary(service_provider_)
                         .Code(event.service_referred().provider()));
        services.Set(service, service_referred_, day);
        r.service_rows.push_back(static_cast<uint32_t>(service));
        ++r.services_referred;
        break;
      }
      case Event::kServiceConnected:
        Connect(event.service_connected().service_referral_id(), day, &r);
        break;
      case Event::kArrestAfterEnrollment:
        ++r.arrests_after_enrollment;
        break;
      case Event::kLegacyCaseRecorded:
        ++r.legacy_cases;
        break;
      case Event::kOwgReviewed:
        ++r.owg_reviews;
        break;
      case Event::kExited:
        r.stage = v1::EXITED;
        r.exited_day = day;
        r.exit_reason = event.exited().reason();
        break;
      default:
        break;
    }
  }

  void Connect(const std::string& id, int32_t day, Referral* r) {
    FactTable& services = facts_->services;
    for (uint32_t service : r->service_rows) {
      if (*service_ids_[service] != id) continue;
      const int32_t need = services.Column(service_need_)[service];
      connected_need_ = need;
      if (services.Column(service_connected_)[service] != kNone) return;
      const int32_t referred = services.Column(service_referred_)[service];
      services.Set(service, service_connected_, day);
      services.Set(service, service_days_, day - referred);
      services.Set(service, service_is_connected_, 1);
      ++r->services_connected;
      if (need > 0 && need < 32) r->connected_needs |= 1u << need;
      if (need == v1::EMERGENCY_HOUSING) {
        r->housing_day = FirstDay(r->housing_day, day);
      } else if (need == v1::PUBLIC_BENEFITS) {
        r->benefits_day = FirstDay(r->benefits_day, day);
      } else if (IsBehavioralHealth(static_cast<v1::Need>(need))) {
        r->behavioral_health_day = FirstDay(r->behavioral_health_day, day);
      }
      return;
    }
  }

  void WriteReferrals() {
    FactTable& table = facts_->referrals;
    Fields f(&table);
    const int pathway = f("pathway"), stage = f("stage"), source = f("source"),
              agency = f("agency"), officer = f("officer_id"),
              case_manager = f("case_manager_id"), precinct = f("precinct"),
              area = f("area"), race = f("race"), bipoc = f("bipoc"),
              race_known = f("race_known"), gender = f("gender"),
              age_group = f("age_group"), comparison = f("comparison_group"),
              referred = f("referred_day"), declined = f("offer_declined"),
              approved = f("approved"), denied = f("denied"),
              screened = f("screened_day"), assessment = f("assessment_day"),
              enrolled = f("enrolled_day"), due = f("intake_due_day"),
              days_to_intake = f("days_to_intake"),
              within = f("intake_within_deadline"),
              extensions = f("extensions"), filed = f("charge_filed_day"),
              exited = f("exited_day"), exit_reason = f("exit_reason"),
              status = f("status"), referred_services = f("services_referred"),
              connected_services = f("services_connected"),
              unmet = f("unmet_needs"), housing = f("housing_connected_day"),
              benefits = f("benefits_connected_day"),
              bh = f("behavioral_health_connected_day"),
              sheltered_bh = f("sheltered_and_bh_within_14_days"),
              arrests = f("arrests_after_enrollment"),
              legacy = f("legacy_cases"), reviews = f("owg_reviews"),
              person_key = f("person_key");
    table.Reserve(referrals_.size());
    for (size_t i = 0; i < referrals_.size(); ++i) {
      const Referral& r = referrals_[i];
      const size_t row = table.AddRow();
      table.Set(row, pathway, r.pathway);
      table.Set(row, stage, r.stage);
      table.Set(row, source, r.source);
      table.Set(row, agency, r.agency);
      table.Set(row, officer, r.officer);
      table.Set(row, case_manager, r.case_manager);
      const v1::ReferralSubject* subject = nullptr;
      if (auto it = subjects_.find(*referral_ids_[i]); it != subjects_.end()) {
        subject = it->second;
      }
      const int32_t person_code =
          subject == nullptr ? kNone : PersonCode(subject->person_key());
      const Demographics* person = PersonAt(person_code);
      SetPlace(&table, row, precinct, area, subject);
      SetPerson(&table, row, person, r.referred_day, race, bipoc, race_known,
                gender, age_group);
      table.Set(row, comparison, person != nullptr && person->comparison_group);
      table.Set(row, person_key, person_code);
      table.Set(row, referred, r.referred_day);
      table.Set(row, declined, r.offer_declined);
      table.Set(row, approved, r.approved);
      table.Set(row, denied, r.denied);
      table.Set(row, screened, r.screened_day);
      table.Set(row, assessment, r.assessment_day);
      table.Set(row, enrolled, r.enrolled_day);
      table.Set(row, due, r.intake_due_day);
      if (r.enrolled_day != kNone) {
        table.Set(row, days_to_intake, r.enrolled_day - r.referred_day);
        table.Set(row, within, r.enrolled_day <= r.intake_due_day);
      }
      table.Set(row, extensions, r.extensions);
      table.Set(row, filed, r.charge_filed_day);
      table.Set(row, exited, r.exited_day);
      table.Set(row, exit_reason, r.exit_reason);
      table.Set(row, status, r.status);
      table.Set(row, referred_services, r.services_referred);
      table.Set(row, connected_services, r.services_connected);
      int32_t unmet_needs = 0;
      for (int need = 1; need < kNeeds; ++need) {
        const bool needed = r.need_state[need] == v1::NEEDS ||
                            r.need_state[need] == v1::REFERRED;
        if (needed && (r.connected_needs & (1u << need)) == 0) ++unmet_needs;
      }
      table.Set(row, unmet, unmet_needs);
      table.Set(row, housing, r.housing_day);
      table.Set(row, benefits, r.benefits_day);
      table.Set(row, bh, r.behavioral_health_day);
      table.Set(row, sheltered_bh,
                r.screened_day != kNone && r.housing_day != kNone &&
                    r.behavioral_health_day != kNone &&
                    r.housing_day - r.screened_day <= 14 &&
                    r.behavioral_health_day - r.screened_day <= 14);
      table.Set(row, arrests, r.arrests_after_enrollment);
      table.Set(row, legacy, r.legacy_cases);
      table.Set(row, reviews, r.owg_reviews);
      if (r.enrolled_day != kNone && person_code != kNone) {
        if (enrolled_since_.size() <= static_cast<size_t>(person_code)) {
          enrolled_since_.resize(people_.size(), kNone);
        }
        int32_t& since = enrolled_since_[person_code];
        if (since == kNone || r.enrolled_day < since) since = r.enrolled_day;
      }
    }
  }

  static void SetPlace(FactTable* table, size_t row, int precinct, int area,
                       const v1::ReferralSubject* subject) {
    if (subject == nullptr) return;
    if (!subject->precinct().empty()) {
      table->Set(row, precinct,
                 table->dictionary(precinct).Code(subject->precinct()));
    }
    if (!subject->area().empty()) {
      table->Set(row, area, table->dictionary(area).Code(subject->area()));
    }
  }

  static void SetPerson(FactTable* table, size_t row, const Demographics* person,
                        int32_t day, int race, int bipoc, int race_known,
                        int gender, int age_group) {
    if (person == nullptr) {
      table->Set(row, race, v1::RACE_GROUP_UNKNOWN);
      table->Set(row, gender, v1::GENDER_GROUP_UNKNOWN);
      table->Set(row, age_group, v1::AGE_UNKNOWN);
      return;
    }
    table->Set(row, race, person->race);
    table->Set(row, bipoc, person->bipoc);
    table->Set(row, race_known, person->race_known);
    table->Set(row, gender, person->gender);
    table->Set(row, age_group, AgeGroupOn(person->born_day, day));
  }

  void JoinReferralColumns(FactTable* table, const std::vector<uint32_t>* rows) {
    for (const char* name :
         {"pathway", "source", "case_manager_id", "precinct", "area", "race",
          "bipoc", "race_known", "gender", "age_group", "person_key"}) {
      const int index = table->FieldIndex(name);
      if (index >= 0) table->JoinColumn(index, facts_->referrals, rows);
    }
  }

  void AddDecisions() {
    FactTable& table = facts_->decisions;
    Fields f(&table);
    const int outcome = f("outcome"), pathway = f("pathway"), day = f("day"),
              precinct = f("precinct"), area = f("area"), agency = f("agency"),
              officer = f("officer_id"), race = f("race"), bipoc = f("bipoc"),
              race_known = f("race_known"), gender = f("gender"),
              age_group = f("age_group"), referred = f("referred"),
              person_key = f("person_key");
    for (const v1::EncounterRecord& e : records_.encounters()) {
      const size_t row = table.AddRow();
      const int32_t on = DayNumber(e.occurred_on());
      table.Set(row, outcome, e.outcome());
      table.Set(row, pathway, e.pathway());
      table.Set(row, day, on);
      SetText(&table, row, precinct, e.precinct());
      SetText(&table, row, area, e.area());
      SetText(&table, row, agency, e.agency());
      SetText(&table, row, officer, e.officer_id());
      const int32_t person = PersonCode(e.person_key());
      table.Set(row, person_key, person);
      SetPerson(&table, row, PersonAt(person), on, race, bipoc,
                race_known, gender, age_group);
      table.Set(row, referred, decisions_referred_.contains(e.decision_id()));
    }
  }

  static void SetText(FactTable* table, size_t row, int field,
                      const std::string& text) {
    if (!text.empty()) table->Set(row, field, table->dictionary(field).Code(text));
  }

  void AddMeetings() {
    FactTable& table = facts_->meetings;
    Fields f(&table);
    const int body = f("body"), day = f("day"), invited = f("invited"),
              attended = f("attended");
    for (const v1::MeetingRecord& m : records_.meetings()) {
      const size_t row = table.AddRow();
      table.Set(row, body, m.body());
      table.Set(row, day, DayNumber(m.held_on()));
      table.Set(row, invited, m.invited());
      table.Set(row, attended, m.attended());
    }
  }

  void AddArrests() {
    FactTable& table = facts_->arrests;
    Fields f(&table);
    const int day = f("day"), citation = f("citation"), booked = f("booked"),
              charged = f("charged"), jail_days = f("jail_days"),
              eligible = f("lead_eligible"), precinct = f("precinct"),
              area = f("area"), race = f("race"), bipoc = f("bipoc"),
              race_known = f("race_known"), gender = f("gender"),
              age_group = f("age_group"), after = f("after_enrollment"),
              participant = f("participant"),
              comparison = f("comparison_group"), person_key = f("person_key");
    for (const v1::ArrestRecord& a : records_.arrests()) {
      const size_t row = table.AddRow();
      const int32_t on = DayNumber(a.occurred_on());
      table.Set(row, day, on);
      table.Set(row, citation, a.citation());
      table.Set(row, booked, a.booked());
      table.Set(row, charged, a.charged());
      table.Set(row, jail_days, a.jail_days());
      table.Set(row, eligible, a.lead_eligible());
      SetText(&table, row, precinct, a.precinct());
      SetText(&table, row, area, a.area());
      const int32_t code = PersonCode(a.person_key());
      table.Set(row, person_key, code);
      const Demographics* person = PersonAt(code);
      SetPerson(&table, row, person, on, race, bipoc, race_known, gender,
                age_group);
      table.Set(row, comparison, person != nullptr && person->comparison_group);
      const int32_t since =
          code != kNone && static_cast<size_t>(code) < enrolled_since_.size()
              ? enrolled_since_[code]
              : kNone;
      table.Set(row, participant, since != kNone);
      table.Set(row, after, since != kNone && on != kNone && since <= on);
    }
  }

  void AddTrainings() {
    FactTable& table = facts_->trainings;
    Fields f(&table);
    const int day = f("day"), agency = f("agency"), officer = f("officer_id");
    for (const v1::TrainingRecord& t : records_.trainings()) {
      const size_t row = table.AddRow();
      table.Set(row, day, DayNumber(t.trained_on()));
      SetText(&table, row, agency, t.agency());
      SetText(&table, row, officer, t.officer_id());
    }
  }

  void AddBenchmarks() {
    for (const v1::BenchmarkPopulation& b : records_.benchmarks()) {
      std::map<int32_t, int64_t>& groups = facts_->benchmarks[b.name()];
      for (const v1::BenchmarkPopulation::Group& g : b.groups()) {
        groups[g.race()] += g.people();
      }
    }
  }

  const v1::MetricRecords& records_;
  const int32_t through_;
  SiteFacts* facts_;
  LocalDays* days_;

  // Keys are copied (short ids fit in the map's slots): a lookup then
  // touches the map, not the record the key came from.
  std::shared_ptr<Dictionary> people_keys_ = std::make_shared<Dictionary>();
  std::vector<Demographics> people_;
  absl::flat_hash_map<std::string, const v1::ReferralSubject*> subjects_;
  absl::flat_hash_map<std::string, uint32_t> index_;
  absl::flat_hash_set<std::string> skipped_;
  absl::flat_hash_set<std::string> decisions_referred_;
  // By person code: the first enrolment day.
  std::vector<int32_t> enrolled_since_;
  std::vector<Referral> referrals_;
  std::vector<const std::string*> referral_ids_;
  std::vector<const std::string*> service_ids_;

  int event_kind_ = -1, event_day_ = -1, event_need_ = -1,
      event_prosecutor_ = -1, event_arrest_ = -1, event_status_ = -1;
  int service_need_ = -1, service_provider_ = -1, service_referred_ = -1,
      service_connected_ = -1, service_days_ = -1, service_is_connected_ = -1;
  int32_t connected_need_ = 0;
};

}  // namespace

SiteFacts::SiteFacts()
    : referrals(v1::ReferralFacts::descriptor()),
      events(v1::EventFacts::descriptor()),
      services(v1::ServiceFacts::descriptor()),
      decisions(v1::DecisionFacts::descriptor()),
      meetings(v1::MeetingFacts::descriptor()),
      arrests(v1::ArrestFacts::descriptor()),
      trainings(v1::TrainingFacts::descriptor()) {}

const FactTable* SiteFacts::Table(v1::RecordKind kind) const {
  switch (kind) {
    case v1::DECISIONS:
      return &decisions;
    case v1::REFERRALS:
    case v1::PARTICIPANTS:
      return &referrals;
    case v1::EVENTS:
      return &events;
    case v1::SERVICE_REFERRALS:
      return &services;
    case v1::MEETINGS:
      return &meetings;
    case v1::ARRESTS:
      return &arrests;
    case v1::TRAININGS:
      return &trainings;
    default:
      return nullptr;
  }
}

absl::StatusOr<std::unique_ptr<SiteFacts>> FoldRecords(
    const v1::MetricRecords& records, int32_t through_day) {
  absl::TimeZone zone = absl::UTCTimeZone();
  if (!records.time_zone().empty() &&
      !absl::LoadTimeZone(records.time_zone(), &zone)) {
    return absl::InvalidArgumentError(
        absl::StrCat("time_zone: unknown time zone '", records.time_zone(), "'"));
  }
  auto facts = std::make_unique<SiteFacts>();
  facts->site = records.site();
  facts->synthetic = records.synthetic();
  facts->through_day = through_day;
  LocalDays days(zone);
  Folder folder(records, through_day, facts.get(), &days);
  if (absl::Status status = folder.Run(); !status.ok()) return status;
  return facts;
}

}  // namespace divert::metrics
