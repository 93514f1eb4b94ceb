#include "eligibility/encounter_decoder.h"

#include <cstdint>
#include <cstring>
#include <limits>

#include "divert/v1/charge.pb.h"
#include "divert/v1/person.pb.h"
#include "google/protobuf/repeated_field.h"
#include "google/protobuf/stubs/common.h"

namespace divert::eligibility {
namespace {

enum WireType { kVarint = 0, kFixed64 = 1, kLengthDelimited = 2 };

// Reads the bytes of one message, accepting only their canonical encoding:
// each field once, in increasing number order (a repeated message field's
// elements together), with minimal varints and lengths.
class Cursor {
 public:
  Cursor(const char* p, const char* end) : p_(p), end_(end) {}

  bool AtEnd() const { return p_ == end_; }

  // Reads the next field's number and wire type. Only `repeatable` may come
  // again right after itself.
  bool NextField(int repeatable, int* number, int* wire_type) {
    uint64_t tag;
    if (!Varint(&tag) || tag > std::numeric_limits<uint32_t>::max()) {
      return false;
    }
    *number = static_cast<int>(tag >> 3);
    *wire_type = static_cast<int>(tag & 7);
    if (*number < last_ || (*number == last_ && *number != repeatable)) {
      return false;
    }
    last_ = *number;
    return true;
  }

  // A varint in as few bytes as it needs.
  bool Varint(uint64_t* value) {
    // Most are one byte: tags, lengths, enums, bools.
    if (p_ != end_ && (static_cast<uint8_t>(*p_) & 0x80) == 0) {
      *value = static_cast<uint8_t>(*p_++);
      return true;
    }
    uint64_t result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p_ == end_) return false;
      const uint8_t byte = static_cast<uint8_t>(*p_++);
      if (shift == 63 && byte > 1) return false;  // more than 64 bits
      result |= static_cast<uint64_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0) {
        if (byte == 0 && shift > 0) return false;  // a needless last byte
        *value = result;
        return true;
      }
    }
    return false;
  }

  bool Fixed64(uint64_t* value) {
    if (end_ - p_ < 8) return false;
    uint8_t bytes[8];
    std::memcpy(bytes, p_, 8);
    uint64_t result = 0;
    for (int i = 7; i >= 0; --i) result = (result << 8) | bytes[i];
    *value = result;
    p_ += 8;
    return true;
  }

  // The bytes of a length-delimited field.
  bool Delimited(absl::string_view* bytes) {
    uint64_t length;
    if (!Varint(&length) ||
        length > static_cast<uint64_t>(end_ - p_)) {
      return false;
    }
    *bytes = absl::string_view(p_, length);
    p_ += length;
    return true;
  }

 private:
  const char* p_;
  const char* end_;
  int last_ = 0;
};

Cursor Over(absl::string_view bytes) {
  return Cursor(bytes.data(), bytes.data() + bytes.size());
}

// An int32 (or enum) as protobuf writes it: negative values sign-extended to
// ten bytes.
bool Int32(Cursor* c, int wire_type, int32_t* value) {
  uint64_t raw;
  if (wire_type != kVarint || !c->Varint(&raw)) return false;
  *value = static_cast<int32_t>(raw);
  return static_cast<uint64_t>(static_cast<int64_t>(*value)) == raw;
}

// A proto3 int32 or enum without presence, which is written only when it is
// not zero.
bool ImplicitInt32(Cursor* c, int wire_type, int32_t* value) {
  return Int32(c, wire_type, value) && *value != 0;
}

bool ImplicitInt64(Cursor* c, int wire_type, int64_t* value) {
  uint64_t raw;
  if (wire_type != kVarint || !c->Varint(&raw) || raw == 0) return false;
  *value = static_cast<int64_t>(raw);
  return true;
}

// An optional bool: written whenever it is set, as 0 or 1.
bool Bool(Cursor* c, int wire_type, bool* value) {
  uint64_t raw;
  if (wire_type != kVarint || !c->Varint(&raw) || raw > 1) return false;
  *value = raw == 1;
  return true;
}

bool Double(Cursor* c, int wire_type, double* value) {
  uint64_t raw;
  if (wire_type != kFixed64 || !c->Fixed64(&raw)) return false;
  std::memcpy(value, &raw, sizeof(raw));
  return true;
}

bool IsAscii(absl::string_view text) {
  constexpr uint64_t kHighBits = 0x8080808080808080ULL;
  const char* p = text.data();
  size_t left = text.size();
  uint64_t any = 0;
  for (; left >= 8; p += 8, left -= 8) {
    uint64_t word;
    std::memcpy(&word, p, sizeof(word));
    any |= word;
  }
  for (; left > 0; ++p, --left) any |= static_cast<unsigned char>(*p);
  return (any & kHighBits) == 0;
}

