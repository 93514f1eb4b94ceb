// The stable id of a decision: "dec-" and 16 hex digits of a 64-bit hash of
// the site id, the version label and the deterministic serialization of the
// encounter. The same encounter under the same policy version always gets
// the same id, on any machine and in every release.
#ifndef DIVERT_SRC_ELIGIBILITY_DECISION_ID_H_
#define DIVERT_SRC_ELIGIBILITY_DECISION_ID_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "divert/v1/encounter.pb.h"

namespace divert::eligibility {

// A 64-bit hash of `bytes`, continuing from `hash`. It reads eight bytes at
// a time in little-endian order and absorbs the length first, so that
// ("ab", "c") and ("a", "bc") hash apart. Not for security: a decision id
// names a decision, it does not protect one.
uint64_t StableHash64(absl::string_view bytes,
                      uint64_t hash = 0x243f6a8885a308d3ULL);

// Writes to `id` the id of a decision on the encounter whose deterministic
// serialization is `encounter_bytes`.
void MakeDecisionIdFromBytes(absl::string_view site_id,
                             absl::string_view version,
                             absl::string_view encounter_bytes,
                             std::string* id);

// Writes the id to `id`; `buffer` is scratch space for the serialization.
void MakeDecisionId(absl::string_view site_id, absl::string_view version,
                    const v1::Encounter& encounter, std::string* buffer,
                    std::string* id);

}  // namespace divert::eligibility

#endif  // DIVERT_SRC_ELIGIBILITY_DECISION_ID_H_
