// libFuzzer target: a site policy from arbitrary bytes, in text format, proto3
// JSON or binary (the first byte chooses), compiled; every policy that
// compiles decides a fixed encounter, checks its fidelity and renders its
// documents. Failing to compile is expected and fine; a crash, a leak, a
// sanitizer report or a compile error without a message is a bug.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "divert/eligibility/policy.h"
#include "divert/v1/encounter.pb.h"
#include "fuzz_support.h"

namespace {

divert::v1::Encounter SampleEncounter() {
  divert::v1::Encounter e;
  e.set_pathway(divert::v1::ARREST_DIVERSION);
  e.mutable_occurred_at()->set_seconds(1710000000);  // 2024-03-09
  e.mutable_person()->set_age(30);
  e.mutable_person()->mutable_needs()->set_drugs(true);
  divert::v1::Charge* charge = e.add_charges();
  charge->set_statute_code("PL 155.25");
  charge->set_level(divert::v1::MISDEMEANOR);
  return e;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const absl::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::vector<divert::PolicyIssue> issues;
  absl::StatusOr<std::shared_ptr<const divert::CompiledPolicy>> policy;
  switch (data[0] % 3) {
    case 0: policy = divert::CompiledPolicy::FromTextFormat(input, &issues); break;
    case 1: policy = divert::CompiledPolicy::FromJson(input, &issues); break;
    default: policy = divert::CompiledPolicy::FromBinary(input, &issues); break;
  }
  if (!policy.ok()) {
    if (policy.status().message().empty()) std::abort();
    for (const divert::PolicyIssue& issue : issues) {
      if (issue.message.empty()) std::abort();
    }
    return 0;
  }
  static const divert::v1::Encounter encounter = SampleEncounter();
  (void)(*policy)->Evaluate(encounter);
  for (const divert::v1::PolicyVersion& version : (*policy)->policy().versions()) {
    (void)(*policy)->EvaluateWithVersion(encounter, version.version());
  }
  (void)(*policy)->CheckFidelity();
  (void)(*policy)->RenderMarkdown();
  (void)(*policy)->RenderHtml();
  return 0;
}
