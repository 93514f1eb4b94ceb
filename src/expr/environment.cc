// Environment: declarations, and the compile pipeline parse → check → plan.
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "divert/cel/cel.h"
#include "expr/checker.h"
#include "expr/parser.h"
#include "expr/planner.h"
#include "expr/type_names.h"
#include "expr/variable_table.h"
#include "divert/v1/encounter.pb.h"
#include "google/protobuf/descriptor.h"

namespace divert::cel {

struct Environment::State {
  const google::protobuf::DescriptorPool* pool;
  std::string container;
  Limits limits;
  // Shared with every program compiled here; frozen by the first Compile.
  std::shared_ptr<VariableTable> variables = std::make_shared<VariableTable>();
  mutable bool frozen = false;
};

namespace {

// The generated pool knows a message type only once its generated code is
// linked in. Touching the descriptors here links divert's own messages
// into every program that compiles conditions, even when it never names
// them in C++ (a static link drops unreferenced objects).
const google::protobuf::DescriptorPool* PoolWithDivertTypes() {
  (void)v1::Encounter::descriptor();
  return google::protobuf::DescriptorPool::generated_pool();
}

}  // namespace

Environment::Environment() : Environment(PoolWithDivertTypes()) {}

Environment::Environment(const google::protobuf::DescriptorPool* pool)
    : state_(std::make_unique<State>()) {
  state_->pool = pool;
}

Environment::~Environment() = default;

absl::Status Environment::DeclareVariable(absl::string_view name,
                                          absl::string_view type) {
  absl::StatusOr<v1::Type> parsed = ParseTypeName(type, *state_->pool);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "variable '", name, "': ", parsed.status().message()));
  }
  return DeclareVariable(name, *parsed);
}

absl::Status Environment::DeclareVariable(absl::string_view name,
                                          const v1::Type& type) {
  if (state_->frozen) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot declare variable '", name,
        "' after the environment has compiled an expression"));
  }
  if (name.empty()) {
    return absl::InvalidArgumentError("a variable needs a name");
  }
  if (state_->variables->Add(name, type) < 0) {
    return absl::AlreadyExistsError(
        absl::StrCat("variable '", name, "' is declared twice"));
  }
  return absl::OkStatus();
}

void Environment::set_container(absl::string_view container) {
  state_->container = std::string(container);
}

void Environment::set_limits(const Limits& limits) { state_->limits = limits; }

const Limits& Environment::limits() const { return state_->limits; }

namespace {

// Turns the issues of a failed stage into the status Compile returns.
absl::Status CompileFailure(absl::string_view source,
                            const std::vector<CompileIssue>& issues,
                            absl::string_view location,
                            const absl::Status& stage_status) {
  if (issues.empty()) return stage_status;
  return absl::InvalidArgumentError(FormatIssues(source, issues, location));
}

}  // namespace

absl::StatusOr<std::shared_ptr<const Program>> Environment::Compile(
    absl::string_view source, std::vector<CompileIssue>* issues,
    absl::string_view location) const {
  std::vector<CompileIssue> found;
  absl::StatusOr<v1::ParsedExpr> parsed =
      Parse(source, state_->limits, &found);
  if (parsed.ok()) {
    parsed->mutable_source_info()->set_location(std::string(location));
    state_->frozen = true;
    CheckerOptions options;
    options.variables = state_->variables.get();
    options.pool = state_->pool;
    options.container = state_->container;
    absl::StatusOr<v1::CheckedExpr> checked =
        Check(*std::move(parsed), options, &found);
    if (checked.ok()) {
      auto program = PlanChecked(*std::move(checked), state_->variables,
                                 state_->pool, &found);
      if (program.ok()) return program;
      if (issues != nullptr) *issues = found;
      return CompileFailure(source, found, location, program.status());
    }
    if (issues != nullptr) *issues = found;
    return CompileFailure(source, found, location, checked.status());
  }
  if (issues != nullptr) *issues = found;
  return CompileFailure(source, found, location, parsed.status());
}

absl::StatusOr<std::shared_ptr<const Program>> Environment::CompileUnchecked(
    absl::string_view source, std::vector<CompileIssue>* issues,
    absl::string_view location) const {
  std::vector<CompileIssue> found;
  absl::StatusOr<v1::ParsedExpr> parsed =
      Parse(source, state_->limits, &found);
  if (!parsed.ok()) {
    if (issues != nullptr) *issues = found;
    return CompileFailure(source, found, location, parsed.status());
  }
  parsed->mutable_source_info()->set_location(std::string(location));
  auto program = PlanUnchecked(*std::move(parsed), *state_->variables,
                               state_->pool, &found);
  if (program.ok()) return program;
  if (issues != nullptr) *issues = found;
  return CompileFailure(source, found, location, program.status());
}

}  // namespace divert::cel
