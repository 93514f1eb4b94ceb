// divert::cel::Activation: variable bindings, unknown marks and the arena
// of one evaluating thread.
#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "divert/cel/cel.h"
#include "expr/eval_frame.h"
#include "expr/proto_values.h"
#include "google/protobuf/message.h"

namespace divert::cel {
namespace {

bool Related(absl::Span<const std::string> a,
             absl::Span<const std::string> b) {
  const size_t n = std::min(a.size(), b.size());
  return std::equal(a.begin(), a.begin() + n, b.begin());
}

void BindSlot(ActivationState* state, int slot, const Value& value) {
  state->slots[slot] = value;
  state->slot_flags[slot] |= kSlotBound;
}

}  // namespace

ActivationState::ActivationState(std::shared_ptr<const VariableTable> table)
    : variables(std::move(table)),
      arena(initial_block, sizeof(initial_block)) {
  const int n = variables->size();
  slots.resize(n);
  slot_flags.assign(n, 0);
  slot_segments.reserve(n);
  for (int i = 0; i < n; ++i) {
    slot_segments.push_back(absl::StrSplit(variables->name(i), '.'));
  }
}

Activation::Activation(const Program& program)
    : state_(std::make_unique<State>(program.variables())) {}

Activation::~Activation() = default;

bool Activation::Bind(absl::string_view name, const Value& value) {
  const int slot = state_->variables->Find(name);
  if (slot < 0) return false;
  BindSlot(state_.get(), slot, value);
  return true;
}

bool Activation::BindMessage(absl::string_view name,
                             const google::protobuf::Message& message) {
  const int slot = state_->variables->Find(name);
  if (slot < 0) return false;
  BindSlot(state_.get(), slot, MessageToValue(message, &state_->arena));
  return true;
}

absl::Status Activation::MarkUnknown(absl::string_view attribute) {
  if (!IsAttributePath(attribute)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "malformed attribute path '", attribute,
        "': want dotted identifiers such as 'encounter.person.age'"));
  }
  for (const UnknownPattern& existing : state_->unknowns) {
    if (existing.path == attribute) return absl::OkStatus();
  }
  UnknownPattern pattern;
  pattern.path = std::string(attribute);
  pattern.segments = absl::StrSplit(attribute, '.');
  pattern.value = std::make_unique<UnknownValue>(
      std::vector<std::string>{pattern.path});
  for (size_t slot = 0; slot < state_->slot_segments.size(); ++slot) {
    if (Related(state_->slot_segments[slot], pattern.segments)) {
      state_->slot_flags[slot] |= kSlotWatched;
    }
  }
  state_->unknowns.push_back(std::move(pattern));
  return absl::OkStatus();
}

void Activation::set_unset_fields_are_unknown(bool value) {
  state_->unset_fields_are_unknown = value;
}

void Activation::Clear() {
  // Resetting an arena costs more than a small evaluation, so the values of
  // small evaluations share the first block until they fill half of it,
  // and are freed together.
  if (state_->arena.SpaceUsed() > State::kInitialBlockSize / 2) {
    state_->arena.Reset();
  }
}

void Activation::Reset() {
  state_->arena.Reset();
  std::fill(state_->slots.begin(), state_->slots.end(), Value());
  std::fill(state_->slot_flags.begin(), state_->slot_flags.end(), 0);
  state_->unknowns.clear();
}

Arena* Activation::arena() { return &state_->arena; }

}  // namespace divert::cel
