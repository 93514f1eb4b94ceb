#include "eligibility/yes_no_facts.h"

#include <algorithm>

#include "divert/v1/person.pb.h"

namespace divert::eligibility {
namespace {

using google::protobuf::FieldDescriptor;

// Where each group of facts starts in YesNoFacts::encounter.
constexpr int kCircumstancesSlot = 0;
constexpr int kNeedsSlot = 9;
// Field numbers of the first fact of each group; a group's fields are
// numbered consecutively (yes_no_facts_test.cc checks both).
constexpr int kFirstCircumstance =
    v1::Circumstances::kVictimPresentFieldNumber;
constexpr int kFirstNeed = v1::ContributingNeeds::kAlcoholFieldNumber;
constexpr int kFirstChargeFlag = v1::Charge::kViolentFieldNumber;

FactState State(bool has, bool value) {
  return has ? (value ? kTrue : kFalse) : kUnset;
}

// The slot of `field` in a group of `count` facts starting at `slot`, when
// `field` is one of them.
int InGroup(const FieldDescriptor* field,
            const google::protobuf::Descriptor* group, int first_number,
            int count, int slot) {
  if (field->containing_type() != group ||
      field->cpp_type() != FieldDescriptor::CPPTYPE_BOOL ||
      !field->has_presence()) {
    return -1;
  }
  const int offset = field->number() - first_number;
  return offset >= 0 && offset < count ? slot + offset : -1;
}

}  // namespace

void YesNoFacts::ReadEncounter(const v1::Encounter& e) {
  FactState* c = states + kCircumstancesSlot;
  if (e.has_circumstances()) {
    const v1::Circumstances& m = e.circumstances();
    c[0] = State(m.has_victim_present(), m.victim_present());
    c[1] = State(m.has_victim_declines_prosecution(),
                 m.victim_declines_prosecution());
    c[2] = State(m.has_able_to_consent(), m.able_to_consent());
    c[3] = State(m.has_imminent_danger(), m.imminent_danger());
    c[4] = State(m.has_on_supervision(), m.on_supervision());
    c[5] = State(m.has_outstanding_warrants(), m.outstanding_warrants());
    c[6] = State(m.has_exploits_minors_or_others(),
                 m.exploits_minors_or_others());
    c[7] = State(m.has_sale_for_profit(), m.sale_for_profit());
    c[8] = State(m.has_offense_related_to_needs(),
                 m.offense_related_to_needs());
  } else {
    std::fill(c, c + (kNeedsSlot - kCircumstancesSlot), kNoMessage);
  }
  FactState* n = states + kNeedsSlot;
  if (e.has_person() && e.person().has_needs()) {
    const v1::ContributingNeeds& m = e.person().needs();
    n[0] = State(m.has_alcohol(), m.alcohol());
    n[1] = State(m.has_drugs(), m.drugs());
    n[2] = State(m.has_mental_health(), m.mental_health());
    n[3] = State(m.has_homelessness(), m.homelessness());
    n[4] = State(m.has_poverty(), m.poverty());
  } else {
    std::fill(n, states + kEncounterFacts, kNoMessage);
  }
}

void YesNoFacts::ReadCharge(const v1::Charge& m) {
  FactState* charge = states + kFirstChargeSlot;
  charge[0] = State(m.has_violent(), m.violent());
  charge[1] = State(m.has_drug_possession(), m.drug_possession());
  charge[2] = State(m.has_drug_sale(), m.drug_sale());
  charge[3] = State(m.has_prostitution(), m.prostitution());
  charge[4] = State(m.has_order_of_protection_violation(),
                    m.order_of_protection_violation());
}

int FactSlot(bool from_charge,
             absl::Span<const FieldDescriptor* const> path) {
  if (from_charge) {
    if (path.size() != 1) return -1;
    return InGroup(path[0], v1::Charge::descriptor(), kFirstChargeFlag,
                   YesNoFacts::kChargeFacts, YesNoFacts::kFirstChargeSlot);
  }
  const google::protobuf::Descriptor* encounter = v1::Encounter::descriptor();
  if (path.size() == 2 &&
      path[0] == encounter->FindFieldByNumber(
                     v1::Encounter::kCircumstancesFieldNumber)) {
    return InGroup(path[1], v1::Circumstances::descriptor(),
                   kFirstCircumstance, kNeedsSlot - kCircumstancesSlot,
                   kCircumstancesSlot);
  }
  if (path.size() == 3 &&
      path[0] ==
          encounter->FindFieldByNumber(v1::Encounter::kPersonFieldNumber) &&
      path[1] == v1::Person::descriptor()->FindFieldByNumber(
                     v1::Person::kNeedsFieldNumber)) {
    return InGroup(path[2], v1::ContributingNeeds::descriptor(), kFirstNeed,
                   YesNoFacts::kEncounterFacts - kNeedsSlot, kNeedsSlot);
  }
  return -1;
}

}  // namespace divert::eligibility
