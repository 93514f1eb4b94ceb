#include "divert/metrics/synthetic_site.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace divert::metrics {
namespace {

constexpr int64_t kDay = 86400;
// Events happen from 14:00 UTC (morning in the Americas), a minute apart.
constexpr int64_t kFirstEventOfDay = 14 * 3600;

// SplitMix64: small, fast and the same everywhere.
class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform in [0, 1).
  double Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }
  bool Chance(double p) { return Unit() < p; }
  // Uniform in [low, high].
  int Between(int low, int high) {
    return low + static_cast<int>(Next() % static_cast<uint64_t>(high - low + 1));
  }
  // An index drawn with the given weights.
  template <size_t N>
  int Pick(const std::array<double, N>& weights) {
    double total = 0;
    for (double w : weights) total += w;
    double x = Unit() * total;
    for (size_t i = 0; i < N; ++i) {
      if (x < weights[i]) return static_cast<int>(i);
      x -= weights[i];
    }
    return static_cast<int>(N - 1);
  }

 private:
  uint64_t state_;
};

// An event before it becomes a message: when, whose, what kind (the
// ReferralEvent field number), and two numbers whose meaning the kind says.
struct Pending {
  int64_t time;
  uint64_t order;
  uint32_t referral;
  uint8_t kind;
  uint8_t role;
  int32_t a;
  int32_t b;
};

constexpr std::array<v1::RaceEthnicity, 8> kRaces = {
    v1::BLACK_AFRICAN_AMERICAN_OR_AFRICAN, v1::WHITE, v1::HISPANIC_LATINA_E_O,
    v1::AMERICAN_INDIAN_ALASKA_NATIVE_OR_INDIGENOUS, v1::ASIAN_OR_ASIAN_AMERICAN,
    v1::NATIVE_HAWAIIAN_OR_PACIFIC_ISLANDER, v1::MIDDLE_EASTERN_OR_NORTH_AFRICAN,
    v1::RACE_DATA_NOT_COLLECTED};
// Referred people: more Black and fewer White people than the residents.
constexpr std::array<double, 9> kReferredRaceWeights = {37, 36, 14, 3, 3, 1, 1, 2, 3};
constexpr std::array<v1::Gender, 5> kGenders = {
    v1::MAN, v1::WOMAN, v1::TRANSGENDER, v1::NON_BINARY, v1::GENDER_DATA_NOT_COLLECTED};
constexpr std::array<double, 5> kGenderWeights = {68, 28, 1.5, 1.5, 1};
constexpr std::array<const char*, 6> kPrecincts = {"P1", "P2", "P3", "P4", "P5", "P6"};
constexpr std::array<const char*, 6> kAreas = {"North", "North", "Central",
                                               "Central", "South", "South"};
constexpr std::array<v1::Need, 8> kNeeds = {
    v1::EMERGENCY_HOUSING, v1::MENTAL_HEALTH_COUNSELING, v1::SUBSTANCE_USE_TREATMENT,
    v1::PUBLIC_BENEFITS, v1::IDENTIFICATION, v1::HEALTH_CARE, v1::FOOD_CLOTHING,
    v1::EMPLOYMENT};
constexpr std::array<const char*, 8> kProviders = {
    "Shelter network", "Community clinic", "Treatment center", "Benefits office",
    "ID clinic", "Health center", "Food bank", "Job center"};
constexpr std::array<const char*, 4> kCharges = {"PL 220.03", "PL 165.15", "PL 140.05",
                                                 "PL 230.00"};

void SetDate(absl::CivilDay day, v1::Date* date) {
  date->set_year(static_cast<int32_t>(day.year()));
  date->set_month(day.month());
  date->set_day(day.day());
}

absl::CivilDay DayOf(int64_t day_number) {
  return absl::CivilDay(1970, 1, 1) + day_number;
}

class Generator {
 public:
  Generator(const SyntheticSiteOptions& options, v1::MetricRecords* out)
      : options_(options),
        random_(options.seed),
        out_(out),
        start_day_(options.start - absl::CivilDay(1970, 1, 1)),
        case_managers_(std::max(2, options.referrals / 150)),
        officers_(std::max(4, options.referrals / 100)) {}

  void Run() {
    Settings();
    People();
    for (int r = 0; r < options_.referrals; ++r) Referral(static_cast<uint32_t>(r));
    Events();
    Meetings();
    Trainings();
    Comparison();
    Benchmarks();
  }

