// The example policies against the toolkit: every scenario of
// tests/eligibility/scenarios.json (an Encounter, the policy file that decides
// it, and the expected outcome, decisive rules, missing facts, reviewers...)
// is run through divert::CompiledPolicy as a site would run it, one test per
// scenario (EligibilityScenarios/Scenario.Decides/<name>). A failure prints
// one readable line: the scenario, what was expected, what was decided, and
// the decision's summary. The schema is in tests/eligibility/README.md.
#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "divert/eligibility/policy.h"
#include "divert/v1/decision.pb.h"
#include "divert/v1/encounter.pb.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"

namespace divert {
namespace {

using ::google::protobuf::Struct;
using ::google::protobuf::Value;

constexpr char kScenarioFile[] = "tests/eligibility/scenarios.json";
constexpr const char* kPolicies[] = {
    "examples/policies/example1_new_york.textproto",
    "examples/policies/example2_drug_prostitution.textproto",
    "examples/policies/santa_fe_variant.textproto",
};

std::string ReadSourceFile(const std::string& relative) {
  std::ifstream in(std::string(DIVERT_SOURCE_DIR) + "/" + relative, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct ScenarioCase {
  std::string name;
  std::string policy;
  std::string encounter_json;
  Struct expect;
  std::string load_error;  // set when the scenario file itself is broken
};

// gtest prints parameters; keep it to the name.
void PrintTo(const ScenarioCase& scenario, std::ostream* os) { *os << scenario.name; }

std::string StringField(const Struct& s, const std::string& key) {
  auto it = s.fields().find(key);
  return it == s.fields().end() ? "" : it->second.string_value();
}

std::vector<std::string> StringList(const Struct& s, const std::string& key) {
  std::vector<std::string> out;
  auto it = s.fields().find(key);
  if (it == s.fields().end()) return out;
  for (const Value& v : it->second.list_value().values()) out.push_back(v.string_value());
  return out;
}

std::vector<ScenarioCase> LoadScenarios() {
  std::vector<ScenarioCase> scenarios;
  Struct root;
  std::string text = ReadSourceFile(kScenarioFile);
  auto status = google::protobuf::util::JsonStringToMessage(text, &root);
  if (text.empty() || !status.ok()) {
    ScenarioCase broken;
    broken.name = "scenario_file_unreadable";
    broken.load_error = absl::StrCat(kScenarioFile, ": ",
                                     text.empty() ? "missing or empty" : status.ToString());
    scenarios.push_back(broken);
    return scenarios;
  }
  for (const Value& item : root.fields().at("scenarios").list_value().values()) {
    const Struct& s = item.struct_value();
    ScenarioCase scenario;
    scenario.name = StringField(s, "name");
    scenario.policy = StringField(s, "policy");
    auto encounter = s.fields().find("encounter");
    if (encounter != s.fields().end()) {
      auto json = google::protobuf::util::MessageToJsonString(encounter->second,
                                                              &scenario.encounter_json);
      if (!json.ok()) scenario.load_error = json.ToString();
    }
    auto expect = s.fields().find("expect");
    if (expect != s.fields().end()) scenario.expect = expect->second.struct_value();
    scenarios.push_back(std::move(scenario));
  }
  return scenarios;
}

// Each policy file compiled once, shared by the scenarios that use it.
const CompiledPolicy* PolicyFor(const std::string& path, std::string* error) {
  static auto* cache = new std::map<std::string, std::shared_ptr<const CompiledPolicy>>();
  auto it = cache->find(path);
  if (it != cache->end()) return it->second.get();
  std::vector<PolicyIssue> issues;
  auto compiled = CompiledPolicy::FromTextFormat(ReadSourceFile(path), &issues);
  if (!compiled.ok()) {
    // The status lists the issues too; print them one per line when given.
    std::vector<std::string> lines;
    for (const PolicyIssue& issue : issues) lines.push_back(issue.ToString());
    *error = absl::StrCat(path, " does not compile: ",
                          lines.empty() ? compiled.status().ToString()
                                        : absl::StrJoin(lines, "\n  "));
    return nullptr;
  }
  std::shared_ptr<const CompiledPolicy>& slot = (*cache)[path];
  slot = *std::move(compiled);
  return slot.get();
}

std::string SetText(const std::set<std::string>& items) {
  return "{" + absl::StrJoin(items, ", ") + "}";
}

// Compares `decision` with `expect`; returns the differences (empty if none).
std::vector<std::string> Compare(const Struct& expect, const v1::Decision& decision) {
  std::vector<std::string> diffs;
  const std::string outcome = StringField(expect, "outcome");
  if (v1::Outcome_Name(decision.outcome()) != outcome) {
    diffs.push_back(absl::StrCat("outcome ", v1::Outcome_Name(decision.outcome()), ", expected ",
                                 outcome));
  }
  const std::string version = StringField(expect, "policy_version");
  if (!version.empty() && decision.policy_version() != version) {
    diffs.push_back(absl::StrCat("policy version ", decision.policy_version(), ", expected ",
                                 version));
  }
  std::map<std::string, const v1::RuleOutcome*> rules;
  std::set<std::string> decisive;
  for (const v1::RuleOutcome& rule : decision.rules()) {
    rules[rule.rule_id()] = &rule;
    if (rule.decisive()) decisive.insert(rule.rule_id());
  }
  std::vector<std::string> want_decisive = StringList(expect, "decisive");
  std::set<std::string> want(want_decisive.begin(), want_decisive.end());
  if (decisive != want) {
    diffs.push_back(absl::StrCat("decisive ", SetText(decisive), ", expected ", SetText(want)));
  }
  auto expect_results = [&](const char* key, v1::RuleResult result) {
    for (const std::string& id : StringList(expect, key)) {
      auto it = rules.find(id);
      if (it == rules.end()) {
        diffs.push_back(absl::StrCat("rule ", id, " is not in the decision"));
      } else if (it->second->result() != result) {
        diffs.push_back(absl::StrCat("rule ", id, " is ", v1::RuleResult_Name(it->second->result()),
                                     ", expected ", v1::RuleResult_Name(result)));
      }
    }
  };
  expect_results("unknown", v1::RULE_UNKNOWN);
  expect_results("not_applicable", v1::RULE_NOT_APPLICABLE);
  if (expect.fields().count("missing_facts")) {
    std::vector<std::string> list = StringList(expect, "missing_facts");
    std::set<std::string> want_facts(list.begin(), list.end()), got_facts;
    for (const v1::MissingFact& fact : decision.missing_facts()) {
      got_facts.insert(fact.field_path());
      if (fact.question().empty()) {
        diffs.push_back(absl::StrCat("missing fact ", fact.field_path(), " has no question"));
      }
    }
    if (got_facts != want_facts) {
      diffs.push_back(absl::StrCat("missing facts ", SetText(got_facts), ", expected ",
                                   SetText(want_facts)));
    }
  }
  if (expect.fields().count("review_by")) {
    std::vector<std::string> list = StringList(expect, "review_by");
    std::set<std::string> want_bodies(list.begin(), list.end()), got_bodies;
    for (int body : decision.review_by()) {
      got_bodies.insert(v1::ReviewBody_Name(static_cast<v1::ReviewBody>(body)));
    }
    if (got_bodies != want_bodies) {
      diffs.push_back(absl::StrCat("review by ", SetText(got_bodies), ", expected ",
                                   SetText(want_bodies)));
    }
  }
  for (const std::string& note : StringList(expect, "notes_contain")) {
    bool found = std::any_of(decision.notes().begin(), decision.notes().end(),
                             [&](const std::string& n) { return n.find(note) != std::string::npos; });
    if (!found) diffs.push_back(absl::StrCat("no note containing \"", note, "\""));
  }
  auto alternatives = expect.fields().find("alternatives");
  if (alternatives != expect.fields().end()) {
    for (const auto& [id, list] : alternatives->second.struct_value().fields()) {
      std::vector<std::string> want_alts, got_alts;
      for (const Value& v : list.list_value().values()) want_alts.push_back(v.string_value());
      auto it = rules.find(id);
      if (it != rules.end()) {
        for (const v1::ChargeResult& charge : it->second->charges()) {
          got_alts.push_back(charge.alternative_id());
        }
      }
      if (got_alts != want_alts) {
        diffs.push_back(absl::StrCat("rule ", id, " alternatives [", absl::StrJoin(got_alts, ", "),
                                     "], expected [", absl::StrJoin(want_alts, ", "), "]"));
      }
    }
  }
  if (decision.summary().empty()) diffs.push_back("the decision has no summary");
  return diffs;
}

// Test names read EligibilityScenarios/Scenario.Decides/<scenario name>.
class Scenario : public ::testing::TestWithParam<ScenarioCase> {};

TEST_P(Scenario, Decides) {
  const ScenarioCase& s = GetParam();
  ASSERT_TRUE(s.load_error.empty()) << s.load_error;
  std::string error;
  const CompiledPolicy* policy = PolicyFor(s.policy, &error);
  ASSERT_NE(policy, nullptr) << error;

  v1::Encounter encounter;
  google::protobuf::util::JsonParseOptions strict;
  strict.ignore_unknown_fields = false;
  auto parsed = google::protobuf::util::JsonStringToMessage(s.encounter_json, &encounter, strict);
  ASSERT_TRUE(parsed.ok()) << "scenario " << s.name << ": bad encounter: " << parsed.ToString();

  absl::StatusOr<v1::Decision> decision = policy->Evaluate(encounter);
  const std::string want_error = StringField(s.expect, "error");
  if (!want_error.empty()) {
    if (decision.ok()) {
      ADD_FAILURE() << "scenario " << s.name << " (" << s.policy << "): expected error " << want_error
                    << ", decided " << v1::Outcome_Name(decision->outcome()) << ": "
                    << decision->summary();
    } else {
      EXPECT_EQ(absl::StatusCodeToString(decision.status().code()),
                absl::StatusCodeToString(absl::StatusCode::kNotFound))
          << "scenario " << s.name << ": " << decision.status();
      EXPECT_EQ(want_error, "NOT_FOUND") << "scenario " << s.name << ": unknown expected error";
    }
    return;
  }
  ASSERT_TRUE(decision.ok()) << "scenario " << s.name << " (" << s.policy
                             << "): " << decision.status();
  std::vector<std::string> diffs = Compare(s.expect, *decision);
  if (!diffs.empty()) {
    ADD_FAILURE() << "scenario " << s.name << " (" << s.policy << "): "
                  << absl::StrJoin(diffs, "; ") << "\n    summary: " << decision->summary();
  }
  // The serialized door decides the same, byte for byte.
  std::string bytes;
  ASSERT_TRUE(policy->EvaluateSerialized(encounter.SerializeAsString(), &bytes).ok());
  EXPECT_EQ(bytes, decision->SerializeAsString()) << "scenario " << s.name;
}

std::string ScenarioName(const ::testing::TestParamInfo<ScenarioCase>& info) {
  return info.param.name;
}

INSTANTIATE_TEST_SUITE_P(EligibilityScenarios, Scenario, ::testing::ValuesIn(LoadScenarios()),
                         ScenarioName);

// The example policies keep to LEAD's non-negotiables: the fidelity check
// finds nothing worse than a NOTE (the catalog entries marked
// needs_verification), as each policy's header comment says.
TEST(EligibilityScenarioPolicies, PassTheFidelityCheck) {
  for (const char* path : kPolicies) {
    std::string error;
    const CompiledPolicy* policy = PolicyFor(path, &error);
    ASSERT_NE(policy, nullptr) << error;
    v1::FidelityReport report = policy->CheckFidelity();
    for (const v1::FidelityFinding& finding : report.findings()) {
      EXPECT_EQ(finding.severity(), v1::FidelityFinding::NOTE)
          << path << ": " << v1::FidelityFinding::Severity_Name(finding.severity()) << " "
          << finding.code() << " (version " << finding.policy_version() << ", rule "
          << finding.rule_id() << ", toolkit " << finding.toolkit_section()
          << "): " << finding.message();
    }
  }
}

// Example 1's second version shows what changed: the drug quantity limit.
TEST(EligibilityScenarioPolicies, RenderTheVersionChange) {
  std::string error;
  const CompiledPolicy* policy = PolicyFor(kPolicies[0], &error);
  ASSERT_NE(policy, nullptr) << error;
  absl::StatusOr<std::string> markdown = policy->RenderMarkdown("2018-1");
  ASSERT_TRUE(markdown.ok()) << markdown.status();
  EXPECT_NE(markdown->find("2017-1"), std::string::npos);
  EXPECT_NE(markdown->find("max_drug_quantity_grams"), std::string::npos);
  absl::StatusOr<std::string> html = policy->RenderHtml();
  ASSERT_TRUE(html.ok()) << html.status();
  EXPECT_NE(html->find("PL 155.25"), std::string::npos);
}

}  // namespace
}  // namespace divert
