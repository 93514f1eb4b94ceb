// Gathering the rows of small per-result tables into columns: each row of
// a batch has a result index, and every result column's value for a row is
// its result's entry. Rows are gathered 16 (bytes) or 4 (int32 values) at
// a time and transposed in registers, so that each column gets whole
// vector stores instead of one store per value.
#ifndef DIVERT_SRC_SCREENING_GATHER_H_
#define DIVERT_SRC_SCREENING_GATHER_H_

#include <cstdint>

namespace divert::screening {

// out[k][r] = table[codes[r] * 16 + k] for k < columns (at most 16) and
// r < n: `table` holds 16 bytes per code.
void GatherBytes(const uint8_t* table, const int32_t* codes, int64_t n,
                 int columns, uint8_t* const* out);

// out[k][r] = table[codes[r] * 4 + k] for k < 4 and r < n: `table` holds
// four values per code.
void GatherInt32x4(const int32_t* table, const int32_t* codes, int64_t n,
                   int32_t* const* out);

// Sets bit r of `bits` (zeroed, (n + 7) / 8 bytes) when by_code[codes[r]]
// is not negative; returns how many are.
int64_t NonNegativeBits(const int32_t* by_code, const int32_t* codes, int64_t n,
                        uint8_t* bits);

}  // namespace divert::screening

#endif  // DIVERT_SRC_SCREENING_GATHER_H_