 private:
  void Settings() {
    out_->set_site("Lakeside County LEAD (SYNTHETIC)");
    out_->set_synthetic(true);
    out_->set_time_zone("America/Chicago");
    v1::ProgramSettings* s = out_->mutable_settings();
    s->set_intake_deadline_days(30);
    s->set_social_contact_requires_owg_approval(true);
    v1::ReferralSource* police = s->add_referral_sources();
    police->set_name("Police");
    police->add_pathways(v1::ARREST_DIVERSION);
    police->add_pathways(v1::SOCIAL_CONTACT);
    v1::ReferralSource* outreach = s->add_referral_sources();
    outreach->set_name("Street outreach");
    outreach->add_pathways(v1::SOCIAL_CONTACT);
    v1::ReferralSource* community = s->add_referral_sources();
    community->set_name("Community partner");
    community->add_pathways(v1::SOCIAL_CONTACT);
    s->mutable_extensions()->set_allowed(true);
    s->mutable_extensions()->set_extension_days(30);
    s->mutable_extensions()->set_max_extensions(2);
    s->mutable_extensions()->set_requires_engagement_plan(true);
    for (int c = 0; c < case_managers_; ++c) {
      s->add_case_managers()->set_id(absl::StrCat("cm-", c + 1));
    }
    s->set_preferred_caseload(15);
    s->set_maximum_caseload(25);
  }

  void People() {
    const int people = std::max(1, options_.referrals * 85 / 100);
    out_->mutable_people()->Reserve(people + options_.referrals * 3 / 10);
    for (int p = 0; p < people; ++p) AddPerson(false);
  }

  void AddPerson(bool comparison) {
    v1::PersonRecord* person = out_->add_people();
    person->set_person_key(absl::StrCat("P", out_->people_size()));
    const int race = random_.Pick(kReferredRaceWeights);
    if (race == 8) {  // two categories
      person->add_race_ethnicity(v1::BLACK_AFRICAN_AMERICAN_OR_AFRICAN);
      person->add_race_ethnicity(v1::WHITE);
    } else {
      person->add_race_ethnicity(kRaces[race]);
    }
    person->add_gender(kGenders[random_.Pick(kGenderWeights)]);
    const absl::CivilDay born =
        options_.start - random_.Between(18 * 365, 70 * 365);
    SetDate(born, person->mutable_date_of_birth());
    person->set_comparison_group(comparison);
  }

  void Add(uint32_t referral, int64_t day, uint8_t kind, v1::Role role,
           int32_t a = 0, int32_t b = 0) {
    int64_t& last = last_day_[referral];
    if (day < last) day = last;
    last = day;
    const int64_t time = day * kDay + kFirstEventOfDay + 60 * (seq_[referral]++);
    pending_.push_back({time, pending_.size(), referral, kind,
                        static_cast<uint8_t>(role), a, b});
  }

