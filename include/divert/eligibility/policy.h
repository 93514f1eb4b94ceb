// A site's eligibility policy, compiled: decisions that explain themselves.
//
// A SitePolicy (proto/divert/v1/policy.proto) is validated and compiled once
// into an immutable, thread-safe CompiledPolicy. Compiling reports every
// problem at once — unknown fields, codes or parameters, type errors,
// duplicate ids, overlapping or out-of-order versions — each with the
// version, the rule id and the line:column in the condition. Evaluating an
// Encounter picks the version in force on the encounter's local date and
// returns a Decision naming every rule's result and the facts still missing.
//
// Before the rules run, each charge is completed from the version's offense
// catalog (matched by code or alias, ignoring case and spacing): it takes
// the catalog's code, and the catalog's description, level, category and
// flags wherever the encounter left them out; an officer's explicit flag
// wins. A charge missing from the catalog stays as given and the decision
// notes it. Conditions comparing `statute_code` or `offense_category` with
// literals the catalog does not have are compile errors. A policy without
// a time zone decides dates in UTC.
//
//   auto policy = divert::CompiledPolicy::FromTextFormat(text);
//   absl::StatusOr<divert::v1::Decision> decision =
//       (*policy)->Evaluate(encounter);
//   std::cout << decision->summary();
#ifndef DIVERT_ELIGIBILITY_POLICY_H_
#define DIVERT_ELIGIBILITY_POLICY_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "divert/v1/decision.pb.h"
#include "divert/v1/encounter.pb.h"
#include "divert/v1/policy.pb.h"

namespace divert {

// One problem found while compiling a policy.
struct PolicyIssue {
  // The version label, or "" when the problem is not in one version.
  std::string version;
  // The rule (or "rule/alternative") id, or "" when not about a rule.
  std::string rule_id;
  // Position: in the rule's condition for CEL problems, in the policy text
  // for text format or JSON syntax problems; 0 when there is none.
  int line = 0;
  int column = 0;
  std::string message;

  // "version 2024-2, rule exclusion.violent, 1:12: undefined field 'violnt'"
  std::string ToString() const;
};

class CompiledPolicy {
 public:
  // Compiles every version of `policy`. On failure returns InvalidArgument
  // listing every issue; `issues`, when not null, receives them.
  static absl::StatusOr<std::shared_ptr<const CompiledPolicy>> Compile(
      const v1::SitePolicy& policy, std::vector<PolicyIssue>* issues = nullptr);
  // The same, from the policy's text format, proto3 JSON or binary form.
  static absl::StatusOr<std::shared_ptr<const CompiledPolicy>> FromTextFormat(
      absl::string_view text, std::vector<PolicyIssue>* issues = nullptr);
  static absl::StatusOr<std::shared_ptr<const CompiledPolicy>> FromJson(
      absl::string_view json, std::vector<PolicyIssue>* issues = nullptr);
  static absl::StatusOr<std::shared_ptr<const CompiledPolicy>> FromBinary(
      absl::string_view bytes, std::vector<PolicyIssue>* issues = nullptr);

  virtual ~CompiledPolicy() = default;

  const v1::SitePolicy& policy() const { return policy_; }

  // Decides `encounter` under the version in force on its local date (in
  // the site's time zone). Fails with InvalidArgument when the encounter has
  // no date or pathway, and with NotFound when no version is in force on
  // that date. Unset facts (optional fields) are unknown, never "no"; the
  // decision lists them with a question each when they could change whether
  // the person may be diverted (NEEDS_INFORMATION, NEEDS_REVIEW).
  // Thread-safe: call it from any number of threads at once.
  virtual absl::StatusOr<v1::Decision> Evaluate(
      const v1::Encounter& encounter) const = 0;

  // Decides `encounter` under the version labelled `version`, whatever the
  // encounter's date (for comparing versions).
  virtual absl::StatusOr<v1::Decision> EvaluateWithVersion(
      const v1::Encounter& encounter, absl::string_view version) const = 0;

  // As Evaluate, into `decision` (cleared first). Reusing one Decision for
  // many encounters reuses its memory: the fastest way to decide a stream
  // of encounters on one thread. On failure `decision` is left cleared.
  virtual absl::Status EvaluateInto(const v1::Encounter& encounter,
                                    v1::Decision* decision) const = 0;

  // Binary in, binary out: parses a serialized Encounter, decides it, and
  // replaces `decision_bytes` with the serialized Decision. For the C ABI
  // and other language doors. Fails with InvalidArgument on bytes that are
  // not an Encounter, otherwise as Evaluate.
  virtual absl::Status EvaluateSerialized(absl::string_view encounter_bytes,
                                          std::string* decision_bytes) const = 0;

  // As EvaluateSerialized, writing the serialized Decision into memory the
  // caller provides: `allocate` is called once, after the decision is made,
  // with its size in bytes, and returns where to write that many bytes (the
  // caller owns it), or null to give up (ResourceExhausted). Nothing is
  // allocated when the evaluation fails. For doors that hand the bytes to
  // their caller in memory of their own kind (the C ABI's malloc'd buffers).
  virtual absl::Status EvaluateSerializedInto(
      absl::string_view encounter_bytes,
      absl::FunctionRef<char*(size_t size)> allocate) const = 0;

  // Where each version departs from LEAD's non-negotiables.
  virtual v1::FidelityReport CheckFidelity() const = 0;

  // A readable document of one version (the newest when `version` is
  // empty) for the PCG: rules in plain language with their conditions, the
  // offense catalog, parameters, program settings, and what changed from
  // the previous version.
  virtual absl::StatusOr<std::string> RenderMarkdown(
      absl::string_view version = "") const = 0;
  virtual absl::StatusOr<std::string> RenderHtml(
      absl::string_view version = "") const = 0;

 protected:
  explicit CompiledPolicy(v1::SitePolicy policy) : policy_(std::move(policy)) {}

 private:
  v1::SitePolicy policy_;
};

}  // namespace divert

#endif  // DIVERT_ELIGIBILITY_POLICY_H_
