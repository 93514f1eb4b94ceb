// Plain-language names of the policy's enums, shared by summaries,
// questions and rendered policies ("arrest diversion", "misdemeanor",
// "the Operations Work Group").
#ifndef DIVERT_SRC_ELIGIBILITY_WORDS_H_
#define DIVERT_SRC_ELIGIBILITY_WORDS_H_

#include <string>

#include "absl/strings/string_view.h"
#include "divert/v1/charge.pb.h"
#include "divert/v1/encounter.pb.h"
#include "divert/v1/policy.pb.h"

namespace divert::eligibility {

// "arrest diversion", "social contact referral"; "" for unspecified.
absl::string_view PathwayWords(v1::Pathway pathway);
// "misdemeanor", "ordinance offense"; "" for unspecified.
absl::string_view LevelWords(v1::OffenseLevel level);
// "Misdemeanors", "Ordinance offenses", "No level given".
absl::string_view LevelHeading(v1::OffenseLevel level);
// "criterion", "exclusion", "review trigger".
absl::string_view KindWords(v1::RuleKind kind);
// "the Operations Work Group", "the prosecutor"; an unspecified body is
// the Operations Work Group, the default reviewer.
absl::string_view ReviewBodyWords(v1::ReviewBody body);
// "a" or "an" for a following word ("an ordinance offense").
absl::string_view Article(absl::string_view next_word);
// `text` with its first letter in lower case (ASCII), unless the word is
// an acronym ("PL", "OWG").
std::string LowerFirst(absl::string_view text);
// `text` without trailing spaces and one trailing period.
absl::string_view WithoutFinalPeriod(absl::string_view text);

}  // namespace divert::eligibility

#endif  // DIVERT_SRC_ELIGIBILITY_WORDS_H_
