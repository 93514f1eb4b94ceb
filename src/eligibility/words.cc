#include "eligibility/words.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"

namespace divert::eligibility {

absl::string_view PathwayWords(v1::Pathway pathway) {
  switch (pathway) {
    case v1::ARREST_DIVERSION:
      return "arrest diversion";
    case v1::SOCIAL_CONTACT:
      return "social contact referral";
    default:
      return "";
  }
}

absl::string_view LevelWords(v1::OffenseLevel level) {
  switch (level) {
    case v1::FELONY:
      return "felony";
    case v1::MISDEMEANOR:
      return "misdemeanor";
    case v1::VIOLATION:
      return "violation";
    case v1::INFRACTION:
      return "infraction";
    case v1::ORDINANCE:
      return "ordinance offense";
    default:
      return "";
  }
}

absl::string_view LevelHeading(v1::OffenseLevel level) {
  switch (level) {
    case v1::FELONY:
      return "Felonies";
    case v1::MISDEMEANOR:
      return "Misdemeanors";
    case v1::VIOLATION:
      return "Violations";
    case v1::INFRACTION:
      return "Infractions";
    case v1::ORDINANCE:
      return "Ordinance offenses";
    default:
      return "No level given";
  }
}

absl::string_view KindWords(v1::RuleKind kind) {
  switch (kind) {
    case v1::CRITERION:
      return "criterion";
    case v1::EXCLUSION:
      return "exclusion";
    case v1::REVIEW_TRIGGER:
      return "review trigger";
    default:
      return "rule";
  }
}

absl::string_view ReviewBodyWords(v1::ReviewBody body) {
  switch (body) {
    case v1::DIVERSION_PANEL:
      return "the Diversion Panel";
    case v1::SUPERVISING_AGENCY:
      return "the supervising agency";
    case v1::ISSUING_COURT:
      return "the issuing court";
    case v1::PROSECUTOR:
      return "the prosecutor";
    case v1::OPERATIONS_WORK_GROUP:
    default:
      return "the Operations Work Group";
  }
}

absl::string_view Article(absl::string_view next_word) {
  if (next_word.empty()) return "a";
  switch (absl::ascii_tolower(static_cast<unsigned char>(next_word[0]))) {
    case 'a':
    case 'e':
    case 'i':
    case 'o':
      return "an";
    default:
      return "a";
  }
}

std::string LowerFirst(absl::string_view text) {
  std::string out(text);
  // Keep acronyms ("PL 155.25 ...", "OWG") as written.
  if (out.size() >= 2 && absl::ascii_isupper(static_cast<unsigned char>(out[1]))) {
    return out;
  }
  if (!out.empty()) out[0] = absl::ascii_tolower(static_cast<unsigned char>(out[0]));
  return out;
}

absl::string_view WithoutFinalPeriod(absl::string_view text) {
  text = absl::StripTrailingAsciiWhitespace(text);
  absl::ConsumeSuffix(&text, ".");
  return text;
}

}  // namespace divert::eligibility
