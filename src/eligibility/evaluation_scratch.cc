#include "eligibility/evaluation_scratch.h"

namespace divert::eligibility {

EvaluationScratch& EvaluationScratch::ForThisThread() {
  thread_local EvaluationScratch scratch;
  return scratch;
}

cel::Activation* EvaluationScratch::ActivationFor(
    const CompiledVersion& version) {
  if (version.some_program == nullptr) return nullptr;
  for (Slot& slot : slots_) {
    if (slot.version_id == version.id) return slot.activation.get();
  }
  Slot& slot = slots_[next_slot_];
  next_slot_ = (next_slot_ + 1) % slots_.size();
  slot.version_id = version.id;
  slot.activation = std::make_unique<cel::Activation>(*version.some_program);
  slot.activation->set_unset_fields_are_unknown(true);
  for (const auto& [name, value] : version.parameters) {
    slot.activation->Bind(name, value);
  }
  return slot.activation.get();
}

}  // namespace divert::eligibility
