#include "eligibility/compiled_policy.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "divert/limits.h"
#include "eligibility/dates.h"
#include "eligibility/decision_writer.h"
#include "eligibility/evaluation_scratch.h"
#include "eligibility/evaluator.h"
#include "eligibility/fidelity.h"
#include "eligibility/policy_document.h"
#include "eligibility/render_html.h"
#include "eligibility/render_markdown.h"
#include "eligibility/version_selector.h"

namespace divert {
namespace eligibility {

absl::StatusOr<std::shared_ptr<const CompiledPolicy>> CompiledPolicyImpl::Create(
    v1::SitePolicy policy, std::vector<PolicyIssue>* issues) {
  std::shared_ptr<CompiledPolicyImpl> compiled(
      new CompiledPolicyImpl(std::move(policy)));
  std::vector<PolicyIssue> found;
  // The compiled versions point into the policy the base class now owns.
  compiled->compiled_ = CompileVersions(compiled->policy(), &found);
  if (!found.empty()) {
    absl::Status status = absl::InvalidArgumentError(DescribeIssues(found));
    if (issues != nullptr) {
      issues->insert(issues->end(), found.begin(), found.end());
    }
    return status;
  }
  return std::shared_ptr<const CompiledPolicy>(std::move(compiled));
}

absl::StatusOr<const CompiledVersion*> CompiledPolicyImpl::VersionFor(
    const v1::Encounter& encounter) const {
  const CompiledVersion* version =
      VersionInForceAt(compiled_.versions, ToTime(encounter.occurred_at()));
  if (version == nullptr) {
    const absl::CivilDay day =
        LocalDay(encounter.occurred_at(), compiled_.zone);
    return absl::NotFoundError(absl::StrCat(
        "no version of policy '", policy().site_id(), "' is in force on ",
        absl::FormatCivilTime(day), " (the first takes effect on ",
        FormatDate(policy().versions(0).effective_from()), ")"));
  }
  return version;
}

absl::Status CompiledPolicyImpl::EvaluateInto(const v1::Encounter& encounter,
                                              v1::Decision* decision) const {
  decision->Clear();
  if (absl::Status status = CheckEncounter(encounter); !status.ok()) {
    return status;
  }
  absl::StatusOr<const CompiledVersion*> version = VersionFor(encounter);
  if (!version.ok()) return version.status();
  Decide(**version, encounter, decision);
  return absl::OkStatus();
}

absl::StatusOr<v1::Decision> CompiledPolicyImpl::Evaluate(
    const v1::Encounter& encounter) const {
  v1::Decision decision;
  if (absl::Status status = EvaluateInto(encounter, &decision); !status.ok()) {
    return status;
  }
  return decision;
}

absl::StatusOr<v1::Decision> CompiledPolicyImpl::EvaluateWithVersion(
    const v1::Encounter& encounter, absl::string_view version) const {
  if (absl::Status status = CheckEncounter(encounter); !status.ok()) {
    return status;
  }
  const CompiledVersion* compiled = VersionLabelled(compiled_.versions, version);
  if (compiled == nullptr) {
    return absl::NotFoundError(absl::StrCat("policy '", policy().site_id(),
                                            "' has no version '", version,
                                            "'"));
  }
  v1::Decision decision;
  Decide(*compiled, encounter, &decision);
  return decision;
}

absl::Status CompiledPolicyImpl::EvaluateSerialized(
    absl::string_view encounter_bytes, std::string* decision_bytes) const {
  return EvaluateSerializedInto(encounter_bytes, [&](size_t size) {
    decision_bytes->resize(size);
    return decision_bytes->data();
  });
}

absl::Status CompiledPolicyImpl::EvaluateSerializedInto(
    absl::string_view encounter_bytes,
    absl::FunctionRef<char*(size_t size)> allocate) const {
  if (encounter_bytes.size() > limits::kMaxEncounterBytes) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "the encounter is ", encounter_bytes.size(), " bytes; the limit is ",
        limits::kMaxEncounterBytes, " (docs/limits.md)"));
  }
  EvaluationScratch& scratch = EvaluationScratch::ForThisThread();
  // What protobuf libraries write is canonical and decodes directly; other
  // encodings go through protobuf's parser.
  std::optional<absl::string_view> canonical_bytes;
  v1::Encounter* encounter = scratch.decoder.DecodeCanonical(encounter_bytes);
  if (encounter != nullptr) {
    canonical_bytes = encounter_bytes;
  } else {
    encounter = scratch.ParseEncounter(encounter_bytes);
  }
  if (encounter == nullptr) {
    return absl::InvalidArgumentError(
        "the bytes are not a serialized divert.v1.Encounter");
  }
  if (absl::Status status = CheckEncounter(*encounter); !status.ok()) {
    return status;
  }
  absl::StatusOr<const CompiledVersion*> version = VersionFor(*encounter);
  if (!version.ok()) return version.status();
  // The parsed encounter is ours: enrich it in place rather than copy it.
  DecideInPlace(**version, encounter, &scratch.record, canonical_bytes);
  if (!WriteDecision(**version, *encounter, scratch.record, allocate)) {
    return absl::ResourceExhaustedError(
        "no memory for the serialized decision");
  }
  return absl::OkStatus();
}

v1::FidelityReport CompiledPolicyImpl::CheckFidelity() const {
  return eligibility::CheckFidelity(policy(), compiled_.versions);
}

absl::StatusOr<std::string> CompiledPolicyImpl::RenderMarkdown(
    absl::string_view version) const {
  absl::StatusOr<Document> document = BuildPolicyDocument(policy(), version);
  if (!document.ok()) return document.status();
  return ToMarkdown(*document);
}

absl::StatusOr<std::string> CompiledPolicyImpl::RenderHtml(
    absl::string_view version) const {
  absl::StatusOr<Document> document = BuildPolicyDocument(policy(), version);
  if (!document.ok()) return document.status();
  return ToHtml(*document);
}

}  // namespace eligibility

absl::StatusOr<std::shared_ptr<const CompiledPolicy>> CompiledPolicy::Compile(
    const v1::SitePolicy& policy, std::vector<PolicyIssue>* issues) {
  return eligibility::CompiledPolicyImpl::Create(policy, issues);
}

}  // namespace divert
