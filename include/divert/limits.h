// The largest inputs divert accepts (docs/limits.md). Larger ones are
// refused before they are parsed, with ResourceExhausted (the C ABI's
// DIVERT_ERROR_LIMIT) and a message naming the input, its size and the
// limit — never with an abort or by running out of memory. CEL expressions
// have their own limits, divert::cel::Limits (divert/cel/cel.h).
#ifndef DIVERT_LIMITS_H_
#define DIVERT_LIMITS_H_

#include <cstddef>
#include <cstdint>

namespace divert::limits {

// A site policy in text format, proto3 JSON or binary; also a column
// mapping and program settings. (Example 1, the toolkit's largest, is
// about 0.5 MiB.)
inline constexpr size_t kMaxPolicyBytes = size_t{64} << 20;
// One encounter, in binary or JSON.
inline constexpr size_t kMaxEncounterBytes = size_t{1} << 20;
// Charges on one encounter.
inline constexpr int kMaxCharges = 1000;
// One referral event, in any format.
inline constexpr size_t kMaxEventBytes = size_t{1} << 20;
// A referral log given in one call (a batch of events).
inline constexpr size_t kMaxLogBytes = size_t{256} << 20;
// Rows in one Arrow record batch (a stream may have any number of batches).
inline constexpr int64_t kMaxBatchRows = (int64_t{1} << 31) - 1;

}  // namespace divert::limits

#endif  // DIVERT_LIMITS_H_
