#include "expr/eval_program.h"

#include "absl/status/status.h"

namespace divert::cel {

EvalProgram::EvalProgram(v1::CheckedExpr checked, std::string result_type,
                         std::shared_ptr<const VariableTable> variables)
    : checked_(std::move(checked)),
      result_type_(std::move(result_type)),
      variables_(std::move(variables)) {}

Value EvalProgram::Evaluate(Activation& activation) const {
  return Run(StateOf(activation));
}

Value EvalProgram::Run(ActivationState& state) const {
  if (state.variables.get() != variables_.get()) {
    return MakeError(&state.arena,
                     absl::FailedPreconditionError(
                         "the activation was made for another environment"));
  }
  if (!state.unset_fields_are_unknown) return RunOnce(state, false);
  // An unset field reads as an unknown naming its path, which costs text
  // and memory, and most such unknowns are absorbed (`a || b` with b true).
  // No result but an unknown depends on the names, so evaluate first with
  // placeholders, and again with the names only when the result is unknown.
  Value result = RunOnce(state, /*unknown_placeholders=*/true);
  if (!result.IsUnknown()) return result;
  return RunOnce(state, /*unknown_placeholders=*/false);
}

Value EvalProgram::RunOnce(ActivationState& state,
                           bool unknown_placeholders) const {
  Frame frame;
  frame.slots = state.slots.data();
  frame.slot_flags = state.slot_flags.data();
  frame.activation = &state;
  frame.arena = &state.arena;
  frame.unset_fields_are_unknown = state.unset_fields_are_unknown;
  frame.unknown_placeholders = unknown_placeholders;
  if (num_locals_ == 0) return root_->Eval(frame);

  constexpr int kInlineLocals = 16;
  alignas(Value) unsigned char local_bytes[kInlineLocals * sizeof(Value)];
  const ElementPath* path_storage[kInlineLocals];
  if (num_locals_ <= kInlineLocals) {
    frame.locals = reinterpret_cast<Value*>(local_bytes);
    frame.local_paths = path_storage;
  } else {
    frame.locals = static_cast<Value*>(
        state.arena.AllocateAligned(num_locals_ * sizeof(Value)));
    frame.local_paths = static_cast<const ElementPath**>(
        state.arena.AllocateAligned(num_locals_ * sizeof(ElementPath*)));
  }
  for (int i = 0; i < num_locals_; ++i) frame.local_paths[i] = nullptr;
  return root_->Eval(frame);
}

}  // namespace divert::cel
