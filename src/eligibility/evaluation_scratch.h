// Per-thread working memory for evaluation: the CEL activations of the
// versions a thread has used recently, and reusable messages, so that a
// decision allocates (almost) nothing once a thread is warm.
#ifndef DIVERT_SRC_ELIGIBILITY_EVALUATION_SCRATCH_H_
#define DIVERT_SRC_ELIGIBILITY_EVALUATION_SCRATCH_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "divert/cel/cel.h"
#include "divert/v1/decision.pb.h"
#include "divert/v1/encounter.pb.h"
#include "eligibility/compiled_version.h"

namespace divert::eligibility {

class EvaluationScratch {
 public:
  // The calling thread's scratch.
  static EvaluationScratch& ForThisThread();

  // An activation for `version`'s programs, its parameters bound and unset
  // fields unknown; null when the version has no programs. Valid until the
  // next call on this thread with other versions.
  cel::Activation* ActivationFor(const CompiledVersion& version);

  // The encounter being decided, enriched from the catalog.
  v1::Encounter enriched;
  // EvaluateSerialized's parsed input and its decision.
  v1::Encounter parsed;
  v1::Decision decision;
  // The deterministic serialization hashed into the decision id.
  std::string encounter_bytes;

 private:
  struct Slot {
    uint64_t version_id = 0;
    std::unique_ptr<cel::Activation> activation;
  };
  // A thread usually decides with one version, sometimes a few (comparing
  // versions, several sites); the oldest slot is reused.
  std::array<Slot, 4> slots_;
  size_t next_slot_ = 0;
};

}  // namespace divert::eligibility

#endif  // DIVERT_SRC_ELIGIBILITY_EVALUATION_SCRATCH_H_