// Sets a string field, reusing the capacity its cleared string kept
// (appending to an empty string is cheaper than assign's general case).
void Assign(absl::string_view text, std::string* field) {
  field->clear();
  field->append(text.data(), text.size());
}

// A proto3 string without presence: written only when not empty, and
// UTF-8, which protobuf's parser requires (checked with its own check).
bool Text(Cursor* c, int wire_type, absl::string_view* text) {
  if (wire_type != kLengthDelimited || !c->Delimited(text) || text->empty()) {
    return false;
  }
  return IsAscii(*text) || google::protobuf::internal::IsStructurallyValidUTF8(
                               text->data(), static_cast<int>(text->size()));
}

bool Message(Cursor* c, int wire_type, Cursor* inner) {
  absl::string_view bytes;
  if (wire_type != kLengthDelimited || !c->Delimited(&bytes)) return false;
  *inner = Over(bytes);
  return true;
}

// A repeated enum, packed (proto3's encoding): written only when not empty.
bool PackedEnums(Cursor* c, int wire_type,
                 google::protobuf::RepeatedField<int>* values) {
  absl::string_view bytes;
  if (wire_type != kLengthDelimited || !c->Delimited(&bytes) ||
      bytes.empty()) {
    return false;
  }
  Cursor elements = Over(bytes);
  while (!elements.AtEnd()) {
    int32_t value;
    if (!Int32(&elements, kVarint, &value)) return false;
    values->Add(value);
  }
  return true;
}

// A cleared message from `spare`, or a new one.
template <typename M>
M* Take(std::unique_ptr<M>* spare) {
  return *spare != nullptr ? spare->release() : new M;
}

// Clears `message` and keeps it in `spare`.
template <typename M>
void Keep(M* message, std::unique_ptr<M>* spare) {
  message->Clear();
  spare->reset(message);
}

