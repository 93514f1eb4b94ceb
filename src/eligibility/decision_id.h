// The stable id of a decision: "dec-" and 16 hex digits of the 64-bit
// FNV-1a hash of the site id, the version label and the deterministic
// serialization of the encounter. The same encounter under the same policy
// version always gets the same id, on any machine.
#ifndef DIVERT_SRC_ELIGIBILITY_DECISION_ID_H_
#define DIVERT_SRC_ELIGIBILITY_DECISION_ID_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "divert/v1/encounter.pb.h"

namespace divert::eligibility {

// FNV-1a (64 bit) of `bytes`, continuing from `hash`.
uint64_t Fnv1a64(absl::string_view bytes,
                 uint64_t hash = 0xcbf29ce484222325ULL);

// Writes the id to `id`; `buffer` is scratch space for the serialization.
void MakeDecisionId(absl::string_view site_id, absl::string_view version,
                    const v1::Encounter& encounter, std::string* buffer,
                    std::string* id);

}  // namespace divert::eligibility

#endif  // DIVERT_SRC_ELIGIBILITY_DECISION_ID_H_
