// libFuzzer target: an encounter from arbitrary bytes (binary protobuf, or
// proto3 JSON when the first byte is odd) decided by Example 1
// (examples/policies/example1_new_york.textproto) along every per-record
// path. The paths must agree: Evaluate, EvaluateInto with a reused Decision
// and EvaluateSerialized give the same decision, byte for byte, or the same
// error.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/string_view.h"
#include "divert/eligibility/policy.h"
#include "divert/v1/decision.pb.h"
#include "divert/v1/encounter.pb.h"
#include "fuzz_support.h"
#include "google/protobuf/util/json_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const divert::CompiledPolicy& policy = *divert::fuzz::Example1();
  const std::string input(reinterpret_cast<const char*>(data) + 1, size - 1);
  divert::v1::Encounter encounter;
  if (data[0] & 1) {
    if (!google::protobuf::util::JsonStringToMessage(input, &encounter).ok()) {
      return 0;
    }
  } else if (!encounter.ParseFromString(input)) {
    return 0;
  }
  const std::string bytes = encounter.SerializeAsString();

  absl::StatusOr<divert::v1::Decision> decision = policy.Evaluate(encounter);
  static divert::v1::Decision* reused = new divert::v1::Decision();
  absl::Status into = policy.EvaluateInto(encounter, reused);
  std::string serialized;
  absl::Status from_bytes = policy.EvaluateSerialized(bytes, &serialized);

  if (decision.ok() != into.ok() || decision.ok() != from_bytes.ok()) std::abort();
  if (!decision.ok()) {
    if (decision.status().message().empty()) std::abort();
    if (decision.status() != into || decision.status() != from_bytes) std::abort();
    return 0;
  }
  const std::string expected = decision->SerializeAsString();
  if (reused->SerializeAsString() != expected) std::abort();
  if (serialized != expected) std::abort();
  // Deciding under each version by its label never crashes either.
  for (const divert::v1::PolicyVersion& version : policy.policy().versions()) {
    (void)policy.EvaluateWithVersion(encounter, version.version());
  }
  return 0;
}
