#include "eligibility/policy_document.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "eligibility/dates.h"
#include "eligibility/policy_diff.h"
#include "eligibility/words.h"

namespace divert::eligibility {

Span Plain(std::string text) { return {Span::Style::kPlain, std::move(text)}; }
Span Code(std::string text) { return {Span::Style::kCode, std::move(text)}; }
Span Strong(std::string text) { return {Span::Style::kStrong, std::move(text)}; }
Span Emphasis(std::string text) {
  return {Span::Style::kEmphasis, std::move(text)};
}

namespace {

class DocumentBuilder {
 public:
  DocumentBuilder(const v1::SitePolicy& policy, int index)
      : policy_(policy), index_(index), version_(policy.versions(index)) {}

  Document Build() {
    const std::string site =
        policy_.site_name().empty() ? policy_.site_id() : policy_.site_name();
    doc_.title = absl::StrCat(site, ": eligibility policy, version ",
                              version_.version());
    Heading(1, {Plain(doc_.title)});
    Dates();
    if (!version_.change_note().empty()) {
      Heading(2, {Plain("Change note")});
      Paragraph({Plain(version_.change_note())});
    }
    Rules(v1::CRITERION, "Eligibility criteria",
          "A person is eligible when every criterion holds.");
    Rules(v1::EXCLUSION, "Exclusions",
          "A person is excluded when any exclusion holds. Unless a rule says "
          "otherwise, exclusions apply to arrest diversions only: social "
          "contact referrals are not subject to exclusionary criteria.");
    Rules(v1::REVIEW_TRIGGER, "Review triggers",
          "When a review trigger holds, the decision goes to the body named.");
    Parameters();
    Settings();
    Catalog();
    Changes();
    return std::move(doc_);
  }

 private:
  void Heading(int level, Inline text) {
    Block block;
    block.kind = Block::Kind::kHeading;
    block.level = level;
    block.text = std::move(text);
    doc_.blocks.push_back(std::move(block));
  }

  void Paragraph(Inline text) {
    Block block;
    block.kind = Block::Kind::kParagraph;
    block.text = std::move(text);
    doc_.blocks.push_back(std::move(block));
  }

  void List(std::vector<Inline> items, std::vector<int> depths = {}) {
    if (items.empty()) return;
    Block block;
    block.kind = Block::Kind::kList;
    block.items = std::move(items);
    block.item_depths = std::move(depths);
    doc_.blocks.push_back(std::move(block));
  }

  void Table(std::vector<Inline> header, std::vector<std::vector<Inline>> rows) {
    Block block;
    block.kind = Block::Kind::kTable;
    block.header = std::move(header);
    block.rows = std::move(rows);
    doc_.blocks.push_back(std::move(block));
  }

  void Dates() {
    Inline site = {Plain("Site "), Code(policy_.site_id())};
    if (!policy_.time_zone().empty()) {
      site.push_back(Plain(absl::StrCat("; dates are local to ",
                                        policy_.time_zone())));
    }
    site.push_back(Plain("."));
    Paragraph(std::move(site));
    std::string when = absl::StrCat(
        "Approved by the Policy Coordinating Group on ",
        FormatDate(version_.approved_on()), "; in force from ",
        FormatDate(version_.effective_from()));
    if (index_ + 1 < policy_.versions_size()) {
      const v1::PolicyVersion& next = policy_.versions(index_ + 1);
      absl::StrAppend(&when, " until version ", next.version(),
                      " takes effect on ", FormatDate(next.effective_from()),
                      ".");
    } else {
      absl::StrAppend(&when, ".");
    }
    Paragraph({Plain(std::move(when))});
  }

  static std::string PathwaysText(const v1::Rule& rule) {
    bool arrest = false, social = false;
    if (rule.pathways().empty()) {
      arrest = true;
      social = rule.kind() != v1::EXCLUSION;
    }
    for (int p : rule.pathways()) {
      arrest = arrest || p == v1::ARREST_DIVERSION;
      social = social || p == v1::SOCIAL_CONTACT;
    }
    if (arrest && social) return "arrest diversions and social contact referrals";
    if (arrest) return "arrest diversions only";
    if (social) return "social contact referrals only";
    return "no pathway";
  }