bool DecodeTimestamp(Cursor c, google::protobuf::Timestamp* out) {
  int number, wire_type;
  while (!c.AtEnd()) {
    if (!c.NextField(0, &number, &wire_type)) return false;
    switch (number) {
      case google::protobuf::Timestamp::kSecondsFieldNumber: {
        int64_t seconds;
        if (!ImplicitInt64(&c, wire_type, &seconds)) return false;
        out->set_seconds(seconds);
        break;
      }
      case google::protobuf::Timestamp::kNanosFieldNumber: {
        int32_t nanos;
        if (!ImplicitInt32(&c, wire_type, &nanos)) return false;
        out->set_nanos(nanos);
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

bool DecodePlace(Cursor c, v1::Place* out) {
  using P = v1::Place;
  int number, wire_type;
  absl::string_view text;
  while (!c.AtEnd()) {
    if (!c.NextField(0, &number, &wire_type) || !Text(&c, wire_type, &text)) {
      return false;
    }
    switch (number) {
      case P::kPrecinctFieldNumber:
        Assign(text, out->mutable_precinct());
        break;
      case P::kAreaFieldNumber:
        Assign(text, out->mutable_area());
        break;
      case P::kAddressFieldNumber:
        Assign(text, out->mutable_address());
        break;
      default:
        return false;
    }
  }
  return true;
}

bool DecodeDate(Cursor c, v1::Date* out) {
  using D = v1::Date;
  int number, wire_type;
  int32_t value;
  while (!c.AtEnd()) {
    if (!c.NextField(0, &number, &wire_type) ||
        !ImplicitInt32(&c, wire_type, &value)) {
      return false;
    }
    switch (number) {
      case D::kYearFieldNumber:
        out->set_year(value);
        break;
      case D::kMonthFieldNumber:
        out->set_month(value);
        break;
      case D::kDayFieldNumber:
        out->set_day(value);
        break;
      default:
        return false;
    }
  }
  return true;
}

// A message whose fields are all optional bools, set through `setters`
// (indexed by field number; null where there is no such field).
template <typename M, int kFields>
bool DecodeBools(Cursor c, void (M::*const (&setters)[kFields])(bool),
                 M* out) {
  int number, wire_type;
  bool value;
  while (!c.AtEnd()) {
    if (!c.NextField(0, &number, &wire_type) || number >= kFields ||
        setters[number] == nullptr || !Bool(&c, wire_type, &value)) {
      return false;
    }
    (out->*setters[number])(value);
  }
  return true;
}

using N = v1::ContributingNeeds;
constexpr void (N::*kNeedsSetters[])(bool) = {
    nullptr,
    &N::set_alcohol,
    &N::set_drugs,
    &N::set_mental_health,
    &N::set_homelessness,
    &N::set_poverty,
};
static_assert(N::kAlcoholFieldNumber == 1 && N::kDrugsFieldNumber == 2 &&
              N::kMentalHealthFieldNumber == 3 &&
              N::kHomelessnessFieldNumber == 4 &&
              N::kPovertyFieldNumber == 5);

using Circ = v1::Circumstances;
constexpr void (Circ::*kCircumstancesSetters[])(bool) = {
    nullptr,
    &Circ::set_victim_present,
    &Circ::set_victim_declines_prosecution,
    &Circ::set_able_to_consent,
    &Circ::set_imminent_danger,
    &Circ::set_on_supervision,
    &Circ::set_outstanding_warrants,
    &Circ::set_exploits_minors_or_others,
    &Circ::set_sale_for_profit,
    &Circ::set_offense_related_to_needs,
};
static_assert(Circ::kVictimPresentFieldNumber == 1 &&
              Circ::kVictimDeclinesProsecutionFieldNumber == 2 &&
              Circ::kAbleToConsentFieldNumber == 3 &&
              Circ::kImminentDangerFieldNumber == 4 &&
              Circ::kOnSupervisionFieldNumber == 5 &&
              Circ::kOutstandingWarrantsFieldNumber == 6 &&
              Circ::kExploitsMinorsOrOthersFieldNumber == 7 &&
              Circ::kSaleForProfitFieldNumber == 8 &&
              Circ::kOffenseRelatedToNeedsFieldNumber == 9);

bool DecodePerson(Cursor c, std::unique_ptr<v1::Date>* spare_date,
                  std::unique_ptr<N>* spare_needs, v1::Person* out) {
  using P = v1::Person;
  int number, wire_type;
  absl::string_view text;
  Cursor inner(nullptr, nullptr);
  while (!c.AtEnd()) {
    if (!c.NextField(0, &number, &wire_type)) return false;
    switch (number) {
      case P::kPersonKeyFieldNumber:
        if (!Text(&c, wire_type, &text)) return false;
        Assign(text, out->mutable_person_key());
        break;
      case P::kGivenNameFieldNumber:
        if (!Text(&c, wire_type, &text)) return false;
        Assign(text, out->mutable_given_name());
        break;
      case P::kFamilyNameFieldNumber:
        if (!Text(&c, wire_type, &text)) return false;
        Assign(text, out->mutable_family_name());
        break;
      case P::kDateOfBirthFieldNumber:
        out->set_allocated_date_of_birth(Take(spare_date));
        if (!Message(&c, wire_type, &inner) ||
            !DecodeDate(inner, out->mutable_date_of_birth())) {
          return false;
        }
        break;
      case P::kSocialSecurityNumberFieldNumber:
        if (!Text(&c, wire_type, &text)) return false;
        Assign(text, out->mutable_social_security_number());
        break;
      case P::kAddressFieldNumber:
        if (!Text(&c, wire_type, &text)) return false;
        Assign(text, out->mutable_address());
        break;
      case P::kAgeFieldNumber: {
        int32_t age;
        if (!Int32(&c, wire_type, &age)) return false;
        out->set_age(age);
        break;
      }
      case P::kRaceEthnicityFieldNumber:
        if (!PackedEnums(&c, wire_type, out->mutable_race_ethnicity())) {
          return false;
        }
        break;
      case P::kGenderFieldNumber:
        if (!PackedEnums(&c, wire_type, out->mutable_gender())) return false;
        break;
      case P::kNeedsFieldNumber:
        out->set_allocated_needs(Take(spare_needs));
        if (!Message(&c, wire_type, &inner) ||
            !DecodeBools(inner, kNeedsSetters, out->mutable_needs())) {
          return false;
        }
        break;
      default:
        return false;
    }
  }
  return true;
}

bool DecodeCharge(Cursor c, v1::Charge* out) {
  using C = v1::Charge;
  int number, wire_type;
  absl::string_view text;
  bool flag;
  while (!c.AtEnd()) {
    if (!c.NextField(0, &number, &wire_type)) return false;
    switch (number) {
      case C::kStatuteCodeFieldNumber:
        if (!Text(&c, wire_type, &text)) return false;
        Assign(text, out->mutable_statute_code());
        break;
      case C::kDescriptionFieldNumber:
        if (!Text(&c, wire_type, &text)) return false;
        Assign(text, out->mutable_description());
        break;
      case C::kOffenseCategoryFieldNumber:
        if (!Text(&c, wire_type, &text)) return false;
        Assign(text, out->mutable_offense_category());
        break;
      case C::kLevelFieldNumber: {
        int32_t level;
        if (!ImplicitInt32(&c, wire_type, &level)) return false;
        out->set_level(static_cast<v1::OffenseLevel>(level));
        break;
      }
      case C::kViolentFieldNumber:
        if (!Bool(&c, wire_type, &flag)) return false;
        out->set_violent(flag);
        break;
      case C::kDrugPossessionFieldNumber:
        if (!Bool(&c, wire_type, &flag)) return false;
        out->set_drug_possession(flag);
        break;
      case C::kDrugSaleFieldNumber:
        if (!Bool(&c, wire_type, &flag)) return false;
        out->set_drug_sale(flag);
        break;
      case C::kProstitutionFieldNumber:
        if (!Bool(&c, wire_type, &flag)) return false;
        out->set_prostitution(flag);
        break;
      case C::kOrderOfProtectionViolationFieldNumber:
        if (!Bool(&c, wire_type, &flag)) return false;
        out->set_order_of_protection_violation(flag);
        break;
      case C::kDrugQuantityGramsFieldNumber: {
        double grams;
        if (!Double(&c, wire_type, &grams)) return false;
        out->set_drug_quantity_grams(grams);
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

}  // namespace

void EncounterDecoder::Reset() {
  v1::Encounter& e = encounter_;
  if (e.has_occurred_at()) {
    Keep(e.release_occurred_at(), &spares_.occurred_at);
  }
  if (e.has_place()) Keep(e.release_place(), &spares_.place);
  if (e.has_person()) {
    v1::Person* person = e.release_person();
    if (person->has_date_of_birth()) {
      Keep(person->release_date_of_birth(), &spares_.date_of_birth);
    }
    if (person->has_needs()) Keep(person->release_needs(), &spares_.needs);
    Keep(person, &spares_.person);
  }
  if (e.has_circumstances()) {
    Keep(e.release_circumstances(), &spares_.circumstances);
  }
  // Keeps the charges, cleared, for add_charges() to reuse.
  e.Clear();
}

v1::Encounter* EncounterDecoder::DecodeCanonical(absl::string_view bytes) {
  using E = v1::Encounter;
  Reset();
  E& e = encounter_;
  Cursor c = Over(bytes);
  Cursor inner(nullptr, nullptr);
  int number, wire_type;
  absl::string_view text;
  while (!c.AtEnd()) {
    if (!c.NextField(E::kChargesFieldNumber, &number, &wire_type)) {
      return nullptr;
    }
    switch (number) {
      case E::kEncounterIdFieldNumber:
        if (!Text(&c, wire_type, &text)) return nullptr;
        Assign(text, e.mutable_encounter_id());
        break;
      case E::kOccurredAtFieldNumber:
        e.set_allocated_occurred_at(Take(&spares_.occurred_at));
        if (!Message(&c, wire_type, &inner) ||
            !DecodeTimestamp(inner, e.mutable_occurred_at())) {
          return nullptr;
        }
        break;
      case E::kPlaceFieldNumber:
        e.set_allocated_place(Take(&spares_.place));
        if (!Message(&c, wire_type, &inner) ||
            !DecodePlace(inner, e.mutable_place())) {
          return nullptr;
        }
        break;
      case E::kPathwayFieldNumber: {
        int32_t pathway;
        if (!ImplicitInt32(&c, wire_type, &pathway)) return nullptr;
        e.set_pathway(static_cast<v1::Pathway>(pathway));
        break;
      }
      case E::kPersonFieldNumber:
        e.set_allocated_person(Take(&spares_.person));
        if (!Message(&c, wire_type, &inner) ||
            !DecodePerson(inner, &spares_.date_of_birth, &spares_.needs,
                          e.mutable_person())) {
          return nullptr;
        }
        break;
      case E::kChargesFieldNumber:
        if (!Message(&c, wire_type, &inner) ||
            !DecodeCharge(inner, e.add_charges())) {
          return nullptr;
        }
        break;
      case E::kCircumstancesFieldNumber:
        e.set_allocated_circumstances(Take(&spares_.circumstances));
        if (!Message(&c, wire_type, &inner) ||
            !DecodeBools(inner, kCircumstancesSetters,
                         e.mutable_circumstances())) {
          return nullptr;
        }
        break;
      case E::kOfficerIdFieldNumber:
        if (!Text(&c, wire_type, &text)) return nullptr;
        Assign(text, e.mutable_officer_id());
        break;
      case E::kAgencyFieldNumber:
        if (!Text(&c, wire_type, &text)) return nullptr;
        Assign(text, e.mutable_agency());
        break;
      default:
        return nullptr;
    }
  }
  return &e;
}

}  // namespace divert::eligibility
