#include "eligibility/policy_compiler.h"

#include <atomic>
#include <cstdint>
#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "eligibility/condition_table.h"
#include "eligibility/dates.h"
#include "eligibility/decision_writer.h"
#include "eligibility/rule_compiler.h"
#include "eligibility/summary.h"
#include "eligibility/version_selector.h"

namespace divert::eligibility {
namespace {

std::atomic<uint64_t> next_version_id{1};

bool IsIdentifier(absl::string_view name) {
  if (name.empty()) return false;
  const unsigned char first = static_cast<unsigned char>(name[0]);
  if (!absl::ascii_isalpha(first) && first != '_') return false;
  for (char c : name) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (!absl::ascii_isalnum(u) && u != '_') return false;
  }
  return true;
}

// Words CEL reserves: they cannot name a variable.
bool IsReserved(absl::string_view name) {
  static const auto* reserved = new absl::flat_hash_set<absl::string_view>{
      "true",  "false",    "null",    "in",     "as",      "break",
      "const", "continue", "else",    "for",    "function", "if",
      "import", "let",     "loop",    "package", "namespace", "return",
      "var",   "void",     "while"};
  return reserved->contains(name);
}

class VersionCompiler {
 public:
  VersionCompiler(const v1::PolicyVersion& version,
                  std::vector<PolicyIssue>* issues)
      : version_(version), label_(version.version()), issues_(issues) {}

  std::unique_ptr<CompiledVersion> Compile() {
    auto out = std::make_unique<CompiledVersion>();
    out->version = &version_;
    out->id = next_version_id.fetch_add(1, std::memory_order_relaxed);
    if (IsValidDate(version_.effective_from())) {
      out->effective_from = ToCivilDay(version_.effective_from());
    }
    out->approved_on = FormatDate(version_.approved_on());
    for (int outcome = 0; outcome < v1::Outcome_ARRAYSIZE; ++outcome) {
      for (int pathway = 0; pathway < v1::Pathway_ARRAYSIZE; ++pathway) {
        out->summary_openings[outcome][pathway] =
            SummaryOpening(*out, static_cast<v1::Outcome>(outcome),
                           static_cast<v1::Pathway>(pathway));
      }
    }
    IndexCatalog(out.get());
    out->environment = std::make_unique<cel::Environment>();
    out->environment->set_container("divert.v1");
    Declare(out.get(), "encounter", "divert.v1.Encounter");
    Declare(out.get(), "charge", "divert.v1.Charge");
    DeclareParameters(out.get());
    CompileRules(out.get());
    TabulateConditions(out.get());
    return out;
  }

 private:
  void Issue(absl::string_view rule_id, std::string message) {
    issues_->push_back({label_, std::string(rule_id), 0, 0, std::move(message)});
  }

  void Declare(CompiledVersion* out, absl::string_view name,
               absl::string_view type) {
    absl::Status status = out->environment->DeclareVariable(name, type);
    if (!status.ok()) Issue("", std::string(status.message()));
  }

  void IndexCatalog(CompiledVersion* out) {
    std::vector<std::string> problems;
    out->catalog.Build(version_.offense_catalog(), &problems);
    for (std::string& problem : problems) Issue("", std::move(problem));
  }