  void Rules(v1::RuleKind kind, absl::string_view title,
             absl::string_view introduction) {
    Heading(2, {Plain(std::string(title))});
    bool any = false;
    for (const v1::Rule& rule : version_.rules()) {
      if (rule.kind() != kind) continue;
      if (!any) Paragraph({Plain(std::string(introduction))});
      any = true;
      Heading(3, {Plain(rule.text().empty() ? rule.id() : rule.text())});
      std::vector<Inline> items;
      std::vector<int> depths;
      if (rule.any_of().empty()) {
        items.push_back({Plain("Condition: "), Code(rule.condition())});
      } else {
        items.push_back({Plain("Holds when any one of these holds:")});
        for (const v1::Alternative& alternative : rule.any_of()) {
          depths.resize(items.size(), 0);
          depths.push_back(1);
          Inline item = {Plain("Alternative "), Code(alternative.id())};
          if (!alternative.text().empty()) {
            item.push_back(Plain(absl::StrCat(": ", alternative.text())));
          }
          item.push_back(Plain(" — "));
          item.push_back(Code(alternative.condition()));
          items.push_back(std::move(item));
        }
      }
      if (rule.scope() == v1::EACH_CHARGE) {
        items.push_back({Plain(kind == v1::CRITERION
                                   ? "Checked for each charge; must hold for "
                                     "every charge."
                                   : "Checked for each charge; holds when it "
                                     "holds for any charge.")});
      }
      items.push_back({Plain(absl::StrCat("Applies to ", PathwaysText(rule),
                                          "."))});
      if (kind == v1::REVIEW_TRIGGER) {
        items.push_back({Plain(absl::StrCat(
            "Reviewed by ", ReviewBodyWords(rule.review_by()), "."))});
      }
      if (!rule.citation().empty()) {
        items.push_back({Plain(absl::StrCat("Source: ", rule.citation()))});
      }
      items.push_back({Plain("Rule id: "), Code(rule.id())});
      depths.resize(items.size(), 0);
      List(std::move(items), std::move(depths));
    }
    if (!any) Paragraph({Plain("None.")});
  }

  void Parameters() {
    Heading(2, {Plain("Parameters")});
    if (version_.parameters().empty()) {
      Paragraph({Plain("None.")});
      return;
    }
    std::vector<std::vector<Inline>> rows;
    for (const v1::Parameter& p : version_.parameters()) {
      rows.push_back({{Code(p.name())},
                      {Plain(ParameterValueText(p))},
                      {Plain(p.unit())},
                      {Plain(p.description())}});
    }
    Table({{Plain("Name")}, {Plain("Value")}, {Plain("Unit")},
           {Plain("Description")}},
          std::move(rows));
  }

  static std::string YesNo(bool value) { return value ? "yes" : "no"; }

  void Settings() {
    const v1::ProgramSettings& s = version_.program();
    Heading(2, {Plain("Program settings")});
    std::vector<Inline> items;
    items.push_back({Plain(
        s.intake_deadline_days() > 0
            ? absl::StrCat("Intake deadline: ", s.intake_deadline_days(),
                           " days from referral.")
            : std::string("Intake deadline: not set."))});
    if (s.assessment_window_hours() > 0) {
      items.push_back({Plain(absl::StrCat("Psychosocial assessment: ideally within ",
                                          s.assessment_window_hours(),
                                          " hours."))});
    }
    items.push_back({Plain(absl::StrCat(
        "Social contact referrals need OWG approval: ",
        YesNo(s.social_contact_requires_owg_approval()),
        "; accepted only with spare capacity: ",
        YesNo(s.social_contact_subject_to_capacity()), "."))});
    for (const v1::ReferralSource& source : s.referral_sources()) {
      std::vector<std::string> pathways;
      for (int p : source.pathways()) {
        pathways.push_back(
            std::string(PathwayWords(static_cast<v1::Pathway>(p))));
      }
      items.push_back({Plain(absl::StrCat("Referral source: ", source.name(),
                                          " (", absl::StrJoin(pathways, ", "),
                                          ")."))});
    }
    const v1::ExtensionRules& e = s.extensions();
    if (e.allowed()) {
      std::string text = absl::StrCat("Intake extensions: allowed, ",
                                       e.extension_days(), " days each, ");
      absl::StrAppend(&text,
                      e.max_extensions() > 0
                          ? absl::StrCat("at most ", e.max_extensions())
                          : std::string("no limit on their number"));
      if (e.requires_engagement_plan()) {
        absl::StrAppend(&text, "; each needs an engagement plan");
      }
      items.push_back({Plain(absl::StrCat(text, "."))});
    } else {
      items.push_back({Plain("Intake extensions: not allowed.")});
    }
    if (s.case_managers_size() > 0) {
      items.push_back({Plain(absl::StrCat("Case managers: ",
                                          s.case_managers_size(), "."))});
    }
    items.push_back({Plain(absl::StrCat(
        "Caseload per case manager: preferred ",
        s.preferred_caseload() > 0 ? absl::StrCat(s.preferred_caseload())
                                   : std::string("not set"),
        ", maximum ",
        s.maximum_caseload() > 0 ? absl::StrCat(s.maximum_caseload())
                                 : std::string("not set"),
        "."))});
    items.push_back({Plain(
        s.participation_time_limit_days() > 0
            ? absl::StrCat("Participation time limit: ",
                           s.participation_time_limit_days(), " days.")
            : std::string("Participation time limit: none."))});
    items.push_back({Plain(absl::StrCat(
        "Requires abstinence: ", YesNo(s.requires_abstinence()),
        "; mandates treatment: ", YesNo(s.mandates_treatment()),
        "; referral arrest held in abeyance: ",
        YesNo(s.holds_charge_in_abeyance()), "."))});
    List(std::move(items));
  }

