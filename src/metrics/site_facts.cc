#include "metrics/site_facts.h"

#include <algorithm>
#include <array>
#include <climits>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/numeric/bits.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "divert/referral/lifecycle.h"
#include "metrics/block_vector.h"
#include "metrics/demographics.h"
#include "metrics/event_columns.h"
#include "metrics/local_days.h"
#include "metrics/person_tables.h"

namespace divert::metrics {
namespace {

using Event = v1::ReferralEvent;

constexpr int kNeeds = v1::Need_ARRAYSIZE;
static_assert(kNeeds <= 16, "a referral's needs are bits of a 16-bit mask");

// How many rows ahead a loop over a table asks for the part of a big hash
// table (a million person keys, referral ids or decision ids: far bigger
// than the cache) that a row will look up, so the lookups of several rows
// wait for memory at once instead of one after the other.
constexpr int kLookAhead = 16;

// The events table's rows are added in blocks, doubling from this many.
constexpr size_t kFirstEventRows = 4096;

bool IsBehavioralHealth(v1::Need need) {
  return need == v1::MENTAL_HEALTH_COUNSELING ||
         need == v1::SUBSTANCE_USE_TREATMENT;
}

int32_t FirstDay(int32_t current, int32_t day) {
  return current == kNone ? day : current;
}

// A ReferralEvent message, read through the accessors the fold uses for
// both of its inputs (ColumnEvent, event_columns.h, is the other).
class ProtoEvent {
 public:
  explicit ProtoEvent(const Event& event) : e_(event) {}
  void PrefetchServiceReferral() const { __builtin_prefetch(&e_); }

  int kind() const { return e_.event_case(); }
  int32_t Officer(Dictionary& d) const {
    return d.Code(e_.has_eligibility_recorded()
                      ? e_.eligibility_recorded().officer_id()
                      : e_.social_contact_referred().officer_id());
  }
  int32_t Agency(Dictionary& d) const {
    return d.Code(e_.has_eligibility_recorded()
                      ? e_.eligibility_recorded().agency()
                      : e_.social_contact_referred().agency());
  }
  int32_t Source(Dictionary& d) const {
    return d.Code(e_.social_contact_referred().source());
  }
  int32_t CaseManager(Dictionary& d) const {
    return d.Code(e_.warm_hand_off().case_manager_id());
  }
  int32_t Provider(Dictionary& d) const {
    return d.Code(e_.service_referred().provider());
  }
  absl::string_view decision_id() const {
    return e_.has_eligibility_recorded()
               ? e_.eligibility_recorded().decision_id()
               : e_.social_contact_referred().decision_id();
  }
  absl::string_view service_referral_id() const {
    return e_.has_service_referred()
               ? e_.service_referred().service_referral_id()
               : e_.service_connected().service_referral_id();
  }
  TextKey service_referral_key() const { return TextKey(); }
  int32_t need() const { return e_.service_referred().need(); }
  int32_t status() const { return e_.status_changed().status(); }
  int32_t prosecutor_decision() const {
    return e_.prosecutor_decided().decision();
  }
  int32_t arrest_outcome() const {
    return e_.arrest_after_enrollment().outcome();
  }
  int32_t exit_reason() const { return e_.exited().reason(); }
  int32_t new_due_day() const {
    return DayNumber(e_.extension_granted().new_due());
  }
  template <typename F>
  void ForEachNeed(F f) const {
    const auto& needs = e_.has_initial_screening()
                            ? e_.initial_screening().needs()
                            : e_.needs_recorded().needs();
    for (const v1::NeedStatus& n : needs) f(n.need(), n.state());
  }

 private:
  const Event& e_;
};

// Who a referral is about and where it was made, coded: the person_key's
// code in the people's dictionary, the precinct's and area's in the
// referrals table's (kNone when unknown or empty).
struct SubjectCodes {
  int32_t person = kNone;
  int32_t precinct = kNone;
  int32_t area = kNone;
};

// A referral's subject: its index in MetricRecords.subjects or its row
// of the referrals table; kNoSubject when the records do not list it.
constexpr uint32_t kNoSubject = 0xFFFFFFFF;

// No service (Referral::last_service, NewService::previous).
constexpr uint32_t kNoService = 0xFFFFFFFF;

// A referral while its events are folded: two cache lines exactly, which
// the fold asks for before an event of the referral arrives.
struct alignas(64) Referral {
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
  // Bit n: need n is needed (its last state listed was NEEDS or
  // REFERRED); connected by a service.
  uint32_t needed_needs = 0;
  uint32_t connected_needs = 0;
  int32_t housing_day = kNone;
  int32_t benefits_day = kNone;
  int32_t behavioral_health_day = kNone;
  int32_t arrests_after_enrollment = 0;
  int32_t legacy_cases = 0;
  int32_t owg_reviews = 0;
  // Its latest service (NewService::previous links the others), or
  // kNoService.
  uint32_t last_service = kNoService;
};

// A service_referred event's service, as the fold finds it (the services
// table's rows are written together after the events).
struct NewService {
  // Its service_referral_id, and that id's dictionary value (when
  // dictionary-encoded), side by side with the rest: a connection reads
  // one place of each service it compares.
  absl::string_view id;
  TextKey key;
  int32_t need;
  int32_t provider;  // code
  int32_t referred_day;
  int32_t connected_day;  // kNone until a service_connected event names it
  // The same referral's service before it, or kNoService.
  uint32_t previous;
};

// What a list of needs does to its referral's needed_needs, packed in an
// int32: the needs it lists (bits 0-15), and those of them it lists as
// needed (bits 16-31; a need listed twice takes its last state).
template <typename E>
int32_t NeedsChange(const E& event) {
  uint32_t listed = 0, needed = 0;
  event.ForEachNeed([&](int32_t need, int32_t state) {
    if (need <= 0 || need >= kNeeds) return;
    const uint32_t bit = 1u << need;
    listed |= bit;
    needed = state == v1::NEEDS || state == v1::REFERRED ? needed | bit : needed & ~bit;
  });
  return static_cast<int32_t>(listed | needed << 16);
}

uint32_t ApplyNeedsChange(uint32_t needed_needs, int32_t change) {
  const auto bits = static_cast<uint32_t>(change);
  return (needed_needs & ~(bits & 0xFFFF)) | bits >> 16;
}

// The fact tables of `facts`, in a fixed order.
std::array<FactTable*, 7> TablesOf(SiteFacts* facts) {
  return {&facts->referrals, &facts->events,  &facts->services, &facts->decisions,
          &facts->meetings,  &facts->arrests, &facts->trainings};
}

// The fields of the events and services tables that are their referral's.
constexpr const char* kReferralFieldsJoined[] = {
    "pathway", "source", "case_manager_id", "precinct", "area", "race",
    "bipoc", "race_known", "gender", "age_group", "person_key"};

// The fields of `table` that `options` marks for `kinds`, and `own` (those
// the fold reads itself); empty (every field) when the marks of some kind
// are empty (every field) or are not one per field of `table`.
std::vector<bool> FieldsKept(const FoldOptions& options,
                             std::initializer_list<v1::RecordKind> kinds,
                             const FactTable& table,
                             std::initializer_list<const char*> own) {
  std::vector<bool> kept(static_cast<size_t>(table.schema()->field_count()), false);
  for (v1::RecordKind kind : kinds) {
    const std::vector<bool>& marks = options.fields[kind];
    if (marks.size() != kept.size()) return {};
    for (size_t i = 0; i < kept.size(); ++i) kept[i] = kept[i] || marks[i];
  }
  for (const char* name : own) kept[static_cast<size_t>(table.FieldIndex(name))] = true;
  return kept;
}

// Leaves out the columns of the fields that neither `options` asks for nor
// the fold reads: the events' and services' joined fields are read from
// the referrals table.
void KeepFieldsRead(const FoldOptions& options, SiteFacts* facts) {
  facts->events.KeepOnly(FieldsKept(options, {v1::EVENTS}, facts->events, {}));
  facts->services.KeepOnly(
      FieldsKept(options, {v1::SERVICE_REFERRALS}, facts->services, {}));
  std::vector<bool> referrals =
      FieldsKept(options, {v1::REFERRALS, v1::PARTICIPANTS}, facts->referrals,
                 {"person_key", "referred_day", "enrolled_day"});
  if (!referrals.empty()) {
    for (const char* name : kReferralFieldsJoined) {
      for (const FactTable* table : {&facts->events, &facts->services}) {
        const int index = table->FieldIndex(name);
        if (index >= 0 && table->kept(index)) {
          referrals[static_cast<size_t>(facts->referrals.FieldIndex(name))] = true;
        }
      }
    }
  }
  facts->referrals.KeepOnly(referrals);
  facts->decisions.KeepOnly(
      FieldsKept(options, {v1::DECISIONS}, facts->decisions, {"person_key", "day"}));
  facts->arrests.KeepOnly(
      FieldsKept(options, {v1::ARRESTS}, facts->arrests, {"person_key", "day"}));
  facts->meetings.KeepOnly(FieldsKept(options, {v1::MEETINGS}, facts->meetings, {}));
  facts->trainings.KeepOnly(FieldsKept(options, {v1::TRAININGS}, facts->trainings, {}));
}

}  // namespace

struct FoldScratch::Arrays {
  std::vector<Referral> referrals;
  BlockVector<NewService> new_services;
  // By table (TablesOf), its columns; and the facts' row-to-referral
  // indexes.
  std::array<std::vector<std::vector<int32_t>>, 7> table_columns;
  std::vector<uint32_t> event_referral;
  std::vector<uint32_t> service_referral;
  // The blocks of the fold's largest hash tables (referral ids, decisions
  // referred, the person keys' dictionary, which the facts share: they
  // are recycled before the FoldScratch goes), and the computation's.
  BlockCache blocks;
};

FoldScratch::FoldScratch() : arrays_(std::make_unique<Arrays>()) {}
FoldScratch::~FoldScratch() = default;

BlockCache& FoldScratch::blocks() { return arrays_->blocks; }

std::unique_ptr<FoldScratch> FoldScratchPool::Take() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (kept_ != nullptr) return std::move(kept_);
  }
  return std::make_unique<FoldScratch>();
}

