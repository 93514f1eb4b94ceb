#include "eligibility/decision_id.h"

#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"

namespace divert::eligibility {

uint64_t Fnv1a64(absl::string_view bytes, uint64_t hash) {
  constexpr uint64_t kPrime = 0x100000001b3ULL;
  for (unsigned char c : bytes) {
    hash ^= c;
    hash *= kPrime;
  }
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
  // A zero byte after each text keeps ("ab", "c") apart from ("a", "bc").
  static constexpr char kSeparator[1] = {'\0'};
  uint64_t hash = Fnv1a64(site_id);
  hash = Fnv1a64(absl::string_view(kSeparator, 1), hash);
  hash = Fnv1a64(version, hash);
  hash = Fnv1a64(absl::string_view(kSeparator, 1), hash);
  hash = Fnv1a64(*buffer, hash);
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
