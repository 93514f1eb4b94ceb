// Compiling and evaluating CEL conditions.
//
// Every rule condition in divert (eligibility criteria, exclusions, review
// triggers, workflow guards, metric filters) is a CEL expression. An
// Environment declares the variables a condition may use and their types;
// Compile parses and type-checks the source once, reporting every problem
// with line:column, and returns an immutable, thread-safe Program. Each
// evaluation binds values in an Activation (one per thread) and runs the
// program:
//
//   divert::cel::Environment env;
//   env.DeclareVariable("age", "int");
//   auto program = env.Compile("age >= 18");
//   divert::cel::Activation activation(**program);
//   activation.Bind("age", divert::cel::Value::Int(30));
//   divert::cel::Value result = (*program)->Evaluate(activation);  // true
#ifndef DIVERT_CEL_CEL_H_
#define DIVERT_CEL_CEL_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "divert/cel/value.h"
#include "divert/v1/expr.pb.h"

namespace google::protobuf {
class DescriptorPool;
class Message;
}  // namespace google::protobuf

namespace divert::cel {

// Hard limits that keep hostile or accidental input from exhausting the
// stack or memory. Exceeding one is a compile error, never a crash.
struct Limits {
  // Length of the source text, in code points.
  int max_expression_length = 65536;
  // Depth of the expression tree (parentheses, calls, operators, ...).
  int max_nesting_depth = 128;
  // Number of nodes in the expression tree, after macro expansion.
  int max_nodes = 25000;
};

// One problem found while compiling an expression.
struct CompileIssue {
  enum class Kind { kSyntax, kType, kLimit };
  Kind kind = Kind::kSyntax;
  // 1-based line, and 1-based column in code points; 0 when unknown.
  int line = 0;
  int column = 0;
  std::string message;
};

// Formats issues the way CEL tools do, with the source line and a caret:
//
//   ERROR: rule-7:1:9: undeclared reference to 'agee'
//    | age >= agee
//    | ........^
std::string FormatIssues(absl::string_view source,
                         absl::Span<const CompileIssue> issues,
                         absl::string_view location = "<input>");

class Program;

// Internal: the variables of an environment and their activation slots.
class VariableTable;

// Declarations a condition is compiled against.
//
// Configure an Environment fully, then compile: declaring a variable after
// the first Compile fails with FailedPrecondition. An Environment is
// thread-compatible while being configured and thread-safe afterwards.
class Environment {
 public:
  // CEL's standard functions and no variables; message types are resolved
  // in the generated descriptor pool (all of divert.v1 is there).
  Environment();
  // As above, resolving message types in `pool`, which must outlive the
  // environment and every program compiled from it.
  explicit Environment(const google::protobuf::DescriptorPool* pool);
  ~Environment();
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;

  // Declares a variable. `type` is written in CEL's notation: "bool",
  // "int", "uint", "double", "string", "bytes", "null_type", "dyn",
  // "list(string)", "map(string, int)", "google.protobuf.Timestamp",
  // "google.protobuf.Duration", or a message name such as
  // "divert.v1.Encounter". Fails on a malformed or unknown type, or a name
  // declared twice.
  absl::Status DeclareVariable(absl::string_view name, absl::string_view type);
  absl::Status DeclareVariable(absl::string_view name, const v1::Type& type);

  // The namespace in which type and enum names are resolved, e.g.
  // "divert.v1" lets a condition say `Pathway.SOCIAL_CONTACT`.
  void set_container(absl::string_view container);
  void set_limits(const Limits& limits);
  const Limits& limits() const;

  // Parses and type-checks `source` and plans it for evaluation. On failure
  // returns InvalidArgument whose message is FormatIssues of every issue
  // found; `issues`, when not null, receives them. `location` names the
  // source in messages (a rule id, a file name).
  absl::StatusOr<std::shared_ptr<const Program>> Compile(
      absl::string_view source, std::vector<CompileIssue>* issues = nullptr,
      absl::string_view location = "<input>") const;

  // Parses and plans `source` without type checking: types are checked as
  // the program runs, and identifiers need no declaration. For tools and
  // tests that evaluate ad-hoc expressions; conditions in policies are
  // always checked.
  absl::StatusOr<std::shared_ptr<const Program>> CompileUnchecked(
      absl::string_view source, std::vector<CompileIssue>* issues = nullptr,
      absl::string_view location = "<input>") const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

// The values an evaluation sees: variable bindings, unknown attributes, and
// the arena that holds values created while evaluating.
//
// Not thread-safe: use one Activation per thread. Values a program returns
// stay valid until Clear() or the Activation's destruction. Bound strings,
// lists and messages must outlive the Activation's use.
class Activation {
 public:
  // An activation for `program` and every program compiled (checked) in the
  // same environment.
  explicit Activation(const Program& program);
  ~Activation();
  Activation(const Activation&) = delete;
  Activation& operator=(const Activation&) = delete;

  // Binds a variable. Returns false, and binds nothing, when no program of
  // this activation's environment refers to `name`.
  bool Bind(absl::string_view name, const Value& value);
  // Binds a variable to a protobuf message, which must outlive the use.
  bool BindMessage(absl::string_view name,
                   const google::protobuf::Message& message);

  // Marks an attribute unknown: a variable ("x") or a field path
  // ("encounter.person.age"). Evaluating a program that needs it returns an
  // unknown value naming it, unless the result does not depend on it
  // (`false && unknown` is false). Fails on a malformed path.
  absl::Status MarkUnknown(absl::string_view attribute);
  // When true, reading a protobuf field that has explicit presence
  // (`optional` scalars, message fields) and is not set gives an unknown
  // value naming its path, instead of the field's default.
  void set_unset_fields_are_unknown(bool value);

  // Forgets the values created by earlier evaluations: they must not be
  // used after it (their memory is reclaimed once they fill part of the
  // activation's first block). Bindings stay, so values bound from this
  // activation's own arena must be bound again.
  void Clear();
  // Forgets bindings and unknown marks too.
  void Reset();

  Arena* arena();

 private:
  friend class Program;
  struct State;
  std::unique_ptr<State> state_;
};

// A compiled condition: immutable and safe to evaluate from many threads
// at once, each with its own Activation.
class Program {
 public:
  virtual ~Program() = default;

  // Evaluates the program with the bindings in `activation`. The result may
  // be an error or an unknown value. It is valid until `activation` is
  // cleared or destroyed.
  virtual Value Evaluate(Activation& activation) const = 0;

  // The checked expression (for an unchecked program, every type is dyn).
  virtual const v1::CheckedExpr& checked_expr() const = 0;
  // The type the checker deduced for the result, in CEL's notation
  // ("bool", "list(int)"); "dyn" for an unchecked program.
  virtual std::string result_type() const = 0;

  // Internal: the variable slots this program reads.
  virtual const std::shared_ptr<const VariableTable>& variables() const = 0;

 protected:
  // For implementations: the bindings and arena behind an activation.
  static Activation::State& StateOf(Activation& activation) {
    return *activation.state_;
  }
};

}  // namespace divert::cel

#endif  // DIVERT_CEL_CEL_H_