  void Referral(uint32_t r) {
    last_day_.push_back(0);
    seq_.push_back(0);
    const int64_t day0 = start_day_ + random_.Between(0, options_.days - 1);
    const int person = random_.Between(1, std::max(1, options_.referrals * 85 / 100));
    const int precinct = random_.Between(0, 5);
    v1::ReferralSubject* subject = out_->add_subjects();
    subject->set_referral_id(absl::StrCat("R", r + 1));
    subject->set_person_key(absl::StrCat("P", person));
    subject->set_precinct(kPrecincts[precinct]);
    subject->set_area(kAreas[precinct]);
    const int officer = random_.Between(1, officers_);
    const int case_manager = random_.Between(1, case_managers_);
    const bool diversion = random_.Chance(0.65);
    int64_t intake_start = day0;
    if (diversion) {
      AddEncounter(r, person, day0, v1::ARREST_DIVERSION, v1::ELIGIBLE, precinct,
                   officer);
      Add(r, day0, Event::kEligibilityRecorded, v1::ROLE_OFFICER, r + 1, officer);
      Add(r, day0, Event::kOfferMade, v1::ROLE_OFFICER);
      if (random_.Chance(0.10)) {
        Add(r, day0, Event::kOfferDeclined, v1::ROLE_OFFICER);
        AddArrest(person, day0, true, precinct, random_.Between(0, 5));
        return;
      }
      Add(r, day0, Event::kOfferAccepted, v1::ROLE_OFFICER);
      Add(r, day0, Event::kWarmHandOff, v1::ROLE_OFFICER, case_manager);
      Add(r, day0, Event::kOfficerReportFiled, v1::ROLE_OFFICER);
    } else {
      const int source = random_.Pick(std::array<double, 3>{55, 35, 10});
      Add(r, day0, Event::kSocialContactReferred, v1::ROLE_OFFICER, source, officer);
      const int64_t vetted = day0 + random_.Between(2, 14);
      const double p = random_.Unit();
      if (p < 0.05) {
        Add(r, vetted, Event::kVettingPending, v1::ROLE_OWG);
        return;
      }
      if (p < 0.20) {
        Add(r, vetted, Event::kReferralDenied, v1::ROLE_OWG);
        return;
      }
      Add(r, vetted, Event::kReferralApproved, v1::ROLE_OWG, officer);
      intake_start = vetted;
    }

    // Intake: most within days, some slow.
    const double speed = random_.Unit();
    int delay = speed < 0.55 ? random_.Between(0, 2)
                : speed < 0.85 ? random_.Between(3, 25)
                               : random_.Between(31, 80);
    const int64_t due = day0 + 30;
    const int64_t screened = intake_start + std::min(delay, 1);
    const int needs = random_.Between(1, 3);
    uint32_t need_mask = 0;
    for (int n = 0; n < needs; ++n) need_mask |= 1u << random_.Between(0, 7);
    Add(r, screened, Event::kInitialScreening, v1::ROLE_CASE_MANAGER,
        static_cast<int32_t>(need_mask));
    if (intake_start + delay > due) {
      if (!diversion || random_.Chance(0.35)) {
        // No intake: social contact referrals stay open; arrest diversions
        // are filed once the deadline has passed.
        if (diversion) Add(r, due + random_.Between(1, 20), Event::kChargeFiled,
                           v1::ROLE_PROSECUTOR);
        if (diversion) AddArrest(person, due + 21, true, precinct, random_.Between(0, 10));
        return;
      }
      Add(r, due - random_.Between(0, 5), Event::kExtensionGranted, v1::ROLE_OWG,
          static_cast<int32_t>(due + 30));
      delay = std::min<int>(delay, static_cast<int>(due + 30 - intake_start));
    }
    const int64_t enrolled = intake_start + delay;
    Add(r, enrolled, Event::kConsentGiven, v1::ROLE_CASE_MANAGER);
    Add(r, enrolled, Event::kRoiSigned, v1::ROLE_CASE_MANAGER);
    Add(r, enrolled, Event::kAssessmentCompleted, v1::ROLE_CASE_MANAGER);
    Add(r, enrolled, Event::kEnrolled, v1::ROLE_CASE_MANAGER);

    // Participation.
    int service = 0;
    for (int n = 0; n < 8; ++n) {
      if ((need_mask & (1u << n)) == 0 || !random_.Chance(0.8)) continue;
      const int64_t referred = enrolled + random_.Between(0, 10);
      Add(r, referred, Event::kServiceReferred, v1::ROLE_CASE_MANAGER, n, ++service);
      if (random_.Chance(0.7)) {
        Add(r, referred + random_.Between(1, 30), Event::kServiceConnected,
            v1::ROLE_CASE_MANAGER, n, service);
      }
    }
    if (random_.Chance(0.10)) {
      Add(r, enrolled + 3, Event::kLegacyCaseRecorded, v1::ROLE_CASE_MANAGER);
      Add(r, enrolled + random_.Between(14, 60), Event::kProsecutorDecided,
          v1::ROLE_PROSECUTOR, random_.Between(1, 5));
    }
    if (random_.Chance(0.25)) {
      Add(r, enrolled + random_.Between(30, 150), Event::kStatusChanged,
          v1::ROLE_CASE_MANAGER, v1::INACTIVE);
    }
    if (random_.Chance(0.20)) {
      const int64_t arrested = enrolled + random_.Between(10, 300);
      Add(r, arrested, Event::kArrestAfterEnrollment, v1::ROLE_OFFICER,
          random_.Chance(0.6) ? v1::DIVERTED_AGAIN : v1::BOOKED, r + 1);
      AddArrest(person, arrested, random_.Chance(0.8), precinct, random_.Between(0, 4));
    }
    if (random_.Chance(0.08)) {
      Add(r, enrolled + random_.Between(20, 400), Event::kExited,
          v1::ROLE_CASE_MANAGER,
          random_.Chance(0.7) ? v1::WITHDREW : v1::CODE_OF_CONDUCT_VIOLATION);
    }
  }