void FoldScratchPool::Give(std::unique_ptr<FoldScratch> scratch) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (kept_ == nullptr) kept_ = std::move(scratch);
}

namespace {

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
  // Takes the arrays of `scratch` (when not null) and leaves it its own
  // when done.
  Folder(const v1::MetricRecords& records, int32_t through_day,
         const EventKindSet& event_kinds, SiteFacts* facts, LocalDays* days,
         FoldScratch::Arrays* scratch)
      : records_(records),
        through_(through_day),
        event_kinds_(event_kinds),
        facts_(facts),
        days_(days),
        scratch_(scratch),
        people_keys_(std::make_shared<Dictionary>(scratch != nullptr ? &scratch->blocks
                                                                     : nullptr)),
        decisions_referred_(scratch != nullptr ? &scratch->blocks : nullptr),
        text_index_(scratch != nullptr ? &scratch->blocks : nullptr) {
    if (scratch_ == nullptr) return;
    SwapScratch();
    referrals_.clear();
    new_services_.clear();
  }
  ~Folder() {
    if (scratch_ != nullptr) SwapScratch();
  }

  // Folds the records, with the referral log from `columns` when given.
  absl::Status Run(const RecordColumns* columns) {
    JoinReferralColumns(&facts_->events, &facts_->event_referral);
    JoinReferralColumns(&facts_->services, &facts_->service_referral);
    for (FactTable* table :
         {&facts_->referrals, &facts_->decisions, &facts_->arrests}) {
      table->ShareDictionary(table->FieldIndex("person_key"), people_keys_);
    }
    const RecordBatches* people = TableOf(columns, &RecordColumns::people);
    if (absl::Status s = people != nullptr ? IndexPeopleColumns(*people) : IndexPeople();
        !s.ok()) {
      return s;
    }
    columnar_ = TableOf(columns, &RecordColumns::events) != nullptr;
    if (columnar_) {
      if (absl::Status s = IndexReferralColumns(columns->referrals); !s.ok()) {
        return s;
      }
      if (absl::Status s = FoldEventColumns(columns->events); !s.ok()) return s;
    } else {
      if (absl::Status s = IndexSubjects(); !s.ok()) return s;
      if (absl::Status s = FoldEvents(); !s.ok()) return s;
    }
    AddServiceRows();
    facts_->events.Truncate(event_rows_);
    WriteReferrals();
    IndexDecisionsReferred();
    if (const RecordBatches* t = TableOf(columns, &RecordColumns::encounters)) {
      if (absl::Status s = AddDecisionColumns(*t); !s.ok()) return s;
    } else {
      EncounterMessages encounters(records_);
      AddDecisions(encounters, facts_->decisions.AddRows(encounters.rows()));
    }
    SetPeople(&facts_->decisions, facts_->decisions.FieldIndex("day"), -1);
    AddMeetings();
    if (const RecordBatches* t = TableOf(columns, &RecordColumns::arrests)) {
      if (absl::Status s = AddArrestColumns(*t); !s.ok()) return s;
    } else {
      ArrestMessages arrests(records_);
      AddArrests(arrests, facts_->arrests.AddRows(arrests.rows()));
    }
    SetPeople(&facts_->arrests, facts_->arrests.FieldIndex("day"),
              facts_->arrests.FieldIndex("comparison_group"));
    AddTrainings();
    AddBenchmarks();
    return absl::OkStatus();
  }

 private:
  void SwapScratch() {
    referrals_.swap(scratch_->referrals);
    new_services_.swap(scratch_->new_services);
  }

  // `table` of `columns` when it is given as columns; otherwise null.
  static const RecordBatches* TableOf(const RecordColumns* columns,
                                      RecordBatches RecordColumns::*table) {
    if (columns == nullptr || (columns->*table).schema == nullptr) return nullptr;
    return &(columns->*table);
  }

  absl::Status IndexPeople() {
    people_.reserve(records_.people_size());
    people_keys_->Reserve(records_.people_size());
    PersonMessages people(records_);
    return IndexPeople(people);
  }

