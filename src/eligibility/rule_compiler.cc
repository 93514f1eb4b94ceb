#include "eligibility/rule_compiler.h"

#include <algorithm>
#include <cstdint>
#include <memory>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "eligibility/catalog_literals.h"
#include "eligibility/decision_writer.h"
#include "eligibility/summary.h"
#include "expr/source_position.h"

namespace divert::eligibility {
namespace {

class RuleCompiler {
 public:
  RuleCompiler(const v1::Rule& rule, const RuleContext& context,
               std::vector<PolicyIssue>* issues)
      : rule_(rule), context_(context), issues_(issues) {}

  void Compile(CompiledRule* out) {
    out->rule = &rule_;
    out->kind = rule_.kind();
    out->each_charge = rule_.scope() == v1::EACH_CHARGE;
    out->head_fields = EncodeRuleHeadFields(rule_);
    out->plain_outcomes = EncodePlainRuleOutcomes(rule_);
    CheckKind();
    SetPathways(out);
    const bool has_condition = !rule_.condition().empty();
    if (has_condition && rule_.any_of_size() > 0) {
      Issue(rule_.id(), 0, 0,
            "has both a condition and alternatives (any_of): give one");
    } else if (has_condition) {
      CompileCondition(rule_.id(), "", "", rule_.condition(), out);
    } else if (rule_.any_of_size() > 0) {
      out->any_of = true;
      CompileAlternatives(out);
    } else {
      Issue(rule_.id(), 0, 0,
            "has no condition and no alternatives (any_of)");
    }
  }

 private:
  void Issue(absl::string_view id, int line, int column, std::string message) {
    issues_->push_back({context_.version, std::string(id), line, column,
                        std::move(message)});
  }

  void CheckKind() {
    if (rule_.kind() == v1::RULE_KIND_UNSPECIFIED) {
      Issue(rule_.id(), 0, 0,
            "has no kind: CRITERION, EXCLUSION or REVIEW_TRIGGER");
    }
    if (rule_.review_by() != v1::REVIEW_BODY_UNSPECIFIED &&
        rule_.kind() != v1::REVIEW_TRIGGER) {
      Issue(rule_.id(), 0, 0,
            "names a reviewer (review_by) but is not a REVIEW_TRIGGER");
    }
  }

  void SetPathways(CompiledRule* out) {
    if (rule_.pathways().empty()) {
      // Social contact referrals are not subject to exclusions (IV.A).
      out->applies_to[v1::ARREST_DIVERSION] = true;
      out->applies_to[v1::SOCIAL_CONTACT] = rule_.kind() != v1::EXCLUSION;
      return;
    }
    for (int pathway : rule_.pathways()) {
      if (pathway == v1::ARREST_DIVERSION || pathway == v1::SOCIAL_CONTACT) {
        out->applies_to[pathway] = true;
      } else {
        Issue(rule_.id(), 0, 0,
              absl::StrCat("lists an unspecified or unknown pathway (",
                           pathway, ")"));
      }
    }
  }

  void CompileAlternatives(CompiledRule* out) {
    absl::flat_hash_set<absl::string_view> ids;
    for (int i = 0; i < rule_.any_of_size(); ++i) {
      const v1::Alternative& alternative = rule_.any_of(i);
      std::string where = absl::StrCat(rule_.id(), "/", alternative.id());
      if (alternative.id().empty()) {
        where = absl::StrCat(rule_.id(), "/", i + 1);
        Issue(where, 0, 0,
              absl::StrCat("alternative ", i + 1, " (counting from 1) has no id"));
      } else if (!ids.insert(alternative.id()).second) {
        Issue(where, 0, 0,
              absl::StrCat("the alternative id '", alternative.id(),
                           "' is used twice in this rule"));
      }
      if (alternative.condition().empty()) {
        Issue(where, 0, 0, "alternative has no condition");
        continue;
      }
      CompileCondition(where, alternative.id(), alternative.text(),
                       alternative.condition(), out);
    }
  }

  // Compiles one condition; `where` names it in issues.
  void CompileCondition(const std::string& where,
                        const std::string& alternative_id,
                        const std::string& alternative_text,
                        const std::string& source, CompiledRule* out) {
    std::vector<cel::CompileIssue> found;
    auto program = context_.environment->Compile(
        source, &found, absl::StrCat(context_.version, "/", where));
    if (!program.ok()) {
      if (found.empty()) {
        Issue(where, 0, 0, std::string(program.status().message()));
      }
      for (const cel::CompileIssue& issue : found) {
        Issue(where, issue.line, issue.column, issue.message);
      }
      return;
    }
    const v1::CheckedExpr& checked = (*program)->checked_expr();
    const std::string type = (*program)->result_type();
    if (type != "bool" && type != "dyn") {
      const cel::LineColumn at =
          cel::PositionOfExpr(checked.source_info(), checked.expr().id());
      Issue(where, at.line, at.column,
            absl::StrCat("the condition must be a bool, not ", type));
    }
    if (!out->each_charge) CheckNoChargeVariable(where, checked);
    CheckCatalogLiterals(checked, *context_.catalog, context_.version, where,
                         issues_);
    out->conditions.push_back({alternative_id, *std::move(program),
                               ChargeMeetsPhrase(alternative_text), nullptr});
  }

  // `charge` is declared in the version's environment for EACH_CHARGE
  // rules; a rule over the whole encounter has no charge to see.
  void CheckNoChargeVariable(const std::string& where,
                             const v1::CheckedExpr& checked) {
    std::vector<int64_t> uses;
    for (const auto& [id, reference] : checked.reference_map()) {
      if (reference.name() == "charge") uses.push_back(id);
    }
    std::sort(uses.begin(), uses.end());
    for (int64_t id : uses) {
      const cel::LineColumn at = cel::PositionOfExpr(checked.source_info(), id);
      Issue(where, at.line, at.column,
            "'charge' is only defined in rules with scope EACH_CHARGE; "
            "use encounter.charges here");
    }
  }

  const v1::Rule& rule_;
  const RuleContext& context_;
  std::vector<PolicyIssue>* issues_;
};

}  // namespace

void CompileRule(const v1::Rule& rule, const RuleContext& context,
                 CompiledRule* out, std::vector<PolicyIssue>* issues) {
  RuleCompiler(rule, context, issues).Compile(out);
}

}  // namespace divert::eligibility
