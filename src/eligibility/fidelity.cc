#include "eligibility/fidelity.h"

#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "eligibility/condition_walk.h"

namespace divert::eligibility {
namespace {

using Finding = v1::FidelityFinding;

constexpr int kMaxIntakeDeadlineDays = 30;
constexpr int kMaxCaseload = 25;
constexpr int kPreferredCaseload = 15;

class VersionChecker {
 public:
  VersionChecker(const CompiledVersion& version, v1::FidelityReport* report)
      : version_(version),
        settings_(version.version->program()),
        report_(report) {}

  void Check() {
    CheckRules();
    CheckIntakeDeadline();
    CheckCaseload();
    CheckNonNegotiables();
    CheckReferralSources();
    CheckCatalog();
  }

 private:
  void Add(Finding::Severity severity, absl::string_view code,
           std::string message, absl::string_view section,
           absl::string_view rule_id = "") {
    Finding* finding = report_->add_findings();
    finding->set_severity(severity);
    finding->set_code(std::string(code));
    finding->set_message(std::move(message));
    finding->set_policy_version(version_.version->version());
    finding->set_rule_id(std::string(rule_id));
    finding->set_toolkit_section(std::string(section));
  }

  // The fields any condition of `rule` reads, as FieldsRead names them.
  static absl::flat_hash_set<std::string> FieldsOf(const CompiledRule& rule) {
    absl::flat_hash_set<std::string> fields;
    for (const CompiledCondition& condition : rule.conditions) {
      for (std::string& field : FieldsRead(condition.program->checked_expr())) {
        fields.insert(std::move(field));
      }
    }
    return fields;
  }

  void CheckRules() {
    bool supervision_reviewed = false;
    bool warrants_reviewed = false;
    for (const CompiledRule& rule : version_.rules) {
      const v1::Rule& r = *rule.rule;
      const absl::flat_hash_set<std::string> fields = FieldsOf(rule);
      auto reads = [&fields](absl::string_view message,
                             absl::string_view field) {
        return fields.contains(absl::StrCat(message, ".", field));
      };
      if (r.kind() == v1::EXCLUSION && rule.AppliesTo(v1::SOCIAL_CONTACT)) {
        Add(Finding::VIOLATION, "exclusion_applies_to_social_contact",
            "an exclusion applies to social contact referrals, which are not "
            "subject to exclusionary criteria",
            "IV.A", r.id());
      }
      if (r.kind() == v1::REVIEW_TRIGGER) {
        supervision_reviewed =
            supervision_reviewed ||
            reads("divert.v1.Circumstances", "on_supervision");
        warrants_reviewed =
            warrants_reviewed ||
            reads("divert.v1.Circumstances", "outstanding_warrants");
      }
      if ((r.kind() == v1::CRITERION || r.kind() == v1::EXCLUSION) &&
          (reads("divert.v1.Person", "race_ethnicity") ||
           reads("divert.v1.Person", "gender"))) {
        Add(Finding::VIOLATION, "rule_reads_race_or_gender",
            absl::StrCat("the ", r.kind() == v1::CRITERION ? "criterion" : "exclusion",
                         " reads race or gender: eligibility must not turn "
                         "on race or gender"),
            "III", r.id());
      }
    }
    if (!supervision_reviewed) {
      Add(Finding::WARNING, "no_review_for_supervision",
          "no path to review for people on supervision: no review trigger "
          "reads circumstances.on_supervision",
          "V");
    }
    if (!warrants_reviewed) {
      Add(Finding::WARNING, "no_review_for_warrants",
          "no path to review for people with outstanding warrants: no review "
          "trigger reads circumstances.outstanding_warrants",
          "V");
    }
  }

  void CheckIntakeDeadline() {
    const int days = settings_.intake_deadline_days();
    if (days <= 0) {
      Add(Finding::VIOLATION, "intake_deadline_missing",
          "no intake deadline is set: intake should complete within 30 days "
          "of referral, or sooner",
          "VI");
    } else if (days > kMaxIntakeDeadlineDays) {
      Add(Finding::VIOLATION, "intake_deadline_too_long",
          absl::StrCat("the intake deadline is ", days,
                       " days; it should be at most 30"),
          "VI");
    }
    if (!settings_.extensions().allowed()) {
      Add(Finding::WARNING, "extensions_not_allowed",
          "the intake deadline cannot be extended: the OWG should be able to "
          "grant an extension with an engagement plan",
          "VI");
    }
  }

  void CheckCaseload() {
    const int maximum = settings_.maximum_caseload();
    const int preferred = settings_.preferred_caseload();
    if (maximum > kMaxCaseload) {
      Add(Finding::VIOLATION, "maximum_caseload_too_high",
          absl::StrCat("the maximum caseload is ", maximum,
                       " participants per case manager; it must be at most 25"),
          "IX");
    } else if (maximum <= 0) {
      Add(Finding::NOTE, "caseload_not_set",
          "no maximum caseload is set (at most 25 per case manager, 15 "
          "strongly preferred)",
          "IX");
    }
    if (preferred > kPreferredCaseload) {
      Add(Finding::WARNING, "preferred_caseload_high",
          absl::StrCat("the preferred caseload is ", preferred,
                       " participants per case manager; 15 or fewer is "
                       "strongly preferred"),
          "IX");
    }
  }

  void CheckNonNegotiables() {
    if (settings_.participation_time_limit_days() > 0) {
      Add(Finding::VIOLATION, "participation_time_limit",
          absl::StrCat("participation is limited to ",
                       settings_.participation_time_limit_days(),
                       " days: LEAD has no time limit and no graduation"),
          "III.G");
    }
    if (settings_.requires_abstinence()) {
      Add(Finding::VIOLATION, "requires_abstinence",
          "participation requires abstinence: LEAD does not", "III.G");
    }
    if (settings_.mandates_treatment()) {
      Add(Finding::VIOLATION, "mandates_treatment",
          "participation mandates treatment: LEAD does not", "III.G");
    }
    if (settings_.holds_charge_in_abeyance()) {
      Add(Finding::VIOLATION, "charge_held_in_abeyance",
          "the referral arrest is held in abeyance over the participant: "
          "LEAD voids it once intake is complete",
          "III.G");
    }
  }

  void CheckReferralSources() {
    for (const v1::ReferralSource& source : settings_.referral_sources()) {
      for (int pathway : source.pathways()) {
        if (pathway == v1::SOCIAL_CONTACT) return;
      }
    }
    Add(Finding::NOTE, "no_social_contact_referral_source",
        "no referral source may make social contact referrals", "IV.A");
  }

  void CheckCatalog() {
    int unverified = 0;
    for (const v1::Offense& offense :
         version_.version->offense_catalog().offenses()) {
      unverified += offense.needs_verification();
    }
    if (unverified == 0) return;
    Add(Finding::NOTE, "catalog_needs_verification",
        absl::StrCat(unverified, unverified == 1 ? " offense catalog entry is"
                                                 : " offense catalog entries are",
                     " marked for verification"),
        "IV.B");
  }

  const CompiledVersion& version_;
  const v1::ProgramSettings& settings_;
  v1::FidelityReport* report_;
};

}  // namespace

v1::FidelityReport CheckFidelity(
    const v1::SitePolicy& policy,
    const std::vector<std::unique_ptr<CompiledVersion>>& versions) {
  v1::FidelityReport report;
  report.set_site_id(policy.site_id());
  for (const auto& version : versions) {
    VersionChecker(*version, &report).Check();
  }
  return report;
}

}  // namespace divert::eligibility
