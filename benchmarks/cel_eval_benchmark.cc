// Benchmarks for evaluating compiled CEL conditions.
//
// BM_EvalPeerExpression evaluates the expression that
// benchmarks/compare_celgo.py also times with cel-go, on the same bindings,
// so the two figures can be compared as a ratio.
#include <memory>
#include <string>

#include "benchmark/benchmark.h"
#include "divert/cel/cel.h"
#include "divert/v1/encounter.pb.h"

namespace divert::cel {
namespace {

constexpr char kPeerExpression[] =
    R"((Origin == "MOW" || Country == "RU") && (Value >= 100 || Adults == 1))";

std::shared_ptr<const Program> CompilePeerExpression() {
  static Environment* env = [] {
    auto* e = new Environment();
    (void)e->DeclareVariable("Origin", "string");
    (void)e->DeclareVariable("Country", "string");
    (void)e->DeclareVariable("Value", "int");
    (void)e->DeclareVariable("Adults", "int");
    return e;
  }();
  return env->Compile(kPeerExpression).value();
}

void BM_EvalPeerExpression(benchmark::State& state) {
  std::shared_ptr<const Program> program = CompilePeerExpression();
  Activation activation(*program);
  activation.Bind("Origin", Value::String("MOW"));
  activation.Bind("Country", Value::String("RU"));
  activation.Bind("Value", Value::Int(150));
  activation.Bind("Adults", Value::Int(2));
  for (auto _ : state) {
    Value result = program->Evaluate(activation);
    if (!result.IsBool() || !result.bool_value()) {
      state.SkipWithError("unexpected result");
      break;
    }
    benchmark::DoNotOptimize(result);
  }
}
BENCHMARK(BM_EvalPeerExpression);

// The same expression over four rotating binding sets, as
// `compare_celgo.py --celgo-rows 4` times cel-go.
void BM_EvalPeerExpressionFourRows(benchmark::State& state) {
  std::shared_ptr<const Program> program = CompilePeerExpression();
  struct Row {
    const char* origin;
    const char* country;
    int64_t value;
    int64_t adults;
    bool expected;
  };
  static constexpr Row kRows[] = {{"MOW", "RU", 150, 2, true},
                                  {"LHR", "GB", 50, 1, false},
                                  {"LED", "RU", 80, 1, true},
                                  {"MOW", "FR", 99, 3, false}};
  std::unique_ptr<Activation> activations[4];
  for (int i = 0; i < 4; ++i) {
    activations[i] = std::make_unique<Activation>(*program);
    activations[i]->Bind("Origin", Value::String(kRows[i].origin));
    activations[i]->Bind("Country", Value::String(kRows[i].country));
    activations[i]->Bind("Value", Value::Int(kRows[i].value));
    activations[i]->Bind("Adults", Value::Int(kRows[i].adults));
  }
  size_t i = 0;
  for (auto _ : state) {
    Value result = program->Evaluate(*activations[i & 3]);
    if (!result.IsBool() || result.bool_value() != kRows[i & 3].expected) {
      state.SkipWithError("unexpected result");
      break;
    }
    ++i;
  }
}
BENCHMARK(BM_EvalPeerExpressionFourRows);

// A typical eligibility condition over an Encounter message: field
// selection, enums, a macro over repeated charges.
void BM_EvalEncounterCondition(benchmark::State& state) {
  static Environment* env = [] {
    auto* e = new Environment();
    e->set_container("divert.v1");
    (void)e->DeclareVariable("encounter", "divert.v1.Encounter");
    return e;
  }();
  std::shared_ptr<const Program> program =
      env->Compile(
             "encounter.pathway == Pathway.ARREST_DIVERSION && "
             "encounter.charges.all(c, c.level in [OffenseLevel.MISDEMEANOR, "
             "OffenseLevel.VIOLATION] && !c.violent) && "
             "encounter.person.age >= 18")
          .value();
  v1::Encounter encounter;
  encounter.set_pathway(v1::ARREST_DIVERSION);
  encounter.mutable_person()->set_age(34);
  for (int i = 0; i < 3; ++i) {
    v1::Charge* charge = encounter.add_charges();
    charge->set_statute_code("PL 155.25");
    charge->set_level(v1::MISDEMEANOR);
    charge->set_violent(false);
  }
  Activation activation(*program);
  activation.BindMessage("encounter", encounter);
  for (auto _ : state) {
    Value result = program->Evaluate(activation);
    if (!result.IsBool() || !result.bool_value()) {
      state.SkipWithError("unexpected result");
      break;
    }
    activation.Clear();
  }
}
BENCHMARK(BM_EvalEncounterCondition);

}  // namespace
}  // namespace divert::cel
