// Small policies and encounters for the eligibility tests: a faithful,
// shortened version of the toolkit's Example 1 (two versions, a handful of
// New York Penal Law offenses) written in text format, and helpers that
// build encounters for it.
#ifndef DIVERT_SRC_ELIGIBILITY_TEST_POLICIES_H_
#define DIVERT_SRC_ELIGIBILITY_TEST_POLICIES_H_

#include <memory>
#include <string>

#include "divert/eligibility/policy.h"
#include "divert/v1/encounter.pb.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/util/time_util.h"

namespace divert::eligibility::testing {

// Version 2024-1 (in force from 2024-01-01) and 2024-2 (from 2024-03-01,
// approved 2024-02-14), which adds PL 240.20 to the catalog and raises the
// drug quantity.
inline constexpr char kExample1Policy[] = R"pb(
site_id: "nyc-test"
site_name: "Test City LEAD"
time_zone: "America/New_York"
versions {
  version: "2024-1"
  approved_on { year: 2023 month: 12 day: 15 }
  effective_from { year: 2024 month: 1 day: 1 }
  change_note: "First version."
  offense_catalog {
    jurisdiction: "New York State Penal Law"
    offenses { code: "PL 155.25" aliases: "PL 1552500" description: "Petit larceny" level: MISDEMEANOR category: "theft" }
    offenses { code: "PL 120.00" description: "Assault in the third degree" level: MISDEMEANOR category: "assault" violent: true }
    offenses { code: "PL 220.03" description: "Criminal possession of a controlled substance in the seventh degree" level: MISDEMEANOR category: "drug possession" drug_possession: true }
    offenses { code: "PL 220.39" description: "Criminal sale of a controlled substance in the third degree" level: FELONY category: "drug sale" drug_sale: true }
    offenses { code: "PL 215.51" description: "Criminal contempt in the first degree" level: FELONY category: "contempt" order_of_protection_violation: true }
    offenses { code: "PL 230.00" description: "Prostitution" level: MISDEMEANOR category: "prostitution" prostitution: true }
    offenses { code: "AC 10-125" description: "Consumption of alcohol in public" level: ORDINANCE category: "public order" needs_verification: true }
  }
  parameters { name: "max_drug_grams" description: "The site-specific quantity of drugs" unit: "grams" double_value: 1.0 }
  rules {
    id: "criterion.offense" kind: CRITERION scope: EACH_CHARGE
    text: "Probable cause exists for a non-violent Penal Law misdemeanor or violation, or a non-violent city ordinance offense."
    citation: "LEAD Toolkit, Sample Policies V, Example 1, 1-3"
    any_of { id: "misdemeanor" text: "Non-violent Penal Law misdemeanor" condition: "charge.statute_code.startsWith('PL ') && charge.level == OffenseLevel.MISDEMEANOR && !charge.violent" }
    any_of { id: "violation" text: "Non-violent Penal Law violation" condition: "charge.statute_code.startsWith('PL ') && charge.level == OffenseLevel.VIOLATION && !charge.violent" }
    any_of { id: "ordinance" text: "Non-violent city ordinance offense" condition: "charge.level == OffenseLevel.ORDINANCE && !charge.violent" }
  }
  rules {
    id: "criterion.needs" kind: CRITERION
    text: "The person has a known history of alcohol, drug, poverty, homelessness or mental health needs."
    citation: "LEAD Toolkit, Sample Policies V, Example 1"
    condition: "encounter.person.needs.alcohol || encounter.person.needs.drugs || encounter.person.needs.poverty || encounter.person.needs.homelessness || encounter.person.needs.mental_health"
  }
  rules {
    id: "criterion.related" kind: CRITERION
    text: "The offense was committed in relation to such a need."
    condition: "encounter.circumstances.offense_related_to_needs"
  }
  rules {
    id: "criterion.victim" kind: CRITERION
    text: "Where a victim exists, the victim is willing to decline prosecution."
    condition: "!encounter.circumstances.victim_present || encounter.circumstances.victim_declines_prosecution"
  }
  rules { id: "exclusion.consent" kind: EXCLUSION text: "The person is unable to give consent." condition: "!encounter.circumstances.able_to_consent" }
  rules { id: "exclusion.drug_quantity" kind: EXCLUSION scope: EACH_CHARGE text: "The amount of drugs exceeds the site-specific quantity." condition: "has(charge.drug_quantity_grams) && charge.drug_quantity_grams > max_drug_grams" }
  rules { id: "exclusion.sale" kind: EXCLUSION text: "The suspected activity is sale of drugs for profit above a subsistence level." condition: "encounter.circumstances.sale_for_profit" }
  rules { id: "exclusion.exploitation" kind: EXCLUSION text: "The person exploits minors or other people." condition: "encounter.circumstances.exploits_minors_or_others" }
  rules { id: "exclusion.violent" kind: EXCLUSION scope: EACH_CHARGE text: "Probable cause exists for a violent offense." condition: "charge.violent" }
  rules { id: "exclusion.order_of_protection" kind: EXCLUSION scope: EACH_CHARGE text: "Probable cause exists for violating an order of protection." condition: "charge.order_of_protection_violation" }
  rules { id: "exclusion.imminent_danger" kind: EXCLUSION text: "The person is an imminent danger to self or others and requires acute emergency care." condition: "encounter.circumstances.imminent_danger" }
  rules { id: "review.supervision" kind: REVIEW_TRIGGER review_by: SUPERVISING_AGENCY text: "The person is on supervision: decided with the supervising agency." condition: "encounter.circumstances.on_supervision" }
  rules { id: "review.warrants" kind: REVIEW_TRIGGER review_by: ISSUING_COURT text: "The person has outstanding warrants: decided with the issuing court." condition: "encounter.circumstances.outstanding_warrants" }
  program {
    intake_deadline_days: 30 assessment_window_hours: 48
    social_contact_requires_owg_approval: true social_contact_subject_to_capacity: true
    referral_sources { name: "NYPD" pathways: ARREST_DIVERSION pathways: SOCIAL_CONTACT }
    extensions { allowed: true extension_days: 30 requires_engagement_plan: true }
    preferred_caseload: 15 maximum_caseload: 25
  }
}
versions {
  version: "2024-2"
  approved_on { year: 2024 month: 2 day: 14 }
  effective_from { year: 2024 month: 3 day: 1 }
  change_note: "Adds disorderly conduct; raises the drug quantity to 2 grams."
  offense_catalog {
    jurisdiction: "New York State Penal Law"
    offenses { code: "PL 155.25" aliases: "PL 1552500" description: "Petit larceny" level: MISDEMEANOR category: "theft" }
    offenses { code: "PL 120.00" description: "Assault in the third degree" level: MISDEMEANOR category: "assault" violent: true }
    offenses { code: "PL 220.03" description: "Criminal possession of a controlled substance in the seventh degree" level: MISDEMEANOR category: "drug possession" drug_possession: true }
    offenses { code: "PL 220.39" description: "Criminal sale of a controlled substance in the third degree" level: FELONY category: "drug sale" drug_sale: true }
    offenses { code: "PL 215.51" description: "Criminal contempt in the first degree" level: FELONY category: "contempt" order_of_protection_violation: true }
    offenses { code: "PL 230.00" description: "Prostitution" level: MISDEMEANOR category: "prostitution" prostitution: true }
    offenses { code: "AC 10-125" description: "Consumption of alcohol in public" level: ORDINANCE category: "public order" needs_verification: true }
    offenses { code: "PL 240.20" description: "Disorderly conduct" level: VIOLATION category: "public order" }
  }
  parameters { name: "max_drug_grams" description: "The site-specific quantity of drugs" unit: "grams" double_value: 2.0 }
  rules {
    id: "criterion.offense" kind: CRITERION scope: EACH_CHARGE
    text: "Probable cause exists for a non-violent Penal Law misdemeanor or violation, or a non-violent city ordinance offense."
    citation: "LEAD Toolkit, Sample Policies V, Example 1, 1-3"
    any_of { id: "misdemeanor" text: "Non-violent Penal Law misdemeanor" condition: "charge.statute_code.startsWith('PL ') && charge.level == OffenseLevel.MISDEMEANOR && !charge.violent" }
    any_of { id: "violation" text: "Non-violent Penal Law violation" condition: "charge.statute_code.startsWith('PL ') && charge.level == OffenseLevel.VIOLATION && !charge.violent" }
    any_of { id: "ordinance" text: "Non-violent city ordinance offense" condition: "charge.level == OffenseLevel.ORDINANCE && !charge.violent" }
  }
  rules {
    id: "criterion.needs" kind: CRITERION
    text: "The person has a known history of alcohol, drug, poverty, homelessness or mental health needs."
    citation: "LEAD Toolkit, Sample Policies V, Example 1"
    condition: "encounter.person.needs.alcohol || encounter.person.needs.drugs || encounter.person.needs.poverty || encounter.person.needs.homelessness || encounter.person.needs.mental_health"
  }
  rules {
    id: "criterion.related" kind: CRITERION
    text: "The offense was committed in relation to such a need."
    condition: "encounter.circumstances.offense_related_to_needs"
  }
  rules {
    id: "criterion.victim" kind: CRITERION
    text: "Where a victim exists, the victim is willing to decline prosecution."
    condition: "!encounter.circumstances.victim_present || encounter.circumstances.victim_declines_prosecution"
  }
  rules { id: "exclusion.consent" kind: EXCLUSION text: "The person is unable to give consent." condition: "!encounter.circumstances.able_to_consent" }
  rules { id: "exclusion.drug_quantity" kind: EXCLUSION scope: EACH_CHARGE text: "The amount of drugs exceeds the site-specific quantity." condition: "has(charge.drug_quantity_grams) && charge.drug_quantity_grams > max_drug_grams" }
  rules { id: "exclusion.sale" kind: EXCLUSION text: "The suspected activity is sale of drugs for profit above a subsistence level." condition: "encounter.circumstances.sale_for_profit" }
  rules { id: "exclusion.exploitation" kind: EXCLUSION text: "The person exploits minors or other people." condition: "encounter.circumstances.exploits_minors_or_others" }
  rules { id: "exclusion.violent" kind: EXCLUSION scope: EACH_CHARGE text: "Probable cause exists for a violent offense." condition: "charge.violent" }
  rules { id: "exclusion.order_of_protection" kind: EXCLUSION scope: EACH_CHARGE text: "Probable cause exists for violating an order of protection." condition: "charge.order_of_protection_violation" }
  rules { id: "exclusion.imminent_danger" kind: EXCLUSION text: "The person is an imminent danger to self or others and requires acute emergency care." condition: "encounter.circumstances.imminent_danger" }
  rules { id: "review.supervision" kind: REVIEW_TRIGGER review_by: SUPERVISING_AGENCY text: "The person is on supervision: decided with the supervising agency." condition: "encounter.circumstances.on_supervision" }
  rules { id: "review.warrants" kind: REVIEW_TRIGGER review_by: ISSUING_COURT text: "The person has outstanding warrants: decided with the issuing court." condition: "encounter.circumstances.outstanding_warrants" }
  program {
    intake_deadline_days: 30 assessment_window_hours: 48
    social_contact_requires_owg_approval: true social_contact_subject_to_capacity: true
    referral_sources { name: "NYPD" pathways: ARREST_DIVERSION pathways: SOCIAL_CONTACT }
    extensions { allowed: true extension_days: 30 requires_engagement_plan: true }
    preferred_caseload: 15 maximum_caseload: 25
  }
}
)pb";

