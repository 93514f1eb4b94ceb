#include "expr/generated_accessors.h"

#include <cstdint>
#include <new>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "divert/v1/charge.pb.h"
#include "divert/v1/encounter.pb.h"
#include "divert/v1/person.pb.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/repeated_ptr_field.h"

namespace divert::cel {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// One accessor per kind of field, instantiated with the generated class and
// its member functions, so that each read compiles to the generated inline
// accessor.
template <typename M, bool (M::*Has)() const>
bool HasField(const Message& message) {
  return (static_cast<const M&>(message).*Has)();
}

template <typename M, bool (M::*Get)() const>
Value ReadBool(const Message& message, Arena*) {
  return Value::Bool((static_cast<const M&>(message).*Get)());
}

template <typename M, int32_t (M::*Get)() const>
Value ReadInt32(const Message& message, Arena*) {
  return Value::Int((static_cast<const M&>(message).*Get)());
}

template <typename M, double (M::*Get)() const>
Value ReadDouble(const Message& message, Arena*) {
  return Value::Double((static_cast<const M&>(message).*Get)());
}

template <typename M, typename E, E (M::*Get)() const>
Value ReadEnum(const Message& message, Arena*) {
  return Value::Int(static_cast<int64_t>((static_cast<const M&>(message).*Get)()));
}

template <typename M, const std::string& (M::*Get)() const>
Value ReadString(const Message& message, Arena*) {
  return Value::String((static_cast<const M&>(message).*Get)());
}

template <typename M, typename S, const S& (M::*Get)() const>
Value ReadMessage(const Message& message, Arena*) {
  return Value::Message(&(static_cast<const M&>(message).*Get)());
}

// A repeated message field, read in place through its generated container.
template <typename S>
class RepeatedMessageList final : public ListValue {
 public:
  explicit RepeatedMessageList(
      const google::protobuf::RepeatedPtrField<S>* elements)
      : elements_(elements) {}
  size_t size() const override {
    return static_cast<size_t>(elements_->size());
  }
  Value Get(size_t index, Arena*) const override {
    return Value::Message(&elements_->Get(static_cast<int>(index)));
  }

