// Which statute codes are alike to a policy. The statute code is part of
// every arrest's key, since the offense catalog completes a charge from
// it; but when the policy reads the code itself only through tests
// against constant texts (`charge.statute_code.startsWith('PL ')`), two
// codes give every decision alike exactly when, in every version, both
// are in the catalog or both are missing from it, and the charges they
// complete are alike in the fields the policy reads: equal, or, for a
// text field read only through tests against constant texts (the code,
// `c.offense_category in [...]`), passing the same tests. Keying arrests
// by a code's class instead of the code itself leaves every result as it
// was and makes far fewer distinct inputs.
#ifndef DIVERT_SRC_SCREENING_STATUTE_CLASSES_H_
#define DIVERT_SRC_SCREENING_STATUTE_CLASSES_H_

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/string_view.h"
#include "eligibility/compiled_policy.h"
#include "google/protobuf/descriptor.h"
#include "screening/policy_inputs.h"

namespace divert::screening {

class StatuteClasses {
 public:
  // The classes of `policy`'s statute codes, or null when a condition
  // reads the code some other way (each code is then a class of its own).
  // `policy` must outlive the result.
  static std::unique_ptr<StatuteClasses> For(
      const eligibility::CompiledPolicyImpl& policy, const PolicyInputs& inputs);

  // Bytes that are equal for two codes exactly when they are alike.
  std::string Of(absl::string_view code) const;

 private:
  explicit StatuteClasses(const eligibility::CompiledPolicyImpl& policy)
      : policy_(policy) {}

  const eligibility::CompiledPolicyImpl& policy_;
  // The text fields of Charge read only through tests, and their tests
  // (the code among them); the other fields of Charge some condition reads.
  std::vector<std::pair<const google::protobuf::FieldDescriptor*,
                        const std::vector<TextTest>*>>
      tested_;
  std::vector<const google::protobuf::FieldDescriptor*> read_;
};

}  // namespace divert::screening

#endif  // DIVERT_SRC_SCREENING_STATUTE_CLASSES_H_