  void DeclareParameters(CompiledVersion* out) {
    absl::flat_hash_set<absl::string_view> names;
    for (int i = 0; i < version_.parameters_size(); ++i) {
      const v1::Parameter& p = version_.parameters(i);
      const std::string& name = p.name();
      if (!IsIdentifier(name)) {
        Issue("", absl::StrCat("parameter ", i + 1, " (counting from 1): '",
                               name,
                               "' is not a name of letters, digits and "
                               "underscores"));
        continue;
      }
      if (name == "encounter" || name == "charge") {
        Issue("", absl::StrCat("parameter '", name,
                               "' would hide the variable of the same name"));
        continue;
      }
      if (IsReserved(name)) {
        Issue("", absl::StrCat("parameter '", name,
                               "' is a reserved word in CEL"));
        continue;
      }
      if (!names.insert(name).second) {
        Issue("", absl::StrCat("parameter '", name, "' is defined twice"));
        continue;
      }
      cel::Value value;
      absl::string_view type;
      switch (p.value_case()) {
        case v1::Parameter::kIntValue:
          value = cel::Value::Int(p.int_value());
          type = "int";
          break;
        case v1::Parameter::kDoubleValue:
          value = cel::Value::Double(p.double_value());
          type = "double";
          break;
        case v1::Parameter::kStringValue:
          value = cel::Value::String(p.string_value());
          type = "string";
          break;
        case v1::Parameter::kBoolValue:
          value = cel::Value::Bool(p.bool_value());
          type = "bool";
          break;
        default:
          Issue("", absl::StrCat("parameter '", name, "' has no value"));
          continue;
      }
      Declare(out, name, type);
      out->parameters.emplace_back(name, value);
    }
  }

  void CompileRules(CompiledVersion* out) {
    RuleContext context;
    context.environment = out->environment.get();
    context.catalog = &out->catalog;
    context.version = label_;
    absl::flat_hash_set<absl::string_view> ids;
    out->rules.reserve(version_.rules_size());
    for (int i = 0; i < version_.rules_size(); ++i) {
      const v1::Rule& rule = version_.rules(i);
      if (rule.id().empty()) {
        Issue("", absl::StrCat("rule ", i + 1, " (counting from 1) has no id"));
      } else if (!ids.insert(rule.id()).second) {
        Issue(rule.id(), "the rule id is used twice in this version");
      }
      CompiledRule compiled;
      CompileRule(rule, context, &compiled, issues_);
      if (out->some_program == nullptr && !compiled.conditions.empty()) {
        out->some_program = compiled.conditions.front().program.get();
      }
      out->rules.push_back(std::move(compiled));
    }
  }

  // Gives each condition over yes/no facts its table.
  void TabulateConditions(CompiledVersion* out) {
    for (CompiledRule& rule : out->rules) {
      for (CompiledCondition& condition : rule.conditions) {
        if (condition.program == nullptr) continue;
        condition.table = ConditionTable::Build(
            condition.program->checked_expr(), *condition.program,
            out->parameters, rule.each_charge);
      }
    }
  }

  const v1::PolicyVersion& version_;
  const std::string label_;
  std::vector<PolicyIssue>* issues_;
};

}  // namespace

CompiledVersions CompileVersions(const v1::SitePolicy& policy,
                                 std::vector<PolicyIssue>* issues) {
  CompiledVersions out;
  if (!policy.time_zone().empty() &&
      !absl::LoadTimeZone(policy.time_zone(), &out.zone)) {
    issues->push_back({"", "", 0, 0,
                       absl::StrCat("unknown time zone '", policy.time_zone(),
                                    "': use an IANA name such as "
                                    "America/New_York")});
  }
  CheckVersionOrder(policy, issues);
  out.versions.reserve(policy.versions_size());
  for (const v1::PolicyVersion& version : policy.versions()) {
    out.versions.push_back(VersionCompiler(version, issues).Compile());
    out.versions.back()->site_id = policy.site_id();
    out.versions.back()->in_force_from =
        StartOfDay(out.versions.back()->effective_from, out.zone);
    out.versions.back()->decision_header_fields =
        EncodeDecisionHeaderFields(policy.site_id(), version);
  }
  return out;
}

std::string DescribeIssues(const std::vector<PolicyIssue>& issues) {
  std::string out = absl::StrCat("the policy has ", issues.size(),
                                 issues.size() == 1 ? " problem:" : " problems:");
  for (const PolicyIssue& issue : issues) {
    absl::StrAppend(&out, "\n  ", issue.ToString());
  }
  return out;
}

}  // namespace divert::eligibility
