// Which inputs a compiled policy's decisions depend on, found by reading
// the type-checked conditions of every rule of every version. Screening
// decides each distinct combination of these inputs once: a column that
// feeds none of them cannot change a decision.
#ifndef DIVERT_SRC_SCREENING_POLICY_INPUTS_H_
#define DIVERT_SRC_SCREENING_POLICY_INPUTS_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "divert/eligibility/policy.h"
#include "google/protobuf/descriptor.h"

namespace divert::screening {

class PolicyInputs {
 public:
  // Reads every condition of `policy`. Fails only for a CompiledPolicy
  // that is not the library's own implementation.
  static absl::StatusOr<PolicyInputs> Of(const CompiledPolicy& policy);

  // True when a value at `path` (a chain of fields from Encounter, the
  // last being the one set) can change a decision: its field is read by
  // some condition, or a message on the way is observed as a whole (a
  // has() test, a comparison of the message itself).
  bool Matters(const std::vector<const google::protobuf::FieldDescriptor*>&
                   path) const;

  // "divert.v1.Charge.level"-style names of the fields read, sorted.
  std::vector<std::string> FieldsRead() const;

 private:
  // "divert.v1.Circumstances.on_supervision".
  absl::flat_hash_set<std::string> read_;
  // Message-typed fields whose presence or whole value is observed.
  absl::flat_hash_set<std::string> observed_whole_;
  // Some condition uses `encounter` or `charge` itself as a value.
  bool everything_ = false;
};

}  // namespace divert::screening

#endif  // DIVERT_SRC_SCREENING_POLICY_INPUTS_H_
