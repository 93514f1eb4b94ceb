// The implementation behind divert::CompiledPolicy: the compiled versions
// of a site policy and the site's time zone. Immutable once built.
#ifndef DIVERT_SRC_ELIGIBILITY_COMPILED_POLICY_H_
#define DIVERT_SRC_ELIGIBILITY_COMPILED_POLICY_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "divert/eligibility/policy.h"
#include "eligibility/policy_compiler.h"

namespace divert::eligibility {

class CompiledPolicyImpl final : public CompiledPolicy {
 public:
  // Compiles `policy`; on failure returns InvalidArgument describing every
  // issue and appends them to `issues` (when not null).
  static absl::StatusOr<std::shared_ptr<const CompiledPolicy>> Create(
      v1::SitePolicy policy, std::vector<PolicyIssue>* issues);

  absl::StatusOr<v1::Decision> Evaluate(
      const v1::Encounter& encounter) const override;
  absl::StatusOr<v1::Decision> EvaluateWithVersion(
      const v1::Encounter& encounter,
      absl::string_view version) const override;
  absl::Status EvaluateInto(const v1::Encounter& encounter,
                            v1::Decision* decision) const override;
  absl::Status EvaluateSerialized(absl::string_view encounter_bytes,
                                  std::string* decision_bytes) const override;
  absl::Status EvaluateSerializedInto(
      absl::string_view encounter_bytes,
      absl::FunctionRef<char*(size_t size)> allocate) const override;
  v1::FidelityReport CheckFidelity() const override;
  absl::StatusOr<std::string> RenderMarkdown(
      absl::string_view version) const override;
  absl::StatusOr<std::string> RenderHtml(
      absl::string_view version) const override;

  const CompiledVersions& compiled() const { return compiled_; }

 private:
  explicit CompiledPolicyImpl(v1::SitePolicy policy)
      : CompiledPolicy(std::move(policy)) {}

  // The version in force on the encounter's local date.
  absl::StatusOr<const CompiledVersion*> VersionFor(
      const v1::Encounter& encounter) const;

  CompiledVersions compiled_;
};

}  // namespace divert::eligibility

#endif  // DIVERT_SRC_ELIGIBILITY_COMPILED_POLICY_H_
