// What to ask for a missing fact: "encounter.circumstances.able_to_consent"
// becomes "Is the person able to give consent?". Known fields of the
// encounter, its charges and the person have their own question; any other
// field gets "What is the <field words> of <where>?".
#ifndef DIVERT_SRC_ELIGIBILITY_QUESTIONS_H_
#define DIVERT_SRC_ELIGIBILITY_QUESTIONS_H_

#include <string>

#include "absl/strings/string_view.h"
#include "divert/v1/encounter.pb.h"

namespace divert::eligibility {

// The question for `field_path`, a path the decision reports missing.
// A charge's question names it by number and statute code, taken from
// `encounter`: "Is charge 2 (PL 120.00) a violent offense?".
std::string QuestionFor(absl::string_view field_path,
                        const v1::Encounter& encounter);

}  // namespace divert::eligibility

#endif  // DIVERT_SRC_ELIGIBILITY_QUESTIONS_H_
