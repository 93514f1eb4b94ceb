#include "screening/gather.h"

#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace divert::screening {

void GatherBytes(const uint8_t* table, const int32_t* codes, int64_t n,
                 int columns, uint8_t* const* out) {
  int64_t r = 0;
#if defined(__SSE2__)
  // 16 rows of 16 bytes, transposed by four rounds of interleaving vector
  // i with vector i + 8: each round rotates the (vector, byte) address
  // bits by one, so four rounds swap them.
  for (; r + 16 <= n; r += 16) {
    __m128i a[16], b[16];
    for (int j = 0; j < 16; ++j) {
      a[j] = _mm_loadu_si128(
          reinterpret_cast<const __m128i*>(table + int64_t{codes[r + j]} * 16));
    }
    for (int round = 0; round < 4; ++round) {
      __m128i* from = round % 2 == 0 ? a : b;
      __m128i* to = round % 2 == 0 ? b : a;
      for (int i = 0; i < 8; ++i) {
        to[2 * i] = _mm_unpacklo_epi8(from[i], from[i + 8]);
        to[2 * i + 1] = _mm_unpackhi_epi8(from[i], from[i + 8]);
      }
    }
    for (int k = 0; k < columns; ++k) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out[k] + r), a[k]);
    }
  }
#endif
  for (; r < n; ++r) {
    const uint8_t* entry = table + int64_t{codes[r]} * 16;
    for (int k = 0; k < columns; ++k) out[k][r] = entry[k];
  }
}

void GatherInt32x4(const int32_t* table, const int32_t* codes, int64_t n,
                   int32_t* const* out) {
  int64_t r = 0;
#if defined(__SSE2__)
  for (; r + 4 <= n; r += 4) {
    __m128i a[4];
    for (int j = 0; j < 4; ++j) {
      a[j] = _mm_loadu_si128(
          reinterpret_cast<const __m128i*>(table + int64_t{codes[r + j]} * 4));
    }
    const __m128i t0 = _mm_unpacklo_epi32(a[0], a[1]);
    const __m128i t1 = _mm_unpacklo_epi32(a[2], a[3]);
    const __m128i t2 = _mm_unpackhi_epi32(a[0], a[1]);
    const __m128i t3 = _mm_unpackhi_epi32(a[2], a[3]);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out[0] + r), _mm_unpacklo_epi64(t0, t1));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out[1] + r), _mm_unpackhi_epi64(t0, t1));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out[2] + r), _mm_unpacklo_epi64(t2, t3));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out[3] + r), _mm_unpackhi_epi64(t2, t3));
  }
#endif
  for (; r < n; ++r) {
    const int32_t* entry = table + int64_t{codes[r]} * 4;
    for (int k = 0; k < 4; ++k) out[k][r] = entry[k];
  }
}

int64_t NonNegativeBits(const int32_t* by_code, const int32_t* codes, int64_t n,
                        uint8_t* bits) {
  int64_t count = 0;
  int64_t r = 0;
  for (; r + 8 <= n; r += 8) {
    unsigned byte = 0;
    for (int j = 0; j < 8; ++j) {
      const unsigned valid = by_code[codes[r + j]] >= 0 ? 1u : 0u;
      byte |= valid << j;
      count += valid;
    }
    bits[r >> 3] = static_cast<uint8_t>(byte);
  }
  for (; r < n; ++r) {
    if (by_code[codes[r]] >= 0) {
      bits[r >> 3] |= static_cast<uint8_t>(1u << (r & 7));
      ++count;
    }
  }
  return count;
}

}  // namespace divert::screening