  void AddEncounter(uint32_t r, int person, int64_t day, v1::Pathway pathway,
                    v1::Outcome outcome, int precinct, int officer) {
    v1::EncounterRecord* e = out_->add_encounters();
    e->set_decision_id(absl::StrCat("syn-dec-", r + 1));
    e->set_person_key(absl::StrCat("P", person));
    SetDate(DayOf(day), e->mutable_occurred_on());
    e->set_pathway(pathway);
    e->set_outcome(outcome);
    e->set_precinct(kPrecincts[precinct]);
    e->set_area(kAreas[precinct]);
    e->set_agency("Lakeside PD");
    e->set_officer_id(absl::StrCat("o", officer));
    // Encounters that did not lead to this referral: other outcomes, and
    // eligible people the officer did not divert.
    if (random_.Chance(0.6)) {
      v1::EncounterRecord* other = out_->add_encounters();
      *other = *e;
      other->set_decision_id(absl::StrCat("syn-dec-x", r + 1));
      const int outcome_index = random_.Pick(std::array<double, 4>{30, 45, 20, 5});
      constexpr std::array<v1::Outcome, 4> kOutcomes = {
          v1::ELIGIBLE, v1::NOT_ELIGIBLE, v1::EXCLUDED, v1::NEEDS_REVIEW};
      other->set_outcome(kOutcomes[outcome_index]);
      other->set_person_key(
          absl::StrCat("P", random_.Between(1, std::max(1, options_.referrals * 85 / 100))));
      SetDate(DayOf(day - random_.Between(0, 20)), other->mutable_occurred_on());
    }
  }

  void AddArrest(int person, int64_t day, bool eligible, int precinct, int jail) {
    v1::ArrestRecord* a = out_->add_arrests();
    a->set_person_key(absl::StrCat("P", person));
    SetDate(DayOf(day), a->mutable_occurred_on());
    const bool cited = random_.Chance(0.2);
    a->set_citation(cited);
    a->set_booked(!cited);
    a->set_charged(!cited && random_.Chance(0.7));
    a->set_jail_days(cited ? 0 : jail);
    a->set_lead_eligible(eligible);
    a->set_precinct(kPrecincts[precinct]);
    a->set_area(kAreas[precinct]);
  }

  using Event = v1::ReferralEvent;

  void Events() {
    std::sort(pending_.begin(), pending_.end(),
              [](const Pending& x, const Pending& y) {
                return x.time != y.time ? x.time < y.time : x.order < y.order;
              });
    out_->mutable_events()->Reserve(static_cast<int>(pending_.size()));
    for (const Pending& p : pending_) Materialize(p, out_->add_events());
    pending_.clear();
    pending_.shrink_to_fit();
  }

