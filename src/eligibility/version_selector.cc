#include "eligibility/version_selector.h"

#include <algorithm>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "eligibility/dates.h"

namespace divert::eligibility {
namespace {

// Checks one of a version's dates; true when it is a real date.
bool CheckDate(absl::string_view label,
               absl::string_view what, const v1::Date& date,
               std::vector<PolicyIssue>* issues) {
  if (IsEmptyDate(date)) {
    issues->push_back({std::string(label), "", 0, 0,
                       absl::StrCat(what, " is missing")});
    return false;
  }
  if (!IsValidDate(date)) {
    issues->push_back({std::string(label), "", 0, 0,
                       absl::StrCat(what, " ", FormatDate(date),
                                    " is not a valid date")});
    return false;
  }
  return true;
}

}  // namespace

void CheckVersionOrder(const v1::SitePolicy& policy,
                       std::vector<PolicyIssue>* issues) {
  if (policy.versions().empty()) {
    issues->push_back({"", "", 0, 0, "the policy has no versions"});
    return;
  }
  absl::flat_hash_set<absl::string_view> labels;
  // The latest valid effective date so far, and whose it is.
  const v1::PolicyVersion* previous = nullptr;
  for (int i = 0; i < policy.versions_size(); ++i) {
    const v1::PolicyVersion& version = policy.versions(i);
    const std::string& label = version.version();
    if (label.empty()) {
      issues->push_back({"", "", 0, 0,
                         absl::StrCat("version ", i + 1,
                                      " (counting from 1) has no label")});
    } else if (!labels.insert(label).second) {
      issues->push_back({label, "", 0, 0,
                         absl::StrCat("the label '", label,
                                      "' is used by two versions")});
    }
    const bool approved_ok = CheckDate(label, "approved_on",
                                       version.approved_on(), issues);
    const bool effective_ok = CheckDate(label, "effective_from",
                                        version.effective_from(), issues);
    if (!effective_ok) continue;
    const absl::CivilDay effective = ToCivilDay(version.effective_from());
    if (approved_ok && ToCivilDay(version.approved_on()) > effective) {
      issues->push_back(
          {label, "", 0, 0,
           absl::StrCat("approved on ", FormatDate(version.approved_on()),
                        ", after it takes effect on ",
                        FormatDate(version.effective_from()))});
    }
    if (previous != nullptr) {
      const absl::CivilDay before = ToCivilDay(previous->effective_from());
      if (effective == before) {
        issues->push_back(
            {label, "", 0, 0,
             absl::StrCat("takes effect on ", FormatDate(version.effective_from()),
                          ", the same day as version '", previous->version(),
                          "': two versions would be in force at once")});
      } else if (effective < before) {
        issues->push_back(
            {label, "", 0, 0,
             absl::StrCat("takes effect on ", FormatDate(version.effective_from()),
                          ", before version '", previous->version(),
                          "' listed above it (",
                          FormatDate(previous->effective_from()),
                          "): list versions oldest first")});
      }
    }
    if (previous == nullptr ||
        effective > ToCivilDay(previous->effective_from())) {
      previous = &version;
    }
  }
}

const CompiledVersion* VersionInForce(
    const std::vector<std::unique_ptr<CompiledVersion>>& versions,
    absl::CivilDay day) {
  // The first version taking effect after `day`; the one before it decides.
  auto after = std::upper_bound(
      versions.begin(), versions.end(), day,
      [](absl::CivilDay d, const std::unique_ptr<CompiledVersion>& v) {
        return d < v->effective_from;
      });
  if (after == versions.begin()) return nullptr;
  return std::prev(after)->get();
}

const CompiledVersion* VersionInForceAt(
    const std::vector<std::unique_ptr<CompiledVersion>>& versions,
    absl::Time time) {
  auto after = std::upper_bound(
      versions.begin(), versions.end(), time,
      [](absl::Time t, const std::unique_ptr<CompiledVersion>& v) {
        return t < v->in_force_from;
      });
  if (after == versions.begin()) return nullptr;
  return std::prev(after)->get();
}

const CompiledVersion* VersionLabelled(
    const std::vector<std::unique_ptr<CompiledVersion>>& versions,
    absl::string_view label) {
  for (const auto& v : versions) {
    if (v->version->version() == label) return v.get();
  }
  return nullptr;
}

}  // namespace divert::eligibility
