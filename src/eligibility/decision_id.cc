#include "eligibility/decision_id.h"

#include <cstring>

#include "absl/base/config.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace divert::eligibility {
namespace {

constexpr uint64_t kGoldenRatio = 0x9e3779b97f4a7c15ULL;  // 2^64 / phi
constexpr uint64_t kMixMultiplier = 0xff51afd7ed558ccdULL;

uint64_t Absorb(uint64_t hash, uint64_t word) {
  word *= kGoldenRatio;
  word ^= word >> 32;
  hash ^= word;
  hash *= kMixMultiplier;
  return hash ^ (hash >> 29);
}

// Eight bytes as a little-endian number, on any machine.
uint64_t LoadWord(const char* p) {
  uint64_t word;
  std::memcpy(&word, p, sizeof(word));
#ifdef ABSL_IS_BIG_ENDIAN
  word = __builtin_bswap64(word);
#endif
  return word;
}

// The last 1 to 7 bytes as a little-endian number.
uint64_t LoadTail(const char* p, size_t n) {
  uint64_t word = 0;
  for (size_t i = 0; i < n; ++i) {
    word |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  }
  return word;
}

// Spreads every input bit over the whole result (a final avalanche).
uint64_t Finish(uint64_t hash) {
  hash ^= hash >> 33;
  hash *= kMixMultiplier;
  hash ^= hash >> 33;
  hash *= 0xc4ceb9fe1a85ec53ULL;
  return hash ^ (hash >> 33);
}

}  // namespace

uint64_t StableHash64(absl::string_view bytes, uint64_t hash) {
  hash = Absorb(hash, bytes.size());
  const char* p = bytes.data();
  size_t left = bytes.size();
  for (; left >= 8; p += 8, left -= 8) {
    hash = Absorb(hash, LoadWord(p));
  }
  if (left > 0) hash = Absorb(hash, LoadTail(p, left));
  return hash;
}

void MakeDecisionId(absl::string_view site_id, absl::string_view version,
                    const v1::Encounter& encounter, std::string* buffer,
                    std::string* id) {
  const size_t size = encounter.ByteSizeLong();
  buffer->resize(size);
  {
    google::protobuf::io::ArrayOutputStream stream(buffer->data(),
                                                   static_cast<int>(size));
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    encounter.SerializeWithCachedSizes(&coded);
  }
  MakeDecisionIdFromBytes(site_id, version, *buffer, id);
}

void MakeDecisionIdFromBytes(absl::string_view site_id,
                             absl::string_view version,
                             absl::string_view encounter_bytes,
                             std::string* id) {
  uint64_t hash = StableHash64(site_id);
  hash = StableHash64(version, hash);
  hash = Finish(StableHash64(encounter_bytes, hash));
  static constexpr char kHex[] = "0123456789abcdef";
  id->resize(20);
  char* out = id->data();
  out[0] = 'd';
  out[1] = 'e';
  out[2] = 'c';
  out[3] = '-';
  for (int i = 0; i < 16; ++i) {
    out[4 + i] = kHex[(hash >> (60 - 4 * i)) & 0xf];
  }
}

}  // namespace divert::eligibility
