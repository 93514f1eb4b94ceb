// The contract's yes/no facts -- its optional bool fields -- read into flat
// arrays once per decision, so that condition tables (condition_table.h)
// look a fact up by its slot instead of walking messages for it.
//
// The encounter's facts are the circumstances and the person's needs; a
// charge's are its flags (violent, drug_possession, ...). Each is in one of
// the states of FactState. FactSlot finds a field path's slot when a policy
// is compiled; the arrays are filled when a decision binds the encounter,
// then each charge.
#ifndef DIVERT_SRC_ELIGIBILITY_YES_NO_FACTS_H_
#define DIVERT_SRC_ELIGIBILITY_YES_NO_FACTS_H_

#include <cstdint>

#include "absl/types/span.h"
#include "divert/v1/charge.pb.h"
#include "divert/v1/encounter.pb.h"
#include "google/protobuf/descriptor.h"

namespace divert::eligibility {

// A fact's state. kNoMessage: a message on the way to the field is absent.
enum FactState : int8_t {
  kNoMessage = -1,
  kUnset = 0,
  kFalse = 1,
  kTrue = 2,
};

struct YesNoFacts {
  // The encounter's: Circumstances' nine fields, then ContributingNeeds'
  // five, each in the order of their field numbers.
  static constexpr int kEncounterFacts = 14;
  // The charge's: Charge's five flags, in the order of their field
  // numbers, after the encounter's.
  static constexpr int kChargeFacts = 5;
  static constexpr int kFirstChargeSlot = kEncounterFacts;
  static constexpr int kSlots = kEncounterFacts + kChargeFacts;

  FactState states[kSlots];

  // Fill the encounter's slots, and the charge's.
  void ReadEncounter(const v1::Encounter& encounter);
  void ReadCharge(const v1::Charge& charge);
};

// The slot in YesNoFacts::states of the optional bool field at the end of
// `path`, a chain of singular fields from the encounter (or from the
// charge, when `from_charge`); -1 when the path is not one of the
// contract's yes/no facts.
int FactSlot(bool from_charge,
             absl::Span<const google::protobuf::FieldDescriptor* const> path);

}  // namespace divert::eligibility

#endif  // DIVERT_SRC_ELIGIBILITY_YES_NO_FACTS_H_
