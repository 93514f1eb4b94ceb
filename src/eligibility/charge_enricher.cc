#include "eligibility/charge_enricher.h"

#include "absl/strings/str_cat.h"

namespace divert::eligibility {

void EnrichCharge(const v1::Offense& offense, v1::Charge* charge) {
  if (charge->statute_code() != offense.code()) {
    charge->set_statute_code(offense.code());
  }
  if (charge->description().empty()) {
    charge->set_description(offense.description());
  }
  if (charge->level() == v1::OFFENSE_LEVEL_UNSPECIFIED) {
    charge->set_level(offense.level());
  }
  if (charge->offense_category().empty()) {
    charge->set_offense_category(offense.category());
  }
  if (!charge->has_violent()) charge->set_violent(offense.violent());
  if (!charge->has_drug_possession()) {
    charge->set_drug_possession(offense.drug_possession());
  }
  if (!charge->has_drug_sale()) charge->set_drug_sale(offense.drug_sale());
  if (!charge->has_prostitution()) {
    charge->set_prostitution(offense.prostitution());
  }
  if (!charge->has_order_of_protection_violation()) {
    charge->set_order_of_protection_violation(
        offense.order_of_protection_violation());
  }
}

void EnrichCharges(const OffenseIndex& catalog, absl::string_view version,
                   v1::Encounter* encounter,
                   std::vector<const v1::Offense*>* offenses,
                   std::vector<std::string>* notes) {
  for (int i = 0; i < encounter->charges_size(); ++i) {
    v1::Charge* charge = encounter->mutable_charges(i);
    const v1::Offense* offense = catalog.Find(charge->statute_code());
    offenses->push_back(offense);
    if (offense != nullptr) {
      EnrichCharge(*offense, charge);
      continue;
    }
    notes->push_back(absl::StrCat(
        "charge ", i + 1, " (",
        charge->statute_code().empty() ? "no statute code"
                                       : charge->statute_code(),
        ") is not in the offense catalog of policy ", version));
  }
}

}  // namespace divert::eligibility