 private:
  const google::protobuf::RepeatedPtrField<S>* elements_;
};

template <typename M, typename S,
          const google::protobuf::RepeatedPtrField<S>& (M::*Get)() const>
Value ReadRepeatedMessages(const Message& message, Arena* arena) {
  // Lists on the arena own nothing, so their destructors need not run.
  void* memory = arena->AllocateAligned(sizeof(RepeatedMessageList<S>));
  return Value::List(new (memory) RepeatedMessageList<S>(
      &(static_cast<const M&>(message).*Get)()));
}

template <typename M, bool (M::*Has)() const, bool (M::*Get)() const>
GeneratedAccessor OptionalBool() {
  return {&HasField<M, Has>, &ReadBool<M, Get>};
}

template <typename M, bool (M::*Has)() const, typename S,
          const S& (M::*Get)() const>
GeneratedAccessor SubMessage() {
  return {&HasField<M, Has>, &ReadMessage<M, S, Get>};
}

template <typename M, const std::string& (M::*Get)() const>
GeneratedAccessor Text() {
  return {nullptr, &ReadString<M, Get>};
}

using Table = absl::flat_hash_map<const FieldDescriptor*, GeneratedAccessor>;

// Adds `accessor` for field `number` of M.
template <typename M>
void Add(Table* table, int number, GeneratedAccessor accessor) {
  table->emplace(M::descriptor()->FindFieldByNumber(number), accessor);
}

void AddEncounter(Table* t) {
  using v1::Encounter;
  using v1::Place;
  Add<Encounter>(t, Encounter::kEncounterIdFieldNumber,
                 Text<Encounter, &Encounter::encounter_id>());
  Add<Encounter>(t, Encounter::kPlaceFieldNumber,
                 SubMessage<Encounter, &Encounter::has_place, Place,
                            &Encounter::place>());
  Add<Encounter>(t, Encounter::kPathwayFieldNumber,
                 {nullptr, &ReadEnum<Encounter, v1::Pathway,
                                     &Encounter::pathway>});
  Add<Encounter>(t, Encounter::kPersonFieldNumber,
                 SubMessage<Encounter, &Encounter::has_person, v1::Person,
                            &Encounter::person>());
  Add<Encounter>(t, Encounter::kCircumstancesFieldNumber,
                 SubMessage<Encounter, &Encounter::has_circumstances,
                            v1::Circumstances, &Encounter::circumstances>());
  Add<Encounter>(t, Encounter::kChargesFieldNumber,
                 {nullptr, &ReadRepeatedMessages<Encounter, v1::Charge,
                                                 &Encounter::charges>});
  Add<Encounter>(t, Encounter::kOfficerIdFieldNumber,
                 Text<Encounter, &Encounter::officer_id>());
  Add<Encounter>(t, Encounter::kAgencyFieldNumber,
                 Text<Encounter, &Encounter::agency>());
  Add<Place>(t, Place::kPrecinctFieldNumber, Text<Place, &Place::precinct>());
  Add<Place>(t, Place::kAreaFieldNumber, Text<Place, &Place::area>());
  Add<Place>(t, Place::kAddressFieldNumber, Text<Place, &Place::address>());
}

void AddCircumstances(Table* t) {
  using C = v1::Circumstances;
  Add<C>(t, C::kVictimPresentFieldNumber,
         OptionalBool<C, &C::has_victim_present, &C::victim_present>());
  Add<C>(t, C::kVictimDeclinesProsecutionFieldNumber,
         OptionalBool<C, &C::has_victim_declines_prosecution,
                      &C::victim_declines_prosecution>());
  Add<C>(t, C::kAbleToConsentFieldNumber,
         OptionalBool<C, &C::has_able_to_consent, &C::able_to_consent>());
  Add<C>(t, C::kImminentDangerFieldNumber,
         OptionalBool<C, &C::has_imminent_danger, &C::imminent_danger>());
  Add<C>(t, C::kOnSupervisionFieldNumber,
         OptionalBool<C, &C::has_on_supervision, &C::on_supervision>());
  Add<C>(t, C::kOutstandingWarrantsFieldNumber,
         OptionalBool<C, &C::has_outstanding_warrants,
                      &C::outstanding_warrants>());
  Add<C>(t, C::kExploitsMinorsOrOthersFieldNumber,
         OptionalBool<C, &C::has_exploits_minors_or_others,
                      &C::exploits_minors_or_others>());
  Add<C>(t, C::kSaleForProfitFieldNumber,
         OptionalBool<C, &C::has_sale_for_profit, &C::sale_for_profit>());
  Add<C>(t, C::kOffenseRelatedToNeedsFieldNumber,
         OptionalBool<C, &C::has_offense_related_to_needs,
                      &C::offense_related_to_needs>());
}

void AddPerson(Table* t) {
  using v1::ContributingNeeds;
  using v1::Date;
  using v1::Person;
  Add<Person>(t, Person::kPersonKeyFieldNumber,
              Text<Person, &Person::person_key>());
  Add<Person>(t, Person::kGivenNameFieldNumber,
              Text<Person, &Person::given_name>());
  Add<Person>(t, Person::kFamilyNameFieldNumber,
              Text<Person, &Person::family_name>());
  Add<Person>(t, Person::kDateOfBirthFieldNumber,
              SubMessage<Person, &Person::has_date_of_birth, Date,
                         &Person::date_of_birth>());
  Add<Person>(t, Person::kSocialSecurityNumberFieldNumber,
              Text<Person, &Person::social_security_number>());
  Add<Person>(t, Person::kAddressFieldNumber, Text<Person, &Person::address>());
  Add<Person>(t, Person::kAgeFieldNumber,
              {&HasField<Person, &Person::has_age>,
               &ReadInt32<Person, &Person::age>});
  Add<Person>(t, Person::kNeedsFieldNumber,
              SubMessage<Person, &Person::has_needs, ContributingNeeds,
                         &Person::needs>());
  Add<Date>(t, Date::kYearFieldNumber, {nullptr, &ReadInt32<Date, &Date::year>});
  Add<Date>(t, Date::kMonthFieldNumber,
            {nullptr, &ReadInt32<Date, &Date::month>});
  Add<Date>(t, Date::kDayFieldNumber, {nullptr, &ReadInt32<Date, &Date::day>});
  using N = ContributingNeeds;
  Add<N>(t, N::kAlcoholFieldNumber,
         OptionalBool<N, &N::has_alcohol, &N::alcohol>());
  Add<N>(t, N::kDrugsFieldNumber, OptionalBool<N, &N::has_drugs, &N::drugs>());
  Add<N>(t, N::kMentalHealthFieldNumber,
         OptionalBool<N, &N::has_mental_health, &N::mental_health>());
  Add<N>(t, N::kHomelessnessFieldNumber,
         OptionalBool<N, &N::has_homelessness, &N::homelessness>());
  Add<N>(t, N::kPovertyFieldNumber,
         OptionalBool<N, &N::has_poverty, &N::poverty>());
}

void AddCharge(Table* t) {
  using C = v1::Charge;
  Add<C>(t, C::kStatuteCodeFieldNumber, Text<C, &C::statute_code>());
  Add<C>(t, C::kDescriptionFieldNumber, Text<C, &C::description>());
  Add<C>(t, C::kOffenseCategoryFieldNumber, Text<C, &C::offense_category>());
  Add<C>(t, C::kLevelFieldNumber,
         {nullptr, &ReadEnum<C, v1::OffenseLevel, &C::level>});
  Add<C>(t, C::kViolentFieldNumber,
         OptionalBool<C, &C::has_violent, &C::violent>());
  Add<C>(t, C::kDrugPossessionFieldNumber,
         OptionalBool<C, &C::has_drug_possession, &C::drug_possession>());
  Add<C>(t, C::kDrugSaleFieldNumber,
         OptionalBool<C, &C::has_drug_sale, &C::drug_sale>());
  Add<C>(t, C::kProstitutionFieldNumber,
         OptionalBool<C, &C::has_prostitution, &C::prostitution>());
  Add<C>(t, C::kOrderOfProtectionViolationFieldNumber,
         OptionalBool<C, &C::has_order_of_protection_violation,
                      &C::order_of_protection_violation>());
  Add<C>(t, C::kDrugQuantityGramsFieldNumber,
         {&HasField<C, &C::has_drug_quantity_grams>,
          &ReadDouble<C, &C::drug_quantity_grams>});
}

const Table& Accessors() {
  static const Table* table = [] {
    auto* t = new Table;
    AddEncounter(t);
    AddCircumstances(t);
    AddPerson(t);
    AddCharge(t);
    return t;
  }();
  return *table;
}

}  // namespace

const GeneratedAccessor* FindGeneratedAccessor(const FieldDescriptor* field) {
  const Table& table = Accessors();
  auto it = table.find(field);
  return it == table.end() ? nullptr : &it->second;
}

}  // namespace divert::cel