  static std::string Flags(const v1::Offense& o) {
    std::vector<absl::string_view> flags;
    if (o.violent()) flags.push_back("violent");
    if (o.drug_possession()) flags.push_back("drug possession");
    if (o.drug_sale()) flags.push_back("drug sale");
    if (o.prostitution()) flags.push_back("prostitution");
    if (o.order_of_protection_violation()) {
      flags.push_back("order of protection violation");
    }
    return absl::StrJoin(flags, ", ");
  }

  void Catalog() {
    const v1::OffenseCatalog& catalog = version_.offense_catalog();
    Heading(2, {Plain("Offense catalog")});
    if (catalog.offenses().empty()) {
      Paragraph({Plain("No offense catalog.")});
      return;
    }
    int unverified = 0;
    for (const v1::Offense& o : catalog.offenses()) {
      unverified += o.needs_verification();
    }
    std::string intro =
        absl::StrCat(catalog.offenses_size(), " offenses");
    if (!catalog.jurisdiction().empty()) {
      absl::StrAppend(&intro, " of ", catalog.jurisdiction());
    }
    absl::StrAppend(&intro, ".");
    if (unverified > 0) {
      absl::StrAppend(&intro, " ", unverified,
                      unverified == 1 ? " entry is" : " entries are",
                      " marked “verify”: the PCG should confirm them.");
    }
    Paragraph({Plain(std::move(intro))});
    const v1::OffenseLevel order[] = {v1::FELONY, v1::MISDEMEANOR,
                                      v1::VIOLATION, v1::INFRACTION,
                                      v1::ORDINANCE,
                                      v1::OFFENSE_LEVEL_UNSPECIFIED};
    for (v1::OffenseLevel level : order) {
      std::vector<std::vector<Inline>> rows;
      for (const v1::Offense& o : catalog.offenses()) {
        const bool known_level = o.level() >= v1::FELONY && o.level() <= v1::ORDINANCE;
        if (known_level ? o.level() != level
                        : level != v1::OFFENSE_LEVEL_UNSPECIFIED) {
          continue;
        }
        Inline code = {Code(o.code())};
        if (o.needs_verification()) {
          code.push_back(Plain(" "));
          code.push_back(Strong("verify"));
        }
        std::string note = o.note();
        if (!o.aliases().empty()) {
          absl::StrAppend(&note, note.empty() ? "" : " ", "Also written ",
                          absl::StrJoin(o.aliases(), ", "), ".");
        }
        rows.push_back({std::move(code),
                        {Plain(o.description())},
                        {Plain(o.category())},
                        {Plain(Flags(o))},
                        {Plain(std::move(note))}});
      }
      if (rows.empty()) continue;
      Heading(3, {Plain(absl::StrCat(LevelHeading(level), " (", rows.size(),
                                     ")"))});
      Table({{Plain("Code")}, {Plain("Description")}, {Plain("Category")},
             {Plain("Flags")}, {Plain("Note")}},
            std::move(rows));
    }
  }

  static std::string OffenseName(const v1::Offense& o) {
    return o.description().empty() ? o.code()
                                   : absl::StrCat(o.code(), " ", o.description());
  }

  static std::string Change(const std::string& before, const std::string& after) {
    if (before.empty()) return absl::StrCat("added, ", after);
    if (after.empty()) return absl::StrCat("removed (was ", before, ")");
    return absl::StrCat(before, " → ", after);
  }