  absl::Status IndexPeopleColumns(const RecordBatches& table) {
    size_t rows = 0;
    for (const ArrowArray* batch : table.batches) rows += static_cast<size_t>(batch->length);
    people_.reserve(rows);
    people_keys_->Reserve(rows);
    int64_t first_row = 0;
    for (const ArrowArray* batch : table.batches) {
      absl::StatusOr<PersonBatch> people = PersonBatch::Of(*table.schema, *batch, first_row);
      if (!people.ok()) return people.status();
      if (absl::Status s = IndexPeople(*people); !s.ok()) return s;
      first_row += batch->length;
    }
    return absl::OkStatus();
  }

  // Codes each person's key, in order (a key listed twice is an error),
  // and keeps their demographics by code.
  template <typename People>
  absl::Status IndexPeople(People& people) {
    const int64_t rows = people.rows();
    for (int64_t i = 0; i < rows; ++i) {
      if (i + kLookAhead < rows) people.Prefetch(i + kLookAhead, *people_keys_);
      if (!people.HasKey(i)) {
        return absl::InvalidArgumentError(
            absl::StrCat(people.RowName(i), ": 'person_key' is null"));
      }
      const int32_t code = people.KeyCode(i, *people_keys_);
      if (code < static_cast<int32_t>(people_.size())) {
        return absl::InvalidArgumentError(
            absl::StrCat(people.RowName(i), ": a person_key listed twice"));
      }
      people_.push_back(people.DemographicsAt(i, *days_));
    }
    return absl::OkStatus();
  }

  absl::Status IndexSubjects() {
    subjects_.reserve(records_.subjects_size());
    for (int i = 0; i < records_.subjects_size(); ++i) {
      const v1::ReferralSubject& subject = records_.subjects(i);
      if (!subjects_.try_emplace(subject.referral_id(), i).second) {
        return absl::InvalidArgumentError(
            absl::StrCat("subjects[", i, "]: referral ", subject.referral_id(),
                         " listed twice"));
      }
    }
    return absl::OkStatus();
  }

  // `code`, a person's in the shared person_key dictionary, with room in
  // people_ made for a person the records do not describe; kNone (no key)
  // stays kNone.
  int32_t Person(int32_t code) {
    if (code >= static_cast<int32_t>(people_.size())) people_.resize(code + 1);
    return code;
  }

  const Demographics* PersonAt(int32_t code) const {
    return code == kNone ? nullptr : &people_[code];
  }

  int32_t Day(const google::protobuf::Timestamp& time) {
    return days_->DayOf(time.seconds());
  }

  // The events-table row of an event of the referral in row `referral`,
  // when its kind gets one.
  template <typename E>
  void AddEventRow(uint32_t referral, const E& event, int32_t day) {
    if (!event_kinds_[static_cast<size_t>(event.kind())]) return;
    FactTable& table = facts_->events;
    const size_t row = event_rows_++;
    // Rows are added a growing block at a time; Run cuts off the rest.
    if (row == table.rows()) table.AddRows(std::max(row, kFirstEventRows));
    facts_->event_referral.push_back(referral);
    table.Set(row, event_kind_, event.kind());
    table.Set(row, event_day_, day);
    switch (event.kind()) {
      case Event::kServiceReferred:
        table.Set(row, event_need_, event.need());
        break;
      case Event::kServiceConnected:
        table.Set(row, event_need_, connected_need_);
        break;
      case Event::kProsecutorDecided:
        table.Set(row, event_prosecutor_, event.prosecutor_decision());
        break;
      case Event::kArrestAfterEnrollment:
        table.Set(row, event_arrest_, event.arrest_outcome());
        break;
      case Event::kStatusChanged:
        table.Set(row, event_status_, event.status());
        break;
      default:
        break;
    }
  }

  // Looks up the columns the events fold writes.
  void PrepareEvents() {
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
    providers_ = DictionaryIfKept(facts_->services, service_provider_);
    Fields referral_fields(&facts_->referrals);
    sources_ = DictionaryIfKept(facts_->referrals, referral_fields("source"));
    agencies_ = DictionaryIfKept(facts_->referrals, referral_fields("agency"));
    officers_ = DictionaryIfKept(facts_->referrals, referral_fields("officer_id"));
    case_managers_ =
        DictionaryIfKept(facts_->referrals, referral_fields("case_manager_id"));
    deadline_ = records_.settings().intake_deadline_days() > 0
                    ? records_.settings().intake_deadline_days()
                    : kDefaultIntakeDeadlineDays;
    needs_approval_ = records_.settings().social_contact_requires_owg_approval();
  }

  // The dictionary of `table`'s column `field`; null when the column is
  // left out (its texts are then not coded either).
  static Dictionary* DictionaryIfKept(FactTable& table, int field) {
    return table.kept(field) ? &table.dictionary(field) : nullptr;
  }

  // A referral's first event (eligibility_recorded or
  // social_contact_referred) on `day`; returns its row.
  template <typename E>
  uint32_t Start(const E& event, int32_t day, uint32_t subject) {
    const auto row = static_cast<uint32_t>(referrals_.size());
    referrals_.emplace_back();
    subject_of_rows_.push_back(subject);
    Referral& r = referrals_.back();
    r.referred_day = day;
    r.intake_due_day = day + deadline_;
    if (event.kind() == Event::kEligibilityRecorded) {
      r.pathway = v1::ARREST_DIVERSION;
      r.stage = v1::ELIGIBILITY_RECORDED;
      if (officers_ != nullptr) r.officer = event.Officer(*officers_);
      if (agencies_ != nullptr) r.agency = event.Agency(*agencies_);
      decision_ids_.push_back(event.decision_id());
    } else {
      r.pathway = v1::SOCIAL_CONTACT;
      r.stage = needs_approval_ ? v1::PENDING_VETTING : v1::APPROVED;
      if (sources_ != nullptr) r.source = event.Source(*sources_);
      if (officers_ != nullptr) r.officer = event.Officer(*officers_);
      if (agencies_ != nullptr) r.agency = event.Agency(*agencies_);
      if (!event.decision_id().empty()) {
        decision_ids_.push_back(event.decision_id());
      }
    }
    AddEventRow(row, event, day);
    return row;
  }

