// Gathering the rows of small per-result tables into columns: each row of
// a batch has a result index, and every result column's value for a row is
// its result's entry. Rows are gathered 16 (bytes) or 8 (int32 values) at
// a time and transposed in registers, so that each column gets whole
// vector stores instead of one store per value; a null entry (a marker in
// the table) becomes a 0 value and a clear bit of the column's validity
// bitmap in the same pass.
#ifndef DIVERT_SRC_SCREENING_GATHER_H_
#define DIVERT_SRC_SCREENING_GATHER_H_

#include <cstdint>

namespace divert::screening {

// The byte of a null entry in GatherBytes's table.
inline constexpr uint8_t kNullByte = 0xFF;

// For k < columns (at most 16) and r < n, with e = table[codes[r] * 16 +
// k] (`table` holds 16 bytes per code): out[k][r] = e, or 0 when e is
// kNullByte. When validity[k] is not null, bit r of it ((n + 7) / 8 bytes,
// every one written) is set when e is not kNullByte, and nulls[k] is the
// number of rows whose e is; else column k has no kNullByte.
void GatherBytes(const uint8_t* table, const int32_t* codes, int64_t n,
                 int columns, uint8_t* const* out, uint8_t* const* validity,
                 int64_t* nulls);

// The same for four int32 columns (`table` holds four values per code): a
// negative entry is null.
void GatherInt32x4(const int32_t* table, const int32_t* codes, int64_t n,
                   int32_t* const* out, uint8_t* const* validity,
                   int64_t* nulls);

}  // namespace divert::screening

#endif  // DIVERT_SRC_SCREENING_GATHER_H_
