#include "eligibility/questions.h"

#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace divert::eligibility {
namespace {

struct Known {
  absl::string_view path;  // after "encounter."
  absl::string_view question;
};

constexpr Known kEncounterQuestions[] = {
    {"circumstances.victim_present", "Is there a victim?"},
    {"circumstances.victim_declines_prosecution",
     "Is the victim willing to decline prosecution?"},
    {"circumstances.able_to_consent", "Is the person able to give consent?"},
    {"circumstances.imminent_danger",
     "Is the person an imminent danger to self or others, needing acute "
     "emergency care?"},
    {"circumstances.on_supervision",
     "Is the person on probation, parole or another kind of supervision?"},
    {"circumstances.outstanding_warrants",
     "Does the person have outstanding warrants?"},
    {"circumstances.exploits_minors_or_others",
     "Does the person exploit minors or other people?"},
    {"circumstances.sale_for_profit",
     "Is the suspected activity sale of drugs for profit above a "
     "subsistence level?"},
    {"circumstances.offense_related_to_needs",
     "Was the offense committed in relation to an alcohol, drug, poverty, "
     "homelessness or mental health need?"},
    {"circumstances", "What are the circumstances of the encounter (victim, "
                      "consent, danger, supervision, warrants)?"},
    {"person.age", "How old is the person?"},
    {"person.needs.alcohol",
     "Does the person have a known history of alcohol-related needs?"},
    {"person.needs.drugs",
     "Does the person have a known history of drug-related needs?"},
    {"person.needs.mental_health",
     "Does the person have a known history of mental health needs?"},
    {"person.needs.homelessness",
     "Does the person have a known history of homelessness?"},
    {"person.needs.poverty",
     "Does the person have a known history of poverty?"},
    {"person.needs",
     "Does the person have a known history of alcohol, drug, poverty, "
     "homelessness or mental health needs?"},
    {"person", "Who is the person (age and known needs)?"},
    {"charges", "For which offenses does probable cause exist?"},
    {"place", "Where did the encounter happen?"},
    {"occurred_at", "When did the encounter happen?"},
};

// Charge questions; "%s" stands for "charge 2 (PL 120.00)".
struct ChargeQuestion {
  absl::string_view field;
  absl::string_view before;
  absl::string_view after;
};

constexpr ChargeQuestion kChargeQuestions[] = {
    {"violent", "Is ", " a violent offense?"},
    {"drug_possession", "Is ", " drug possession?"},
    {"drug_sale", "Is ", " a sale of drugs?"},
    {"prostitution", "Is ", " related to prostitution?"},
    {"order_of_protection_violation", "Is ",
     " a violation of an order of protection?"},
    {"drug_quantity_grams", "How many grams of drugs does ", " involve?"},
    {"level", "Is ", " a felony, misdemeanor, violation or ordinance offense?"},
    {"offense_category", "What kind of offense is ", "?"},
};

std::string Words(absl::string_view field) {
  return absl::StrReplaceAll(field, {{"_", " "}});
}

// "What is the <last> of <where>?" for fields without a question.
std::string Generic(absl::string_view where,
                    const std::vector<absl::string_view>& segments) {
  if (segments.empty()) return absl::StrCat("What is ", where, "?");
  std::string out = absl::StrCat("What is the ", Words(segments.back()));
  if (segments.size() > 1) {
    std::vector<std::string> parents;
    for (size_t i = segments.size() - 1; i-- > 0;) {
      parents.push_back(Words(segments[i]));
    }
    absl::StrAppend(&out, " of the ", absl::StrJoin(parents, " of the "));
  }
  if (!where.empty()) absl::StrAppend(&out, " of ", where);
  absl::StrAppend(&out, "?");
  return out;
}

std::string ChargeName(int index, const v1::Encounter& encounter) {
  std::string name = absl::StrCat("charge ", index + 1);
  if (index < encounter.charges_size() &&
      !encounter.charges(index).statute_code().empty()) {
    absl::StrAppend(&name, " (", encounter.charges(index).statute_code(), ")");
  }
  return name;
}

}  // namespace

std::string QuestionFor(absl::string_view field_path,
                        const v1::Encounter& encounter) {
  absl::string_view rest = field_path;
  if (!absl::ConsumePrefix(&rest, "encounter.")) {
    return Generic("", absl::StrSplit(rest, '.'));
  }
  // "charges[2].violent"
  if (absl::ConsumePrefix(&rest, "charges[")) {
    const size_t close = rest.find(']');
    int index = 0;
    if (close != absl::string_view::npos &&
        absl::SimpleAtoi(rest.substr(0, close), &index) && index >= 0) {
      const std::string charge = ChargeName(index, encounter);
      absl::string_view field = rest.substr(close + 1);
      if (field.empty()) return absl::StrCat("What is ", charge, "?");
      absl::ConsumePrefix(&field, ".");
      for (const ChargeQuestion& q : kChargeQuestions) {
        if (q.field == field) return absl::StrCat(q.before, charge, q.after);
      }
      return Generic(charge, absl::StrSplit(field, '.'));
    }
  }
  for (const Known& known : kEncounterQuestions) {
    if (known.path == rest) return std::string(known.question);
  }
  std::vector<absl::string_view> segments = absl::StrSplit(rest, '.');
  return Generic("the encounter", segments);
}

}  // namespace divert::eligibility
