// Charge enrichment: before rules run, each charge of the encounter is
// looked up in the version's offense catalog and completed from it, so
// that a site changes its offense list without touching a rule.
#ifndef DIVERT_SRC_ELIGIBILITY_CHARGE_ENRICHER_H_
#define DIVERT_SRC_ELIGIBILITY_CHARGE_ENRICHER_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "divert/v1/charge.pb.h"
#include "divert/v1/encounter.pb.h"
#include "eligibility/offense_catalog.h"

namespace divert::eligibility {

// Completes `charge` from `offense`: its statute code becomes the
// catalog's code; description, level and category are filled when empty
// or unspecified; the flags (violent, drug_possession, drug_sale,
// prostitution, order_of_protection_violation) are set where the charge
// left them unset — an officer's explicit value wins.
void EnrichCharge(const v1::Offense& offense, v1::Charge* charge);

// Enriches every charge of `encounter` from `catalog`, appending each
// charge's catalog entry to `offenses`. A charge whose code is not in the
// catalog stays as given, its entry is null, and a note such as "charge 2
// (PL 999.99) is not in the offense catalog of policy 2024-2" is appended to
// `notes`.
void EnrichCharges(const OffenseIndex& catalog, absl::string_view version,
                   v1::Encounter* encounter,
                   std::vector<const v1::Offense*>* offenses,
                   std::vector<std::string>* notes);

}  // namespace divert::eligibility

#endif  // DIVERT_SRC_ELIGIBILITY_CHARGE_ENRICHER_H_
