// libFuzzer target: arbitrary bytes through parse → check → plan → evaluate.
//
// The input is used as a CEL expression twice: type-checked against an
// environment with scalar variables and an Encounter, and unchecked. Every
// program that compiles is evaluated over fixed bindings. Any crash, leak or
// sanitizer report is a bug; errors are expected and fine.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "divert/cel/cel.h"
#include "divert/v1/encounter.pb.h"

namespace {

using divert::cel::Activation;
using divert::cel::Environment;
using divert::cel::Program;
using divert::cel::Value;

const Environment& CheckedEnvironment() {
  static const Environment* env = [] {
    auto* e = new Environment();
    e->set_container("divert.v1");
    (void)e->DeclareVariable("x", "int");
    (void)e->DeclareVariable("s", "string");
    (void)e->DeclareVariable("l", "list(int)");
    (void)e->DeclareVariable("m", "map(string, int)");
    (void)e->DeclareVariable("encounter", "divert.v1.Encounter");
    return e;
  }();
  return *env;
}

const divert::v1::Encounter& SampleEncounter() {
  static const divert::v1::Encounter* encounter = [] {
    auto* e = new divert::v1::Encounter();
    e->set_pathway(divert::v1::ARREST_DIVERSION);
    e->mutable_person()->set_age(30);
    divert::v1::Charge* charge = e->add_charges();
    charge->set_statute_code("PL 155.25");
    charge->set_level(divert::v1::MISDEMEANOR);
    e->mutable_occurred_at()->set_seconds(1700000000);
    return e;
  }();
  return *encounter;
}

void Run(const Program& program, bool unknowns) {
  Activation activation(program);
  activation.Bind("x", Value::Int(7));
  activation.Bind("s", Value::String("text"));
  activation.BindMessage("encounter", SampleEncounter());
  if (unknowns) {
    (void)activation.MarkUnknown("encounter.person.age");
    activation.set_unset_fields_are_unknown(true);
  }
  Value result = program.Evaluate(activation);
  (void)result;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string source(reinterpret_cast<const char*>(data), size);
  auto checked = CheckedEnvironment().Compile(source);
  if (checked.ok()) {
    Run(**checked, false);
    Run(**checked, true);
  }
  static const Environment* const unchecked_env = new Environment();
  auto unchecked = unchecked_env->CompileUnchecked(source);
  if (unchecked.ok()) Run(**unchecked, false);
  return 0;
}
