// Per-thread working memory for evaluation: the CEL activations of the
// versions a thread has used recently, and reusable messages, so that a
// decision allocates (almost) nothing once a thread is warm.
#ifndef DIVERT_SRC_ELIGIBILITY_EVALUATION_SCRATCH_H_
#define DIVERT_SRC_ELIGIBILITY_EVALUATION_SCRATCH_H_

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "divert/cel/cel.h"
#include "divert/v1/encounter.pb.h"
#include "eligibility/compiled_version.h"
#include "eligibility/decision_record.h"
#include "eligibility/encounter_decoder.h"
#include "google/protobuf/arena.h"

namespace divert::eligibility {

class EvaluationScratch {
 public:
  // The calling thread's scratch.
  static EvaluationScratch& ForThisThread();

  // An activation for `version`'s programs, its parameters bound and unset
  // fields unknown; null when the version has no programs. Valid until the
  // next call on this thread with other versions.
  cel::Activation* ActivationFor(const CompiledVersion& version);

  EvaluationScratch();
  EvaluationScratch(const EvaluationScratch&) = delete;
  EvaluationScratch& operator=(const EvaluationScratch&) = delete;

  // Parses a serialized encounter into memory reused from one decision to
  // the next (a reused heap message would free and allocate its
  // submessages on every parse); null when the bytes are not an
  // Encounter. Valid until the next call on this thread.
  v1::Encounter* ParseEncounter(absl::string_view bytes);

  // Decodes canonical serialized encounters into a reused message.
  EncounterDecoder decoder;
  // The encounter being decided, enriched from the catalog.
  v1::Encounter enriched;
  // The decision being worked out.
  DecisionRecord record;
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
  // ParseEncounter's memory: an arena whose first block (enough for any
  // ordinary encounter) is reused on every reset.
  static constexpr size_t kEncounterBlockSize = 16 << 10;
  std::unique_ptr<char[]> encounter_block_;
  google::protobuf::Arena encounter_arena_;
};

}  // namespace divert::eligibility

#endif  // DIVERT_SRC_ELIGIBILITY_EVALUATION_SCRATCH_H_