// Compiles kExample1Policy; aborts the test binary if it does not compile.
inline std::shared_ptr<const CompiledPolicy> Example1() {
  static const auto* policy = [] {
    auto compiled = CompiledPolicy::FromTextFormat(kExample1Policy);
    if (!compiled.ok()) {
      fprintf(stderr, "%s\n", std::string(compiled.status().message()).c_str());
      abort();
    }
    return new std::shared_ptr<const CompiledPolicy>(*compiled);
  }();
  return *policy;
}

// Parses a SitePolicy or Encounter from text format; aborts on bad text.
template <typename Message>
Message ParseText(const std::string& text) {
  Message message;
  if (!google::protobuf::TextFormat::ParseFromString(text, &message)) abort();
  return message;
}

// An arrest diversion on 2024-03-10 (policy 2024-2) for petit larceny, with
// every circumstance known: eligible under Example 1.
inline v1::Encounter EligibleEncounter() {
  v1::Encounter e = ParseText<v1::Encounter>(R"pb(
    encounter_id: "enc-1"
    occurred_at { seconds: 1710082800 }
    place { precinct: "14" area: "Manhattan" }
    pathway: ARREST_DIVERSION
    person {
      person_key: "P-0001" given_name: "Zebediah" family_name: "Quill"
      age: 41 needs { drugs: true homelessness: true }
    }
    charges { statute_code: "PL 155.25" }
    circumstances {
      victim_present: true victim_declines_prosecution: true
      able_to_consent: true imminent_danger: false on_supervision: false
      outstanding_warrants: false exploits_minors_or_others: false
      sale_for_profit: false offense_related_to_needs: true
    }
  )pb");
  return e;
}

// 2024-03-10T15:00:00Z, while 2024-2 is in force.
inline google::protobuf::Timestamp March10() {
  google::protobuf::Timestamp t;
  t.set_seconds(1710082800);
  return t;
}

}  // namespace divert::eligibility::testing

#endif  // DIVERT_SRC_ELIGIBILITY_TEST_POLICIES_H_
