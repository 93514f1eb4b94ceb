#include "eligibility/evaluation_scratch.h"

namespace divert::eligibility {

namespace {

google::protobuf::ArenaOptions FirstBlock(char* block, size_t size) {
  google::protobuf::ArenaOptions options;
  options.initial_block = block;
  options.initial_block_size = size;
  return options;
}

}  // namespace

EvaluationScratch::EvaluationScratch()
    : encounter_block_(new char[kEncounterBlockSize]),
      encounter_arena_(
          FirstBlock(encounter_block_.get(), kEncounterBlockSize)) {}

v1::Encounter* EvaluationScratch::ParseEncounter(absl::string_view bytes) {
  encounter_arena_.Reset();
  auto* encounter =
      google::protobuf::Arena::CreateMessage<v1::Encounter>(&encounter_arena_);
  if (!encounter->ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return nullptr;
  }
  return encounter;
}

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
