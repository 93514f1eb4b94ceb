// What an evaluation reads and writes: the activation's state (bindings,
// unknown patterns, arena) and the per-evaluation frame (locals of
// comprehensions and the paths of their elements).
#ifndef DIVERT_SRC_EXPR_EVAL_FRAME_H_
#define DIVERT_SRC_EXPR_EVAL_FRAME_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "divert/cel/cel.h"
#include "divert/cel/value.h"
#include "expr/variable_table.h"
#include "google/protobuf/arena.h"

namespace divert::cel {

// An attribute marked unknown, e.g. "encounter.person.age".
struct UnknownPattern {
  std::string path;
  std::vector<std::string> segments;  // {"encounter", "person", "age"}
  // The unknown value naming `path`, made once by MarkUnknown so that
  // evaluations that meet it need not allocate.
  std::unique_ptr<UnknownValue> value;
};

// Bits of ActivationState::slot_flags.
inline constexpr uint8_t kSlotBound = 1;    // a value is bound
inline constexpr uint8_t kSlotWatched = 2;  // an unknown pattern may cover it

// The state behind an Activation.
struct ActivationState {
  explicit ActivationState(std::shared_ptr<const VariableTable> table);
  ActivationState(const ActivationState&) = delete;
  ActivationState& operator=(const ActivationState&) = delete;

  std::shared_ptr<const VariableTable> variables;
  std::vector<Value> slots;
  // Per slot: kSlotBound | kSlotWatched. A slot whose flags are exactly
  // kSlotBound can be read without further checks.
  std::vector<uint8_t> slot_flags;
  // Per slot: the variable name split at dots.
  std::vector<std::vector<std::string>> slot_segments;
  std::vector<UnknownPattern> unknowns;
  bool unset_fields_are_unknown = false;

  // Values created while evaluating; the first block lives inside the
  // state so that small evaluations never touch the heap.
  static constexpr size_t kInitialBlockSize = 4096;
  alignas(16) char initial_block[kInitialBlockSize];
  Arena arena;
};

// The path of a comprehension element whose range was an attribute, e.g.
// "encounter.charges[1]"; built on the stack while the loop runs.
struct ElementPath {
  const ElementPath* parent;     // path of the range's root local, or null
  const std::string* root_name;  // used when parent is null
  const std::string* suffix;     // the range's selections after the root
  size_t index;

  std::string Text() const;
};

// One evaluation.
struct Frame {
  const Value* slots = nullptr;
  const uint8_t* slot_flags = nullptr;
  const ActivationState* activation = nullptr;  // null at plan time
  Arena* arena = nullptr;
  Value* locals = nullptr;
  const ElementPath** local_paths = nullptr;
  bool unset_fields_are_unknown = false;
  // When set, an unset field reads as a placeholder unknown that names no
  // attribute (see EvalProgram::Run).
  bool unknown_placeholders = false;
};

// Finds the unknown patterns related to an access to the attribute `path`
// (variable name segments followed by field names) and sets `unknown` to
// an unknown value naming them; false when none is. A pattern is related
// when it equals the path, is a prefix of it, or extends it. When several
// are, their names are merged (allocating on `arena`).
bool MatchUnknownPatterns(const ActivationState& state,
                          absl::Span<const std::string> path, Arena* arena,
                          Value* unknown);

// True for "a", "a.b_c.d1": dotted identifiers.
bool IsAttributePath(absl::string_view path);

// The private state of Activation is an ActivationState; the evaluator
// reaches it through Program::StateOf (Program is a friend of Activation).
struct Activation::State : ActivationState {
  using ActivationState::ActivationState;
};

}  // namespace divert::cel

#endif  // DIVERT_SRC_EXPR_EVAL_FRAME_H_
