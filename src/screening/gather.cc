#include "screening/gather.h"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace divert::screening {
namespace {

// The set bits of `bytes` bytes (a word at a time, without a POPCNT
// instruction, which the baseline x86-64 lacks).
int64_t Ones(const uint8_t* bits, int64_t bytes) {
  int64_t ones = 0;
  int64_t i = 0;
  for (; i + 8 <= bytes; i += 8) {
    uint64_t x;
    std::memcpy(&x, bits + i, 8);
    x = x - ((x >> 1) & 0x5555555555555555ULL);
    x = (x & 0x3333333333333333ULL) + ((x >> 2) & 0x3333333333333333ULL);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0FULL;
    ones += static_cast<int64_t>((x * 0x0101010101010101ULL) >> 56);
  }
  for (; i < bytes; ++i) {
    for (unsigned b = bits[i]; b != 0; b &= b - 1) ++ones;
  }
  return ones;
}

// nulls[k] for each column k with a validity bitmap, from its bits.
void CountNulls(int64_t n, int columns, uint8_t* const* validity,
                int64_t* nulls) {
  for (int k = 0; k < columns; ++k) {
    nulls[k] = validity[k] == nullptr ? 0 : n - Ones(validity[k], (n + 7) / 8);
  }
}

// Rows [from, n) one at a time: column k's value by is_null(k, value).
template <typename T, typename IsNull>
void GatherTail(const T* table, int stride, const int32_t* codes, int64_t from,
                int64_t n, int columns, T* const* out, uint8_t* const* validity,
                IsNull is_null) {
  for (int64_t r = from; r < n; ++r) {
    const T* entry = table + int64_t{codes[r]} * stride;
    for (int k = 0; k < columns; ++k) {
      // Without validity, the column has no null: copied as it is.
      const bool null = validity[k] != nullptr && is_null(entry[k]);
      out[k][r] = null ? T{0} : entry[k];
      if (validity[k] == nullptr) continue;
      if ((r & 7) == 0) validity[k][r >> 3] = 0;
      validity[k][r >> 3] |= static_cast<uint8_t>((null ? 0u : 1u) << (r & 7));
    }
  }
}

}  // namespace

void GatherBytes(const uint8_t* table, const int32_t* codes, int64_t n,
                 int columns, uint8_t* const* out, uint8_t* const* validity,
                 int64_t* nulls) {
  int64_t r = 0;
#if defined(__SSE2__)
  const __m128i null_byte = _mm_set1_epi8(static_cast<char>(kNullByte));
  // 16 rows of 16 bytes, transposed by four rounds of interleaving vector
  // i with vector i + 8: each round rotates the (vector, byte) address
  // bits by one, so four rounds swap them.
  for (; r + 16 <= n; r += 16) {
    // The fixed loops below are unrolled so that the 16 vectors stay in
    // registers at every optimization level.
    __m128i a[16], b[16];
#pragma GCC unroll 16
    for (int j = 0; j < 16; ++j) {
      a[j] = _mm_loadu_si128(
          reinterpret_cast<const __m128i*>(table + int64_t{codes[r + j]} * 16));
    }
#pragma GCC unroll 4
    for (int round = 0; round < 4; ++round) {
      __m128i* from = round % 2 == 0 ? a : b;
      __m128i* to = round % 2 == 0 ? b : a;
#pragma GCC unroll 8
      for (int i = 0; i < 8; ++i) {
        to[2 * i] = _mm_unpacklo_epi8(from[i], from[i + 8]);
        to[2 * i + 1] = _mm_unpackhi_epi8(from[i], from[i + 8]);
      }
    }
#pragma GCC unroll 16
    for (int k = 0; k < 16; ++k) {
      if (k == columns) break;
      __m128i v = a[k];
      if (validity[k] != nullptr) {
        const __m128i null = _mm_cmpeq_epi8(v, null_byte);
        const unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(null));
        const uint16_t bits = static_cast<uint16_t>(~mask);
        std::memcpy(validity[k] + (r >> 3), &bits, 2);
        v = _mm_andnot_si128(null, v);
      }
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out[k] + r), v);
    }
  }
#endif
  GatherTail<uint8_t>(table, 16, codes, r, n, columns, out, validity,
                      [](uint8_t v) { return v == kNullByte; });
  CountNulls(n, columns, validity, nulls);
}

void GatherInt32x4(const int32_t* table, const int32_t* codes, int64_t n,
                   int32_t* const* out, uint8_t* const* validity,
                   int64_t* nulls) {
  int64_t r = 0;
#if defined(__SSE2__)
  // Eight rows: two blocks of 4 rows x 4 columns, each transposed, so that
  // each column's validity gets a whole byte.
  for (; r + 8 <= n; r += 8) {
    __m128i column[2][4];
#pragma GCC unroll 2
    for (int half = 0; half < 2; ++half) {
      __m128i a[4];
#pragma GCC unroll 4
      for (int j = 0; j < 4; ++j) {
        a[j] = _mm_loadu_si128(reinterpret_cast<const __m128i*>(
            table + int64_t{codes[r + 4 * half + j]} * 4));
      }
      const __m128i t0 = _mm_unpacklo_epi32(a[0], a[1]);
      const __m128i t1 = _mm_unpacklo_epi32(a[2], a[3]);
      const __m128i t2 = _mm_unpackhi_epi32(a[0], a[1]);
      const __m128i t3 = _mm_unpackhi_epi32(a[2], a[3]);
      column[half][0] = _mm_unpacklo_epi64(t0, t1);
      column[half][1] = _mm_unpackhi_epi64(t0, t1);
      column[half][2] = _mm_unpacklo_epi64(t2, t3);
      column[half][3] = _mm_unpackhi_epi64(t2, t3);
    }
#pragma GCC unroll 4
    for (int k = 0; k < 4; ++k) {
      __m128i lo = column[0][k], hi = column[1][k];
      if (validity[k] != nullptr) {
        const __m128i lo_null = _mm_srai_epi32(lo, 31);
        const __m128i hi_null = _mm_srai_epi32(hi, 31);
        const unsigned mask =
            static_cast<unsigned>(_mm_movemask_ps(_mm_castsi128_ps(lo_null))) |
            static_cast<unsigned>(_mm_movemask_ps(_mm_castsi128_ps(hi_null))) << 4;
        validity[k][r >> 3] = static_cast<uint8_t>(~mask);
        lo = _mm_andnot_si128(lo_null, lo);
        hi = _mm_andnot_si128(hi_null, hi);
      }
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out[k] + r), lo);
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out[k] + r + 4), hi);
    }
  }
#endif
  GatherTail<int32_t>(table, 4, codes, r, n, 4, out, validity,
                      [](int32_t v) { return v < 0; });
  CountNulls(n, 4, validity, nulls);
}

}  // namespace divert::screening