  void Materialize(const Pending& p, Event* event) {
    event->set_referral_id(absl::StrCat("R", p.referral + 1));
    event->mutable_occurred_at()->set_seconds(p.time);
    event->mutable_recorded_at()->set_seconds(p.time + 3600);
    event->mutable_recorded_by()->set_role(static_cast<v1::Role>(p.role));
    event->mutable_recorded_by()->set_agency(
        p.role == v1::ROLE_OFFICER ? "Lakeside PD" : "Lakeside LEAD");
    const absl::CivilDay day = DayOf(p.time / kDay);
    switch (p.kind) {
      case Event::kEligibilityRecorded: {
        v1::EligibilityRecorded* e = event->mutable_eligibility_recorded();
        e->set_decision_id(absl::StrCat("syn-dec-", p.a));
        e->set_outcome(v1::ELIGIBLE);
        e->set_officer_id(absl::StrCat("o", p.b));
        e->set_agency("Lakeside PD");
        e->add_charge_codes(kCharges[p.a % kCharges.size()]);
        break;
      }
      case Event::kOfferMade:
        event->mutable_offer_made();
        break;
      case Event::kOfferDeclined:
        event->mutable_offer_declined();
        break;
      case Event::kOfferAccepted:
        event->mutable_offer_accepted();
        break;
      case Event::kWarmHandOff:
        event->mutable_warm_hand_off()->set_case_manager_id(absl::StrCat("cm-", p.a));
        event->mutable_warm_hand_off()->set_setting(v1::FIELD);
        break;
      case Event::kOfficerReportFiled:
        event->mutable_officer_report_filed()->set_report_id(
            absl::StrCat("rpt-", p.referral + 1));
        break;
      case Event::kSocialContactReferred: {
        constexpr std::array<const char*, 3> kSources = {
            "Police", "Street outreach", "Community partner"};
        v1::SocialContactReferred* e = event->mutable_social_contact_referred();
        e->set_source(kSources[p.a]);
        e->set_officer_id(absl::StrCat("o", p.b));
        e->set_agency(p.a == 0 ? "Lakeside PD" : kSources[p.a]);
        break;
      }
      case Event::kVettingPending:
        event->mutable_vetting_pending()->set_reason("awaiting records");
        break;
      case Event::kReferralApproved:
        event->mutable_referral_approved()->set_approved_by(absl::StrCat("sgt-", p.a % 7 + 1));
        break;
      case Event::kReferralDenied:
        event->mutable_referral_denied()->set_reason("outside the target population");
        break;
      case Event::kInitialScreening: {
        v1::InitialScreening* e = event->mutable_initial_screening();
        for (int n = 0; n < 8; ++n) {
          if ((p.a & (1 << n)) == 0) continue;
          v1::NeedStatus* need = e->add_needs();
          need->set_need(kNeeds[n]);
          need->set_state(v1::NEEDS);
        }
        e->mutable_acute_needs()->set_shelter((p.a & 1) != 0);
        break;
      }
      case Event::kConsentGiven:
        event->mutable_consent_given();
        break;
      case Event::kRoiSigned: {
        v1::ReleaseOfInformation* roi = event->mutable_roi_signed()->mutable_roi();
        roi->set_roi_id("roi-1");
        roi->add_disclosers("Lakeside LEAD");
        roi->add_recipients()->set_agency("Lakeside PD");
        roi->add_recipients()->set_agency("District Attorney");
        roi->add_information(v1::PROGRAM_STATUS);
        roi->add_information(v1::REFERRAL_DETAILS);
        roi->add_purposes(v1::OPERATIONS_REVIEW);
        roi->set_expires_upon_event("the end of participation");
        roi->set_right_to_revoke_explained(true);
        SetDate(day, roi->mutable_signed_on());
        break;
      }
      case Event::kAssessmentCompleted:
        event->mutable_assessment_completed();
        break;
      case Event::kEnrolled:
        event->mutable_enrolled();
        break;
      case Event::kExtensionGranted:
        SetDate(DayOf(p.a), event->mutable_extension_granted()->mutable_new_due());
        event->mutable_extension_granted()->set_engagement_plan("weekly check-in");
        break;
      case Event::kChargeFiled:
        event->mutable_charge_filed();
        break;
      case Event::kStatusChanged:
        event->mutable_status_changed()->set_status(
            static_cast<v1::ParticipationStatus>(p.a));
        break;
      case Event::kServiceReferred: {
        v1::ServiceReferred* e = event->mutable_service_referred();
        e->set_service_referral_id(absl::StrCat("s", p.b));
        e->set_need(kNeeds[p.a]);
        e->set_provider(kProviders[p.a]);
        break;
      }
      case Event::kServiceConnected:
        event->mutable_service_connected()->set_service_referral_id(
            absl::StrCat("s", p.b));
        break;
      case Event::kArrestAfterEnrollment: {
        v1::ArrestAfterEnrollment* e = event->mutable_arrest_after_enrollment();
        e->set_case_id(absl::StrCat("c", p.b));
        e->add_charge_codes(kCharges[p.b % kCharges.size()]);
        e->set_outcome(static_cast<v1::ArrestOutcome>(p.a));
        break;
      }
      case Event::kLegacyCaseRecorded:
        event->mutable_legacy_case_recorded()->set_case_id(
            absl::StrCat("l", p.referral + 1));
        event->mutable_legacy_case_recorded()->add_charge_codes("PL 165.15");
        break;
      case Event::kProsecutorDecided:
        event->mutable_prosecutor_decided()->set_case_id(
            absl::StrCat("l", p.referral + 1));
        event->mutable_prosecutor_decided()->set_decision(
            static_cast<v1::ProsecutorDecision>(p.a));
        break;
      case Event::kExited:
        event->mutable_exited()->set_reason(static_cast<v1::ExitReason>(p.a));
        break;
      default:
        break;
    }
  }