  // Any later event of the referral in `row`, in the log's order: its
  // effect on the referral (coding its texts then, so dictionaries keep
  // their order of first sight) and its events-table row.
  template <typename E>
  void Apply(const E& event, int32_t day, uint32_t row) {
    Referral& r = referrals_[row];
    connected_need_ = 0;
    switch (event.kind()) {
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
        if (case_managers_ != nullptr) r.case_manager = event.CaseManager(*case_managers_);
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
        r.needed_needs = ApplyNeedsChange(r.needed_needs, NeedsChange(event));
        break;
      case Event::kNeedsRecorded:
        r.needed_needs = ApplyNeedsChange(r.needed_needs, NeedsChange(event));
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
        const int32_t due = event.new_due_day();
        if (due != kNone) r.intake_due_day = due;
        break;
      }
      case Event::kChargeFiled:
        r.stage = v1::CHARGE_FILED;
        r.charge_filed_day = day;
        break;
      case Event::kStatusChanged:
        r.status = event.status();
        break;
      case Event::kServiceReferred:
        AddService(event, day, row, &r);
        ++r.services_referred;
        break;
      case Event::kServiceConnected:
        Connect(event, day, &r);
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
        r.exit_reason = event.exit_reason();
        break;
      default:
        break;
    }
    AddEventRow(row, event, day);
  }

  absl::Status FoldEvents() {
    PrepareEvents();
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
      if (event.has_eligibility_recorded() ||
          event.has_social_contact_referred()) {
        auto [it, inserted] = index_.try_emplace(
            event.referral_id(), static_cast<uint32_t>(referrals_.size()));
        if (!inserted) {
          return absl::InvalidArgumentError(absl::StrCat(
              "events[", i, "] (referral ", event.referral_id(),
              "): the referral starts twice"));
        }
        if (day > through_) {
          // Not yet referred on the day: leave it out entirely.
          index_.erase(it);
          skipped_.insert(event.referral_id());
          continue;
        }
        last_id = event.referral_id();
        last_row = Start(ProtoEvent(event), day, SubjectOf(event.referral_id()));
        continue;
      }
      uint32_t row;
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
      Apply(ProtoEvent(event), day, row);
    }
    return absl::OkStatus();
  }

  // ---- the referral log as Arrow columns ----------------------------------

  static constexpr uint32_t kNotStarted = 0xFFFFFFFF;
  static constexpr uint32_t kSkipped = 0xFFFFFFFE;

  // Reads the referrals table: its batches, and an index of its ids.
  absl::Status IndexReferralColumns(const RecordBatches& table) {
    int64_t first = 0;
    for (const ArrowArray* batch : table.batches) {
      absl::StatusOr<ReferralBatch> read =
          ReferralBatch::Of(*table.schema, *batch, first);
      if (!read.ok()) return read.status();
      referral_batches_.push_back(*std::move(read));
      first += batch->length;
    }
    if (first >= kSkipped) {
      return absl::InvalidArgumentError("referrals: too many rows");
    }
    slots_.assign(static_cast<size_t>(first), ReferralSlot());
    // At most one referral (and one decision referred) per row.
    referrals_.reserve(slots_.size());
    subject_of_rows_.reserve(slots_.size());
    decision_ids_.reserve(slots_.size());
    int_ids_ = !referral_batches_.empty() && referral_batches_[0].int_id.has_value();
    if (!int_ids_) text_index_.Reserve(slots_.size());
    if (int_ids_) PlanDenseIds();
    for (ReferralBatch& batch : referral_batches_) {
      if (batch.int_id.has_value() != int_ids_) {
        return RowError("referrals", batch.first_row,
                        "'referral_id' changes type between record batches");
      }
      for (int64_t row = 0; row < batch.length; ++row) {
        if (!int_ids_ && row + kLookAhead < batch.length) {
          text_index_.Prefetch(batch.text_id->Get(row + kLookAhead));
        }
        const auto referral = static_cast<uint32_t>(batch.first_row + row);
        const bool null = int_ids_ ? batch.int_id->IsNull(row) : batch.text_id->IsNull(row);
        if (null) return RowError("referrals", referral, "'referral_id' is null");
        if (!IndexReferral(batch, row, referral)) {
          return RowError("referrals", referral,
                          "'referral_id' is listed twice (the first time is "
                          "another row)");
        }
      }
    }
    return absl::OkStatus();
  }

  // Integer ids within a span of a few times their number are indexed by
  // a direct table (id - dense_min_), others by a hash map.
  void PlanDenseIds() {
    int64_t low = INT64_MAX, high = INT64_MIN;
    for (const ReferralBatch& batch : referral_batches_) {
      if (!batch.int_id.has_value()) continue;
      for (int64_t row = 0; row < batch.length; ++row) {
        if (batch.int_id->IsNull(row)) continue;
        low = std::min(low, batch.int_id->Get(row));
        high = std::max(high, batch.int_id->Get(row));
      }
    }
    if (low > high) return;
    const uint64_t span = static_cast<uint64_t>(high) - static_cast<uint64_t>(low);
    if (span < 4 * slots_.size() + 1024) {
      dense_min_ = low;
      dense_.assign(span + 1, kNotStarted);
    }
  }

  // Adds one id of the referrals table; false when it is there already.
  bool IndexReferral(const ReferralBatch& batch, int64_t row, uint32_t referral) {
    if (!int_ids_) return text_index_.TryEmplace(batch.text_id->Get(row), referral).second;
    const int64_t id = batch.int_id->Get(row);
    if (dense_.empty()) return int_index_.try_emplace(id, referral).second;
    uint32_t& slot = dense_[static_cast<size_t>(id - dense_min_)];
    if (slot != kNotStarted) return false;
    slot = referral;
    return true;
  }

  // The referrals-table row of an integer id; kNotStarted when unknown.
  uint32_t FindIntId(int64_t id) const {
    if (dense_.empty()) {
      auto it = int_index_.find(id);
      return it == int_index_.end() ? kNotStarted : it->second;
    }
    const uint64_t at = static_cast<uint64_t>(id) - static_cast<uint64_t>(dense_min_);
    return at < dense_.size() ? dense_[at] : kNotStarted;
  }

  static absl::Status RowError(absl::string_view table, int64_t row,
                               absl::string_view what) {
    return absl::InvalidArgumentError(
        absl::StrCat(table, " row ", row, ": ", what));
  }

  // The codes of a referral's subject (coded in the order of the
  // referrals' rows, so dictionaries keep their order of first sight;
  // columns left out are not coded).
  SubjectCodes CodeSubject(uint32_t subject, int precinct, int area) {
    SubjectCodes codes;
    if (subject == kNoSubject) return codes;
    Dictionary& precincts = facts_->referrals.dictionary(precinct);
    Dictionary& areas = facts_->referrals.dictionary(area);
    const bool code_precinct = facts_->referrals.kept(precinct);
    const bool code_area = facts_->referrals.kept(area);
    if (!columnar_) {
      const v1::ReferralSubject& s = records_.subjects(static_cast<int>(subject));
      codes.person = Person(people_keys_->CodeUnlessEmpty(s.person_key()));
      if (code_precinct) codes.precinct = precincts.CodeUnlessEmpty(s.precinct());
      if (code_area) codes.area = areas.CodeUnlessEmpty(s.area());
      return codes;
    }
    ReferralBatch& batch = BatchOf(subject);
    const int64_t row = subject - batch.first_row;
    codes.person = known_people_[subject];
    if (codes.person == CodedText::kNotCoded) {
      codes.person = batch.person_key.CodeUnlessEmpty(row, *people_keys_);
    }
    codes.person = Person(codes.person);
    if (code_precinct) codes.precinct = batch.precinct.CodeUnlessEmpty(row, precincts);
    if (code_area) codes.area = batch.area.CodeUnlessEmpty(row, areas);
    return codes;
  }

  // Loads ahead what CodeSubject(subject, ...) will look up in the big
  // dictionary of person keys (messages) or the person codes found
  // already (columns).
  void PrefetchSubject(uint32_t subject) const {
    if (subject == kNoSubject) return;
    if (!columnar_) {
      people_keys_->Prefetch(records_.subjects(static_cast<int>(subject)).person_key());
      return;
    }
    __builtin_prefetch(&known_people_[subject]);
  }

  // Each referrals-table row's person code where the people's dictionary
  // holds its key already, kNotCoded where it does not: found in the
  // table's order, looking ahead, before WriteReferrals reads them by
  // referral, at random. (Keys it does not hold are coded by CodeSubject
  // in the referrals' order, so they keep their order of first sight.)
  void FindKnownPeople() {
    known_people_.resize(slots_.size());
    for (ReferralBatch& batch : referral_batches_) {
      for (int64_t row = 0; row < batch.length; ++row) {
        if (row + kLookAhead < batch.length) {
          batch.person_key.Prefetch(row + kLookAhead, *people_keys_);
        }
        known_people_[static_cast<size_t>(batch.first_row + row)] =
            batch.person_key.FindUnlessEmpty(row, *people_keys_);
      }
    }
  }

  // The referrals table's batch that holds row `subject`.
  ReferralBatch& BatchOf(uint32_t subject) {
    return referral_batches_[BatchIndexOf(subject)];
  }
  const ReferralBatch& BatchOf(uint32_t subject) const {
    return referral_batches_[BatchIndexOf(subject)];
  }
  size_t BatchIndexOf(uint32_t subject) const {
    // Batches are few; find the one holding the row.
    size_t b = 0;
    while (b + 1 < referral_batches_.size() &&
           referral_batches_[b + 1].first_row <= subject) {
      ++b;
    }
    return b;
  }

  // ResolveReferrals' answer for a null referral_id, and for one that is
  // no referral of the referrals table (never a row: rows are fewer).
  static constexpr uint32_t kNullId = 0xFFFFFFFF;
  static constexpr uint32_t kUnknownId = 0xFFFFFFFE;
  // The first pass resolves its events' referrals a block of rows at a
  // time.
  static constexpr int64_t kBlockRows = 4096;
  // A null row's dictionary index in ResolveReferrals.
  static constexpr int64_t kNullIndex = -1;

  // Makes id_rows_ hold the referrals-table rows of the values of `ids`,
  // a dictionary-encoded referral_id column of a batch of `rows` rows
  // (kNotStarted for a value not looked up yet). Batches of one stream
  // often share one dictionary: its values are then looked up once for
  // all of them. A dictionary no bigger than its batch is looked up whole,
  // in its order (reading its text in order, asking for the index's
  // memory ahead); a bigger one, a value at a time as rows use it.
  void UseIdDictionary(const TextView& ids, int64_t rows) {
    if (id_dictionary_.has_value() && id_dictionary_->SameDictionary(ids)) return;
    id_dictionary_ = ids;
    const int64_t size = ids.dictionary_size();
    id_rows_.assign(static_cast<size_t>(size), kNotStarted);
    id_rows_whole_ = size <= rows;
    if (!id_rows_whole_) return;
    for (int64_t i = 0; i < size; ++i) {
      if (i + kLookAhead < size) text_index_.Prefetch(ids.Value(i + kLookAhead));
      const uint32_t* found = text_index_.Find(ids.Value(i));
      id_rows_[static_cast<size_t>(i)] = found == nullptr ? kUnknownId : *found;
    }
  }

  // The referrals-table rows of the referral_ids of `count` events of
  // `batch` from `row` (or kNullId, kUnknownId), into `rows`. A loop of
  // its own, before the events are folded: its reads of id_rows_, dense_
  // and the index of text ids, at random, are then many in flight at once.
  void ResolveReferrals(const EventBatch& batch, int64_t row, int64_t count,
                        uint32_t* rows) {
    if (const IntView* ids = batch.int_referral_id(); ids != nullptr) {
      for (int64_t i = 0; i < count; ++i) {
        if (ids->IsNull(row + i)) {
          rows[i] = kNullId;
          continue;
        }
        const uint32_t referral = FindIntId(ids->Get(row + i));
        rows[i] = referral == kNotStarted ? kUnknownId : referral;
      }
      return;
    }
    const TextView& ids = *batch.text_referral_id();
    auto find = [&](absl::string_view id) {
      const uint32_t* found = text_index_.Find(id);
      return found == nullptr ? kUnknownId : *found;
    };
    if (!ids.is_dictionary()) {
      for (int64_t i = 0; i < count; ++i) {
        if (i + kLookAhead < count) text_index_.Prefetch(ids.Get(row + i + kLookAhead));
        rows[i] = ids.IsNull(row + i) ? kNullId : find(ids.Get(row + i));
      }
      return;
    }
    // Each dictionary value is looked up once (UseIdDictionary): unless
    // the whole dictionary was, the values this block sees first are
    // asked for together; then every row reads id_rows_. A null row's index, which may be anything, is not
    // read; an index beyond the dictionary is no referral.
    int64_t* indexes = block_indexes_.data();
    ids.indices().GetBlock(row, count, indexes);
    if (ids.indices().may_have_nulls()) {
      for (int64_t i = 0; i < count; ++i) {
        if (ids.IsNull(row + i)) indexes[i] = kNullIndex;
      }
    }
    const auto size = static_cast<uint64_t>(id_rows_.size());
    for (int64_t i = 0; i < count && !id_rows_whole_; ++i) {
      const auto index = static_cast<uint64_t>(indexes[i]);
      if (index < size && id_rows_[index] == kNotStarted) {
        text_index_.Prefetch(ids.Value(indexes[i]));
      }
    }
    for (int64_t i = 0; i < count; ++i) {
      const auto index = static_cast<uint64_t>(indexes[i]);
      if (index >= size) {
        rows[i] = indexes[i] == kNullIndex ? kNullId : kUnknownId;
        continue;
      }
      uint32_t& cached = id_rows_[index];
      if (cached == kNotStarted) cached = find(ids.Value(indexes[i]));
      rows[i] = cached;
    }
  }

  absl::Status FoldEventColumns(const RecordBatches& table) {
    PrepareEvents();
    int64_t first = 0;
    for (const ArrowArray* array : table.batches) {
      absl::StatusOr<EventBatch> read = EventBatch::Of(*table.schema, *array, first);
      if (!read.ok()) return read.status();
      EventBatch& batch = *read;
      if ((batch.int_referral_id() != nullptr) != int_ids_ && !slots_.empty()) {
        return absl::InvalidArgumentError(absl::StrCat(
            "events column 'referral_id': ",
            int_ids_ ? "text, but the referrals' are integers"
                     : "integers, but the referrals' are text"));
      }
      if (const TextView* ids = batch.text_referral_id();
          ids != nullptr && ids->is_dictionary()) {
        UseIdDictionary(*ids, batch.length());
      }
      std::vector<uint32_t> referrals(kBlockRows);
      std::vector<int32_t> kinds(kBlockRows);
      for (int64_t row = 0; row < batch.length(); ++row) {
        const int64_t in_block = row % kBlockRows;
        if (in_block == 0) {
          const int64_t count = std::min(kBlockRows, batch.length() - row);
          ResolveReferrals(batch, row, count, referrals.data());
          batch.Kinds(row, count, kinds.data());
        }
        // The slot an event will read, well ahead, and then the referral
        // it will fold into (both far bigger than the cache).
        if (in_block + kLookAhead < kBlockRows && row + kLookAhead < batch.length()) {
          const uint32_t ahead = referrals[static_cast<size_t>(in_block + kLookAhead)];
          if (ahead < slots_.size()) __builtin_prefetch(&slots_[ahead]);
        }
        if (in_block + kLookAhead / 2 < kBlockRows &&
            row + kLookAhead / 2 < batch.length()) {
          const uint32_t ahead = referrals[static_cast<size_t>(in_block + kLookAhead / 2)];
          if (ahead < slots_.size()) PrefetchReferral(slots_[ahead].fact_row);
        }
        const int kind = kinds[static_cast<size_t>(in_block)];
        if (kind == kNone) return batch.Kind(row).status();
        const uint32_t referral = referrals[static_cast<size_t>(in_block)];
        if (referral == kNullId) {
          return RowError("events", first + row, "'referral_id' is null");
        }
        if (referral == kUnknownId) {
          return RowError("events", first + row,
                          "'referral_id' is not a referral of the referrals table");
        }
        const int32_t day = batch.Day(row, *days_);
        if (day == kNone) return RowError("events", first + row, "'occurred_at' is null");
        ReferralSlot& slot = slots_[referral];
        const ColumnEvent event(&batch, row, kind);
        if (kind == Event::kEligibilityRecorded || kind == Event::kSocialContactReferred) {
          if (slot.fact_row != kNotStarted) {
            return RowError("events", first + row, "the referral starts twice");
          }
          if (day > through_) {
            slot.fact_row = kSkipped;
            continue;
          }
          slot.fact_row = Start(event, day, referral);
          continue;
        }
        if (slot.fact_row == kSkipped || day > through_) continue;
        if (slot.fact_row == kNotStarted) {
          return RowError("events", first + row,
                          "the referral has no eligibility_recorded or "
                          "social_contact_referred event before it");
        }
        Apply(event, day, slot.fact_row);
      }
      first += batch.length();
    }
    if (first > UINT32_MAX) {
      return absl::InvalidArgumentError("events: too many rows");
    }
    return absl::OkStatus();
  }

  // Loads the referral of fact row `row` (kNotStarted and kSkipped are
  // none), which an event a few rows ahead will fold into.
  void PrefetchReferral(uint32_t row) const {
    if (row >= referrals_.size()) return;
    static_assert(sizeof(Referral) == 128, "a Referral is two cache lines");
    const char* at = reinterpret_cast<const char*>(&referrals_[row]);
    __builtin_prefetch(at, 1);
    __builtin_prefetch(at + 64, 1);
  }

  uint32_t SubjectOf(const std::string& referral_id) const {
    auto it = subjects_.find(referral_id);
    return it == subjects_.end() ? kNoSubject : it->second;
  }

  // A service_referred event of the referral `r` in `row`: a service (a
  // row of the services table, in the log's order), the referral's latest.
  template <typename E>
  void AddService(const E& event, int32_t day, uint32_t row, Referral* r) {
    const auto service = static_cast<uint32_t>(new_services_.size());
    facts_->service_referral.push_back(row);
    new_services_.push_back(
        {event.service_referral_id(), event.service_referral_key(), event.need(),
         providers_ != nullptr ? event.Provider(*providers_) : kNone, day, kNone,
         r->last_service});
    r->last_service = service;
  }

  // The services table's rows of new_services_ (none before).
  void AddServiceRows() {
    FactTable& services = facts_->services;
    const size_t first = services.AddRows(new_services_.size());
    for (size_t i = 0; i < new_services_.size(); ++i) {
      const NewService& service = new_services_[i];
      services.Set(first + i, service_need_, service.need);
      services.Set(first + i, service_provider_, service.provider);
      services.Set(first + i, service_referred_, service.referred_day);
      if (service.connected_day == kNone) continue;
      services.Set(first + i, service_connected_, service.connected_day);
      services.Set(first + i, service_days_, service.connected_day - service.referred_day);
      services.Set(first + i, service_is_connected_, 1);
    }
  }

  // Connects the referral's first service that a service_connected event
  // names (compared by dictionary value when both are dictionary-encoded
  // and equal, by text otherwise), unless it is connected already; its
  // need is the event's.
  template <typename E>
  void Connect(const E& event, int32_t day, Referral* r) {
    const TextKey key = event.service_referral_key();
    const absl::string_view id = event.service_referral_id();
    // The referral's services are linked from its latest: the first named
    // is the last found.
    uint32_t named = kNoService;
    for (uint32_t s = r->last_service; s != kNoService; s = new_services_[s].previous) {
      const NewService& service = new_services_[s];
      if ((key.values != nullptr && service.key == key) || service.id == id) named = s;
    }
    if (named == kNoService) return;
    NewService& service = new_services_[named];
    const int32_t need = service.need;
    connected_need_ = need;
    if (service.connected_day != kNone) return;
    service.connected_day = day;
    ++r->services_connected;
    if (need > 0 && need < 32) r->connected_needs |= 1u << need;
    if (need == v1::EMERGENCY_HOUSING) {
      r->housing_day = FirstDay(r->housing_day, day);
    } else if (need == v1::PUBLIC_BENEFITS) {
      r->benefits_day = FirstDay(r->benefits_day, day);
    } else if (IsBehavioralHealth(static_cast<v1::Need>(need))) {
      r->behavioral_health_day = FirstDay(r->behavioral_health_day, day);
    }
  }

  void WriteReferrals() {
    FactTable& table = facts_->referrals;
    Fields f(&table);
    const int pathway = f("pathway"), stage = f("stage"), source = f("source"),
              agency = f("agency"), officer = f("officer_id"),
              case_manager = f("case_manager_id"), precinct = f("precinct"),
              area = f("area"), comparison = f("comparison_group"),
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
    const size_t first = table.AddRows(referrals_.size());
    if (columnar_) FindKnownPeople();
    for (size_t i = 0; i < referrals_.size(); ++i) {
      if (i + kLookAhead < referrals_.size()) {
        PrefetchSubject(subject_of_rows_[i + kLookAhead]);
      }
      const Referral& r = referrals_[i];
      const size_t row = first + i;
      table.Set(row, pathway, r.pathway);
      table.Set(row, stage, r.stage);
      table.Set(row, source, r.source);
      table.Set(row, agency, r.agency);
      table.Set(row, officer, r.officer);
      table.Set(row, case_manager, r.case_manager);
      const SubjectCodes subject = CodeSubject(subject_of_rows_[i], precinct, area);
      table.Set(row, precinct, subject.precinct);
      table.Set(row, area, subject.area);
      table.Set(row, person_key, subject.person);
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
      table.Set(row, unmet, absl::popcount(r.needed_needs & ~r.connected_needs));
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
    }
    SetPeople(&table, referred, comparison);
    // Each person's first enrolment (for their arrests).
    enrolled_since_.assign(people_.size(), kNone);
    const ColumnView people = table.Column(person_key);
    const ColumnView enrolments = table.Column(enrolled);
    for (size_t row = first; row < table.rows(); ++row) {
      const int32_t person = people[row];
      const int32_t day = enrolments[row];
      if (day == kNone || person == kNone) continue;
      int32_t& since = enrolled_since_[person];
      if (since == kNone || day < since) since = day;
    }
  }

  // Fills the person columns of every row (race, bipoc, race_known,
  // gender, the age group on the day in column `day_field`, and
  // comparison_group unless `comparison` is -1) from its person_key code.
  // A loop of its own: its reads of people_, at random in a table far
  // bigger than the cache, are then many in flight at once.
  void SetPeople(FactTable* table, int day_field, int comparison) {
    Fields f(table);
    const int race = f("race"), bipoc = f("bipoc"), race_known = f("race_known"),
              gender = f("gender"), age_group = f("age_group");
    const ColumnView codes = table->Column(f("person_key"));
    const ColumnView days = table->Column(day_field);
    DateNumbers date_numbers;
    for (size_t row = 0; row < table->rows(); ++row) {
      if (row + kLookAhead < table->rows()) {
        if (const Demographics* ahead = PersonAt(codes[row + kLookAhead])) {
          __builtin_prefetch(ahead);
        }
      }
      const Demographics* person = PersonAt(codes[row]);
      if (comparison >= 0) {
        table->Set(row, comparison, person != nullptr && person->comparison_group);
      }
      if (person == nullptr) {
        table->Set(row, race, v1::RACE_GROUP_UNKNOWN);
        table->Set(row, gender, v1::GENDER_GROUP_UNKNOWN);
        table->Set(row, age_group, v1::AGE_UNKNOWN);
        continue;
      }
      table->Set(row, race, person->race);
      table->Set(row, bipoc, person->bipoc());
      table->Set(row, race_known, person->race_known());
      table->Set(row, gender, person->gender);
      if (!table->kept(age_group)) continue;
      const int32_t day = days[row];
      if (person->born_date == 0 || day == kNone) {
        table->Set(row, age_group, v1::AGE_UNKNOWN);
        continue;
      }
      const int64_t date = date_numbers.Of(day);
      table->Set(row, age_group, date < person->born_date
                                     ? v1::AGE_UNKNOWN
                                     : AgeGroupOfDates(person->born_date, date));
    }
  }

  void JoinReferralColumns(FactTable* table, const std::vector<uint32_t>* rows) {
    for (const char* name : kReferralFieldsJoined) {
      const int index = table->FieldIndex(name);
      if (index >= 0) table->JoinColumn(index, facts_->referrals, rows);
    }
  }

  // The decision ids the referrals name, in a table of their own (a loop
  // of its own: its lookups, at random in a table far bigger than the
  // cache, are asked for ahead); none when no metric reads whether a
  // decision was referred.
  void IndexDecisionsReferred() {
    if (!facts_->decisions.kept(facts_->decisions.FieldIndex("referred"))) {
      std::vector<absl::string_view>().swap(decision_ids_);
      return;
    }
    decisions_referred_.Reserve(decision_ids_.size());
    for (size_t i = 0; i < decision_ids_.size(); ++i) {
      if (i + kLookAhead < decision_ids_.size()) {
        decisions_referred_.Prefetch(decision_ids_[i + kLookAhead]);
      }
      decisions_referred_.TryEmplace(decision_ids_[i], true);
    }
    std::vector<absl::string_view>().swap(decision_ids_);
  }

  absl::Status AddDecisionColumns(const RecordBatches& table) {
    for (const ArrowArray* batch : table.batches) {
      absl::StatusOr<EncounterBatch> encounters = EncounterBatch::Of(*table.schema, *batch);
      if (!encounters.ok()) return encounters.status();
      AddDecisions(*encounters, facts_->decisions.AddRows(encounters->rows()));
    }
    return absl::OkStatus();
  }

  // The rows of `encounters` at `first` and on (added already); their
  // person columns are set after (SetPeople).
  template <typename Encounters>
  void AddDecisions(Encounters& encounters, size_t first) {
    FactTable& table = facts_->decisions;
    Fields f(&table);
    const int outcome = f("outcome"), pathway = f("pathway"), day = f("day"),
              precinct = f("precinct"), area = f("area"), agency = f("agency"),
              officer = f("officer_id"), referred = f("referred"),
              person_key = f("person_key");
    const int64_t rows = encounters.rows();
    for (int64_t i = 0; i < rows; ++i) {
      if (i + kLookAhead < rows) {
        encounters.Prefetch(i + kLookAhead, *people_keys_, decisions_referred_);
      }
      const size_t row = first + static_cast<size_t>(i);
      table.Set(row, outcome, encounters.Outcome(i));
      table.Set(row, pathway, encounters.Pathway(i));
      table.Set(row, day, encounters.Day(i, *days_));
      // A column left out is not coded either.
      if (table.kept(precinct)) {
        table.Set(row, precinct, encounters.Precinct(i, table.dictionary(precinct)));
      }
      if (table.kept(area)) table.Set(row, area, encounters.Area(i, table.dictionary(area)));
      if (table.kept(agency)) {
        table.Set(row, agency, encounters.Agency(i, table.dictionary(agency)));
      }
      if (table.kept(officer)) {
        table.Set(row, officer, encounters.Officer(i, table.dictionary(officer)));
      }
      table.Set(row, person_key, Person(encounters.PersonCode(i, *people_keys_)));
      if (table.kept(referred)) {
        table.Set(row, referred, decisions_referred_.Contains(encounters.DecisionId(i)));
      }
    }
  }

  void AddMeetings() {
    FactTable& table = facts_->meetings;
    Fields f(&table);
    const int body = f("body"), day = f("day"), invited = f("invited"),
              attended = f("attended");
    const size_t first = table.AddRows(records_.meetings_size());
    for (int i = 0; i < records_.meetings_size(); ++i) {
      const v1::MeetingRecord& m = records_.meetings(i);
      const size_t row = first + i;
      table.Set(row, body, m.body());
      table.Set(row, day, DayNumber(m.held_on()));
      table.Set(row, invited, m.invited());
      table.Set(row, attended, m.attended());
    }
  }

  absl::Status AddArrestColumns(const RecordBatches& table) {
    for (const ArrowArray* batch : table.batches) {
      absl::StatusOr<ArrestBatch> arrests = ArrestBatch::Of(*table.schema, *batch);
      if (!arrests.ok()) return arrests.status();
      AddArrests(*arrests, facts_->arrests.AddRows(arrests->rows()));
    }
    return absl::OkStatus();
  }

  // The rows of `arrests` at `first` and on (added already); their person
  // columns are set after (SetPeople).
  template <typename Arrests>
  void AddArrests(Arrests& arrests, size_t first) {
    FactTable& table = facts_->arrests;
    Fields f(&table);
    const int day = f("day"), citation = f("citation"), booked = f("booked"),
              charged = f("charged"), jail_days = f("jail_days"),
              eligible = f("lead_eligible"), precinct = f("precinct"),
              area = f("area"), after = f("after_enrollment"),
              participant = f("participant"), person_key = f("person_key");
    const int64_t rows = arrests.rows();
    for (int64_t i = 0; i < rows; ++i) {
      if (i + kLookAhead < rows) arrests.Prefetch(i + kLookAhead, *people_keys_);
      const size_t row = first + static_cast<size_t>(i);
      const int32_t on = arrests.Day(i, *days_);
      table.Set(row, day, on);
      table.Set(row, citation, arrests.Citation(i));
      table.Set(row, booked, arrests.Booked(i));
      table.Set(row, charged, arrests.Charged(i));
      table.Set(row, jail_days, arrests.JailDays(i));
      table.Set(row, eligible, arrests.LeadEligible(i));
      if (table.kept(precinct)) {
        table.Set(row, precinct, arrests.Precinct(i, table.dictionary(precinct)));
      }
      if (table.kept(area)) table.Set(row, area, arrests.Area(i, table.dictionary(area)));
      const int32_t code = Person(arrests.PersonCode(i, *people_keys_));
      table.Set(row, person_key, code);
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
    const size_t first = table.AddRows(records_.trainings_size());
    for (int i = 0; i < records_.trainings_size(); ++i) {
      const v1::TrainingRecord& t = records_.trainings(i);
      const size_t row = first + i;
      table.Set(row, day, DayNumber(t.trained_on()));
      table.Set(row, agency, table.dictionary(agency).CodeUnlessEmpty(t.agency()));
      table.Set(row, officer, table.dictionary(officer).CodeUnlessEmpty(t.officer_id()));
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
  const EventKindSet event_kinds_;
  SiteFacts* facts_;
  LocalDays* days_;
  FoldScratch::Arrays* scratch_;

  // Keys (here and in the maps below) are copied (short ids fit in the
  // maps' slots): a lookup then touches the map, not the record the key
  // came from.
  std::shared_ptr<Dictionary> people_keys_;
  std::vector<Demographics> people_;
  // Index in records_.subjects by referral_id.
  absl::flat_hash_map<std::string, uint32_t> subjects_;
  absl::flat_hash_map<std::string, uint32_t> index_;
  absl::flat_hash_set<std::string> skipped_;
  // The decision ids that referrals name, as the events name them (views
  // of the input), then in a table (the value is unused).
  std::vector<absl::string_view> decision_ids_;
  TextMap<bool> decisions_referred_;
  // By person code: the first enrolment day.
  std::vector<int32_t> enrolled_since_;
  std::vector<Referral> referrals_;
  // The referrals table (columnar input): its batches, its ids' rows, and
  // its rows' slots.
  std::vector<ReferralBatch> referral_batches_;
  bool int_ids_ = false;
  absl::flat_hash_map<int64_t, uint32_t> int_index_;
  std::vector<uint32_t> dense_;
  int64_t dense_min_ = 0;
  TextMap<uint32_t> text_index_;
  // The rows of the values of the last dictionary of the events'
  // referral_ids (UseIdDictionary), and a block's indexes into it.
  std::optional<TextView> id_dictionary_;
  std::vector<uint32_t> id_rows_;
  bool id_rows_whole_ = false;  // every value looked up already
  std::vector<int64_t> block_indexes_ = std::vector<int64_t>(kBlockRows);
  // By referrals-table row: the referral's fact row (or kNotStarted,
  // kSkipped).
  struct ReferralSlot {
    uint32_t fact_row = kNotStarted;
  };
  std::vector<ReferralSlot> slots_;
  // By referral row: who it is about (SubjectOf, or the referrals table's
  // row).
  std::vector<uint32_t> subject_of_rows_;
  // By referrals-table row (columnar input): FindKnownPeople.
  std::vector<int32_t> known_people_;
  bool columnar_ = false;
  // The services the fold found, by service row, for the services table's
  // rows (added together after the events).
  BlockVector<NewService> new_services_;

  int event_kind_ = -1, event_day_ = -1, event_need_ = -1,
      event_prosecutor_ = -1, event_arrest_ = -1, event_status_ = -1;
  int service_need_ = -1, service_provider_ = -1, service_referred_ = -1,
      service_connected_ = -1, service_days_ = -1, service_is_connected_ = -1;
  // The dictionaries of the columns the events code (null when left out).
  Dictionary *sources_ = nullptr, *agencies_ = nullptr, *officers_ = nullptr,
             *case_managers_ = nullptr, *providers_ = nullptr;
  int32_t deadline_ = 0;
  bool needs_approval_ = false;
  int32_t connected_need_ = 0;
  size_t event_rows_ = 0;
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

namespace {

absl::StatusOr<std::unique_ptr<SiteFacts>> Fold(
    const v1::MetricRecords& records, const RecordColumns* columns,
    int32_t through_day, const FoldOptions& options) {
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
  KeepFieldsRead(options, facts.get());
  FoldScratch::Arrays* arrays = nullptr;
  if (options.scratch != nullptr) {
    arrays = &options.scratch->arrays();
    const std::array<FactTable*, 7> tables = TablesOf(facts.get());
    for (size_t i = 0; i < tables.size(); ++i) {
      tables[i]->ReuseColumns(&arrays->table_columns[i]);
    }
    facts->event_referral.swap(arrays->event_referral);
    facts->event_referral.clear();
    facts->service_referral.swap(arrays->service_referral);
    facts->service_referral.clear();
  }
  Folder folder(records, through_day, options.event_kinds, facts.get(), &days, arrays);
  if (absl::Status status = folder.Run(columns); !status.ok()) return status;
  return facts;
}

}  // namespace

absl::StatusOr<std::unique_ptr<SiteFacts>> FoldRecords(
    const v1::MetricRecords& records, int32_t through_day) {
  return Fold(records, nullptr, through_day, FoldOptions());
}

absl::StatusOr<std::unique_ptr<SiteFacts>> FoldRecords(
    const v1::MetricRecords& records, int32_t through_day, const FoldOptions& options) {
  return Fold(records, nullptr, through_day, options);
}

absl::StatusOr<std::unique_ptr<SiteFacts>> FoldRecords(
    const RecordColumns& columns, int32_t through_day) {
  return FoldRecords(columns, through_day, FoldOptions());
}

void Recycle(std::unique_ptr<SiteFacts> facts, FoldScratch* scratch) {
  FoldScratch::Arrays& arrays = scratch->arrays();
  const std::array<FactTable*, 7> tables = TablesOf(facts.get());
  for (size_t i = 0; i < tables.size(); ++i) {
    tables[i]->ReleaseColumns(&arrays.table_columns[i]);
  }
  facts->event_referral.clear();
  arrays.event_referral.swap(facts->event_referral);
  facts->service_referral.clear();
  arrays.service_referral.swap(facts->service_referral);
}

absl::StatusOr<std::unique_ptr<SiteFacts>> FoldRecords(
    const RecordColumns& columns, int32_t through_day, const FoldOptions& options) {
  if (columns.records == nullptr) {
    return absl::InvalidArgumentError("records: missing (NULL)");
  }
  const v1::MetricRecords& records = *columns.records;
  if ((columns.referrals.schema == nullptr) != (columns.events.schema == nullptr)) {
    return absl::InvalidArgumentError(absl::StrCat(
        columns.referrals.schema == nullptr ? "referrals" : "events",
        ": the table has no schema (the referral log is both tables, the "
        "referrals and the events, or neither)"));
  }
  if (columns.events.schema != nullptr &&
      (records.events_size() > 0 || records.subjects_size() > 0)) {
    return absl::InvalidArgumentError(
        "records: events and subjects must be empty when the referral log "
        "comes as columns (the events and referrals tables)");
  }
  struct Given {
    const RecordBatches& table;
    int messages;
    const char* name;
  };
  for (const Given& g : {Given{columns.people, records.people_size(), "people"},
                         Given{columns.encounters, records.encounters_size(), "encounters"},
                         Given{columns.arrests, records.arrests_size(), "arrests"}}) {
    if (g.table.schema != nullptr && g.messages > 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "records: ", g.name, " must be empty when the ", g.name,
          " table is given"));
    }
  }
  return Fold(records, &columns, through_day, options);
}

}  // namespace divert::metrics