  void Changes() {
    if (index_ == 0) {
      Heading(2, {Plain("What changed")});
      Paragraph({Plain("This is the first version.")});
      return;
    }
    const v1::PolicyVersion& before = policy_.versions(index_ - 1);
    Heading(2, {Plain(absl::StrCat("What changed from version ",
                                   before.version()))});
    const PolicyDiff diff = DiffVersions(before, version_);
    if (diff.empty()) {
      Paragraph({Plain("Nothing in the rules, parameters, offense catalog or "
                       "program settings changed.")});
      return;
    }
    auto rule_items = [](const std::vector<const v1::Rule*>& rules) {
      std::vector<Inline> items;
      for (const v1::Rule* rule : rules) {
        items.push_back({Code(rule->id()),
                         Plain(absl::StrCat(" (", KindWords(rule->kind()), "): ",
                                            rule->text()))});
      }
      return items;
    };
    if (!diff.rules_added.empty()) {
      Heading(3, {Plain("Rules added")});
      List(rule_items(diff.rules_added));
    }
    if (!diff.rules_removed.empty()) {
      Heading(3, {Plain("Rules removed")});
      List(rule_items(diff.rules_removed));
    }
    if (!diff.rules_changed.empty()) {
      Heading(3, {Plain("Rules changed")});
      std::vector<Inline> items;
      for (const RuleChange& change : diff.rules_changed) {
        Inline item = {Code(change.after->id()),
                       Plain(absl::StrCat(": ", absl::StrJoin(change.aspects, ", "),
                                          " changed."))};
        if (change.before->text() != change.after->text()) {
          item.push_back(Plain(absl::StrCat(" Text was “", change.before->text(),
                                            "”, now “", change.after->text(),
                                            "”.")));
        }
        const std::string was = ConditionText(*change.before);
        const std::string now = ConditionText(*change.after);
        if (was != now) {
          item.push_back(Plain(" Condition was "));
          item.push_back(Code(was));
          item.push_back(Plain(", now "));
          item.push_back(Code(now));
          item.push_back(Plain("."));
        }
        items.push_back(std::move(item));
      }
      List(std::move(items));
    }
    if (!diff.parameters.empty()) {
      Heading(3, {Plain("Parameters changed")});
      std::vector<Inline> items;
      for (const ValueChange& change : diff.parameters) {
        items.push_back({Code(change.name),
                         Plain(absl::StrCat(": ", Change(change.before, change.after)))});
      }
      List(std::move(items));
    }
    if (!diff.offenses_added.empty() || !diff.offenses_removed.empty() ||
        !diff.offenses_changed.empty()) {
      Heading(3, {Plain("Offense catalog changed")});
      std::vector<Inline> items;
      for (const v1::Offense* o : diff.offenses_added) {
        items.push_back({Plain(absl::StrCat("Added: ", OffenseName(*o)))});
      }
      for (const v1::Offense* o : diff.offenses_removed) {
        items.push_back({Plain(absl::StrCat("Removed: ", OffenseName(*o)))});
      }
      for (const OffenseChange& change : diff.offenses_changed) {
        items.push_back({Plain(absl::StrCat(
            "Changed: ", OffenseName(*change.after), " (",
            absl::StrJoin(change.fields, ", "), ")"))});
      }
      List(std::move(items));
    }
    if (!diff.settings.empty()) {
      Heading(3, {Plain("Program settings changed")});
      std::vector<Inline> items;
      for (const ValueChange& change : diff.settings) {
        items.push_back({Code(change.name),
                         Plain(absl::StrCat(": ", Change(change.before, change.after)))});
      }
      List(std::move(items));
    }
  }

  const v1::SitePolicy& policy_;
  const int index_;
  const v1::PolicyVersion& version_;
  Document doc_;
};

}  // namespace

absl::StatusOr<Document> BuildPolicyDocument(const v1::SitePolicy& policy,
                                             absl::string_view version) {
  if (policy.versions().empty()) {
    return absl::NotFoundError("the policy has no versions");
  }
  int index = policy.versions_size() - 1;
  if (!version.empty()) {
    index = -1;
    for (int i = 0; i < policy.versions_size(); ++i) {
      if (policy.versions(i).version() == version) index = i;
    }
    if (index < 0) {
      return absl::NotFoundError(absl::StrCat("policy '", policy.site_id(),
                                              "' has no version '", version,
                                              "'"));
    }
  }
  return DocumentBuilder(policy, index).Build();
}

}  // namespace divert::eligibility