  void Meetings() {
    const int64_t end = start_day_ + options_.days;
    for (int64_t day = start_day_ + 9; day < end; day += 14) {
      AddMeeting(v1::MEETING_OWG, day, 9, random_.Between(5, 9));
    }
    for (int64_t day = start_day_ + 20; day < end; day += 91) {
      AddMeeting(v1::MEETING_PCG, day, 12, random_.Between(7, 12));
    }
    for (int64_t day = start_day_ + 15; day < end; day += 30) {
      AddMeeting(v1::MEETING_CLT, day, 10, random_.Between(4, 10));
    }
  }

  void AddMeeting(v1::MeetingBody body, int64_t day, int invited, int attended) {
    v1::MeetingRecord* m = out_->add_meetings();
    m->set_body(body);
    SetDate(DayOf(day), m->mutable_held_on());
    m->set_invited(invited);
    m->set_attended(attended);
  }

  void Trainings() {
    for (int o = 1; o <= officers_; ++o) {
      v1::TrainingRecord* t = out_->add_trainings();
      t->set_officer_id(absl::StrCat("o", o));
      t->set_agency("Lakeside PD");
      SetDate(DayOf(start_day_ - 30 + random_.Between(0, options_.days)),
              t->mutable_trained_on());
    }
  }

  // People like the participants, never referred, and their arrests: the
  // evaluation's comparison group.
  void Comparison() {
    const int people = options_.referrals * 3 / 10;
    for (int p = 0; p < people; ++p) {
      AddPerson(true);
      const int key = out_->people_size();
      const int precinct = random_.Between(0, 5);
      const int arrests = random_.Pick(std::array<double, 4>{40, 35, 15, 10});
      for (int a = 0; a < arrests; ++a) {
        AddArrest(key, start_day_ + random_.Between(0, options_.days - 1),
                  random_.Chance(0.85), precinct, random_.Between(0, 15));
      }
    }
  }

  void Benchmarks() {
    auto add = [&](const char* name, std::initializer_list<std::pair<v1::RaceGroup, int64_t>> groups) {
      v1::BenchmarkPopulation* b = out_->add_benchmarks();
      b->set_name(name);
      b->set_source("SYNTHETIC");
      for (const auto& [race, people] : groups) {
        v1::BenchmarkPopulation::Group* g = b->add_groups();
        g->set_race(race);
        g->set_people(people);
      }
    };
    add("jail_population", {{v1::RACE_GROUP_BLACK_AFRICAN_AMERICAN_OR_AFRICAN, 560},
                            {v1::RACE_GROUP_WHITE, 420},
                            {v1::RACE_GROUP_HISPANIC_LATINA_E_O, 150},
                            {v1::RACE_GROUP_AMERICAN_INDIAN_ALASKA_NATIVE_OR_INDIGENOUS, 40},
                            {v1::RACE_GROUP_ASIAN_OR_ASIAN_AMERICAN, 20},
                            {v1::RACE_GROUP_MULTIRACIAL, 30}});
    add("residents", {{v1::RACE_GROUP_BLACK_AFRICAN_AMERICAN_OR_AFRICAN, 95000},
                      {v1::RACE_GROUP_WHITE, 300000},
                      {v1::RACE_GROUP_HISPANIC_LATINA_E_O, 65000},
                      {v1::RACE_GROUP_AMERICAN_INDIAN_ALASKA_NATIVE_OR_INDIGENOUS, 8000},
                      {v1::RACE_GROUP_ASIAN_OR_ASIAN_AMERICAN, 22000},
                      {v1::RACE_GROUP_NATIVE_HAWAIIAN_OR_PACIFIC_ISLANDER, 2000},
                      {v1::RACE_GROUP_MULTIRACIAL, 8000}});
  }

  const SyntheticSiteOptions options_;
  Random random_;
  v1::MetricRecords* out_;
  const int64_t start_day_;
  const int case_managers_;
  const int officers_;
  std::vector<Pending> pending_;
  std::vector<int64_t> last_day_;
  std::vector<uint16_t> seq_;
};

}  // namespace

void GenerateSyntheticSite(const SyntheticSiteOptions& options,
                           v1::MetricRecords* out) {
  out->Clear();
  Generator(options, out).Run();
}

}  // namespace divert::metrics
